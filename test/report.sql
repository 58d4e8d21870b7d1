-- Funnel reports and retention against plain SQL, and bad input.
BEGIN;
SELECT plan(10);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('rj', 0.66, 500, ARRAY['view', 'cart', 'buy', 'other'], 9e6, 10);

SELECT ok((SELECT bool_and(r.reached = (SELECT count(*) FROM rj WHERE funnel_level(j, '{view,cart,buy}', '3 days') >= r.step))
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj)) r),
		  'reached per step equals counting funnel_level');
SELECT ok((SELECT bool_and(r.entered - r.reached = r.dropped AND abs(r.drop_rate + r.conversion_from_previous - 1) < 1e-12
						   AND r.ci_low <= r.conversion_from_previous AND r.conversion_from_previous <= r.ci_high)
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj)) r),
		  'drop-off and conversion add up; the interval holds the rate');
SELECT ok((SELECT bool_and(abs(extract(epoch FROM r.median_time_from_start) - s.m) <= 0.032 * s.m)
		   FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj)) r
		   JOIN (SELECT i AS step, percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t[i] - t[1])) AS m
				 FROM (SELECT funnel_timestamps(j, '{view,cart,buy}', '3 days') AS t FROM rj) x, generate_series(2, 3) i
				 WHERE cardinality(t) >= i GROUP BY i) s USING (step)),
		  'median time from the start is within 3.2% of the exact median');
SELECT ok((SELECT bool_and(z = 0 AND p_value = 1)
		   FROM funnel_compare((SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj),
							   (SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj))),
		  'a segment compared with itself: z = 0, p = 1');
SELECT ok((SELECT funnel_counts(j, '{view,cart,buy}', '3 days' ORDER BY random())::text
				  = (SELECT funnel_counts(j, '{view,cart,buy}', '3 days') FROM rj)::text FROM rj),
		  'funnel counts do not depend on input order');

-- Cohorts by month against plain SQL.
SELECT ok((SELECT bool_and(c.journeys = s.n)
		   FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM rj)) c
		   JOIN (SELECT cohort, period, count(DISTINCT id) AS n
				 FROM (SELECT id, date_trunc('month', min(u.ts) OVER (PARTITION BY id) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS cohort,
							  ((extract(year FROM u.ts AT TIME ZONE 'UTC') * 12 + extract(month FROM u.ts AT TIME ZONE 'UTC'))
							   - (extract(year FROM min(u.ts) OVER (PARTITION BY id) AT TIME ZONE 'UTC') * 12
								  + extract(month FROM min(u.ts) OVER (PARTITION BY id) AT TIME ZONE 'UTC')))::int AS period
					   FROM rj, journey_unnest(j) u) x
				 GROUP BY 1, 2) s USING (cohort, period))
		  AND (SELECT count(*) FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM rj))) > 5,
		  'monthly cohorts equal plain SQL');

-- Month periods over the whole range of timestamptz, month boundaries and
-- the microsecond before them included, against the calendar of plain SQL.
SET LOCAL TimeZone = 'UTC';
CREATE TEMP TABLE mj AS
	SELECT id % 97 AS id, journey_agg(t, 'x'::text) AS j
	FROM (SELECT i AS id, CASE i % 3 WHEN 0 THEN b WHEN 1 THEN b - interval '1 microsecond' ELSE r END AS t
		  FROM (SELECT i, r, date_trunc('month', r) AS b
				FROM (SELECT i, to_timestamp(-210866803200 + random() * 9435184819000) AS r
					  FROM generate_series(1, 600) i) x) y
		  UNION ALL VALUES (601, '4714-11-24 00:00:00+00 BC'::timestamptz),
						   (602, '294276-12-31 23:59:59.999999+00')) z
	WHERE t >= '4714-11-24 00:00:00+00 BC' GROUP BY 1;
CREATE FUNCTION pg_temp.month_number(t timestamptz) RETURNS int LANGUAGE sql AS $$
	SELECT (CASE WHEN y < 0 THEN y + 1 ELSE y END - 2000) * 12 + m - 1
	FROM (SELECT extract(year FROM t)::int AS y, extract(month FROM t)::int AS m) s $$;
-- every cell on both sides, by a full join: one missing on either side fails
SELECT ok((SELECT bool_and(t.ok) FROM (VALUES (1), (3), (7), (12)) p(months),
			 LATERAL (SELECT coalesce(bool_and(c.journeys IS NOT DISTINCT FROM s.n), false) AS ok
					  FROM (SELECT floor(pg_temp.month_number(cohort)::float8 / months) AS cohort, period, journeys
							FROM cohort_retention((SELECT retention_counts(j, make_interval(months => months)) FROM mj),
												  dense => false)) c
					  FULL JOIN (SELECT cohort, period, count(*) AS n
								 FROM (SELECT DISTINCT id, floor(min(pg_temp.month_number(u.ts)) OVER w::float8 / months) AS cohort,
											  (floor(pg_temp.month_number(u.ts)::float8 / months)
											   - floor(min(pg_temp.month_number(u.ts)) OVER w::float8 / months))::int AS period
									   FROM mj, journey_unnest(j) u WINDOW w AS (PARTITION BY id)) x
								 GROUP BY 1, 2) s USING (cohort, period)) t),
		  'month periods over the whole range of timestamptz equal plain SQL');

SELECT throws_ok($$SELECT funnel_counts(j, NULL, '1 day') FROM rj$$, '22004', NULL, 'NULL steps');
SELECT throws_ok($$SELECT funnel_counts(j, (SELECT array_agg('s' || i) FROM generate_series(1, 101) i), '1 day') FROM rj$$,
				 '22023', 'a funnel report has at most 100 steps', 'too many steps for a report');
SELECT throws_ok($$SELECT retention_counts(j, '-1 day') FROM rj$$, '22023', NULL, 'negative period');

SELECT * FROM finish();
ROLLBACK;
