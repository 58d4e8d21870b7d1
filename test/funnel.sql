-- Funnels on stored journeys: the dynamic programme against a brute-force
-- enumeration of every chain (DESIGN.md S1-S6), and bad input.
BEGIN;
SELECT plan(52);

-- Every valid chain, enumerated: the longest one's length.
CREATE FUNCTION brute_level(j journey, steps text[], w interval, gap interval, excl text[], strict boolean,
							consecutive boolean DEFAULT false)
RETURNS integer LANGUAGE sql AS $$
WITH RECURSIVE t AS (SELECT ordinality AS i, ts, label FROM journey_unnest(j)),
chains (path, first, last, n) AS (
	SELECT ARRAY[i], ts, ts, 1 FROM t WHERE label = steps[1]
	UNION ALL
	SELECT c.path || t.i, c.first, t.ts, c.n + 1
	FROM chains c
	JOIN t ON t.label = steps[c.n + 1] AND NOT t.i = ANY (c.path)
		AND t.ts >= c.last AND (NOT strict OR t.ts > c.last)
		AND t.ts - c.first <= w AND (gap IS NULL OR t.ts - c.last <= gap)
	WHERE c.n < cardinality(steps)
)
SELECT coalesce(max(n), 0)::integer FROM chains c
WHERE (excl IS NULL
	   OR NOT EXISTS (SELECT 1 FROM t WHERE t.label = ANY (excl) AND t.ts > c.first AND t.ts < c.last))
  -- consecutive: some order of the equal timestamps makes the chain
  -- consecutive, that is no other touchpoint lies strictly inside it in time
  AND (NOT consecutive
	   OR NOT EXISTS (SELECT 1 FROM t WHERE t.ts > c.first AND t.ts < c.last AND NOT t.i = ANY (c.path)))
$$;

SELECT setseed(0.123);
CREATE TEMP TABLE cases AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j,
	   (ARRAY['{A,B,C}', '{A,A,B}', '{B,A}', '{A,B,A,C}', '{C}'])[1 + g % 5]::text[] AS steps,
	   (ARRAY['5 minutes', '12 minutes', '1 hour'])[1 + g % 3]::interval AS w,
	   CASE WHEN g % 4 = 0 THEN interval '4 minutes' END AS gap,
	   CASE WHEN g % 7 = 0 THEN '{X}'::text[] END AS excl,
	   g % 6 = 0 AS strict
FROM generate_series(1, 1500) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 5) * interval '3 minutes' AS ts,
		   (ARRAY['A', 'B', 'C', 'X'])[1 + floor(random() * 4)::int] AS label
	FROM generate_series(1, 1 + floor(random() * 9 + g * 0)::int)
) t ON true
GROUP BY g;

SELECT ok((SELECT count(DISTINCT funnel_level(j, steps, w, gap, excl, CASE WHEN strict THEN '{strict_increase}'::text[] END)) >= 3 FROM cases),
		  'the cases reach several different levels');
SELECT is((SELECT count(*) FROM cases
		   WHERE funnel_level(j, steps, w, gap, excl, CASE WHEN strict THEN '{strict_increase}'::text[] END)
				 <> brute_level(j, steps, w, gap, excl, strict)),
		  0::bigint, 'funnel_level equals the longest valid chain on 1500 random journeys');
SELECT ok((SELECT bool_and(cardinality(ft) = funnel_level(j, steps, w, gap, excl, m)
						   AND (cardinality(ft) = 0 OR ft[cardinality(ft)] - ft[1] <= w)
						   AND (SELECT bool_and(x.a <= x.b AND (gap IS NULL OR x.b - x.a <= gap))
								FROM (SELECT ft[i] AS a, ft[i + 1] AS b FROM generate_series(1, cardinality(ft) - 1) i) x) IS NOT FALSE)
		   FROM (SELECT *, CASE WHEN strict THEN '{strict_increase}'::text[] END AS m,
						funnel_timestamps(j, steps, w, gap, excl, CASE WHEN strict THEN '{strict_increase}'::text[] END) AS ft
				 FROM cases) c),
		  'funnel_timestamps gives one time per reached step, in order, within the window and gaps');
SELECT ok((SELECT bool_and(funnel_level(j, steps, w, NULL, NULL, '{consecutive}') <= funnel_level(j, steps, w)) FROM cases),
		  'consecutive never reaches further than the default mode');

