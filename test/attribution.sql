-- Heuristic attribution: properties on random journeys, and bad input.
BEGIN;
SELECT plan(45);

SELECT setseed(0.57);
CREATE TEMP TABLE rj AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label, t.value), '[]') AS j
FROM generate_series(1, 300) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 1e6) * interval '1 second' AS ts,
		   l AS label, CASE WHEN l = 'purchase' THEN round(random() * 100) END AS value
	FROM (SELECT (ARRAY['search', 'email', 'direct', 'social', 'purchase'])[1 + floor(random() * 5)::int] AS l
		  FROM generate_series(1, floor(random() * 15 + g * 0)::int)) x
) t ON true
GROUP BY g;
CREATE TEMP TABLE credits AS
SELECT id, m AS model, a.*
FROM rj, unnest('{first_touch,last_touch,last_non_direct,linear,position_based,time_decay}'::text[]) m,
	 journey_attribution(j, m, '{purchase}') a;

SELECT ok((SELECT count(DISTINCT (id, conversion_no)) > 100 FROM credits), 'many conversions are credited');
SELECT ok((SELECT bool_and(abs(s - 1) < 1e-12) FROM (SELECT sum(credit) AS s FROM credits GROUP BY id, model, conversion_no) x),
		  'credits add up to 1 for every conversion and model');
SELECT ok((SELECT bool_and(abs(c.v - p.value) < 1e-9)
		   FROM (SELECT id, model, conversion_no, conversion_ts, sum(value_credit) AS v FROM credits GROUP BY 1, 2, 3, 4) c
		   JOIN (SELECT id, u.ts, coalesce(u.value, 0) AS value FROM rj, journey_unnest(j) u WHERE u.label = 'purchase') p
			 ON p.id = c.id AND p.ts = c.conversion_ts),
		  'value credits add up to the conversion value');

-- Linear against plain SQL: each touchpoint since the previous purchase gets
-- 1 / (their number).
SELECT is((SELECT count(*) FILTER (WHERE abs(c.credit - 1.0 / p.n) > 1e-12) FROM credits c
		   JOIN (SELECT id, ordinality, count(*) OVER (PARTITION BY id, conv) AS n
				 FROM (SELECT id, ordinality, label,
							  count(*) FILTER (WHERE label = 'purchase') OVER (PARTITION BY id ORDER BY ordinality DESC) AS conv
					   FROM rj, journey_unnest(j)) u
				 WHERE label <> 'purchase'
				   AND EXISTS (SELECT 1 FROM rj r2, journey_unnest(r2.j) v WHERE r2.id = u.id AND v.ordinality > u.ordinality AND v.label = 'purchase')) p
			 ON p.id = c.id AND p.ordinality = c.touch_no
		   WHERE c.model = 'linear'),
		  0::bigint, 'linear credit equals 1 / touchpoints since the previous conversion');
SELECT is((SELECT count(*) FROM credits c
		   JOIN (SELECT id, ordinality, count(*) OVER (PARTITION BY id, conv) AS n
				 FROM (SELECT id, ordinality, label,
							  count(*) FILTER (WHERE label = 'purchase') OVER (PARTITION BY id ORDER BY ordinality DESC) AS conv
					   FROM rj, journey_unnest(j)) u
				 WHERE label <> 'purchase'
				   AND EXISTS (SELECT 1 FROM rj r2, journey_unnest(r2.j) v WHERE r2.id = u.id AND v.ordinality > u.ordinality AND v.label = 'purchase')) p
			 ON p.id = c.id AND p.ordinality = c.touch_no
		   WHERE c.model = 'linear'),
		  (SELECT count(*) FROM credits WHERE model = 'linear'), 'plain SQL finds every linearly credited touchpoint');
SELECT ok((SELECT bool_and(touch_no = (SELECT max(touch_no) FROM credits c2 WHERE c2.id = c.id AND c2.model = 'linear' AND c2.conversion_no = c.conversion_no))
		   FROM credits c WHERE model = 'last_touch' AND credit = 1),
		  'last touch credits the touchpoint right before the conversion');
SELECT ok((SELECT bool_and(later.credit >= earlier.credit)
		   FROM credits earlier JOIN credits later USING (id, model, conversion_no)
		   WHERE model = 'time_decay' AND later.touch_no > earlier.touch_no),
		  'time decay never gives an older touchpoint more credit');

