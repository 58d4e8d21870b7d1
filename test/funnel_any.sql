-- Funnels in any order (mode any_order): the level and the reported chain
-- against a brute-force enumeration of every set of touchpoints, the
-- summaries against plain SQL over funnel_level, serial against parallel,
-- and bad input.
BEGIN;
SELECT plan(35);

-- The error a statement raises, if any.
CREATE FUNCTION pg_temp.errors_of(q text, OUT code text, OUT msg text) LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE q;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
END $$;
-- The lines of a statement's plan, run.
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q;
END $$;

-- Every chain, enumerated as a set of touchpoints (a bit mask): each
-- touchpoint fills a distinct step (no label more often than steps has
-- it), last - first <= w, no exclusion strictly inside.  The level is the
-- largest set; the chain reported the one completing earliest, then
-- starting latest, then with the earliest times.
CREATE FUNCTION brute_any(j journey, steps text[], w interval, excl text[], OUT level int, OUT times timestamptz[])
LANGUAGE sql AS $$
WITH t AS (SELECT u.ordinality - 1 AS i, u.ts, u.label FROM journey_unnest(j) u),
need AS (SELECT s AS label, count(*) AS need FROM unnest(steps) s GROUP BY s),
members AS (SELECT m, t.* FROM generate_series(1, (1 << (SELECT count(*) FROM t)::int) - 1) m
			JOIN t ON (m >> t.i) & 1 = 1),
misfit AS (SELECT DISTINCT m FROM (SELECT m, label, count(*) AS k FROM members GROUP BY m, label) x
		   LEFT JOIN need USING (label) WHERE need IS NULL OR k > need),
chains AS (SELECT m, count(*)::int AS size, min(ts) AS first, max(ts) AS last, array_agg(ts ORDER BY ts) AS times
		   FROM members WHERE m NOT IN (SELECT m FROM misfit) GROUP BY m),
valid AS (SELECT * FROM chains c
		  WHERE c.last - c.first <= w
			AND NOT EXISTS (SELECT FROM t WHERE t.label = ANY (coalesce(excl, '{}')) AND t.ts > c.first AND t.ts < c.last)),
best AS (SELECT size, times FROM valid ORDER BY size DESC, last, first DESC, times LIMIT 1)
SELECT coalesce((SELECT size FROM best), 0), coalesce((SELECT times FROM best), '{}')
$$;

-- The level as the most steps the touchpoints in [t, E(t)] fill, over
-- the times t of the touchpoints, E(t) the end of the window or the first
-- exclusion after t (for journeys too long to enumerate).
CREATE FUNCTION window_any(j journey, steps text[], w interval, excl text[]) RETURNS int
LANGUAGE sql AS $$
WITH t AS (SELECT ts, label FROM journey_unnest(j)),
need AS (SELECT s AS label, count(*) AS need FROM unnest(steps) s GROUP BY s),
starts AS (SELECT DISTINCT ts AS start,
				  least(ts + w, (SELECT min(x.ts) FROM t x WHERE x.label = ANY (coalesce(excl, '{}')) AND x.ts > s.ts)) AS stop
		   FROM t s),
filled AS (SELECT start, least(count(*), need) AS n
		   FROM starts JOIN t ON t.ts BETWEEN start AND stop JOIN need USING (label) GROUP BY start, label, need)
SELECT coalesce(max(n), 0)::int FROM (SELECT start, sum(n) AS n FROM filled GROUP BY start) x
$$;

-- Small journeys with many equal timestamps and repeated step labels.
SELECT setseed(0.314);
CREATE TEMP TABLE cases AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j,
	   (ARRAY['{A,B,C}', '{A,A,B}', '{B,A}', '{A,B,A,C}', '{C}', '{A,A,A}', '{C,B,A,B}'])[1 + g % 7]::text[] AS steps,
	   (ARRAY['5 minutes', '12 minutes', '1 hour'])[1 + g % 3]::interval AS w,
	   CASE WHEN g % 4 < 2 THEN '{X,D}'::text[] END AS excl