-- consecutive takes equal timestamps in step order too (S1), whatever
-- the labels' bytewise order.
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{B,A}', '1 hour', mode => '{consecutive}'), 2,
		  'consecutive: [t A, t B] reaches 2 of {B,A}');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{A,B}', '1 hour', mode => '{consecutive}'), 2,
		  'consecutive: [t A, t B] reaches 2 of {A,B}');
SELECT is(funnel_timestamps('[2024-01-01 00:00:00+00 C, 2024-01-01 00:05:00+00 B, 2024-01-01 00:05:00+00 C, 2024-01-01 00:05:00+00 X, 2024-01-01 00:09:00+00 A]',
							'{C,C,B}', '1 hour', mode => '{consecutive}'),
		  '{2024-01-01 00:00:00+00,2024-01-01 00:05:00+00,2024-01-01 00:05:00+00}'::timestamptz[],
		  'consecutive: a chain may end inside a group of equal timestamps');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 B, 2024-01-01 00:05:00+00 X, 2024-01-01 00:09:00+00 C]',
					   '{A,B,C}', '1 hour', mode => '{consecutive}'), 2,
		  'consecutive: a group of equal timestamps it passes through must be all in the chain');
SELECT is((SELECT count(*) FROM cases
		   WHERE funnel_level(j, steps, w, gap, NULL, CASE WHEN strict THEN '{consecutive,strict_increase}' ELSE '{consecutive}' END::text[])
				 <> brute_level(j, steps, w, gap, NULL, strict, true)),
		  0::bigint, 'consecutive equals the longest chain with no other touchpoint inside it, on 1500 random journeys');
SELECT ok((SELECT bool_and(cardinality(ft) = funnel_level(j, steps, w, gap, NULL, '{consecutive}')
						   AND (cardinality(ft) = 0 OR ft[cardinality(ft)] - ft[1] <= w))
		   FROM (SELECT *, funnel_timestamps(j, steps, w, gap, NULL, '{consecutive}') AS ft FROM cases) c),
		  'consecutive: funnel_timestamps gives one time per reached step, within the window');

SELECT is(funnel_level(NULL, '{A}', '1 hour'), NULL, 'NULL journey gives NULL');
SELECT is(funnel_level('[]', '{A}', '1 hour'), 0, 'the empty journey reaches level 0');
SELECT is(funnel_timestamps('[]', '{A}', '1 hour'), '{}'::timestamptz[], 'no timestamps for level 0');
SELECT throws_ok($$SELECT funnel_level('[]', '{}', '1 hour')$$, '22023', NULL, 'no steps');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,NULL}', '1 hour')$$, '22004', NULL, 'NULL step');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', NULL)$$, '22004', NULL, 'NULL window');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '-1 hour')$$, '22023', NULL, 'negative window');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 month')$$, '22023', NULL, 'window in months');
SELECT throws_ok($$SELECT funnel_level('[]', '{A,B}', '1 hour', exclude => '{B}')$$, '22023', NULL, 'a step that is also excluded');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 hour', mode => '{sideways}')$$, '22023', 'unknown funnel mode "sideways"', 'unknown mode');

-- window_funnel over raw events (default mode) and funnel_level over the
-- stored journeys of the same events agree, hashed or sorted.
SELECT setseed(0.4);
CREATE TEMP TABLE wev AS
SELECT g AS cust, '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 1e6)::int * interval '1 second' AS ts,
	   (ARRAY['a', 'b', 'c', 'd', 'x'])[1 + floor(random() * 5)::int] AS ev
FROM generate_series(1, 2000) g, generate_series(1, 1 + g % 25) i;
CREATE TEMP VIEW wf_vs_fl AS
SELECT count(*) AS customers, count(*) FILTER (WHERE wf <> fl) AS differ, sum(wf) AS levels
FROM (SELECT cust, window_funnel('2 days', ts, ev = 'a', ev = 'b', ev = 'c', ev = 'd') AS wf FROM wev GROUP BY cust) w
JOIN (SELECT cust, funnel_level(journey_agg(ts, ev), '{a,b,c,d}', '2 days') AS fl FROM wev GROUP BY cust) f USING (cust);
SELECT ok((SELECT customers = 2000 AND differ = 0 AND levels > 2000 FROM wf_vs_fl),
		  'window_funnel equals funnel_level on 2000 random customers (hash aggregate)');
