#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# window_funnel against ClickHouse's windowFunnel on the same generated
# events: do the levels agree, and how long does each take?
#
#   bash bench/clickhouse.sh [N_CUSTOMERS]      (default 20000, ~400k events)
#
# Uses Debian's ClickHouse (18.16: windowFunnel without modes, DateTime in
# whole seconds), started on 127.0.0.1:19000 in a temporary directory, and a
# throwaway PostgreSQL cluster with the benchmark's settings (serial,
# work_mem 256MB, jit off).  It also times two floors over the same events:
# count(*) GROUP BY customer, and the four conditions evaluated per customer.  Timestamps are truncated to seconds on both
# sides.  Run as root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
customers=${1:-20000}

bash "$here/../scripts/install-deps.sh"
bash "$here/../scripts/build.sh"

# shellcheck source=clickhouse/server.sh
source "$here/clickhouse/server.sh"
clickhouse_start 19000

# the same events for both: customer, whole-second UTC timestamp, event
cc -O2 -std=c11 -o "$work/gen_crm" "$here/../data/gen_crm.c" -lm
"$work/gen_crm" events "$customers" 42 | awk -F, '{print $1 "\t" substr($3, 1, 19) "\t" $5}' >"$work/events.tsv"
ch -q 'CREATE TABLE events (customer_id UInt64, ts DateTime, event String) ENGINE = MergeTree ORDER BY (customer_id, ts)'
ch -q 'INSERT INTO events FORMAT TabSeparated' <"$work/events.tsv"

funnel="event = 'product_view', event = 'add_to_cart', event = 'checkout', event = 'purchase'"
ch_query="SELECT customer_id, windowFunnel(604800)(ts, $funnel) AS level FROM events GROUP BY customer_id"
# three runs each: all rows to the client (as a BI tool would get them),
# and only a checksum (ClickHouse's own time, without the transfer)
ch_times=()
for run in 1 2 3; do
	start=$(date +%s.%N)
	ch -q "$ch_query FORMAT TabSeparated" >"$work/ch.tsv"
	ch_times+=("$(printf '%.0f' "$(echo "($(date +%s.%N) - $start) * 1000" | bc)")")
done
for run in 1 2 3; do
	start=$(date +%s.%N)
	ch -q "SELECT count(), sum(level) FROM ($ch_query)" >/dev/null
	ch_times+=("$(printf '%.0f' "$(echo "($(date +%s.%N) - $start) * 1000" | bc)")")
done

# Each PostgreSQL query is a view, materialised twice (CREATE TABLE AS,
# timed by psql); the second run is the figure to quote.
cat >"$work/compare.sql" <<SQL
CREATE EXTENSION journey;
SET TimeZone = UTC;
CREATE TABLE events (customer_id bigint, ts timestamptz, event text);
\copy events FROM '$work/events.tsv'
ANALYZE events;
CREATE TABLE ch (customer_id bigint, level int);
\copy ch FROM '$work/ch.tsv'
CREATE TABLE journeys AS SELECT customer_id, journey_agg(ts, event) AS j FROM events GROUP BY customer_id;
VACUUM ANALYZE journeys;

-- floors: grouping the events alone, and evaluating the four conditions
-- per customer (what any aggregate over the raw events must at least do)
CREATE VIEW floor_count AS SELECT customer_id, count(*) FROM events GROUP BY customer_id;
CREATE VIEW floor_conditions AS
SELECT customer_id, count(*) FILTER (WHERE event = 'product_view') AS c1, count(*) FILTER (WHERE event = 'add_to_cart') AS c2,
       count(*) FILTER (WHERE event = 'checkout') AS c3, count(*) FILTER (WHERE event = 'purchase') AS c4, max(ts) AS last
FROM events GROUP BY customer_id;
CREATE VIEW window_funnel AS
SELECT customer_id, window_funnel('7 days', ts, $funnel) AS level FROM events GROUP BY customer_id;
-- the same funnel on stored journeys (exact over all chains)
CREATE VIEW funnel_level AS
SELECT customer_id, funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') AS level FROM journeys;
-- a common plain-SQL funnel: each step the first matching event after the
-- step before, within 7 days of the first product view (greedy from the
-- first start, so it misses later starts that go further)
CREATE VIEW plain_sql AS
WITH s1 AS (SELECT customer_id, min(ts) AS t1 FROM events WHERE event = 'product_view' GROUP BY 1),
s2 AS (SELECT s1.customer_id, s1.t1, min(e.ts) AS t2 FROM s1 JOIN events e
       ON e.customer_id = s1.customer_id AND e.event = 'add_to_cart' AND e.ts >= s1.t1 AND e.ts <= s1.t1 + interval '7 days' GROUP BY 1, 2),
