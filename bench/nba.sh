#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Next best action in real time (examples/nba/nba.sql) under pgbench: 16
# clients send events for random customers; each event is appended to the
# customer's stored journey and the actions not yet taken are ranked by a
# stored order-2 Markov model.  Against it, in the same run: the same
# ranking with the events kept only as rows (each event inserted into an
# indexed events table, the customer's journey rebuilt from its rows by
# journey_agg for the ranking), which is what a stored journey saves.  And
# one customer hit by all 16 clients at once (row lock contention), with
# the check that no event is lost.
#
#   bash bench/nba.sh [N_CUSTOMERS] [SECONDS]   (defaults 50000, 20)
#
# Runs in a throwaway cluster (pg_virtualenv) with the extension as
# installed; prints events per second and the p50/p99 latency per event
# from pgbench's per-transaction log.  Run as root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
if [[ -z ${PG_VIRTUALENV_INSIDE:-} ]]; then
	PG_VIRTUALENV_INSIDE=1 exec pg_virtualenv -t -v 15 -o shared_buffers=1GB -o max_connections=50 bash "$0" "$@"
fi
customers=${1:-50000}
seconds=${2:-20}
db=nba_bench
work=$(mktemp -d /tmp/journey-nba-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db)

psql -X -q -d postgres -c "CREATE DATABASE $db"
PGDATABASE=$db data/load.sh "$customers" 42 >/dev/null
"${psql[@]}" -c 'CREATE EXTENSION journey' -f scripts/showcase-tables.sql -f examples/nba/nba.sql >/dev/null
# the rows-only side: the events by channel (and purchase), indexed by customer
"${psql[@]}" <<'SQL'
CREATE TABLE nba_events AS
SELECT customer_id, ts, CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END AS label FROM events;
CREATE INDEX ON nba_events (customer_id, ts);
CREATE FUNCTION nba_event_rows(customer bigint, at timestamptz, event text,
                               actions text[] DEFAULT '{email,display,social,affiliate,search,referral}')
RETURNS TABLE (rank bigint, action text, conversion_probability float8, uplift float8)
LANGUAGE sql VOLATILE AS $$
    INSERT INTO nba_events VALUES (customer, at, event);
    SELECT b.ordinality, b.candidate, b.conversion_probability, b.uplift
    FROM (SELECT journey_agg(ts, label) AS j FROM nba_events WHERE customer_id = customer) s, nba_model m,
         markov_next_best(m.model, s.j, ARRAY(SELECT a FROM unnest(actions) a WHERE NOT journey_has_label(s.j, a)))
             WITH ORDINALITY b
    ORDER BY b.ordinality
$$;
VACUUM ANALYZE;
SQL

# run NAME SCRIPT: pgbench at 16 clients; prints events/s, p50, p99 (ms)
run() {
	local name=$1 script=$2
	rm -f "$work"/log.*
	(cd "$work" && pgbench -n -d $db -c 16 -j 2 -T "$seconds" --log --log-prefix=log -f "$script" >"$work/$name.out" 2>&1)
	local tps p50 p99
	tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/$name.out")
	read -r p50 p99 < <(cat "$work"/log.* | awk '{print $3}' | sort -n |
		awk '{a[NR] = $1} END {printf "%.2f %.2f\n", a[int(NR * 0.5) + 1] / 1000, a[int(NR * 0.99) + 1] / 1000}')
	printf '%-58s %10.0f %9s %9s\n' "$name" "$tps" "$p50" "$p99"
	echo "$tps"  >"$work/$name.tps"
}
printf '%s\n' "\\set c random(1, $customers)" \
	"SELECT count(*) FROM nba_event(:c, clock_timestamp(), (ARRAY['email','search','social','direct'])[1 + :c % 4]);" >"$work/stored.sql"
printf '%s\n' "\\set c random(1, $customers)" \
	"SELECT count(*) FROM nba_event_rows(:c, clock_timestamp(), (ARRAY['email','search','social','direct'])[1 + :c % 4]);" >"$work/rows.sql"
echo "SELECT count(*) FROM nba_event(9000000001, clock_timestamp(), 'client ' || :client_id);" >"$work/hot.sql"

echo "journey $(git rev-parse --short HEAD 2>/dev/null || echo '?'): next best action per event, $customers customers, 16 clients, ${seconds}s each; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-58s %10s %9s %9s\n' "" "events/s" "p50 ms" "p99 ms"
run "stored journey: nba_event (append, then rank)" "$work/stored.sql"
run "rows only: insert the event, journey_agg its rows, rank" "$work/rows.sql"
run "one customer, all 16 clients at once (row lock)" "$work/hot.sql"
hot=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/one customer, all 16 clients at once (row lock).out")
kept=$("${psql[@]}" -c "SELECT journey_length(j) FROM nba_journeys WHERE customer_id = 9000000001")
echo "stored / rows only: $(awk -v a="$(cat "$work/stored journey: nba_event (append, then rank).tps")" -v b="$(cat "$work/rows only: insert the event, journey_agg its rows, rank.tps")" 'BEGIN {printf "%.2f", a / b}') x the events per second"
echo "one customer: $hot events committed, $kept in the journey ($([[ $hot == "$kept" ]] && echo 'none lost' || echo 'LOST SOME'))"
[[ $hot == "$kept" ]]
