-- Heuristic attribution: properties on random journeys, and bad input.
BEGIN;
SELECT plan(10);

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

SELECT throws_ok($$SELECT * FROM journey_attribution('[]', NULL, '{purchase}')$$, '22004', NULL, 'NULL model');
SELECT throws_ok($$SELECT * FROM journey_attribution('[]', 'linear', '{purchase}', lookback => '-1 day')$$, '22023', NULL, 'negative lookback');
SELECT is((SELECT count(*) FROM journey_attribution(NULL, 'linear', '{purchase}')), 0::bigint, 'NULL journey gives no rows');

SELECT * FROM finish();
ROLLBACK;
