-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The analytics part of the report for one size (psql -v size=LABEL
-- -v timeout=S -v slow=S): journey functions against plain SQL, from the
-- bench.* tables that bench/measure.sh filled.

\pset footer off
\pset null ''

-- Median of the timed runs per query, as in report.sql; a query that
-- failed has its error (and no median).
CREATE TEMP VIEW amed AS
SELECT section, name,
	coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)
		FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL),
		max(ms) FILTER (WHERE timed_out)) AS ms,
	count(*) FILTER (WHERE timed_out) > 0 AND
		count(*) FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL) = 0 AS over,
	min(error) AS error,
	min(ms) FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL) AS lo,
	max(ms) FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL) AS hi,
	count(*) FILTER (WHERE run > 0 AND NOT timed_out AND error IS NULL) AS n,
	bench.shape((array_agg(plan ORDER BY run) FILTER (WHERE plan IS NOT NULL))[1]) AS shape,
	(array_agg(plan ORDER BY timed_out, run DESC) FILTER (WHERE plan IS NOT NULL))[1] AS plan
FROM bench.runs
WHERE size = :'size'
	AND section IN ('sessions', 'identity', 'paths', 'attribution', 'drivers', 'trends', 'retention', 'markov', 'models')
GROUP BY section, name;

-- What each query is, what it is compared with, and the target: the
-- baseline's time divided by the query's at least this.
CREATE TEMP TABLE aq (section text, ord int, name text, what text,
					  baseline text, target numeric);
INSERT INTO aq VALUES
	('sessions', 1, 'session_number', 'session_number(ts, ''30 minutes'') OVER (PARTITION BY customer_id ORDER BY ts), all rows', 'session_lag_sum', 2),
	('sessions', 2, 'session_lag_sum', '  baseline: sum(CASE WHEN ts - lag(ts) > 30 min OR lag IS NULL ...) OVER (... ROWS UNBOUNDED PRECEDING)', NULL, NULL),
	('sessions', 3, 'session_row_number', '  floor: row_number() OVER the same window (the Sort and a WindowAgg that does nothing)', NULL, NULL),
	('sessions', 4, 'session_count', 'stored: sum(journey_session_count(j))', 'session_count_sql', 10),
	('sessions', 5, 'journey_sessions', 'stored: count(*) FROM journeys, journey_sessions(j)', 'session_count_sql', 10),
	('sessions', 6, 'session_count_sql', '  baseline: sum(CASE WHEN ts - lag(ts) > 30 min OR lag IS NULL ...) over raw events', NULL, NULL),
	('sessions', 7, 'decode_header', '  floor of a stored query: count(journey_length(j)), every journey read, its header decoded', NULL, NULL),
	('sessions', 8, 'decode_all', '  bare decode: count(journey_end(j)), every touchpoint decoded', NULL, NULL),
	('identity', 1, 'identity_resolve', 'identity_resolve((SELECT identity_links(a, b) FROM links))', 'identity_cte', NULL),
	('identity', 2, 'identity_cte', '  baseline: recursive CTE (closure, UNION), min(id) per identifier; enable_mergejoin=off', NULL, NULL),
	('paths', 1, 'top_paths', 'top_paths((SELECT path_counts(j) FROM channel journeys), 20)', 'top_paths_sql', 10),
	('paths', 2, 'top_paths_sql', '  baseline: LAG to collapse repeats, string_agg(ORDER BY ts), GROUP BY path, top 20', NULL, NULL),
	('paths', 3, 'transitions', 'transitions((SELECT transition_counts(j) FROM channel journeys))', 'transitions_sql', 10),
	('paths', 4, 'transitions_sql', '  baseline: LAG + LEAD, GROUP BY (channel, next), (start) and moves unpivoted', NULL, NULL),
	('attribution', 1, 'attr_linear', 'linear: label, sum(credit) FROM journeys, journey_attribution(j, ...) GROUP BY label', 'attr_linear_sql', NULL),
	('attribution', 2, 'attr_linear_sql', '  baseline: running count of purchases, count per (customer, conversion) window', NULL, NULL),
	('attribution', 3, 'attr_position_based', 'position_based: the same', 'attr_position_based_sql', NULL),
	('attribution', 4, 'attr_position_based_sql', '  baseline: as linear, plus row_number() per conversion', NULL, NULL),
	('attribution', 5, 'attr_time_decay', 'time_decay (half-life 7 days): the same', 'attr_time_decay_sql', NULL),
	('attribution', 6, 'attr_time_decay_sql', '  baseline: as linear, 2^(-age / half-life) over its sum per conversion', NULL, NULL),
	('attribution', 7, 'attr_last_touch', 'last_touch: the same', 'attr_last_touch_sql', NULL),
	('attribution', 8, 'attr_last_touch_sql', '  baseline: lag(label) at each purchase', NULL, NULL),
	('attribution', 9, 'attr_first_touch', 'first_touch: the same', NULL, NULL),
	('attribution', 10, 'attr_counts_linear', 'linear: attribution_credits(attribution_counts(j, ...)), one aggregate', 'attr_linear', NULL),
	('attribution', 11, 'attr_counts_position_based', 'position_based: the same', 'attr_position_based', NULL),
	('attribution', 12, 'attr_counts_time_decay', 'time_decay: the same', 'attr_time_decay', NULL),
	('attribution', 13, 'attr_counts_last_touch', 'last_touch: the same', 'attr_last_touch', NULL),
	('attribution', 14, 'attr_counts_first_touch', 'first_touch: the same', 'attr_first_touch', NULL),
	('drivers', 1, 'conversion_drivers', 'conversion_drivers((SELECT driver_counts(j, ''{purchase}'') FROM event journeys)): counts, odds ratio, p-values', 'conversion_drivers_sql', NULL),
	('drivers', 2, 'conversion_drivers_sql', '  baseline: first purchase per customer, DISTINCT (customer, event) before it, counts and odds ratio (no p-value)', NULL, NULL),
	('trends', 1, 'funnel_trends', 'funnel_trends((SELECT funnel_trend_counts(j, 4 steps, ''7 days'', ''month'') FROM event journeys))', 'funnel_trends_sql', NULL),
	('trends', 2, 'funnel_trends_sql', '  baseline: funnel_timestamps per journey, GROUP BY entry month and step', NULL, NULL),
	('trends', 3, 'funnel_any', 'funnel_report((SELECT funnel_counts(j, 4 other steps, ''7 days'', NULL, NULL, ''{any_order}'') FROM event journeys))', 'funnel_any_sql', NULL),
	('trends', 4, 'funnel_any_sql', '  baseline: per event a RANGE window of 7 days per step, the most steps per customer, counted per step', NULL, NULL),
	('retention', 1, 'activity_retention', 'activity_retention((SELECT activity_counts(j, ''product_view'', ''purchase'', ''week'', ''Europe/Berlin'') FROM event journeys)): the dense grid', 'activity_retention_sql', NULL),
	('retention', 2, 'activity_retention_sql', '  baseline: first product view per customer, DISTINCT (cohort, customer, week) of purchases after it, date_trunc weeks, generate_series triangle', NULL, NULL);

