-- Conversion drivers against plain SQL over random journeys, Fisher's test
-- against exact arithmetic, the Benjamini-Hochberg adjustment, and bad input.
BEGIN;
SELECT plan(13);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('rj', 0.31, 600, ARRAY['ad', 'email', 'social', 'search', 'buy', 'view', 'cart'], 9e6, 12);

-- What each journey has before its first conversion (ties included), in SQL.
CREATE TEMP TABLE before_buy AS
SELECT id, u.label, (SELECT min(ts) FROM journey_unnest(j) WHERE label = 'buy') AS buy_at, u.ts
FROM rj, journey_unnest(j) u;
CREATE TEMP TABLE plain AS
SELECT l.label, count(DISTINCT l.id) AS journeys, count(DISTINCT l.id) FILTER (WHERE l.buy_at IS NOT NULL) AS converted
FROM before_buy l WHERE l.label <> 'buy' AND (l.buy_at IS NULL OR l.ts <= l.buy_at) GROUP BY l.label;

SELECT set_eq($$SELECT label, journeys, converted FROM conversion_drivers((SELECT driver_counts(j, '{buy}') FROM rj))$$,
			  $$SELECT label, journeys, converted FROM plain$$,
			  'journeys with each label before the first conversion, and converted, as plain SQL counts them');
SELECT ok((SELECT bool_and(journeys + journeys_without = 600 AND
						   converted + converted_without = (SELECT count(*) FROM rj WHERE j ? 'buy'))
		   FROM conversion_drivers((SELECT driver_counts(j, '{buy}') FROM rj))),
		  'with and without add up to every journey and every conversion');

-- Ordered pairs: a before b when a's first touch is strictly earlier than b's last.
SELECT set_eq($$SELECT label, then_label, journeys, converted
				FROM conversion_drivers((SELECT driver_counts(j, '{buy}', true) FROM rj)) WHERE then_label IS NOT NULL$$,
			  $$SELECT a.label, b.label AS then_label, count(DISTINCT a.id) AS n, count(DISTINCT a.id) FILTER (WHERE a.buy_at IS NOT NULL) AS c
				FROM (SELECT id, label, buy_at, min(ts) AS first FROM before_buy
					  WHERE label <> 'buy' AND (buy_at IS NULL OR ts <= buy_at) GROUP BY 1, 2, 3) a
				JOIN (SELECT id, label, max(ts) AS last FROM before_buy
					  WHERE label <> 'buy' AND (buy_at IS NULL OR ts <= buy_at) GROUP BY 1, 2) b
				  ON a.id = b.id AND a.label <> b.label AND a.first < b.last
				GROUP BY 1, 2$$,
			  'ordered pairs as plain SQL counts them');

-- A funnel step: the journeys counted are those reaching it, converted
-- those reaching the next.
SELECT ok((SELECT bool_and(journeys + journeys_without = (SELECT count(*) FROM rj WHERE funnel_level(j, '{view,cart,buy}', '60 days') >= 2)
						   AND converted + converted_without = (SELECT count(*) FROM rj WHERE funnel_level(j, '{view,cart,buy}', '60 days') = 3))
		   FROM conversion_drivers((SELECT driver_counts(j, 2, '{view,cart,buy}', '60 days') FROM rj))),
		  'a funnel step counts the journeys reaching it, converted when they reach the next');
SELECT ok(NOT EXISTS (SELECT FROM conversion_drivers((SELECT driver_counts(j, 1, '{view,cart,buy}', '60 days') FROM rj))
					  WHERE label IN ('view', 'cart', 'buy')),
		  'the funnel''s steps are not drivers');

-- The flag form: a label's journeys whatever their order.
SELECT set_eq($$SELECT label, journeys, converted FROM conversion_drivers((SELECT outcome_driver_counts(j, id % 4 = 0) FROM rj))$$,
			  $$SELECT u.label, count(DISTINCT id) AS n, count(DISTINCT id) FILTER (WHERE id % 4 = 0) AS c FROM rj, journey_unnest(j) u GROUP BY 1$$,
			  'with a flag per journey, every label of the journey counts');