-- Time decay long after the touches (every 2^(-dt/half_life) below the
-- smallest double): the weights are relative to the newest touch, so the
-- shares stay those of the gaps between touches, as in the converted form.
SELECT is((SELECT array_agg(round(credit::numeric, 6) ORDER BY touch_no)
		   FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-01 12:00:00+00 b, 2030-01-01 00:00:00+00 purchase]',
									'time_decay', '{purchase}', half_life => '1 day')),
		  '{0.414214,0.585786}'::numeric[], 'time decay 2,000 half-lives after the touches');
SELECT is((SELECT array_agg(round(credit::numeric, 6) ORDER BY touch_no)
		   FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-01 12:00:00+00 b, 2030-01-01 00:00:00+00 purchase]',
									'time_decay', '{purchase}', half_life => '1 day')),
		  (SELECT array_agg(round(credit::numeric, 6) ORDER BY touch_no)
		   FROM journey_attribution('[2024-01-01 00:00:00+00 a, 2024-01-01 12:00:00+00 b]',
									'time_decay', converted => true, half_life => '1 day')),
		  'time decay: the conversions form and the converted form agree');

-- No rows of credit 0 unless asked for.
SELECT is((SELECT count(*) FROM credits WHERE credit = 0), 0::bigint, 'no rows of credit 0 by default');
SELECT set_eq($$SELECT id, model, conversion_no, touch_no, credit FROM credits$$,
			  $$SELECT id, m, conversion_no, touch_no, credit
				FROM rj, unnest('{first_touch,last_touch,last_non_direct,linear,position_based,time_decay}'::text[]) m,
					 journey_attribution(j, m, '{purchase}', zero_credit => true) a WHERE credit <> 0$$,
			  'zero_credit adds the rows of credit 0 and nothing else');
SELECT ok((SELECT count(*) > 0 FROM rj, journey_attribution(j, 'first_touch', '{purchase}', zero_credit => true) WHERE credit = 0),
		  'zero_credit gives the rows of credit 0');

-- Ties with conversions, on journeys with many touchpoints at one instant
-- (whole hours): credit never depends on where the conversion label sorts
-- among the labels at its instant.
SELECT setseed(0.23);
CREATE TEMP TABLE tj AS
SELECT g AS id, journey_agg(t.ts, t.label) AS j
FROM generate_series(1, 300) g,
	 LATERAL (SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 6) * interval '1 hour' AS ts,
					 (ARRAY['search', 'email', 'direct', 'social', 'purchase'])[1 + floor(random() * 5)::int] AS label
			  FROM generate_series(1, 3 + floor(random() * 10)::int + g * 0)) t
GROUP BY g;
CREATE TEMP TABLE tie_credits AS
SELECT id, m AS model, v.name, a.conversion_ts, a.ts, a.label, a.credit
FROM tj, unnest('{first_touch,last_touch,linear,position_based,time_decay}'::text[]) m,
	 (VALUES ('!purchase'), ('~purchase')) v(name),
	 journey_attribution(journey_map(j, '{purchase}', ARRAY[v.name]), m, ARRAY[v.name]) a;
SELECT ok((SELECT count(*) > 100 FROM tj, journey_unnest(j) c, journey_unnest(j) t
		   WHERE c.label = 'purchase' AND t.label <> 'purchase' AND t.ts = c.ts),
		  'many touchpoints at the instant of a conversion');
SELECT is((SELECT count(*) FROM (SELECT id, model, conversion_ts, ts, label, sum(credit) AS credit FROM tie_credits WHERE name = '!purchase' GROUP BY 1, 2, 3, 4, 5) a
		   FULL JOIN (SELECT id, model, conversion_ts, ts, label, sum(credit) AS credit FROM tie_credits WHERE name = '~purchase' GROUP BY 1, 2, 3, 4, 5) b
			 USING (id, model, conversion_ts, ts, label)
		   WHERE a.credit IS NULL OR b.credit IS NULL OR abs(a.credit - b.credit) > 1e-12),
		  0::bigint, 'credit is the same whether the conversion label sorts first or last');
SELECT is((SELECT count(*) FROM tj, journey_unnest(j) c, journey_unnest(j) t
		   WHERE c.label = 'purchase' AND t.label <> 'purchase' AND t.ts = c.ts
			 AND NOT EXISTS (SELECT 1 FROM tie_credits x WHERE x.id = tj.id AND x.model = 'linear' AND x.name = '!purchase'
							 AND x.conversion_ts = c.ts AND x.ts = t.ts AND x.label = t.label)),
		  0::bigint, 'a touchpoint at the instant of a conversion is credited to it');
