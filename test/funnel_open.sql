-- Open funnels and optional steps (issue 14): the search against every
-- chain enumerated, the reports' counts, closed funnels unchanged, and bad
-- input.
BEGIN;
SELECT plan(29);

-- every valid chain of an open or optional funnel, enumerated
CREATE FUNCTION brute_chains(j journey, steps text[], w interval, gap interval, excl text[],
							 strict boolean, open boolean, opt integer[])
RETURNS TABLE (path integer[], first timestamptz, last timestamptz) LANGUAGE sql AS $$
WITH RECURSIVE t AS (SELECT ordinality::int AS i, ts, label FROM journey_unnest(j)),
s AS (SELECT k, steps[k] AS label FROM generate_series(1, cardinality(steps)) k),
chains (path, touches, first, last) AS (
	SELECT ARRAY[s.k], ARRAY[t.i], t.ts, t.ts FROM t JOIN s ON s.label = t.label
	WHERE open OR NOT EXISTS (SELECT 1 FROM generate_series(1, s.k - 1) q WHERE NOT q = ANY (opt))
	UNION ALL
	SELECT c.path || s.k, c.touches || t.i, c.first, t.ts
	FROM chains c JOIN s ON s.k > c.path[cardinality(c.path)]
		AND NOT EXISTS (SELECT 1 FROM generate_series(c.path[cardinality(c.path)] + 1, s.k - 1) q WHERE NOT q = ANY (opt))
	JOIN t ON t.label = s.label AND NOT t.i = ANY (c.touches)
		AND t.ts >= c.last AND (NOT strict OR t.ts > c.last)
		AND t.ts - c.first <= w AND (gap IS NULL OR t.ts - c.last <= gap)
)
SELECT path, first, last FROM chains c
WHERE excl IS NULL
   OR NOT EXISTS (SELECT 1 FROM t WHERE t.label = ANY (excl) AND t.ts > c.first AND t.ts < c.last)
$$;
-- per step: reached (some chain ends with it), continued (some chain matches it and a later one)
CREATE FUNCTION brute_steps(j journey, steps text[], w interval, gap interval, excl text[],
							strict boolean, open boolean, opt integer[])
RETURNS TABLE (level integer, reached boolean[], continued boolean[]) LANGUAGE sql AS $$
WITH c AS (SELECT * FROM brute_chains(j, steps, w, gap, excl, strict, open, opt))
SELECT coalesce((SELECT max(path[cardinality(path)]) FROM c), 0),
	   (SELECT array_agg(EXISTS (SELECT 1 FROM c WHERE path[cardinality(path)] = k) ORDER BY k) FROM generate_series(1, cardinality(steps)) k),
	   (SELECT array_agg(EXISTS (SELECT 1 FROM c WHERE k = ANY (path) AND path[cardinality(path)] > k) ORDER BY k) FROM generate_series(1, cardinality(steps)) k)
$$;

SELECT setseed(0.321);
CREATE TEMP TABLE cases AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j,
	   (ARRAY['{A,B,C}', '{A,A,B}', '{B,A}', '{A,B,A,C}', '{C}', '{A,B,C,D}'])[1 + g % 6]::text[] AS steps,
	   (ARRAY['5 minutes', '12 minutes', '1 hour'])[1 + g % 3]::interval AS w,
	   CASE WHEN g % 4 = 0 THEN interval '4 minutes' END AS gap,
	   CASE WHEN g % 7 = 0 THEN '{X}'::text[] END AS excl,
	   g % 6 = 0 AS strict, g % 5 < 2 AS open,
	   (ARRAY['{}', '{2}', '{1}', '{2,3}', '{3}', '{1,2,3}', '{}'])[1 + g % 7]::int[] AS opt
FROM generate_series(1, 600) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 5) * interval '3 minutes' AS ts,
		   (ARRAY['A', 'B', 'C', 'D', 'X'])[1 + floor(random() * 5)::int] AS label
	FROM generate_series(1, 1 + floor(random() * 8 + g * 0)::int)
) t ON true
GROUP BY g;
UPDATE cases SET opt = (SELECT coalesce(array_agg(x), '{}') FROM unnest(opt) x WHERE x <= cardinality(steps));
ALTER TABLE cases ADD m text[];
UPDATE cases SET m = (CASE WHEN strict THEN '{strict_increase}' ELSE '{}' END)::text[]
	|| (CASE WHEN open THEN '{open}' ELSE '{}' END)::text[]
	|| (SELECT coalesce(array_agg('optional=' || x), '{}') FROM unnest(opt) x);