FROM generate_series(1, 500) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 6) * interval '3 minutes' AS ts,
		   (ARRAY['A', 'B', 'C', 'X', 'D'])[1 + floor(random() * 5)::int] AS label
	FROM generate_series(1, floor(random() * 9 + g * 0)::int)
) t ON true
GROUP BY g;
CREATE TEMP TABLE got AS
SELECT c.*, funnel_level(j, steps, w, NULL, excl, '{any_order}') AS level,
	   funnel_timestamps(j, steps, w, NULL, excl, '{any_order}') AS times,
	   funnel_level(j, steps, w, NULL, excl) AS ordered, b.level AS brute_level, b.times AS brute_times
FROM cases c, brute_any(j, steps, w, excl) b;

SELECT ok((SELECT count(DISTINCT level) >= 4 AND count(*) FILTER (WHERE level > ordered) > 50 FROM got),
		  'the small cases reach several levels, many beyond the ordered funnel');
SELECT is((SELECT count(*) FROM got WHERE level <> brute_level), 0::bigint,
		  'any_order: funnel_level equals the largest chain, enumerated, on 500 small journeys');
SELECT is((SELECT count(*) FROM got WHERE times <> brute_times), 0::bigint,
		  'any_order: funnel_timestamps is the chain completing earliest, then starting latest, each step as early as it can be');
SELECT is((SELECT count(*) FROM got WHERE level < ordered), 0::bigint,
		  'any_order never reaches less than the ordered funnel (an ordered chain is a chain in any order)');
SELECT is((SELECT count(*) FROM got WHERE excl IS NOT NULL AND level <> funnel_level(j, steps, w, NULL, NULL, '{any_order}')
										   AND NOT (j ? 'X' OR j ? 'D')), 0::bigint,
		  'an exclusion the journey lacks changes nothing');
SELECT ok((SELECT count(*) FROM got WHERE excl IS NOT NULL AND level < funnel_level(j, steps, w, NULL, NULL, '{any_order}')) > 5,
		  'exclusions break chains in some cases');

-- Longer journeys, spread over three hours, against the window reference.
SELECT setseed(0.271);
CREATE TEMP TABLE long_cases AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j,
	   (ARRAY['{A,B,C,D}', '{A,A,B,B}', '{D,C}', '{A,B,C,A,D}'])[1 + g % 4]::text[] AS steps,
	   (ARRAY['10 minutes', '25 minutes', '1 hour'])[1 + g % 3]::interval AS w,
	   CASE WHEN g % 3 = 0 THEN '{X,E}'::text[] END AS excl
FROM generate_series(1, 300) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 180) * interval '1 minute' AS ts,
		   (ARRAY['A', 'B', 'C', 'D', 'X', 'E'])[1 + floor(random() * 6)::int] AS label
	FROM generate_series(1, floor(random() * 40 + g * 0)::int)
) t ON true
GROUP BY g;
CREATE TEMP TABLE long_got AS
SELECT c.*, funnel_level(j, steps, w, NULL, excl, '{any_order}') AS level,
	   funnel_timestamps(j, steps, w, NULL, excl, '{any_order}') AS times,
	   window_any(j, steps, w, excl) AS reference
FROM long_cases c;
SELECT ok((SELECT count(DISTINCT level) >= 4 FROM long_got), 'the long cases reach several levels');
SELECT ok((SELECT count(*) FROM long_got WHERE excl IS NOT NULL AND level < funnel_level(j, steps, w, NULL, NULL, '{any_order}')) > 5,
		  'exclusions break chains in some long cases');
SELECT is((SELECT count(*) FROM long_got WHERE level <> reference), 0::bigint,
		  'any_order: funnel_level equals the most steps of a window, on 300 journeys of up to 40 touchpoints');
SELECT is((SELECT count(*) FROM long_got
		   WHERE NOT (cardinality(times) = level
					  AND (level = 0 OR times[level] - times[1] <= w)
					  AND coalesce((SELECT bool_and(times[i] <= times[i + 1]) FROM generate_series(1, level - 1) i), true)
					  AND NOT EXISTS (SELECT FROM journey_unnest(j) u WHERE u.label = ANY (coalesce(excl, '{}'))
									  AND u.ts > times[1] AND u.ts < times[level]))),
		  0::bigint, 'any_order: funnel_timestamps gives one time per step, in order, within the window, no exclusion inside');
