-- attribution_counts and attribution_credits: the per-label sums of
-- journey_attribution on random journeys, order independence, NULLs,
-- empty and huge input, malformed values.
BEGIN;
SELECT plan(27);

SELECT setseed(0.31);
CREATE TEMP TABLE rj AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label, t.value), '[]') AS j,
	   random() < 0.4 AS converted, round((random() * 200 - 50)::numeric, 2)::float8 AS value
FROM generate_series(1, 400) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 2e6) * interval '1 second' AS ts,
		   l AS label, CASE WHEN l = 'purchase' THEN round(random() * 100) END AS value
	FROM (SELECT (ARRAY['search', 'email', 'direct', 'social', 'purchase', 'a' || g % 3])[1 + floor(random() * 6)::int] AS l
		  FROM generate_series(1, floor(random() * 20 + g * 0)::int)) x
) t ON true
GROUP BY g;
CREATE TEMP TABLE models AS
SELECT unnest('{first_touch,last_touch,last_non_direct,linear,position_based,time_decay}'::text[]) AS m;

-- What journey_attribution gives, grouped by label, against the summary:
-- the same labels, conversions and touchpoints, and credit within the
-- rounding of each touchpoint to 2^-40 (plus the float sum's own error).
CREATE FUNCTION srf_vs_summary(srf text, summary text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	bad bigint;
BEGIN
	EXECUTE format($q$
		SELECT count(*) FROM (%s) s FULL JOIN (%s) a USING (model, label)
		WHERE s.conversions IS DISTINCT FROM a.conversions OR s.touchpoints IS DISTINCT FROM a.touchpoints
		   OR NOT abs(s.credit - a.credit) <= s.touchpoints * 2.0^(-41) + 1e-12
		   OR NOT abs(s.value_credit - a.value_credit) <= s.touchpoints * 2.0^(-41) + 1e-9 * greatest(1, abs(s.value_credit))$q$,
		srf, summary) INTO bad;
	RETURN bad;
END $$;

SELECT is(srf_vs_summary(
	$$SELECT m AS model, a.label, count(DISTINCT (id, conversion_no)) AS conversions, count(*) AS touchpoints,
			 sum(credit) AS credit, sum(value_credit) AS value_credit
	  FROM rj, models, journey_attribution(j, m, '{purchase}') a GROUP BY 1, 2$$,
	$$SELECT m AS model, r.* FROM models, attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM rj)) r$$),
	0::bigint, 'conversions form: every model''s sums per label are journey_attribution''s');
SELECT is(srf_vs_summary(
	$$SELECT m AS model, a.label, count(DISTINCT id) AS conversions, count(*) AS touchpoints,
			 sum(credit) AS credit, sum(value_credit) AS value_credit
	  FROM rj, models, journey_attribution(j, m, converted => converted, conversion_value => value) a GROUP BY 1, 2$$,
	$$SELECT m AS model, r.* FROM models, attribution_credits((SELECT attribution_counts(j, m, converted, value) FROM rj)) r$$),
	0::bigint, 'converted form: every model''s sums per label are journey_attribution''s, negative values too');
SELECT is(srf_vs_summary(
	$$SELECT m AS model, a.label, count(DISTINCT (id, conversion_no)) AS conversions, count(*) AS touchpoints,
			 sum(credit) AS credit, sum(value_credit) AS value_credit
	  FROM rj, models, journey_attribution(j, m, '{purchase,a1}', NULL, NULL, '3 days', false, '{direct,email}', '{0.5,0,0.5}', '12 hours') a
	  GROUP BY 1, 2$$,
	$$SELECT m AS model, r.* FROM models,
			 attribution_credits((SELECT attribution_counts(j, m, '{purchase,a1}', NULL, NULL, '3 days', false, '{direct,email}', '{0.5,0,0.5}', '12 hours') FROM rj)) r$$),
	0::bigint, 'every argument: lookback, since_previous, skip labels, weights (a middle of 0 credits nothing), half-life');
SELECT is((SELECT count(*) FROM models, attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM rj)) r), 
		  (SELECT count(*) FROM (SELECT DISTINCT m, a.label FROM rj, models, journey_attribution(j, m, '{purchase}') a) x),
		  'one row per model and credited label');
SELECT ok((SELECT count(*) > 1000 FROM rj, journey_attribution(j, 'linear', '{purchase}')), 'many touchpoints are credited');

-- The reader: credit descending, then label bytewise; shares add up to 1.
SELECT is((SELECT count(*) FROM (
			SELECT r.credit, r.label, lag(r.credit) OVER w AS pc, lag(r.label) OVER w AS pl
			FROM models, attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM rj))
				 WITH ORDINALITY r(label, conversions, touchpoints, credit, value_credit, share, ord)
			WINDOW w AS (PARTITION BY m ORDER BY ord)) x
		   WHERE pc < credit OR (pc = credit AND pl COLLATE "C" >= label COLLATE "C")),
		  0::bigint, 'rows come by credit descending, then label bytewise');
SELECT ok((SELECT bool_and(abs(s - 1) < 1e-12) FROM (
			SELECT sum(share) AS s FROM models, attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM rj)) r GROUP BY m) x),
		  'shares add up to 1');
SELECT ok((SELECT bool_and(abs(s - n) <= t * 2.0^(-41)) FROM (
			SELECT m, sum(credit) AS s, sum(touchpoints) AS t,
				   (SELECT count(*) FROM rj, journey_unnest(j) u WHERE u.label = 'purchase'
					  AND EXISTS (SELECT FROM journey_attribution(rj.j, 'first_touch', '{purchase}') a WHERE a.conversion_ts = u.ts)) AS n
			FROM models, attribution_credits((SELECT attribution_counts(j, m, '{purchase}') FROM rj)) r GROUP BY m) x),
		  'the credit of all labels is the number of conversions credited');