SELECT is((SELECT count(*) FROM (SELECT id FROM (SELECT id, conversion_no, conversion_ts, array_agg(touch_no || ':' || credit ORDER BY touch_no) AS c
												 FROM tj, journey_attribution(j, 'linear', '{purchase}') GROUP BY 1, 2, 3) x
								 GROUP BY id, conversion_ts HAVING count(DISTINCT c) > 1) y),
		  0::bigint, 'conversions at one instant are credited alike');
SELECT ok((SELECT count(*) > 10 FROM (SELECT 1 FROM tj, journey_attribution(j, 'linear', '{purchase}')
									  GROUP BY id, conversion_ts HAVING count(DISTINCT conversion_no) > 1) x),
		  'many conversions share an instant');

SELECT throws_ok($$SELECT * FROM journey_attribution('[]', NULL, '{purchase}')$$, '22004', NULL, 'NULL model');
SELECT throws_ok($$SELECT * FROM journey_attribution('[]', 'linear', '{purchase}', lookback => '-1 day')$$, '22023', NULL, 'negative lookback');
SELECT is((SELECT count(*) FROM journey_attribution(NULL, 'linear', '{purchase}')), 0::bigint, 'NULL journey gives no rows');

-- Bootstrap intervals (credit_bootstrap, credit_intervals).
CREATE TEMP TABLE boot AS
SELECT credit_bootstrap(id, label, credit) AS b FROM credits WHERE model = 'linear';
SELECT ok((SELECT bool_and(abs(i.credit - s.credit) <= 1e-6 * s.n AND i.rows = s.n)
		   FROM credit_intervals((SELECT b FROM boot)) i
		   JOIN (SELECT label, sum(credit) AS credit, count(*) AS n FROM credits WHERE model = 'linear' GROUP BY label) s USING (label))
		  AND (SELECT count(*) FROM credit_intervals((SELECT b FROM boot))) =
			  (SELECT count(DISTINCT label) FROM credits WHERE model = 'linear'),
		  'bootstrap credit is SUM(credit) GROUP BY label, to a millionth per row');
SELECT ok((SELECT bool_and(credit_low <= credit_high AND share_low <= share_high AND share_low >= 0 AND share_high <= 1)
		   FROM credit_intervals((SELECT b FROM boot))),
		  'intervals are ordered and shares lie in [0, 1]');
SELECT ok((SELECT abs(sum(share) - 1) < 1e-12 FROM credit_intervals((SELECT b FROM boot))), 'shares add up to 1');
SELECT ok((SELECT credit_bootstrap(id, label, credit ORDER BY random())::text = (SELECT b::text FROM boot)
		   FROM credits WHERE model = 'linear'),
		  'the bootstrap does not depend on row order');
SELECT ok((SELECT credit_bootstrap_rollup(p::text::credit_bootstrap)::text = (SELECT b::text FROM boot)
		   FROM (SELECT credit_bootstrap(id, label, credit) AS p FROM credits WHERE model = 'linear' GROUP BY (id * 7 + touch_no) % 3) parts),
		  'bootstraps of shards, shipped as text and combined, equal the one-shot bootstrap (rows of a unit split between shards)');
SELECT ok((SELECT b::text::credit_bootstrap::text = b::text FROM boot), 'text output reads back to the same value');
SELECT isnt((SELECT credit_bootstrap(id, label, credit, 200, 43)::text FROM credits WHERE model = 'linear'),
			(SELECT b::text FROM boot), 'another seed draws other samples');

-- The weights are Poisson(1): 10,000 units crediting 1 each give sample
-- totals of mean 10,000 and standard deviation 100, so a 95% interval of
-- about 10,000 -/+ 196; one unit in 10,000 samples is weighted 0 in about
-- e^-1 = 36.8% of them (standard error 0.5%).
SELECT ok((SELECT credit_low BETWEEN 9700 AND 9900 AND credit_high BETWEEN 10100 AND 10300
		   FROM credit_intervals((SELECT credit_bootstrap(i, 'a', 1) FROM generate_series(1, 10000) i))),
		  'a 95% interval of Poisson(1) weights over 10,000 units spans about +/- 196');
SELECT ok((SELECT count(*) FILTER (WHERE m[1]::int > 0) BETWEEN 0.615 * 10000 AND 0.65 * 10000
		   FROM regexp_matches((SELECT credit_bootstrap(1, 'a', 1, 10000, 5)::text), '\d+ @(\d+) "a"', 'g') m),
		  'one unit is left out of about e^-1 of the samples');