SET LOCAL enable_hashagg = off;
SELECT ok((SELECT customers = 2000 AND differ = 0 FROM wf_vs_fl),
		  'window_funnel equals funnel_level on 2000 random customers (sorted aggregate)');
RESET enable_hashagg;
-- Calls of 2 to 8 conditions resolve to fixed-arity forms, which must
-- answer as the VARIADIC form does, in every mode, with NULL conditions
-- and NULL timestamps among the rows.
CREATE TEMP TABLE wev_nulls AS
SELECT cust, CASE WHEN cust % 7 = 0 AND ts < '2024-01-04' THEN NULL ELSE ts END AS ts,
	   CASE WHEN cust % 5 = 0 AND ev = 'x' THEN NULL ELSE ev END AS ev
FROM wev;
CREATE FUNCTION pg_temp.fixed_vs_variadic() RETURNS TABLE (calls int, differ bigint, levels bigint)
LANGUAGE plpgsql AS $f$
DECLARE
	n int;
	m text;
	conds text;
	d bigint;
	l bigint;
BEGIN
	calls := 0; differ := 0; levels := 0;
	FOR n IN 2..8 LOOP
		conds := (SELECT string_agg(format('ev = %L', (ARRAY['a', 'b', 'c', 'd', 'b', 'a', 'c', 'x'])[i]), ', ')
				  FROM generate_series(1, n) i);
		FOREACH m IN ARRAY ARRAY['', 'NULL', '{}', '{strict_order}', '{strict_deduplication,allow_reentry}',
								 '{strict_increase}', '{strict_once}'] LOOP
			EXECUTE format($q$SELECT count(*) FILTER (WHERE f IS DISTINCT FROM v), sum(f)
							  FROM (SELECT cust, window_funnel('2 days', %1$s ts, %2$s) AS f,
										   window_funnel('2 days', %1$s ts, VARIADIC ARRAY[%2$s]) AS v
									FROM wev_nulls GROUP BY cust) s$q$,
						   CASE WHEN m = '' THEN '' WHEN m = 'NULL' THEN 'NULL::text[],' ELSE quote_literal(m) || ',' END,
						   conds) INTO d, l;
			calls := calls + 1;
			differ := differ + d;
			levels := levels + l;
		END LOOP;
	END LOOP;
	RETURN NEXT;
END
$f$;
SELECT is((SELECT (calls, differ, levels > 49 * 2000) FROM pg_temp.fixed_vs_variadic()), (49, 0::bigint, true),
		  'window_funnel of 2 to 8 conditions, in 7 modes, equals its VARIADIC form on 2000 customers with NULLs');
CREATE TEMP VIEW wf_fixed AS
SELECT window_funnel('1 day', ts, ev = 'a', ev = 'b') AS a, window_funnel('1 day', '{strict_order}', ts, ev = 'a', ev = 'b') AS b
FROM wev;
SELECT ok(pg_get_viewdef('wf_fixed') NOT LIKE '%VARIADIC%' AND pg_get_viewdef('wf_fixed') LIKE '%window_funnel%',
		  'a call of 2 conditions resolves to the fixed-arity form, with and without modes');
SELECT throws_ok($$SELECT window_funnel(NULL, now(), true, false)$$, '22004',
				 'window_funnel window must not be NULL', 'a NULL window in the fixed-arity form');
SELECT throws_ok($$SELECT window_funnel('1 hour', '{strict_sometimes}', now(), true, false)$$, '22023',
				 'unknown window_funnel mode "strict_sometimes"', 'an unknown mode in the fixed-arity form');

-- Repeated step labels (a label in two steps): equal timestamps fill
-- consecutive steps in step order (S1), one touchpoint one step (S2), so
-- a@0, b@3, a@3 is a chain of {a,b,a} within 4 minutes.
SELECT is(funnel_level('[2024-01-01 00:00:00+00 a, 2024-01-01 00:03:00+00 a, 2024-01-01 00:03:00+00 b]', '{a,b,a}', '4 minutes'), 3,
		  'funnel_level: a@0, a@3, b@3 reaches 3 of {a,b,a}');