-- Order and split do not matter: exact sums.
SELECT is((SELECT attribution_counts(j, 'time_decay', '{purchase}' ORDER BY id DESC)::text FROM rj),
		  (SELECT attribution_counts(j, 'time_decay', '{purchase}' ORDER BY id)::text FROM rj),
		  'rows in another order give the same summary');
SELECT is((SELECT attribution_counts_rollup(a)::text FROM (SELECT attribution_counts(j, 'linear', converted, value) AS a FROM rj GROUP BY id % 7) s),
		  (SELECT attribution_counts(j, 'linear', converted, value)::text FROM rj),
		  'a rollup of parts is the summary of the whole');
SELECT is((SELECT attribution_counts_rollup(a)::text FROM (SELECT attribution_counts(j, 'linear', converted, value) AS a FROM rj GROUP BY id % 7
														   UNION ALL SELECT NULL) s),
		  (SELECT attribution_counts(j, 'linear', converted, value)::text FROM rj),
		  'a rollup skips NULL summaries');

-- NULLs and empty input.
SELECT ok((SELECT attribution_counts(j, 'linear', '{purchase}') FROM rj WHERE false) IS NULL, 'no rows: NULL');
SELECT ok((SELECT attribution_counts(NULL::journey, 'linear', '{purchase}')) IS NULL, 'NULL journeys only: NULL');
SELECT is((SELECT count(*) FROM attribution_credits(NULL)), 0::bigint, 'a NULL summary reads as no rows');
SELECT is((SELECT count(*) FROM attribution_credits((SELECT attribution_counts('[]'::journey, 'linear', '{purchase}')))), 0::bigint,
		  'an empty journey: a summary of no rows');
SELECT is((SELECT attribution_counts(j, 'linear', converted, value)::text FROM (SELECT j, converted, value FROM rj UNION ALL SELECT NULL, true, 3) s),
		  (SELECT attribution_counts(j, 'linear', converted, value)::text FROM rj), 'NULL journeys are skipped');
SELECT throws_ok($$SELECT attribution_counts(j, 'linear', NULL, 3) FROM rj$$, '22023', 'give either conversions or converted',
				 'a NULL converted flag is refused, as journey_attribution refuses it');

-- Huge: each touchpoint's value credit is at most 1e18, and a label's sum
-- at most 2^63 - 1 whole units.
SELECT is((SELECT value_credit FROM attribution_credits((SELECT attribution_counts('[2024-01-01 00:00:00+00 a]'::journey, 'linear', true, v)
														FROM (VALUES (1e18::float8), (1e18), (-1e18)) t(v)))),
		  1e18::float8, 'values of 1e18 add up exactly');
SELECT throws_ok($$SELECT attribution_counts('[2024-01-01 00:00:00+00 a]'::journey, 'linear', true, 1e18) FROM generate_series(1, 10)$$,
				 '22003', 'attribution credit sum out of range', 'a value credit sum beyond 2^63 is refused');
SELECT throws_ok($$SELECT attribution_counts('[2024-01-01 00:00:00+00 a]'::journey, 'linear', true, 2e18)$$,
				 '22003', 'conversion value out of range for attribution_counts', 'a conversion value beyond 1e18 is refused');
SELECT throws_ok($$SELECT attribution_counts_rollup(a) FROM (VALUES
					('attribution collapse=0 param=3 anchor="x" total=1 [1 @0 "a", 1 @1 "a", 1 @2 "a", 9223372036854775807 @4 "a"]'::attribution_counts),
					('attribution collapse=0 param=3 anchor="x" total=1 [1 @0 "a", 1 @1 "a", 1 @2 "a", 1 @4 "a"]')) t(a)$$,
				 '22003', 'attribution credit sum out of range', 'rolled up sums beyond 2^63 are refused');

-- Malformed values, in text (binary: test/binary.sql).
SELECT is(('attribution collapse=0 param=3 anchor="x" total=2 [2 @0 "a", 3 @1 "a", 1 @2 "a", 1099511627776 @3 "a"]'::attribution_counts)::text,
		  'attribution collapse=0 param=3 anchor="x" total=2 [2 @0 "a", 3 @1 "a", 2 @2 "a"]',
		  'a fraction of 2^40 or more carries into the whole part');
SELECT throws_ok($$SELECT 'attribution collapse=0 param=3 anchor="x" total=1 [2 @0 "a", 2 @1 "a", 1 @2 "a"]'::attribution_counts$$,
				 '22000', 'invalid path counts of kind attribution', 'no more conversions of a label than the total');
SELECT throws_ok($$SELECT 'attribution collapse=0 param=3 anchor="x" total=3 [2 @0 "a", 1 @1 "a", 1 @2 "a"]'::attribution_counts$$,
				 '22000', 'invalid path counts of kind attribution', 'no more conversions of a label than its touchpoints');
SELECT throws_ok($$SELECT 'attribution collapse=0 param=3 anchor="x" total=1 [1 @0 "a", 1 @1 "a", 2 @2 "a"]'::attribution_counts$$,
				 '22000', 'invalid path counts of kind attribution', 'no more credit than one per conversion');
SELECT throws_ok($$SELECT 'attribution collapse=0 param=9 anchor="x" total=0 []'::attribution_counts$$,
				 '22000', 'invalid path counts of kind attribution', 'an unknown model');
SELECT throws_ok($$SELECT 'attribution collapse=0 param=3 anchor="x" total=1 [1 @8 "a"]'::attribution_counts$$,
				 '22000', 'invalid path counts of kind attribution', 'a key at an unknown position');

SELECT * FROM finish();
ROLLBACK;