CREATE TEMP TABLE brute AS
SELECT c.id, b.* FROM cases c, brute_steps(c.j, c.steps, c.w, c.gap, c.excl, c.strict, c.open, c.opt) b;

SELECT ok((SELECT count(DISTINCT level) >= 4 FROM brute), 'the cases reach several levels');
SELECT ok((SELECT count(*) >= 100 FROM cases WHERE open) AND (SELECT count(*) >= 100 FROM cases WHERE opt <> '{}' AND NOT open)
		  AND (SELECT count(*) >= 100 FROM cases WHERE opt = '{}' AND NOT open),
		  'open, optional and closed funnels, 100 or more of each');
SELECT is((SELECT count(*) FROM cases JOIN brute USING (id) WHERE level <> funnel_level(j, steps, w, gap, excl, m)),
		  0::bigint, 'funnel_level is the highest step some valid chain ends with, on 600 random journeys');

-- funnel_timestamps: the level's chain completing first, then starting
-- latest; NULL for the steps it skips
CREATE TEMP TABLE ft AS
SELECT id, level, funnel_timestamps(j, steps, w, gap, excl, m) AS t,
	   (SELECT min(last) FROM brute_chains(j, steps, w, gap, excl, strict, open, opt) x WHERE path[cardinality(path)] = level) AS best_last
FROM cases JOIN brute USING (id);
SELECT is((SELECT count(*) FROM ft WHERE cardinality(t) <> level), 0::bigint, 'funnel_timestamps has one element per step up to the level');
SELECT is((SELECT count(*) FROM ft WHERE level > 0 AND t[level] IS DISTINCT FROM best_last), 0::bigint,
		  'its last step is the earliest end of a chain reaching the level');
SELECT is((SELECT count(*) FROM ft JOIN cases USING (id) WHERE level > 0 AND
		   (SELECT min(x) FROM unnest(t) x) IS DISTINCT FROM
		   (SELECT max(first) FROM brute_chains(j, steps, w, gap, excl, strict, open, opt) x
			WHERE path[cardinality(path)] = level AND last = best_last)), 0::bigint,
		  'its first match is the latest start among those chains');
SELECT ok((SELECT count(*) FROM ft WHERE EXISTS (SELECT 1 FROM unnest(t) x WHERE x IS NULL)) > 50,
		  'skipped steps are NULL');
SELECT is((SELECT count(*) FROM ft JOIN cases USING (id) WHERE NOT open AND opt = '{}' AND array_position(t, NULL) IS NOT NULL),
		  0::bigint, 'a closed funnel skips no step');

-- funnel_counts per journey, read by funnel_report: reached is whether
-- some chain ends with the step, entered - dropped at the next step whether
-- some chain matches it and a later one
CREATE TEMP TABLE rep AS
SELECT id, r.* FROM (SELECT id, funnel_counts(c.j, c.steps, c.w, c.gap, c.excl, c.m) AS fc FROM cases c GROUP BY id) x,
	 funnel_report(x.fc) r WHERE r.step > 0;
SELECT is((SELECT count(*) FROM rep r JOIN brute b USING (id) WHERE (r.reached = 1) <> b.reached[r.step]),
		  0::bigint, 'funnel_report''s reached: some chain ends with the step');
SELECT is((SELECT count(*) FROM rep r JOIN brute b USING (id) JOIN rep n ON n.id = r.id AND n.step = r.step + 1
		   WHERE (n.entered - n.dropped = 1) <> b.continued[r.step]),
		  0::bigint, 'funnel_report''s entered - dropped: some chain matches the step and a later one');
SELECT ok((SELECT count(*) FROM brute, unnest(continued) c WHERE c) > 100, 'many steps continued');
SELECT is((SELECT count(*) FROM rep r JOIN brute b USING (id)
		   WHERE r.step = 1 AND r.dropped <> (b.level = 0)::int),
		  0::bigint, 'step 1 drops the journeys reaching no step');