SELECT is((SELECT window_funnel('4 minutes', ts, l = 'a', l = 'b', l = 'a')
		   FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz, 'a'), ('2024-01-01 00:03:00+00', 'a'), ('2024-01-01 00:03:00+00', 'b')) v(ts, l)),
		  3, 'window_funnel: a@0, a@3, b@3 reaches 3 of {a,b,a}');
-- Differential: window_funnel over the events against funnel_level on the
-- journey, 3,000 journeys drawn from md5 (deterministic) with many equal
-- timestamps and funnels whose labels repeat.
CREATE TEMP TABLE rep AS
SELECT g, (ARRAY['{a,b,a}', '{a,a,b}', '{a,b,a,b}', '{b,a,b,a,c}', '{a,a}', '{a,b,b,a}', '{c,a,c,b,c}'])[1 + g % 7]::text[] AS steps,
	   (ARRAY['4 minutes', '7 minutes', '1 hour'])[1 + (g / 7) % 3]::interval AS w
FROM generate_series(1, 3000) g;
CREATE TEMP TABLE rep_events AS
SELECT g, '2024-01-01 00:00:00+00'::timestamptz + (h % 6) * interval '3 minutes' AS ts,
	   (ARRAY['a', 'b', 'c'])[1 + (h >> 4) % 3] AS l
FROM (SELECT g, ('x' || substr(md5(g || ':' || i), 1, 7))::bit(28)::int AS h
	  FROM generate_series(1, 3000) g, generate_series(1, 1 + g % 9) i) x;
CREATE TEMP TABLE rep_levels AS
SELECT r.g, r.steps, r.w,
	   (SELECT window_funnel(r.w, e.ts, VARIADIC (SELECT array_agg(e.l = s ORDER BY o) FROM unnest(r.steps) WITH ORDINALITY u(s, o)))
		FROM rep_events e WHERE e.g = r.g) AS wf,
	   (SELECT window_funnel(r.w, '{strict_increase}', e.ts, VARIADIC (SELECT array_agg(e.l = s ORDER BY o) FROM unnest(r.steps) WITH ORDINALITY u(s, o)))
		FROM rep_events e WHERE e.g = r.g) AS wf_inc,
	   (SELECT funnel_level(journey_agg(e.ts, e.l), r.steps, r.w) FROM rep_events e WHERE e.g = r.g) AS fl,
	   (SELECT funnel_level(journey_agg(e.ts, e.l), r.steps, r.w, mode => '{strict_increase}') FROM rep_events e WHERE e.g = r.g) AS fl_inc,
	   (SELECT brute_level(journey_agg(e.ts, e.l), r.steps, r.w, NULL, NULL, false) FROM rep_events e WHERE e.g = r.g) AS brute
FROM rep r;
SELECT ok((SELECT count(DISTINCT fl) >= 4 FROM rep_levels), 'the repeated-label cases reach several levels');
SELECT is((SELECT count(*) FROM rep_levels WHERE fl <> brute), 0::bigint,
		  'funnel_level equals the longest valid chain with repeated step labels');
SELECT is((SELECT count(*) FROM rep_levels WHERE wf <> fl), 0::bigint,
		  'window_funnel equals funnel_level on 3,000 journeys with repeated step labels');
SELECT is((SELECT count(*) FROM rep_levels WHERE wf_inc <> fl_inc), 0::bigint,
		  'window_funnel equals funnel_level under strict_increase with repeated step labels');
-- window_funnel strict_order: equal timestamps in condition order, a row
-- meeting no condition after them
SELECT is((SELECT window_funnel('1 hour', '{strict_order}', ts, l = 'B', l = 'A')
		   FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz, 'A'), ('2024-01-01 00:00:00+00', 'B')) v(ts, l)),
		  2, 'window_funnel strict_order: [t A, t B] reaches 2 of {B,A}');
SELECT is((SELECT window_funnel('1 hour', '{strict_order}', ts, l = 'A', l = 'B')
		   FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz, 'A'), ('2024-01-01 00:05:00+00', 'B'), ('2024-01-01 00:05:00+00', 'X')) v(ts, l)),
		  2, 'window_funnel strict_order: a row meeting no condition at the same time comes after');

SELECT is(window_funnel_final('[]'), 0, 'window_funnel_final of a state that saw no row');

