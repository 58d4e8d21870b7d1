-- Shapley attribution against an independent computation (average
-- marginal contribution over all orderings of the channels).
BEGIN;
SELECT plan(8);

SELECT setseed(0.44);
CREATE TEMP TABLE sj AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j, random() < 0.4 AS converted, round((random() * 50)::numeric, 2)::float8 AS value
FROM generate_series(1, 600) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 1e5) * interval '1 second' AS ts,
		   (ARRAY['A', 'B', 'C', 'D'])[1 + floor(random() * 4)::int] AS label
	FROM generate_series(1, floor(random() * 4 + g * 0)::int)
) t ON true
GROUP BY g;

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

SELECT * FROM finish();
ROLLBACK;
