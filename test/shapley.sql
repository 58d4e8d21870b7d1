-- Shapley attribution against an independent computation (average
-- marginal contribution over all orderings of the channels).
BEGIN;
SELECT plan(15);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('sj', 0.44, 600, ARRAY['A', 'B', 'C', 'D'], 1e5, 4, more_columns => ', random() < 0.4 AS converted, round((random() * 50)::numeric, 2)::float8 AS value');

-- worth of each exact channel set: its conversion rate
CREATE TEMP TABLE worth AS
SELECT coalesce((SELECT array_agg(DISTINCT label ORDER BY label) FROM journey_unnest(j)), '{}') AS s,
	   avg(converted::int)::float8 AS v
FROM sj GROUP BY 1;
CREATE FUNCTION v(chans text[]) RETURNS float8 LANGUAGE sql AS $$
	SELECT coalesce((SELECT w.v FROM worth w WHERE w.s = (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(chans) x)), 0) $$;
-- every ordering of the four channels, and each channel's marginal gain
CREATE TEMP TABLE expected AS
WITH RECURSIVE perms(p) AS (
	SELECT ARRAY[c] FROM unnest('{A,B,C,D}'::text[]) c
	UNION ALL
	SELECT p || c FROM perms, unnest('{A,B,C,D}'::text[]) c WHERE NOT c = ANY (p)
)
SELECT p[i] AS label, avg(v(p[1:i]) - v(p[1:i - 1])) AS phi
FROM perms, generate_series(1, 4) i WHERE cardinality(p) = 4 GROUP BY 1;

SELECT ok((SELECT count(*) = 4 AND bool_and(abs(a.shapley_value - e.phi) < 1e-12)
		   FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sj)) a JOIN expected e USING (label)),
		  'exact Shapley values equal the average marginal contribution over all orderings');
SELECT ok((SELECT abs(sum(shapley_value) - (v('{A,B,C,D}') - v('{}'))) < 1e-12
		   FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sj))),
		  'efficiency: the values add up to v(all) - v(none)');
SELECT ok((SELECT bool_and(abs(a.conversions - s.c) < 1e-9)
		   FROM shapley_attribution((SELECT shapley_counts(j, converted, value) FROM sj), 'simplified') a
		   JOIN (SELECT u.label, sum(1.0 / n) AS c
				 FROM (SELECT id, array_agg(DISTINCT x.label) AS set FROM sj, journey_unnest(j) x WHERE converted GROUP BY id) p,
					  LATERAL (SELECT cardinality(p.set) AS n) k, unnest(p.set) u(label)
				 GROUP BY u.label) s USING (label)),
		  'simplified: each converting path shared equally among its channels');
CREATE TEMP TABLE model AS SELECT shapley_counts(j, converted, value) AS m FROM sj;
SELECT set_eq($$SELECT * FROM shapley_attribution_intervals((SELECT m FROM model), 'exact', 100, 0.9, 3)$$,
			  $$SELECT * FROM shapley_attribution_intervals((SELECT m FROM model), 'exact', 100, 0.9, 3)$$,
			  'bootstrap intervals repeat with the same seed');
SELECT ok((SELECT bool_and(i.share_low <= i.share_high AND abs(i.share - a.share) < 1e-12
						   AND i.share_low < i.share + 0.1 AND i.share_high > i.share - 0.1)
		   FROM shapley_attribution_intervals((SELECT m FROM model), 'simplified') i
		   JOIN shapley_attribution((SELECT m FROM model), 'simplified') a USING (label)),
		  'intervals are ordered and lie around the shares');
SELECT throws_ok($$SELECT * FROM shapley_attribution_intervals((SELECT m FROM model), 'exact', 1)$$, '22023', NULL, 'too few samples');

SELECT throws_ok($$SELECT shapley_counts(j, true, 1) FROM (SELECT journey_agg(now(), 'c' || i) AS j FROM generate_series(1, 21) i) x$$,
				 '54000', NULL, 'more than 20 channels on one path');
SELECT throws_ok($$SELECT * FROM shapley_attribution((SELECT shapley_counts(j, true, 1)
												   FROM (SELECT journey_agg(now(), 'c' || (g * 7 + i) % 25) AS j FROM generate_series(1, 5) g, generate_series(1, 7) i GROUP BY g) x))$$,
				 '54000', NULL, 'more than 20 channels for exact values');

-- Brute force on small models: values by the subset formula
-- sum over S without j of |S|! (n - |S| - 1)! / n! (v(S + j) - v(S)), on 60
-- models of 3 or 4 channels drawn from md5 (deterministic), many of them
-- with no path holding every channel.
CREATE TEMP TABLE small AS
SELECT m, p, nch, bits & ((1 << nch) - 1) AS mask, (bits >> 8) % 3 = 0 AS converted
FROM (SELECT m, p, 3 + m % 2 AS nch,
			 ('x' || substr(md5(m || ':' || p), 1, 8))::bit(32)::int & x'7fffffff'::int AS bits
	  FROM generate_series(1, 60) m, generate_series(1, 4 + m % 9) p) x;
