-- Outputs a BI tool charts as they are: every time also in float8 seconds,
-- a funnel's base row, cohort retention as a dense triangle.
BEGIN;
SELECT plan(15);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('cj', 0.31, 400, ARRAY['view', 'cart', 'buy', 'other'], 9e6, 8, microseconds => true);

-- Seconds are the intervals' epochs, NULL where they are.
SELECT ok((SELECT bool_and(median_seconds_from_previous IS NOT DISTINCT FROM extract(epoch FROM median_time_from_previous)::float8
						   AND p90_seconds_from_previous IS NOT DISTINCT FROM extract(epoch FROM p90_time_from_previous)::float8
						   AND median_seconds_from_start IS NOT DISTINCT FROM extract(epoch FROM median_time_from_start)::float8
						   AND p90_seconds_from_start IS NOT DISTINCT FROM extract(epoch FROM p90_time_from_start)::float8)
				  AND count(median_seconds_from_start) = 2
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj))),
		  'funnel_report: each seconds column is its interval''s epoch');
SELECT ok((SELECT bool_and(median_seconds_to_next IS NOT DISTINCT FROM extract(epoch FROM median_time_to_next)::float8)
				  AND count(median_seconds_to_next) = 4
		   FROM touchpoint_health((SELECT health_counts(j) FROM cj))),
		  'touchpoint_health: median_seconds_to_next is median_time_to_next''s epoch');
SELECT ok((SELECT bool_and(s.duration_seconds = extract(epoch FROM s.duration)::float8) AND count(*) > 400
		   FROM cj, journey_sessions(j, '1 day') s),
		  'journey_sessions: duration_seconds is duration''s epoch');
SELECT ok((SELECT bool_and(journey_duration_seconds(j) IS NOT DISTINCT FROM extract(epoch FROM journey_duration(j))::float8)
		   FROM cj),
		  'journey_duration_seconds is journey_duration''s epoch, NULL for []');

-- session_no has session_number's type, and the same numbers.
SELECT is((SELECT pg_typeof(session_no) FROM journey_sessions('[2024-01-01 00:00:00+00 a]')),
		  (SELECT pg_typeof(session_number(now()) OVER ())),
		  'session_no is bigint, as session_number');

-- The base row: step 0 counts every journey; the steps' conversion from
-- the start is their reached over its.
SELECT ok((SELECT count(*) = 1 AND bool_and(label = '(all journeys)' AND entered = (SELECT count(*) FROM cj)
											AND reached = entered AND dropped = 0 AND drop_rate = 0
											AND conversion_from_start = 1 AND conversion_from_previous IS NULL
											AND ci_low IS NULL AND ci_high IS NULL AND median_seconds_from_start IS NULL)
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj)) WHERE step = 0),
		  'funnel_report: one base row, entered = reached = all journeys');
SELECT ok((SELECT bool_and(r.conversion_from_start = r.reached::float8 / b.reached) AND count(*) = 3
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj)) r,
				funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj)) b
		   WHERE b.step = 0 AND r.step > 0),
		  'funnel_report: conversion_from_start = reached / the base''s reached');
SELECT is((SELECT count(*) FROM funnel_compare((SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj),
											   (SELECT funnel_counts(j, '{view,cart,buy}', '30 days') FROM cj))),
		  3::bigint, 'funnel_compare has no base row: one row per step');

-- Cohorts: the triangle.  L is the latest period active in the data, c a
-- cohort's number (periods of 7 days from 2000-01-01); a cohort has periods
-- 0 to L - c, each once.
CREATE TEMP TABLE grid AS
SELECT * FROM cohort_retention((SELECT retention_counts(j, '7 days') FROM cj));
CREATE TEMP TABLE tri AS
SELECT cohort, (SELECT max(floor(extract(epoch FROM g.cohort - '2000-01-01 00:00:00+00') / 604800) + g.period)
				FROM grid g WHERE g.journeys > 0)
			   - floor(extract(epoch FROM cohort - '2000-01-01 00:00:00+00') / 604800) AS last
FROM grid GROUP BY cohort;
SELECT ok((SELECT count(*) FROM grid) = (SELECT sum(last + 1) FROM tri)
		  AND (SELECT count(*) FROM tri) > 10,
		  'count(*) is the triangle: the sum over cohorts of the periods 0 to L - c');
SELECT is_empty($$SELECT cohort, period FROM grid GROUP BY 1, 2 HAVING count(*) > 1
				UNION ALL SELECT g.cohort, g.period FROM grid g JOIN tri t USING (cohort)
						  WHERE g.period < 0 OR g.period > t.last$$,
				'each cell once, every period within 0 to L - c');
SELECT ok((SELECT bool_and(CASE WHEN journeys = 0 THEN share = 0 ELSE share > 0 END) AND count(*) FILTER (WHERE journeys = 0) > 0
		   FROM grid),
		  'zero cells are there, with share 0');
SELECT ok((SELECT bool_and(g.journeys = coalesce(s.n, 0))
		   FROM grid g
		   LEFT JOIN (SELECT cohort, period, count(DISTINCT id) AS n
					  FROM (SELECT id, '2000-01-01 00:00:00+00'::timestamptz
										+ floor(extract(epoch FROM min(u.ts) OVER (PARTITION BY id) - '2000-01-01 00:00:00+00') / 604800)
										  * interval '7 days' AS cohort,
								   (floor(extract(epoch FROM u.ts - '2000-01-01 00:00:00+00') / 604800)
									- floor(extract(epoch FROM min(u.ts) OVER (PARTITION BY id) - '2000-01-01 00:00:00+00') / 604800))::int AS period
							FROM cj, journey_unnest(j) u) x
					  GROUP BY 1, 2) s USING (cohort, period)),
		  'every cell, zero or not, equals plain SQL');
SELECT set_eq($$SELECT * FROM cohort_retention((SELECT retention_counts(j, '7 days') FROM cj), dense => false)$$,
			  $$SELECT * FROM grid WHERE journeys > 0$$,
			  'dense => false: the cells with journeys, and only those');
SELECT is((SELECT count(*) FROM cohort_retention(
			  (SELECT retention_counts(j, '1 second') FROM (VALUES ('[2000-01-01 00:00:00+00 a, 2024-01-01 00:00:00+00 b]'::journey)) v(j)),
			  dense => false)),
		  2::bigint, 'dense => false has no bound on the span: 24 years by the second is two cells');
SELECT is((SELECT array_agg(DISTINCT cohort_label ORDER BY cohort_label) FROM (
			  SELECT cohort_label FROM cohort_retention((SELECT retention_counts(j, '6 hours') FROM (VALUES
				  ('[2024-03-04 07:00:00+00 a]'::journey)) v(j)))
			  UNION ALL SELECT cohort_label FROM cohort_retention((SELECT retention_counts(j, '7 days') FROM (VALUES
				  ('[2024-03-04 07:00:00+00 a]'::journey)) v(j)))
			  UNION ALL SELECT cohort_label FROM cohort_retention((SELECT retention_counts(j, '3 months') FROM (VALUES
				  ('[2024-03-04 07:00:00+00 a]'::journey)) v(j)))) x),
		  '{2024-01,2024-03-02,"2024-03-04 06:00:00"}'::text[],
		  'cohort_label: to the second, whole days, months (periods counted from 2000-01-01, a Saturday)');

SELECT * FROM finish();
ROLLBACK;