CREATE TEMP VIEW arows AS
SELECT q.section, q.ord, q.what AS query,
	coalesce(m.shape, '') AS plan,
	CASE WHEN m.name IS NULL THEN 'not run'
		WHEN m.error IS NOT NULL THEN 'ERROR'
		WHEN m.over THEN 'TIMEOUT > ' || round(m.ms::numeric)
		ELSE lpad(round(m.ms::numeric, 1)::text, 9) END AS "median ms",
	CASE WHEN m.n = 1 THEN 'n=1'
		WHEN m.n > 1 THEN round(m.lo::numeric) || '..' || round(m.hi::numeric)
	END AS "min..max",
	bench.mb(mem.anon_kb) AS "peak anon",
	CASE WHEN q.baseline IS NULL THEN ''
		WHEN m.error IS NOT NULL OR b.error IS NOT NULL THEN '?'
		ELSE bench.ratio(b.ms, b.over, m.ms, m.over) END AS "speed-up",
	CASE WHEN q.target IS NULL THEN '' ELSE '>= ' || q.target || 'x' END AS target,
	CASE WHEN q.target IS NULL THEN ''
		WHEN m.ms IS NULL OR m.over OR m.error IS NOT NULL THEN 'MISSED'
		WHEN b.ms IS NULL OR b.error IS NOT NULL THEN '?'
		WHEN b.ms / m.ms >= q.target THEN 'met'
		WHEN b.over THEN '? (lower bound)'
		ELSE 'MISSED' END AS verdict,
	coalesce(m.error, '') AS error