-- Fisher's p-value against the hypergeometric probabilities in exact
-- numeric arithmetic, for 300 small random tables.
CREATE FUNCTION pg_temp.choose(n int, k int) RETURNS numeric LANGUAGE sql IMMUTABLE AS
	$$SELECT CASE WHEN k < 0 OR k > n THEN 0 ELSE factorial(n) / (factorial(k) * factorial(n - k)) END$$;
CREATE FUNCTION pg_temp.fisher(a int, b int, c int, d int) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
	WITH p AS (SELECT k, pg_temp.choose(a + c, k) * pg_temp.choose(b + d, a + b - k) AS w
			   FROM generate_series(0, a + b) k)
	SELECT ((SELECT sum(w) FROM p WHERE w <= (SELECT w FROM p WHERE k = a) * 1.0000001) / (SELECT sum(w) FROM p))::float8
$$;
\ir drivers_table.psql
SELECT setseed(0.5);
CREATE TEMP TABLE tables AS
SELECT i, (random() * 8)::int AS a, (random() * 12)::int + 1 AS b, (random() * 12)::int + 1 AS c, (random() * 6)::int AS d
FROM generate_series(1, 300) i;
SELECT is((SELECT count(*)::int FROM tables t, conversion_drivers(pg_temp.drivers_table(a, b, c, d)) r
		   WHERE r.label = 'x' AND r.test = 'fisher' AND abs(r.p_value - pg_temp.fisher(a, b, c, d)) > 1e-12),
		  0, 'Fisher''s p-values equal exact arithmetic');
SELECT cmp_ok((SELECT count(*)::int FROM tables t, conversion_drivers(pg_temp.drivers_table(a, b, c, d)) r
			   WHERE r.label = 'x' AND r.test = 'fisher'), '>', 200, 'most of those tables have an expected count below 5');

-- Benjamini-Hochberg, in SQL over the rows in p-value order.
SELECT is_empty($$SELECT label, then_label FROM (
				  SELECT label, then_label, p_value_adjusted,
						 least(1, min(p_value * n / rn) OVER (ORDER BY rn DESC)) AS bh
				  FROM (SELECT *, count(*) OVER () AS n, row_number() OVER (ORDER BY p_value, label, then_label NULLS FIRST) AS rn
						FROM conversion_drivers((SELECT driver_counts(j, '{buy}', true) FROM rj))) r) s
				WHERE abs(p_value_adjusted - bh) > 1e-12 * greatest(bh, 1e-300)$$,
				'the adjusted p-values are Benjamini-Hochberg''s over every row returned');
SELECT ok((SELECT bool_and(p_value <= p_value_adjusted AND odds_ratio_low <= odds_ratio AND odds_ratio <= odds_ratio_high
						   AND (predicts = 'success') = (odds_ratio > 1))
		   FROM conversion_drivers((SELECT driver_counts(j, '{buy}', true) FROM rj))),
		  'adjusted p-values are at least the raw ones; the interval holds the odds ratio');

SELECT throws_ok($$SELECT * FROM conversion_drivers((SELECT funnel_counts(j, '{view,buy}', '1 day') FROM rj))$$,
				 '42883', NULL, 'another summary type is not read');
SELECT throws_ok($$SELECT driver_counts_rollup(d) FROM (SELECT driver_counts(j, '{buy}') AS d FROM rj
				   UNION ALL SELECT driver_counts(j, '{buy}', true) FROM rj) s$$,
				 '22023', NULL, 'summaries with and without pairs do not combine');

SELECT throws_ok($$SELECT driver_counts(j, ARRAY[['buy'], ['sell']]) FROM rj$$, '2202E', NULL,
				 'conversion labels are a one-dimensional array');

SELECT * FROM finish();
ROLLBACK;
