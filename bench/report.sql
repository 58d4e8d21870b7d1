-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The report for one size (psql -v size=LABEL), from the bench.* tables
-- that bench/measure.sh filled.

\pset footer off
\pset null ''

-- Median of the timed runs per query.  A query cancelled by
-- statement_timeout has no median; ms is then the time until the cancel,
-- a lower bound, and over is set.
CREATE TEMP VIEW med AS
SELECT section, name,
	coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
		FILTER (WHERE run > 0 AND NOT timed_out),
		max(ms) FILTER (WHERE timed_out)) AS ms,
	count(*) FILTER (WHERE run > 0 AND NOT timed_out) = 0 AS over,
	min(ms) FILTER (WHERE run > 0 AND NOT timed_out) AS lo,
	max(ms) FILTER (WHERE run > 0 AND NOT timed_out) AS hi,
	count(*) FILTER (WHERE run > 0 AND NOT timed_out) AS n,
	bench.shape((array_agg(plan ORDER BY run))[1]) AS shape,
	(array_agg(plan ORDER BY timed_out, run DESC))[1] AS plan
FROM bench.runs WHERE size = :'size'
	AND section IN ('serial', 'sorted', 'parallel')	-- the rest: report-analytics.sql
GROUP BY section, name;

\echo
SELECT format('=== %s: %s customers, %s events, events table %s (load + vacuum %s s) ===',
	size, customers, events, pg_size_pretty(events_bytes), round(load_s))
FROM bench.sizes WHERE size = :'size' \g (tuples_only format=unaligned)

SELECT 'settings: ' || string_agg(name || '=' || current_setting(name), ' '
	ORDER BY name) ||
	E'\nserver: ' || split_part(version(), ' (', 1) ||
	'; ' || (SELECT max(n) FROM med) ||
	' timed runs per query after 1 warm-up, median shown; ' ||
	:'timeout' || ' s statement_timeout'
FROM pg_settings
WHERE name IN ('shared_buffers', 'work_mem', 'hash_mem_multiplier',
	'max_parallel_workers_per_gather', 'jit', 'autovacuum', 'fsync')
\g (tuples_only format=unaligned)

\pset title 'Time (EXPLAIN ANALYZE, TIMING OFF: every row made, none sent to the client) and backend memory'
SELECT m.section, m.name AS query, m.shape AS plan,
	CASE WHEN m.over THEN 'TIMEOUT > ' || round(m.ms::numeric)
		ELSE lpad(round(m.ms::numeric, 1)::text, 9) END AS "median ms",
	CASE WHEN m.n = 1 THEN 'n=1'
		WHEN m.n > 1 THEN round(m.lo::numeric) || '..' || round(m.hi::numeric)
	END AS "min..max",
	bench.ratio(m.ms, m.over, c.ms, c.over) AS "/ count same section",
	bench.ratio(m.ms, m.over, f.ms, f.over) AS "/ floor",
	bench.mb(mem.anon_kb) AS "peak anon",
	bench.mb(mem.hwm_kb) AS "VmHWM growth",
	CASE WHEN m.over THEN '-' ELSE
		bench.plan_memory(coalesce(mem.plan, m.plan)) END AS "plan-reported memory"
FROM med m
JOIN med f ON f.section = 'serial' AND f.name = 'count'
LEFT JOIN med c ON c.section = m.section AND c.name = 'count'
LEFT JOIN bench.memory mem ON mem.size = :'size' AND mem.section = m.section
	AND mem.name = m.name
ORDER BY array_position('{serial,sorted,parallel}', m.section),
	array_position('{count,count_cols,journey_agg,array_agg}', m.name);

