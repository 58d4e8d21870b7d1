#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Journeys that stay current (README, "Keeping journeys current"): stored
# journeys of N customers built from the oldest 99% of the sample events,
# then the newest 1% (about one day's worth) appended by the README's
# INSERT ... ON CONFLICT DO UPDATE SET j = j || excluded.j, against
# rebuilding every journey from all the events; and the same append to
# journeys 20 times longer (TOASTed: each is 20 copies of the history),
# where the cost of rewriting each touched journey shows.  Each timing is
# the best of BENCH_RUNS (default 3), each run rolled back.
#
#   bash bench/incremental.sh [N_CUSTOMERS]    (default 100000, ~2M events)
#   bash bench/incremental.sh --loaded         (bench/run.sh's "incremental")
#
# The first form runs in a throwaway cluster (pg_virtualenv) with the
# extension as installed, and loads the events; run it as root.  The second
# uses the events table of the database libpq points at, and drops what it
# made.  The 20-times-longer journeys are made only for up to
# BENCH_INCREMENTAL_LONG_MAX customers (default 500000: at 1.5M they
# would hold 600M touchpoints).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
runs=${BENCH_RUNS:-3}
long_max=${BENCH_INCREMENTAL_LONG_MAX:-500000}
if [[ ${1:-} == --loaded ]]; then
	psql=(psql -X -q -A -t -v ON_ERROR_STOP=1)
	trap '"${psql[@]}" -c "DROP TABLE IF EXISTS new_events, stored, stored_long"' EXIT
else
	if [[ -z ${PG_VIRTUALENV_INSIDE:-} ]]; then
		PG_VIRTUALENV_INSIDE=1 exec pg_virtualenv -t -v 15 -o shared_buffers=2GB -o work_mem=256MB -o max_wal_size=8GB bash "$0" "$@"
	fi
	db=incremental_bench
	psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db)
	psql -X -q -d postgres -c "CREATE DATABASE $db"
	PGDATABASE=$db data/load.sh "${1:-100000}" 42 >/dev/null
	"${psql[@]}" -c "CREATE EXTENSION journey"
fi
customers=$("${psql[@]}" -c "SELECT count(DISTINCT customer_id) FROM events")
long=$((customers <= long_max))
# The newest 1% arrive in a table of their own, as new events do; the
# stored journeys hold the rest.
"${psql[@]}" -v long=$long <<'SQL'
SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY ts) AS cut FROM events \gset
CREATE TABLE new_events AS SELECT * FROM events WHERE ts >= :'cut';
CREATE TABLE stored (customer_id bigint PRIMARY KEY, j journey NOT NULL);
INSERT INTO stored SELECT customer_id, journey_agg(ts, event, value) FROM events WHERE ts < :'cut' GROUP BY 1;
-- 20 copies of each history, a year apart: long journeys, TOASTed
CREATE TABLE stored_long (customer_id bigint PRIMARY KEY, j journey NOT NULL);
\if :long
INSERT INTO stored_long SELECT customer_id, journey_agg(ts - k * interval '1 year', event, value)
FROM events, generate_series(0, 19) k WHERE ts < :'cut' GROUP BY 1;
\endif
VACUUM ANALYZE new_events, stored, stored_long;
SQL

# best of $runs, in ms, of statement $1 run in a transaction rolled back
best() {
	local i ms best=
	for ((i = 0; i < runs; i++)); do
		ms=$(printf 'BEGIN;\n\\timing on\n%s;\n\\timing off\nROLLBACK;\n' "$1" | "${psql[@]}" |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1)
		if [[ -z $best ]] || (($(awk -v a="$ms" -v b="$best" 'BEGIN {print (a < b)}'))); then best=$ms; fi
	done
	echo "$best"
}
append="INSERT INTO %s AS s (customer_id, j) SELECT customer_id, journey_agg(ts, event, value) FROM new_events GROUP BY 1 ON CONFLICT (customer_id) DO UPDATE SET j = s.j || excluded.j"
rebuild="CREATE TABLE rebuilt AS SELECT customer_id, journey_agg(ts, event, value) AS j FROM events GROUP BY 1"
read -r nnew touched total bytes long_bytes < <("${psql[@]}" -F ' ' -c "SELECT (SELECT count(*) FROM new_events), (SELECT count(DISTINCT customer_id) FROM new_events),
	(SELECT count(*) FROM events), pg_total_relation_size('stored'), pg_total_relation_size('stored_long')")
a=$(best "$(printf "$append" stored)")
r=$(best "$rebuild")
echo "journey $(git rev-parse --short HEAD 2>/dev/null || echo '?'): keeping $customers stored journeys current; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$nnew new events (1% of $total), for $touched customers"
printf '%-62s %10s\n' "" "best ms"
printf '%-62s %10s\n' "append the new events (INSERT ... ON CONFLICT, j || excluded.j)" "$a"
printf '%-62s %10s\n' "rebuild every journey from all events" "$r"
if ((long)); then
	l=$(best "$(printf "$append" stored_long)")
	printf '%-62s %10s\n' "append to journeys 20 x longer ($((long_bytes / 1048576)) MB against $((bytes / 1048576)) MB)" "$l"
	awk -v a="$a" -v r="$r" -v l="$l" -v t="$touched" 'BEGIN {
		printf "append / rebuild: %.3f; per touched journey: %.1f us, %.1f us when 20 x longer (%.1f x)\n", a / r, a * 1000 / t, l * 1000 / t, l / a }'
else
	awk -v a="$a" -v r="$r" -v t="$touched" -v m="$long_max" 'BEGIN {
		printf "append / rebuild: %.3f; per touched journey: %.1f us (20 x longer journeys: not made above %d customers)\n", a / r, a * 1000 / t, m }'
fi
