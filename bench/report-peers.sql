-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The peers part of the report for one size (psql -v size=LABEL -v
-- timeout=S, the statement_timeout of the timed runs): journey
-- against plain PostgreSQL SQL, DuckDB and ClickHouse on the same events,
-- from the
-- bench.* tables that bench/measure.sh filled.  Every figure is the best
-- timed run; every ratio is journey / peer, so below 1 is journey faster.

\pset footer off
\pset null ''

\echo
SELECT format('=== %s: journey against plain SQL, DuckDB and ClickHouse (same run, same events; best of %s runs each) ===',
	:'size', (SELECT max(runs) FROM bench.duckdb WHERE size = :'size'))
\g (tuples_only format=unaligned)
SELECT format('load average %s at the start, %s at the end; DuckDB and ClickHouse %s', s.loadavg, e.loadavg,
	'with their default threads (one per core), PostgreSQL serial')
FROM bench.peer_load s, bench.peer_load e
WHERE s.size = :'size' AND s.at = 'start' AND e.size = :'size' AND e.at = 'end'
\g (tuples_only format=unaligned)

\pset title 'journey / peer (below 1 = journey faster)'
SELECT question,
	CASE WHEN journey_over THEN 'TIMEOUT' ELSE lpad(round(journey_ms::numeric, 1)::text, 9) END AS "journey ms",
	CASE WHEN plain_over THEN 'TIMEOUT > ' || :'timeout' || ' s'
		ELSE lpad(round(plain_ms::numeric, 1)::text, 9) END AS "plain SQL ms",
	CASE WHEN journey_ms > 0 AND plain_ms > 0 THEN round((journey_ms / plain_ms)::numeric, 2)::text
		WHEN journey_ms > 0 AND plain_over THEN '< ' || round((journey_ms / (:'timeout' * 1000))::numeric, 2)
		END AS "/ plain SQL",
	lpad(round(duckdb_ms::numeric, 1)::text, 9) AS "DuckDB ms",
	CASE WHEN journey_ms > 0 AND duckdb_ms > 0 THEN round((journey_ms / duckdb_ms)::numeric, 2)::text END
		AS "/ DuckDB",
	lpad(round(clickhouse_ms::numeric, 1)::text, 9) AS "ClickHouse ms",
	CASE WHEN journey_ms > 0 AND clickhouse_ms > 0 THEN round((journey_ms / clickhouse_ms)::numeric, 2)::text END
		AS "/ ClickHouse",
	CASE WHEN same THEN 'equal' ELSE 'DIFFERENT' END AS checksums
FROM bench.peers(:'size') ORDER BY ord;

\pset title 'Checksums (every engine''s must be the same in a row)'
SELECT ord AS "#", journey_sum AS journey,
	CASE WHEN plain_sum IS NULL THEN '' WHEN plain_sum = journey_sum THEN 'same'
		WHEN bench.same_sum(plain_sum, journey_sum) THEN 'same to 1e-6: ' || plain_sum ELSE plain_sum END AS "plain SQL",
	CASE WHEN duckdb_sum = journey_sum THEN 'same'
		WHEN bench.same_sum(duckdb_sum, journey_sum) THEN 'same to 1e-6: ' || duckdb_sum
		ELSE coalesce(duckdb_sum, 'MISSING') END AS "DuckDB",
	CASE WHEN clickhouse_sum = journey_sum THEN 'same'
		WHEN bench.same_sum(clickhouse_sum, journey_sum) THEN 'same to 1e-6: ' || clickhouse_sum
		ELSE coalesce(clickhouse_sum, 'MISSING') END AS "ClickHouse"
FROM bench.peers(:'size') ORDER BY ord;

\pset title
\echo 'Rows 1-9 read what a user stores once: rows 3-9 stored journeys (built by analytics.sql, not timed here), DuckDB and'
\echo '  ClickHouse the events table (ClickHouse a MergeTree ordered by customer and time), there being no stored form; rows'
\echo '  10-12 read the raw events on every engine.  journey and plain SQL: EXPLAIN (ANALYZE, TIMING OFF), every row made, none'
\echo '  sent; DuckDB: CREATE TEMP TABLE AS, ClickHouse: CREATE TABLE ENGINE = Memory AS, every row made and kept in memory.'
\echo '  Checksums are computed from each result, untimed (row counts, sums, levels, credit per label to 6 decimals, md5 of'
\echo '  the ordered rows; credits summed in another order may differ by 1e-6).  No plain SQL for the funnel: the exact'
\echo '  one (every start) needs a self-join per step.  Plain SQL slower than BENCH_SLOW in its warm-up: one timed run.'