-- the chain's steps are completed at its times: from its start, the
-- touchpoints up to the k-th time fill k steps, those before it fewer
SELECT is((SELECT count(*) FROM long_got g, generate_series(1, g.level) k
		   WHERE window_any(journey_slice(j, tstzrange(times[1], times[k], '[]')), steps, '100 days', NULL) < k
			  OR window_any(journey_slice(j, tstzrange(times[1], times[k], '[)')), steps, '100 days', NULL) >= k),
		  0::bigint, 'any_order: the k-th time is when the chain from its start completes k steps');

-- NULLs, empty journeys, one step.
SELECT is(funnel_level(NULL, '{A}', '1 hour', mode => '{any_order}'), NULL, 'NULL journey gives NULL');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A]', NULL, '1 hour', mode => '{any_order}'), NULL, 'NULL steps give NULL');
SELECT is(funnel_level('[]', '{A,B}', '1 hour', mode => '{any_order}'), 0, 'the empty journey reaches level 0');
SELECT is(funnel_timestamps('[]', '{A,B}', '1 hour', mode => '{any_order}'), '{}'::timestamptz[], 'no timestamps for level 0');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A]', '{A,B}', '1 hour', NULL, NULL, '{any_order}'), 1,
		  'NULL max_gap and exclusions are none');
SELECT is((SELECT count(*) FROM cases WHERE cardinality(steps) = 1
		   AND funnel_level(j, steps, w, NULL, excl, '{any_order}') <> funnel_level(j, steps, w, NULL, excl)), 0::bigint,
		  'a one-step funnel is the same in any order');

-- What does not combine with any_order.
SELECT is((SELECT count(*) FROM unnest(ARRAY['strict_increase', 'consecutive', 'strict_order', 'strict_deduplication',
											 'allow_reentry', 'strict_once', 'open']) m
		   WHERE NOT EXISTS (SELECT FROM pg_temp.errors_of(format($$SELECT funnel_level('[]', '{A}', '1 hour', mode => '{any_order,%s}')$$, m))
							 WHERE code = '22023' AND msg = 'funnel mode any_order does not combine with ' || m)),
		  0::bigint, 'each other mode with any_order: 22023 naming it');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{any_order,optional=2}')$$, '22023',
				 'funnel mode any_order does not combine with optional steps', 'any_order with an optional step');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 hour', '5 minutes', mode => '{any_order}')$$, '22023',
				 'funnel mode any_order does not combine with max_gap', 'any_order with max_gap');
SELECT throws_ok($$SELECT funnel_trend_counts(j, '{A}', '1 hour', 'day', NULL, NULL, '{strict_once,any_order}') FROM (VALUES ('[]'::journey)) v(j)$$,
				 '22023', 'funnel mode any_order does not combine with strict_once', 'funnel_trend_counts: any_order with strict_once');
SELECT throws_ok($$SELECT driver_counts(j, 1, '{A,B}', '1 hour', '1 minute', NULL, '{any_order}') FROM (VALUES ('[]'::journey)) v(j)$$,
				 '22023', 'funnel mode any_order does not combine with max_gap', 'driver_counts: any_order with max_gap');
SELECT throws_ok($$SELECT window_funnel('1 hour', '{any_order}', now(), true)$$, '22023',
				 'window_funnel does not take mode "any_order"', 'window_funnel refuses any_order by name');
SELECT throws_ok($$SELECT window_funnel('1 hour', '{any_ordr}', now(), true)$$, '22023',
				 'unknown window_funnel mode "any_ordr"', 'an unknown mode is still unknown');