-- The strict modes mean in funnel_level what they mean in window_funnel:
-- ClickHouse's scan over the same events, a touchpoint meeting the steps
-- its label fills.
CREATE TEMP TABLE scan_modes AS
SELECT c.id, m.mode, funnel_level(c.j, c.steps, c.w, NULL, NULL, m.mode) AS fl,
	   funnel_timestamps(c.j, c.steps, c.w, NULL, NULL, m.mode) AS ft, c.w,
	   (SELECT coalesce(window_funnel(c.w, m.mode, u.ts, VARIADIC ARRAY(SELECT u.label = s FROM unnest(c.steps) s)), 0)
		FROM journey_unnest(c.j) u) AS wf
FROM cases c,
	 (VALUES ('{strict_order}'::text[]), ('{strict_deduplication}'), ('{strict_order,allow_reentry}'),
			 ('{strict_order,strict_increase}'), ('{strict_deduplication,strict_increase}'),
			 ('{strict_order,strict_once}'), ('{strict_deduplication,strict_once}'),
			 ('{strict_order,allow_reentry,strict_once}'), ('{strict_order,strict_increase,strict_once}'),
			 ('{strict_deduplication,strict_increase,strict_once}')) m(mode);
SELECT ok((SELECT bool_and(n >= 3) FROM (SELECT count(DISTINCT fl) AS n FROM scan_modes GROUP BY mode) x),
		  'each strict mode reaches several levels on the cases');
SELECT is((SELECT count(*) FROM scan_modes WHERE fl <> wf), 0::bigint,
		  'funnel_level equals window_funnel over the same touchpoints in every strict mode, on 1500 journeys each');
SELECT ok((SELECT bool_and(cardinality(ft) = fl AND (fl = 0 OR ft[fl] - ft[1] <= w)
						   AND (SELECT bool_and(ft[i] <= ft[i + 1]) FROM generate_series(1, fl - 1) i) IS NOT FALSE)
		   FROM scan_modes),
		  'strict modes: funnel_timestamps gives one time per reached step, in order, within the window');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour',
					   exclude => '{X}', mode => '{strict_deduplication}'), 1,
		  'strict modes: an excluded touchpoint strictly inside the chain stops it');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour',
					   mode => '{strict_deduplication}'), 2,
		  'strict modes: without the exclusion the chain goes on');
SELECT is(funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour', '5 minutes',
					   mode => '{strict_order}'), 1,
		  'strict modes: max_gap between consecutive matches');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 hour', mode => '{consecutive,strict_order}')$$, '22023',
				 'funnel mode consecutive does not combine with strict_order, strict_deduplication, allow_reentry or strict_once',
				 'consecutive is the exact search; it does not mix with the scan');

-- strict_once against ClickHouse's getEventLevelStrictOnce written out
-- plainly: the (touchpoint, step) pairs of each time in step order, every
-- chain kept (none dropped as dominated), a chain taking a touchpoint once;
-- touchpoints meeting no step come after those of their time.
CREATE TEMP TABLE once_chains (lvl integer, first timestamptz, last timestamptz, path bigint[]);
CREATE FUNCTION brute_once(j journey, steps text[], w interval, gap interval, excl text[], modes text[])
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	k integer := cardinality(steps);
	so boolean := 'strict_order' = ANY (modes);
	dd boolean := 'strict_deduplication' = ANY (modes);
	si boolean := 'strict_increase' = ANY (modes);
	re boolean := 'allow_reentry' = ANY (modes);
	started boolean := false;
	g record;
	p record;