FROM aq q
LEFT JOIN amed m ON m.section = q.section AND m.name = q.name
LEFT JOIN amed b ON b.section = q.section AND b.name = q.baseline
LEFT JOIN bench.memory mem ON mem.size = :'size' AND mem.section = q.section
	AND mem.name = q.name;

\echo
SELECT format('=== %s: journey functions against plain SQL (same cluster, same run) ===', :'size')
\g (tuples_only format=unaligned)

-- Sections of this run (BENCH_SECTIONS may leave some out).
SELECT bool_or(section = 'sessions') AS ran_sessions, bool_or(section = 'identity') AS ran_identity,
	bool_or(section = 'paths') AS ran_paths, bool_or(section = 'attribution') AS ran_attribution,
	bool_or(section = 'markov') AS ran_markov, bool_or(section = 'models') AS ran_models,
	bool_or(section = 'drivers') AS ran_drivers, bool_or(section = 'trends') AS ran_trends,
	bool_or(section = 'retention') AS ran_retention
FROM (SELECT DISTINCT section FROM bench.runs WHERE size = :'size'
	  UNION ALL SELECT NULL) s \gset

\pset title 'Tables built once for these sections (not part of the timings)'
SELECT tbl AS "table", what, rows_ AS rows,
	coalesce(round((ms / 1000)::numeric, 1)::text, 'see storage') AS "build s",
	pg_size_pretty(bytes) AS size
FROM bench.builds WHERE size = :'size' ORDER BY ord;

\if :ran_sessions
\pset title 'Sessions (speed-up = baseline median / this median)'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'sessions' ORDER BY ord;
-- What the stored queries cost per touchpoint above reading the values
SELECT format('Per touchpoint above the header floor (%s ms): bare decode %s ns, journey_session_count %s ns, journey_sessions %s ns',
		round(h.ms::numeric, 1),
		round(((d.ms - h.ms) * 1e6 / z.events)::numeric, 1),
		round(((c.ms - h.ms) * 1e6 / z.events)::numeric, 1),
		round(((s.ms - h.ms) * 1e6 / z.events)::numeric, 1))
FROM bench.sizes z, amed h, amed d, amed c, amed s
WHERE z.size = :'size' AND h.name = 'decode_header' AND d.name = 'decode_all'
	AND c.name = 'session_count' AND s.name = 'journey_sessions'
	AND h.section = 'sessions' AND d.section = 'sessions' AND c.section = 'sessions' AND s.section = 'sessions'
\g (tuples_only format=unaligned)
\endif

\if :ran_identity
\pset title 'Identity stitching (connected components of the links)'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'identity' ORDER BY ord;
\endif

\if :ran_paths
\pset title 'Paths over journeys labelled by channel, repeats collapsed'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'paths' ORDER BY ord;
\endif

\if :ran_attribution
\pset title 'Heuristic attribution: credit per channel for each purchase, over journeys labelled by channel or purchase'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'attribution' ORDER BY ord;
\endif

\if :ran_drivers
\pset title 'Conversion drivers: which events go with buying, over journeys labelled by event'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'drivers' ORDER BY ord;
\endif

\if :ran_retention
\pset title 'Retention by events: weekly cohorts by the first product view, retained by purchases (Berlin)'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'retention' ORDER BY ord;
\endif

\if :ran_trends
\pset title 'Funnel trends: conversion by entry month, from one summary'
SELECT query, plan, "median ms", "min..max", "peak anon", "speed-up", target, verdict
FROM arows WHERE section = 'trends' ORDER BY ord;
\endif

-- Errors of the sections above, if any.
SELECT count(*) > 0 AS has_errors FROM arows WHERE error <> '' \gset
\if :has_errors
\pset title 'Errors'
SELECT query, error FROM arows WHERE error <> ''
ORDER BY array_position('{sessions,identity,paths,attribution,drivers,trends,retention}', section), ord;
\endif