\pset title 'Ratios and targets'
-- Each ratio: the median of query a over the median of query b, by
-- (section, name), with its target where there is one.
WITH t(ord, what, a_section, a_name, b_section, b_name, target, limit_) AS (VALUES
	(1, 'journey_agg / count (the floor), serial, hash allowed',
		'serial', 'journey_agg', 'serial', 'count', '<= 1.5x', 1.5),
	(2, 'array_agg(ORDER BY ts) / count (the floor)', 'serial', 'array_agg', 'serial', 'count', NULL, NULL),
	(2.5, 'count_cols / count: reading the columns journey_agg reads', 'serial', 'count_cols', 'serial', 'count', NULL, NULL),
	(3, 'journey_agg / array_agg(ORDER BY ts), serial', 'serial', 'journey_agg', 'serial', 'array_agg', '< 1x', 1),
	(4, 'journey_agg / count, both sorted (enable_hashagg=off)',
		'sorted', 'journey_agg', 'sorted', 'count', NULL, NULL),
	(5, 'journey_agg / count_cols, both sorted', 'sorted', 'journey_agg', 'sorted', 'count_cols', NULL, NULL),
	(6, 'journey_agg sorted / count (the floor)', 'sorted', 'journey_agg', 'serial', 'count', NULL, NULL),
	(7, 'journey_agg sorted / array_agg(ORDER BY ts)', 'sorted', 'journey_agg', 'serial', 'array_agg', '< 1x', 1),
	(8, 'journey_agg / count, parallel (2 workers)', 'parallel', 'journey_agg', 'parallel', 'count', NULL, NULL),
	(9, 'journey_agg parallel / journey_agg serial', 'parallel', 'journey_agg', 'serial', 'journey_agg', NULL, NULL)
)
SELECT ratio, measured, target, verdict FROM (
	SELECT t.ord, what AS ratio, bench.ratio(a.ms, a.over, b.ms, b.over) AS measured,
		coalesce(target, '') AS target,
		CASE WHEN limit_ IS NULL OR b.over THEN ''
			WHEN a.ms / b.ms < limit_ AND NOT a.over
				OR target LIKE '<=%' AND a.ms / b.ms = limit_ AND NOT a.over
				THEN 'met'
			ELSE 'MISSED' END AS verdict
	FROM t
	JOIN med a ON (a.section, a.name) = (t.a_section, t.a_name)
	JOIN med b ON (b.section, b.name) = (t.b_section, t.b_name)
	UNION ALL
	SELECT 10, 'stored journey (label = event), bytes per touchpoint',
		round(column_bytes::numeric / touches, 2) || ' B', '< 12 B',
		CASE WHEN column_bytes::numeric / touches < 12 THEN 'met' ELSE 'MISSED' END
	FROM bench.storage WHERE size = :'size' AND ord = 2
) r
ORDER BY ord;

\pset title 'Storage per touchpoint (one stored row per customer; events: one row per touchpoint)'
SELECT what AS stored, rows_ AS rows, touches AS touchpoints,
	round(column_bytes::numeric / touches, 2) AS "column B/touchpoint",
	round(table_bytes::numeric / touches, 2) AS "table B/touchpoint",
	pg_size_pretty(table_bytes) AS "table size",
	round(table_bytes::numeric /
		(SELECT table_bytes FROM bench.storage e
		 WHERE e.size = s.size AND e.ord = 1), 3) || 'x' AS "/ events table"
FROM bench.storage s WHERE size = :'size'
ORDER BY ord;

\pset title
\echo 'floor = serial count(*) GROUP BY customer_id of this run; count_cols = count(ts), count(event), count(value), i.e. the same columns as'
SELECT format('  journey_agg.  TIMEOUT: cancelled by statement_timeout (%s s), so the ratio is a lower bound (>).  n=1: the warm-up'
	|| E'\n  took longer than %s s, so one timed run only.', :'timeout', :'slow') \g (tuples_only format=unaligned)
\echo 'peak anon = highest RssAnon of the backend (private memory, sampled every 5 ms) minus before the query; VmHWM growth also counts'
\echo '  shared buffers and files the backend touched for the first time.  Parallel runs: not probed (the workers are other processes).'
\echo 'plan-reported memory: EXPLAIN''s figures for the leader (hash aggregate peak and spill, sort space); GroupAgg''s own state is not reported.'
\echo 'column B = sum(pg_column_size(value columns)) / touchpoints; table B = pg_total_relation_size (heap, TOAST, map forks) / touchpoints.'

DROP VIEW med;