BEGIN
	TRUNCATE once_chains;
	FOR g IN SELECT ts, bool_or(NOT label = ANY (steps)) AS unmatched FROM journey_unnest(j) GROUP BY ts ORDER BY ts LOOP
		FOR p IN SELECT u.s, t.ordinality AS i FROM journey_unnest(j) t
				 JOIN unnest(steps) WITH ORDINALITY u(l, s) ON u.l = t.label
				 WHERE t.ts = g.ts ORDER BY u.s, t.ordinality LOOP
			IF p.s = 1 THEN
				INSERT INTO once_chains VALUES (1, g.ts, g.ts, ARRAY[p.i]);
				started := true;
			ELSIF dd AND EXISTS (SELECT 1 FROM once_chains WHERE lvl = p.s) THEN
				RETURN p.s;
			ELSIF so AND started AND NOT EXISTS (SELECT 1 FROM once_chains WHERE lvl = p.s - 1) THEN
				IF NOT re THEN
					RETURN (SELECT coalesce(max(lvl), 0) FROM once_chains);
				END IF;
			ELSE
				INSERT INTO once_chains
				SELECT p.s, c.first, g.ts, c.path || p.i FROM once_chains c
				WHERE c.lvl = p.s - 1 AND g.ts - c.first <= w AND (NOT si OR c.last < g.ts)
				  AND (gap IS NULL OR g.ts - c.last <= gap) AND NOT p.i = ANY (c.path)
				  AND (excl IS NULL OR NOT EXISTS (SELECT 1 FROM journey_unnest(j) x
												   WHERE x.label = ANY (excl) AND x.ts > c.first AND x.ts < g.ts));
				IF p.s = k AND EXISTS (SELECT 1 FROM once_chains WHERE lvl = k) THEN
					RETURN k;
				END IF;
			END IF;
		END LOOP;
		IF so AND started AND g.unmatched THEN
			EXIT;
		END IF;
	END LOOP;
	RETURN (SELECT coalesce(max(lvl), 0) FROM once_chains);
END
$$;
CREATE TEMP TABLE once_modes AS
SELECT c.id, m.mode, c.steps,
	   funnel_level(c.j, c.steps, c.w, c.gap, c.excl, m.mode) AS fl,
	   funnel_level(c.j, c.steps, c.w, c.gap, c.excl, m.mode[2:]) AS fl_latest,
	   brute_once(c.j, c.steps, c.w, c.gap, c.excl, m.mode) AS brute
FROM cases c,
	 (VALUES ('{strict_once,strict_order}'::text[]), ('{strict_once,strict_deduplication}'),
			 ('{strict_once,strict_order,allow_reentry}'), ('{strict_once,strict_order,strict_increase}'),
			 ('{strict_once,strict_deduplication,strict_increase}')) m(mode);
SELECT is((SELECT count(*) FROM once_modes WHERE fl <> brute), 0::bigint,
		  'strict_once: funnel_level equals ClickHouse''s strict_once scan written out, on 1500 journeys with max_gap and exclusions, per mode set');
SELECT ok((SELECT bool_and(n > 0) FROM (SELECT count(*) FILTER (WHERE fl <> fl_latest) AS n FROM once_modes GROUP BY mode) x),
		  'strict_once changes the level of some journeys in each mode set');
SELECT ok((SELECT count(DISTINCT steps) = 2 FROM once_modes WHERE fl <> fl_latest AND NOT 'strict_increase' = ANY (mode)),
		  'without strict_increase, only funnels with a label in two steps change ({A,A,B} and {A,B,A,C})');
-- Without the scan, strict_once changes nothing: a touchpoint fills one
-- step at most (S2) and every chain counts (S4) already.
SELECT is((SELECT count(*) FROM cases
		   WHERE funnel_level(j, steps, w, gap, excl, CASE WHEN strict THEN '{strict_increase,strict_once}' ELSE '{strict_once}' END::text[])
				 <> funnel_level(j, steps, w, gap, excl, CASE WHEN strict THEN '{strict_increase}'::text[] END)),
		  0::bigint, 'strict_once alone or with strict_increase is the exact search');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 hour', mode => '{consecutive,strict_once}')$$, '22023',
				 'funnel mode consecutive does not combine with strict_order, strict_deduplication, allow_reentry or strict_once',
				 'consecutive does not combine with strict_once');
SELECT throws_ok($$SELECT funnel_level('[]', '{A}', '1 hour', mode => '{strict_once,NULL}')$$, '22004',
				 'funnel modes must not contain NULL', 'a NULL mode');
SELECT throws_ok($$SELECT window_funnel('1 hour', '{strict_once,NULL}', now(), true)$$, '22004',
				 'window_funnel modes must not contain NULL', 'a NULL window_funnel mode');
SELECT throws_ok($$SELECT window_funnel('1 hour', '{{strict_once}}', now(), true)$$, '2202E',
				 'window_funnel modes must be a one-dimensional array', 'window_funnel modes in two dimensions');