-- The summaries count what funnel_level and funnel_timestamps give.
CREATE TEMP TABLE all_got AS SELECT j, level, times FROM long_got WHERE steps = '{A,B,C,D}' AND w = '1 hour' AND excl IS NULL;
SELECT ok((SELECT count(*) FROM all_got WHERE level >= 3) > 5, 'some long journeys reach step 3 of {A,B,C,D}');
SELECT is((SELECT count(*) FROM funnel_report((SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') FROM long_cases)) r
		   WHERE step > 0 AND r.reached <> (SELECT count(*) FROM long_cases
											WHERE funnel_level(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') >= r.step)),
		  0::bigint, 'funnel_report: reached per step equals counting funnel_level in any order');
SELECT ok((SELECT bool_and(abs(r.median_seconds_from_start - s.m) <= 0.032 * s.m)
		   FROM funnel_report((SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') FROM long_cases)) r
		   JOIN (SELECT i AS step, percentile_disc(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t[i] - t[1])) AS m
				 FROM (SELECT funnel_timestamps(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') AS t FROM long_cases) x,
					  generate_series(2, 4) i
				 WHERE cardinality(t) >= i GROUP BY i) s USING (step)),
		  'funnel_report: the median time from the start is within 3.2% of the exact one of funnel_timestamps');
SELECT set_eq($$SELECT period_start, step, journeys FROM funnel_trends((SELECT funnel_trend_counts(j, '{A,B,C,D}', '25 minutes', '1 hour', NULL, '{X}', '{any_order}')
																		FROM long_cases))$$,
			  $$WITH e AS (SELECT funnel_level(j, '{A,B,C,D}', '25 minutes', NULL, '{X}', '{any_order}') AS level,
								  date_trunc('hour', (funnel_timestamps(j, '{A,B,C,D}', '25 minutes', NULL, '{X}', '{any_order}'))[1]) AS start
						   FROM long_cases)
				SELECT start, s.step, count(*) FILTER (WHERE level >= s.step) FROM e, generate_series(1, 4) s(step)
				WHERE level > 0 GROUP BY 1, 2$$,
			  'funnel_trends by hour equals grouping funnel_level by the hour of funnel_timestamps[1], in any order');
SELECT ok((SELECT bool_and(journeys + journeys_without = (SELECT count(*) FROM long_cases WHERE funnel_level(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') >= 2)
						   AND converted + converted_without = (SELECT count(*) FROM long_cases WHERE funnel_level(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') >= 3))
		   FROM conversion_drivers((SELECT driver_counts(j, 2, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') FROM long_cases))),
		  'driver_counts at step 2 in any order counts the journeys completing 2 steps, converted when they complete 3');
SELECT ok((SELECT count(*) > 0 FROM conversion_drivers((SELECT driver_counts(j, 2, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') FROM long_cases))),
		  'driver_counts at step 2 in any order finds drivers');
SELECT is((SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}' ORDER BY random())::text FROM long_cases),
		  (SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}')::text FROM long_cases),
		  'funnel counts in any order do not depend on input order');
SELECT is((SELECT funnel_counts_rollup(c)::text FROM (SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}') AS c
													  FROM long_cases GROUP BY id % 5) x),
		  (SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, NULL, '{any_order}')::text FROM long_cases),
		  'funnel_counts_rollup of five parts in any order equals the whole');
SELECT throws_ok($$SELECT funnel_counts_rollup(c) FROM (SELECT funnel_counts(j, '{A,B}', '1 hour', NULL, NULL, m) AS c
														FROM long_cases, (VALUES ('{any_order}'::text[]), ('{}')) v(m) GROUP BY m) x$$,
				 '22023', NULL, 'funnels in and out of order do not combine');

-- Serial against a forced parallel plan (a regular table: workers cannot
-- read temporary ones).
CREATE TABLE any_par AS SELECT * FROM long_cases, generate_series(1, 20) copy;
ANALYZE any_par;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS
SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, '{X}', '{any_order}')::text AS counts,
	   funnel_trend_counts(j, '{A,B,C,D}', '1 hour', 'day', NULL, '{X}', '{any_order}')::text AS trends
FROM any_par;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT ok((SELECT bool_or(p ~ 'Workers Launched: [1-9]') AND bool_or(p ~ 'Partial Aggregate')
		   FROM pg_temp.plan_of($$SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, '{X}', '{any_order}'),
										 funnel_trend_counts(j, '{A,B,C,D}', '1 hour', 'day', NULL, '{X}', '{any_order}') FROM any_par$$) p),
		  'the forced plan runs partial aggregates in workers');
CREATE TEMP TABLE par AS
SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, '{X}', '{any_order}')::text AS counts,
	   funnel_trend_counts(j, '{A,B,C,D}', '1 hour', 'day', NULL, '{X}', '{any_order}')::text AS trends
FROM any_par;
SELECT ok((SELECT p.counts = s.counts AND p.trends = s.trends AND s.counts LIKE '%modes=64;%' FROM par p, serial s),
		  'funnel_counts and funnel_trend_counts in any order: parallel equals serial');

SELECT * FROM finish();
ROLLBACK;