SELECT ok((SELECT sum(split_part(m[1], ' ', 1)::bigint) / 1e6 / 10000 BETWEEN 0.97 AND 1.03
		   FROM regexp_matches((SELECT credit_bootstrap(1, 'a', 1, 10000, 5)::text), '(\d+ @[1-9]\d*) "a"', 'g') m),
		  'the mean weight is 1');

SELECT is((SELECT credit_bootstrap(u, l, c)::text FROM (VALUES (NULL::int, 'a', 1.0::float8), (1, NULL, 1), (1, 'a', NULL)) v(u, l, c)),
		  NULL, 'rows with a NULL unit, label or credit are skipped');
SELECT is((SELECT count(*) FROM credit_intervals(NULL)), 0::bigint, 'a NULL bootstrap gives no rows');
SELECT is((SELECT count(*) FROM credit_intervals('credits collapse=0 param=5 anchor="1" total=0 []')), 0::bigint,
		  'a bootstrap of no rows gives no rows');
SELECT throws_ok($$SELECT credit_bootstrap_transfn(NULL, 1, 'a', 1)$$, '0A000', NULL,
				 'the transition function refuses to run outside an aggregate');
SELECT throws_ok($$SELECT credit_bootstrap(1, 'a', 'NaN') $$, '22003', 'credit NaN out of range', 'NaN credit');
SELECT throws_ok($$SELECT credit_bootstrap(1, 'a', 1e13) $$, '22003', 'credit 1e+13 out of range', 'huge credit');
SELECT throws_ok($$SELECT credit_bootstrap(1, 'a', 1e12) FROM generate_series(1, 10)$$, '22003', 'credit sum out of range', 'credit sum overflow');
-- the overloads for the usual unit types (which Citus can push down) hash a
-- unit as the polymorphic form does: integers of every width alike, text
-- bytewise whatever the collation
SELECT is((SELECT array_agg(DISTINCT b) FROM (
			SELECT credit_bootstrap(u::int, 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(u::bigint, 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(u::smallint, 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(u::oid, 'a', u)::text FROM generate_series(1, 50) u) s(b)),
		  ARRAY[(SELECT credit_bootstrap(u::smallint, 'a', u)::text FROM generate_series(1, 50) u)],
		  'integer, bigint, smallint and oid (polymorphic) units weigh the same');
SELECT is((SELECT array_agg(DISTINCT b) FROM (
			SELECT credit_bootstrap('u' || u, 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(('u' || u) COLLATE "POSIX", 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(('u' || u)::varchar, 'a', u)::text FROM generate_series(1, 50) u UNION ALL
			SELECT credit_bootstrap(('u' || u)::name, 'a', u)::text FROM generate_series(1, 50) u) s(b)),
		  ARRAY[(SELECT credit_bootstrap(('u' || u)::varchar, 'a', u)::text FROM generate_series(1, 50) u)],
		  'text units weigh the same whatever their collation');
SELECT throws_ok($$SELECT credit_bootstrap(point(1, 1), 'a', 1)$$, '42883', 'could not identify a hash function for type point', 'unhashable unit');
SELECT throws_ok($$SELECT credit_bootstrap(i, 'l' || i, 1, 10000, 1) FROM generate_series(1, 1001) i$$, '54000',
				 'too many labels for a credit bootstrap of 10000 samples', 'labels times samples is bounded');
SELECT throws_ok($$SELECT credit_bootstrap_rollup(p) FROM (SELECT credit_bootstrap(1, 'a', 1, 10, s) AS p FROM generate_series(1, 2) s) x$$,
				 '22023', 'path counts of different kinds or parameters cannot be combined', 'bootstraps with different seeds do not combine');
SELECT throws_ok($$SELECT * FROM credit_intervals('credits collapse=0 param=3 anchor="7" total=1 [1 @9 "a"]')$$,
				 '22000', 'invalid path counts of kind credits', 'crafted: a sample beyond the samples');
SELECT throws_ok($$SELECT * FROM credit_intervals('credits collapse=0 param=3 anchor="7" total=1 [1 @0 "a" "b"]')$$,
				 '22000', 'invalid path counts of kind credits', 'crafted: a key of two labels');
SELECT throws_ok($$SELECT * FROM credit_intervals(('credits collapse=0 param=10000 anchor="1" total=1 [' ||
				   (SELECT string_agg('1 @0 "l' || i || '"', ', ') FROM generate_series(1, 1000) i) || ']')::credit_bootstrap)$$,
				 '22000', 'invalid path counts of kind credits', 'crafted: more labels times samples than a bootstrap holds');

SELECT * FROM finish();
ROLLBACK;