CREATE TEMP TABLE small_models AS
SELECT m, shapley_counts(coalesce((SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute', chr(64 + i))
								   FROM generate_series(1, nch) i WHERE mask & (1 << (i - 1)) <> 0), '[]'),
						 converted, 1) AS model
FROM small GROUP BY m;
-- the channels of each model, numbered in bytewise order, and the worth of
-- every coalition (as an exact rational: numeric)
CREATE TEMP TABLE small_chans AS
SELECT m, chr(64 + i) AS label, (row_number() OVER (PARTITION BY m ORDER BY i) - 1)::int AS bit
FROM (SELECT DISTINCT m, i FROM small, generate_series(1, nch) i WHERE mask & (1 << (i - 1)) <> 0) x;
CREATE TEMP TABLE small_worth AS
SELECT s.m, (SELECT coalesce(sum(1 << c.bit), 0) FROM small_chans c WHERE c.m = s.m AND s.mask & (1 << (ascii(c.label) - 65)) <> 0)::int AS coalition,
	   avg(s.converted::int) AS v
FROM small s GROUP BY 1, 2;
CREATE TEMP TABLE small_ref AS
SELECT c.m, c.label,
	   sum((SELECT factorial(bit_count(s::bit(8))::int) * factorial(n - bit_count(s::bit(8))::int - 1) / factorial(n))::float8
		   * (coalesce((SELECT v FROM small_worth w WHERE w.m = c.m AND w.coalition = s | (1 << c.bit)), 0)
			  - coalesce((SELECT v FROM small_worth w WHERE w.m = c.m AND w.coalition = s), 0))::float8) AS phi,
	   (SELECT coalesce((SELECT v FROM small_worth w WHERE w.m = c.m AND w.coalition = (1 << n) - 1), 0)
			   - coalesce((SELECT v FROM small_worth w WHERE w.m = c.m AND w.coalition = 0), 0)) AS total
FROM small_chans c
	 JOIN (SELECT m, count(*)::int AS n FROM small_chans GROUP BY m) k USING (m),
	 generate_series(0, (1 << n) - 1) s
WHERE s & (1 << c.bit) = 0
GROUP BY c.m, c.label, n;
CREATE TEMP TABLE small_out AS
SELECT m, a.* FROM small_models, shapley_attribution(model) a;
SELECT is((SELECT count(*) FROM small_out o JOIN small_ref r USING (m, label) WHERE abs(o.shapley_value - r.phi) < 1e-12),
		  (SELECT count(*) FROM small_ref), 'exact values equal the subset formula on 60 small models');
SELECT ok((SELECT count(DISTINCT m) FROM small_ref WHERE total = 0) >= 10 AND (SELECT count(DISTINCT m) FROM small_ref WHERE total <> 0) >= 10,
		  'the small models include many with a total of 0 and many without');
SELECT is((SELECT count(*) FROM small_out o JOIN small_ref r USING (m, label)
		   WHERE (r.total = 0) <> (o.share IS NULL) OR (o.share IS NULL) <> (o.conversions IS NULL) OR (o.share IS NULL) <> (o.value IS NULL)),
		  0::bigint, 'share, conversions and value are NULL exactly when v(all) - v(none) is 0');
SELECT ok((SELECT bool_and(abs(s - 1) < 1e-9) FROM (SELECT sum(share) AS s FROM small_out GROUP BY m HAVING count(share) > 0) x),
		  'the shares that are defined add up to 1');
SELECT is((SELECT array_agg(share IS NULL) FROM shapley_attribution_intervals(
				(SELECT model FROM small_models WHERE m = (SELECT min(m) FROM small_ref WHERE total = 0)), 'exact', 20)),
		  (SELECT array_agg(true) FROM small_chans WHERE m = (SELECT min(m) FROM small_ref WHERE total = 0)),
		  'intervals: an undefined share is NULL');
SELECT is((SELECT array_agg(share IS NULL ORDER BY label)
		   FROM shapley_attribution((SELECT shapley_counts(j, false, 0) FROM (VALUES ('[2024-01-01 00:00:00+00 A]'::journey), ('[2024-01-01 00:00:00+00 B]')) v(j)), 'simplified')),
		  '{t,t}'::boolean[], 'simplified: no conversions, no shares');

-- A touchpoint at the instant of a conversion comes before it, whatever
-- the labels (search sorts after purchase, so it is stored after it), as
-- in journey_attribution.
SELECT is((SELECT shapley_counts(j, '{purchase}')::text FROM (VALUES
			  ('[2024-01-01 00:00:00+00 email, 2024-01-01 01:00:00+00 purchase, 2024-01-01 01:00:00+00 search]'::journey),
			  ('[2024-01-01 00:00:00+00 zz, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 search]')) v(j)),
		  (SELECT shapley_counts(j, '{purchase}')::text FROM (VALUES
			  ('[2024-01-01 00:00:00+00 email, 2024-01-01 00:30:00+00 search, 2024-01-01 01:00:00+00 purchase]'::journey),
			  ('[2024-01-01 00:00:00+00 zz, 2024-01-01 01:00:00+00 search, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 purchase]')) v(j)),
		  'a touchpoint at the instant of a conversion counts before it');

SELECT * FROM finish();
ROLLBACK;