\if :ran_markov
\pset title 'Markov chain attribution: markov_attribution((SELECT markov_counts(j, ''{purchase}'', k) FROM journeys)), no baseline'
SELECT substr(m.name, 8) AS "order k",
	substring(c.detail FROM '^(\d+) states') AS states,
	CASE WHEN m.error IS NOT NULL THEN 'ERROR'
		WHEN m.over THEN 'TIMEOUT > ' || round(m.ms::numeric)
		ELSE lpad(round(m.ms::numeric, 1)::text, 9) END AS "median ms",
	CASE WHEN m.n = 1 THEN 'n=1'
		WHEN m.n > 1 THEN round(m.lo::numeric) || '..' || round(m.hi::numeric)
	END AS "min..max",
	bench.ratio(m.ms, m.over, o.ms, o.over) AS "/ order 1",
	bench.mb(mem.anon_kb) AS "peak anon",
	bench.mb(mem.hwm_kb) AS "VmHWM growth",
	CASE WHEN m.error IS NOT NULL THEN m.error
		WHEN m.over THEN 'cancelled by statement_timeout'
		ELSE (m.plan -> 'Plan' ->> 'Actual Rows') || ' channels credited' END AS result
FROM amed m
LEFT JOIN amed o ON o.section = 'markov' AND o.name = 'markov_1'
LEFT JOIN bench.memory mem ON mem.size = :'size' AND mem.section = 'markov'
	AND mem.name = m.name
LEFT JOIN bench.checks c ON c.size = :'size' AND c.section = 'markov'
	AND c.ord = substr(m.name, 8)::int
WHERE m.section = 'markov'
ORDER BY m.name;
\endif

\if :ran_models
\pset title 'Shapley values and bootstrap intervals (200 samples, seed 42), no baseline'
SELECT m.name AS query,
	CASE WHEN m.error IS NOT NULL THEN 'ERROR'
		WHEN m.over THEN 'TIMEOUT > ' || round(m.ms::numeric)
		ELSE lpad(round(m.ms::numeric, 1)::text, 9) END AS "median ms",
	CASE WHEN m.n = 1 THEN 'n=1'
		WHEN m.n > 1 THEN round(m.lo::numeric) || '..' || round(m.hi::numeric)
	END AS "min..max",
	CASE m.name WHEN 'linear_intervals' THEN bench.ratio(m.ms, m.over, l.ms, l.over) || ' of attr_linear'
		WHEN 'markov_intervals' THEN bench.ratio(m.ms, m.over, k.ms, k.over) || ' of markov_2'
		ELSE '' END AS "cost",
	bench.mb(mem.anon_kb) AS "peak anon",
	bench.mb(mem.hwm_kb) AS "VmHWM growth",
	coalesce(m.error, (m.plan -> 'Plan' ->> 'Actual Rows') || ' channels') AS result
FROM amed m
LEFT JOIN amed l ON l.section = 'attribution' AND l.name = 'attr_linear'
LEFT JOIN amed k ON k.section = 'markov' AND k.name = 'markov_2'
LEFT JOIN bench.memory mem ON mem.size = :'size' AND mem.section = 'models'
	AND mem.name = m.name
WHERE m.section = 'models'
ORDER BY array_position('{shapley_exact,shapley_simplified,shapley_intervals,markov_intervals,linear_intervals}', m.name);
\endif

\pset title 'Checks (untimed, once per size): the journey function and its baseline give the same answer'
SELECT section, "check", result, detail
FROM (
	SELECT c.section, c.ord, c.what AS "check",
		CASE c.ok WHEN true THEN 'ok' WHEN false THEN 'DIFFERENT' ELSE '?' END AS result,
		c.detail
	FROM bench.checks c WHERE c.size = :'size'
	UNION ALL
	SELECT s, 0, 'all checks of this section', 'NOT CHECKED',
		'the checks failed with an error (see the progress log)'
	FROM unnest('{sessions,identity,paths,attribution,drivers,trends,retention,markov,models}'::text[]) s
	WHERE NOT EXISTS (SELECT FROM bench.checks c WHERE c.size = :'size' AND c.section = s)
		AND EXISTS (SELECT FROM bench.runs r WHERE r.size = :'size' AND r.section = s)
) c
ORDER BY array_position('{sessions,identity,paths,attribution,drivers,trends,retention,markov,models}', section), ord;

\pset title
\echo 'speed-up = median of the plain-SQL baseline / median of the journey query, both in this run; "> Nx": the baseline hit'
SELECT format('  statement_timeout (%s s), so N is a lower bound.  n=1: the warm-up took longer than %s s, one timed run only.',
	:'timeout', :'slow') \g (tuples_only format=unaligned)
\echo 'Journey queries read stored journeys (or links) built once beforehand; baselines read the raw events table.'
\echo 'peak anon: as above (fresh backend, one execution, RssAnon sampled every 5 ms, minus before).'

DROP VIEW arows;
DROP TABLE aq;
DROP VIEW amed;