s3 AS (SELECT s2.customer_id, s2.t1, min(e.ts) AS t3 FROM s2 JOIN events e
       ON e.customer_id = s2.customer_id AND e.event = 'checkout' AND e.ts >= s2.t2 AND e.ts <= s2.t1 + interval '7 days' GROUP BY 1, 2),
s4 AS (SELECT s3.customer_id FROM s3 JOIN events e
       ON e.customer_id = s3.customer_id AND e.event = 'purchase' AND e.ts >= s3.t3 AND e.ts <= s3.t1 + interval '7 days' GROUP BY 1)
SELECT c.customer_id,
       CASE WHEN s4.customer_id IS NOT NULL THEN 4 WHEN s3.customer_id IS NOT NULL THEN 3
            WHEN s2.customer_id IS NOT NULL THEN 2 WHEN s1.customer_id IS NOT NULL THEN 1 ELSE 0 END AS level
FROM (SELECT DISTINCT customer_id FROM events) c
LEFT JOIN s1 USING (customer_id) LEFT JOIN s2 USING (customer_id)
LEFT JOIN s3 USING (customer_id) LEFT JOIN s4 USING (customer_id);

\timing on
\echo floor: count(*) GROUP BY customer_id over raw events (2 runs):
CREATE TABLE r_floor_count AS SELECT * FROM floor_count; DROP TABLE r_floor_count;
CREATE TABLE r_floor_count AS SELECT * FROM floor_count;
\echo floor: the four conditions per customer, count FILTER each and max(ts) (2 runs):
CREATE TABLE r_floor_conditions AS SELECT * FROM floor_conditions; DROP TABLE r_floor_conditions;
CREATE TABLE r_floor_conditions AS SELECT * FROM floor_conditions;
\echo window_funnel over raw events (2 runs):
CREATE TABLE ours AS SELECT * FROM window_funnel; DROP TABLE ours;
CREATE TABLE ours AS SELECT * FROM window_funnel;
\echo plain SQL over raw events (2 runs):
CREATE TABLE plain AS SELECT * FROM plain_sql; DROP TABLE plain;
CREATE TABLE plain AS SELECT * FROM plain_sql;
\echo funnel_level over stored journeys, serial (2 runs):
CREATE TABLE stored AS SELECT * FROM funnel_level; DROP TABLE stored;
CREATE TABLE stored AS SELECT * FROM funnel_level;
\echo funnel_level over stored journeys, 2 parallel workers as ClickHouse uses both cores (2 runs):
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE TABLE stored_parallel AS SELECT * FROM funnel_level; DROP TABLE stored_parallel;
CREATE TABLE stored_parallel AS SELECT * FROM funnel_level;
\timing off
EXPLAIN (COSTS OFF) SELECT * FROM funnel_level;
RESET max_parallel_workers_per_gather;
\timing off

SELECT count(*) AS customers,
       count(*) FILTER (WHERE ch.level = ours.level) AS same_level_as_clickhouse,
       count(*) FILTER (WHERE ch.level <> ours.level) AS different
FROM ch JOIN ours USING (customer_id);
SELECT level, count(*) AS customers FROM ours GROUP BY level ORDER BY level;
SELECT count(*) FILTER (WHERE stored.level = ours.level) AS funnel_level_same_as_window_funnel,
       count(*) FILTER (WHERE stored_parallel.level = ours.level) AS parallel_same
FROM stored JOIN ours USING (customer_id) JOIN stored_parallel USING (customer_id);
SELECT count(*) FILTER (WHERE plain.level <> ours.level) AS plain_sql_disagrees FROM plain JOIN ours USING (customer_id);
SQL
echo "$customers customers, $(wc -l <"$work/events.tsv") events"
echo "ClickHouse windowFunnel, all rows to the client: ${ch_times[0]} ${ch_times[1]} ${ch_times[2]} ms"
echo "ClickHouse windowFunnel, checksum only: ${ch_times[3]} ${ch_times[4]} ${ch_times[5]} ms"
# the benchmark's settings (bench/run.sh): serial unless a query says
# otherwise, room for the hash aggregates, no JIT
PGTZ=UTC pg_virtualenv -t -v 15 -o work_mem=256MB -o hash_mem_multiplier=2 -o shared_buffers=1GB \
	-o jit=off -o max_parallel_workers_per_gather=0 psql -X -q -v ON_ERROR_STOP=1 -f "$work/compare.sql"