-- over all journeys at once: the same, summed
SELECT is((SELECT array_agg(ARRAY[entered, reached, dropped] ORDER BY step)
		   FROM funnel_report((SELECT funnel_counts(j, '{A,B,C,D}', '1 hour', NULL, '{X}', '{open,optional=3}') FROM cases))),
		  (SELECT array_agg(ARRAY[CASE WHEN k = 0 THEN (SELECT count(*) FROM cases)
									  WHEN k = 1 THEN (SELECT count(*) FROM cases) ELSE rk[k - 1] END,
								 CASE WHEN k = 0 THEN (SELECT count(*) FROM cases) ELSE rk[k] END,
								 CASE WHEN k = 0 THEN 0 WHEN k = 1 THEN none ELSE rk[k - 1] - ck[k - 1] END] ORDER BY k)
		   FROM (SELECT array_agg(r ORDER BY s) AS rk, array_agg(cn ORDER BY s) AS ck,
						(SELECT count(*) FROM cases c, brute_steps(c.j, '{A,B,C,D}', '1 hour', NULL, '{X}', false, true, '{3}') b
						 WHERE b.level = 0) AS none
				 FROM (SELECT s, count(*) FILTER (WHERE b.reached[s]) AS r, count(*) FILTER (WHERE b.continued[s]) AS cn
					   FROM cases c, brute_steps(c.j, '{A,B,C,D}', '1 hour', NULL, '{X}', false, true, '{3}') b,
							generate_series(1, 4) s GROUP BY s) x) y, generate_series(0, 4) k),
		  'an open funnel report over 600 journeys: entered, reached and dropped per step from the enumeration');

-- an optional step taken between two others of one time continues
SELECT is((SELECT dropped FROM funnel_report((SELECT funnel_counts('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B, 2024-01-01 00:00:00+00 C]'::journey,
																	 '{A,B,C}', '1 hour', NULL, NULL, '{optional=2}'))) WHERE step = 3),
		  0::bigint, 'A, B, C at one time: the chain through optional B goes on to C');

-- closed funnels: the report as before, from the levels alone, and no new keys
CREATE TEMP TABLE closed AS SELECT funnel_level(j, '{A,B,C}', '12 minutes', '4 minutes', '{X}') AS l FROM cases;
SELECT is((SELECT array_agg(ARRAY[entered, reached, dropped] ORDER BY step)
		   FROM funnel_report((SELECT funnel_counts(j, '{A,B,C}', '12 minutes', '4 minutes', '{X}', NULL) FROM cases)) WHERE step > 0),
		  (SELECT array_agg(ARRAY[e, r, d] ORDER BY s)
		   FROM (SELECT s, count(*) FILTER (WHERE l >= s - 1) AS e, count(*) FILTER (WHERE l >= s) AS r,
						count(*) FILTER (WHERE l = s - 1) AS d
				 FROM closed, generate_series(1, 3) s GROUP BY s) x),
		  'a closed funnel report: entered, reached, dropped from the levels, as before');
SELECT is((SELECT funnel_counts(j, '{A,B,C}', '12 minutes', NULL, NULL, '{}')::text FROM cases),
		  (SELECT funnel_counts(j, '{A,B,C}', '12 minutes')::text FROM cases), 'an empty mode array is no mode');
SELECT unalike((SELECT funnel_counts(j, '{A,B,C}', '12 minutes', NULL, NULL, '{strict_increase}')::text FROM cases),
			  '%@50____%', 'a closed funnel counts no reached or continued keys');

-- bad input
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{optional=0}')$$, '22023', NULL, 'optional=0 is no step');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{optional=3}')$$, '22023', NULL, 'optional beyond the last step');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{optional=+1}')$$, '22023', NULL, 'optional=+1 is not a step number');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{optional=}')$$, '22023', NULL, 'optional= names no step');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{optional=1,optional=1}')$$, '22023', NULL, 'a step optional twice');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{open,strict_deduplication}')$$, '0A000', NULL, 'open does not run the scan');
SELECT throws_ok($$SELECT funnel_counts(j, '{A,B}', '1 hour', NULL, NULL, '{optional=1,consecutive}') FROM cases$$, '0A000', NULL, 'optional steps do not combine with consecutive');
SELECT throws_ok($$SELECT driver_counts(j, 1, '{A,B}', '1 hour', NULL, NULL, '{optional=2}') FROM cases$$, '0A000', NULL, 'driver_counts refuses optional steps');
SELECT throws_ok($$SELECT 'funnel collapse=0 param=3 anchor="within=3600000000;gap=0;modes=256;steps=1:A1:B1:C;exclude=" total=1 [1 @3]'::funnel_counts$$,
				 '22000', NULL, 'a stored definition with the optional bit and no steps is refused');
SELECT throws_ok($$SELECT 'funnel collapse=0 param=3 anchor="within=3600000000;gap=0;modes=0;steps=1:A1:B1:C;exclude=" total=1 [1 @3, 1 @500000]'::funnel_counts$$,
				 '22000', NULL, 'a closed funnel with a reached key is refused');
SELECT is(funnel_level(NULL, '{A}', '1 hour', mode => '{open}'), NULL, 'a NULL journey gives NULL');
SELECT is(funnel_timestamps('[]', '{A,B}', '1 hour', mode => '{open,optional=2}'), '{}'::timestamptz[], 'an empty journey reaches nothing');

SELECT * FROM finish();
ROLLBACK;