-- funnel_trends against the self-join it replaces: per entry period (of
-- funnel_timestamps' step 1) and step, the journeys whose funnel_level
-- reaches the step, over 900 random journeys spread over four months, by
-- week (from Monday), month and 6 hours, in three mode sets; dense periods.
SELECT setseed(0.77);
CREATE TEMP TABLE trend_journeys AS
SELECT g AS id, journey_agg('2024-01-01 00:00:00+00'::timestamptz + floor(random() * 120 * 24 * 60) * interval '1 minute'
							+ i * floor(random() * 180) * interval '1 minute',
							(ARRAY['A', 'B', 'C', 'X'])[1 + floor(random() * 4)::int]) AS j
FROM generate_series(1, 900) g, generate_series(1, 1 + g % 7) i GROUP BY g;
-- each period with the bucket the reference computes in SQL
CREATE FUNCTION trend_bucket(period text, ts timestamptz) RETURNS timestamptz LANGUAGE sql AS $$
SELECT CASE period
	WHEN 'week' THEN date_trunc('week', ts, 'UTC')
	WHEN 'month' THEN date_trunc('month', ts, 'UTC')
	ELSE '2000-01-03 00:00:00+00'::timestamptz
		 + floor(extract(epoch FROM ts - '2000-01-03 00:00:00+00') / 21600) * interval '6 hours' END
$$;
CREATE TEMP TABLE trend_sets AS
SELECT p.period, m.mode
FROM (VALUES ('week'), ('month'), ('6 hours')) p(period),
	 (VALUES (NULL::text[]), ('{strict_increase}'), ('{strict_order,strict_once}')) m(mode);
CREATE TEMP TABLE trend_ref AS
WITH e AS (
	SELECT t.period, t.mode, funnel_level(j, '{A,B,C}', '2 days', NULL, NULL, t.mode) AS level,
		   trend_bucket(t.period, (funnel_timestamps(j, '{A,B,C}', '2 days', NULL, NULL, t.mode))[1]) AS start
	FROM trend_journeys, trend_sets t),
span AS (SELECT period, mode, min(start) AS lo, max(start) AS hi FROM e WHERE level > 0 GROUP BY 1, 2),
grid AS (
	SELECT s.period, s.mode, p.start, st.step
	FROM span s,
		 LATERAL (SELECT DISTINCT trend_bucket(s.period, x) AS start
				  FROM generate_series(s.lo, s.hi, interval '1 hour') x) p,
		 generate_series(1, 3) st(step))
SELECT g.period, g.mode, g.start, g.step,
	   (SELECT count(*) FROM e WHERE e.period = g.period AND e.mode IS NOT DISTINCT FROM g.mode
			AND e.start = g.start AND e.level >= g.step) AS journeys,
	   (SELECT count(*) FROM e WHERE e.period = g.period AND e.mode IS NOT DISTINCT FROM g.mode
			AND e.start = g.start AND e.level >= 1) AS entrants
FROM grid g;
CREATE TEMP TABLE trend_got AS
SELECT t.period, t.mode, f.*
FROM trend_sets t,
	 LATERAL funnel_trends((SELECT CASE WHEN t.mode IS NULL THEN funnel_trend_counts(j, '{A,B,C}', '2 days', t.period)
										ELSE funnel_trend_counts(j, '{A,B,C}', '2 days', t.period, NULL, NULL, t.mode) END
							FROM trend_journeys)) f;
SELECT ok((SELECT count(*) > 300 AND count(DISTINCT journeys) > 5 AND bool_or(journeys = 0) AND bool_or(conversion IS NULL)
		   FROM trend_got),
		  'funnel_trends: the random journeys make a varied grid, with empty cells and periods');
SELECT is((SELECT count(*) FROM trend_ref r FULL JOIN trend_got g
		   ON g.period = r.period AND g.mode IS NOT DISTINCT FROM r.mode AND g.period_start = r.start AND g.step = r.step
		   WHERE r.step IS NULL OR g.step IS NULL OR g.journeys <> r.journeys
			  OR g.conversion IS DISTINCT FROM CASE WHEN r.entrants > 0 THEN r.journeys::float8 / r.entrants END
			  OR g.label <> (ARRAY['A', 'B', 'C'])[r.step]),
		  0::bigint, 'funnel_trends equals funnel_level and funnel_timestamps grouped by entry period, dense, in every period and mode set');

SELECT * FROM finish();
ROLLBACK;
