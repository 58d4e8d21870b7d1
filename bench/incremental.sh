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
#
# Runs in a throwaway cluster (pg_virtualenv) with the extension as
# installed.  Run as root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
if [[ -z ${PG_VIRTUALENV_INSIDE:-} ]]; then
	PG_VIRTUALENV_INSIDE=1 exec pg_virtualenv -t -v 15 -o shared_buffers=2GB -o work_mem=256MB -o max_wal_size=8GB bash "$0" "$@"
fi
customers=${1:-100000}
runs=${BENCH_RUNS:-3}
db=incremental_bench
psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db)
psql -X -q -d postgres -c "CREATE DATABASE $db"
PGDATABASE=$db data/load.sh "$customers" 42 >/dev/null
"${psql[@]}" <<'SQL'
CREATE EXTENSION journey;
SELECT percentile_disc(0.99) WITHIN GROUP (ORDER BY ts) AS cut FROM events \gset
CREATE TABLE new_events AS SELECT * FROM events WHERE ts >= :'cut';
CREATE TABLE old_events AS SELECT * FROM events WHERE ts < :'cut';
CREATE TABLE stored (customer_id bigint PRIMARY KEY, j journey NOT NULL);
INSERT INTO stored SELECT customer_id, journey_agg(ts, event, value) FROM old_events GROUP BY 1;
-- 20 copies of each history, a year apart: long journeys, TOASTed
CREATE TABLE stored_long (customer_id bigint PRIMARY KEY, j journey NOT NULL);
INSERT INTO stored_long SELECT customer_id, journey_agg(ts - k * interval '1 year', event, value)
FROM old_events, generate_series(0, 19) k GROUP BY 1;
VACUUM ANALYZE;
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
rebuild="CREATE TABLE rebuilt AS SELECT customer_id, journey_agg(ts, event, value) AS j FROM (TABLE old_events UNION ALL TABLE new_events) e GROUP BY 1"
read -r nnew touched total bytes long_bytes < <("${psql[@]}" -F ' ' -c "SELECT (SELECT count(*) FROM new_events), (SELECT count(DISTINCT customer_id) FROM new_events),
	(SELECT count(*) FROM events), pg_total_relation_size('stored'), pg_total_relation_size('stored_long')")
a=$(best "$(printf "$append" stored)")
r=$(best "$rebuild")
l=$(best "$(printf "$append" stored_long)")
echo "journey $(git rev-parse --short HEAD 2>/dev/null || echo '?'): keeping $customers stored journeys current; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$nnew new events (1% of $total), for $touched customers"
printf '%-62s %10s\n' "" "best ms"
printf '%-62s %10s\n' "append the new events (INSERT ... ON CONFLICT, j || excluded.j)" "$a"
printf '%-62s %10s\n' "rebuild every journey from all events" "$r"
printf '%-62s %10s\n' "append to journeys 20 x longer ($((long_bytes / 1048576)) MB against $((bytes / 1048576)) MB)" "$l"
awk -v a="$a" -v r="$r" -v l="$l" -v t="$touched" 'BEGIN {
	printf "append / rebuild: %.3f; per touched journey: %.1f us, %.1f us when 20 x longer (%.1f x)\n", a / r, a * 1000 / t, l * 1000 / t, l / a }'
