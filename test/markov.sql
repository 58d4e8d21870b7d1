-- Markov attribution: removal effects against an independent computation
-- (value iteration over transitions counted with plain SQL), for both
-- conventions of states and for conversion values; ChannelAttribution's
-- pre-aggregated input; and bad input.
BEGIN;
SELECT plan(34);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('mj', 0.91, 400, ARRAY['search', 'email', 'social', 'direct'], 1e6, 6, more_columns => ', random() < 0.35 AS converted, round((random() * 100)::numeric, 2)::float8 AS value');

-- Transitions between histories of the last k labels, with plain SQL.
CREATE FUNCTION sql_edges(k int) RETURNS TABLE (from_state text, to_state text, n bigint) LANGUAGE sql AS $$
	WITH steps AS (
		SELECT id, converted, u.ordinality AS i, u.label,
			   array_to_string((array_agg(u.label) OVER (PARTITION BY id ORDER BY u.ordinality ROWS BETWEEN k - 1 PRECEDING AND CURRENT ROW)), '>') AS history
		FROM mj, journey_unnest(journey_collapse(j)) u
	), moves AS (
		SELECT coalesce(lag(history) OVER w, '(start)') AS from_state, history AS to_state FROM steps WINDOW w AS (PARTITION BY id ORDER BY i)
		UNION ALL
		SELECT coalesce((SELECT history FROM steps s WHERE s.id = mj.id ORDER BY i DESC LIMIT 1), '(start)'),
			   CASE WHEN converted THEN '(conversion)' ELSE '(null)' END
		FROM mj
	)
	SELECT from_state, to_state, count(*) FROM moves GROUP BY 1, 2
$$;

-- The same for ChannelAttribution's states: windows of k consecutive raw
-- labels (a path shorter than k is one), equal consecutive windows one; and
-- the conversion value of each (state, (conversion)) transition.
CREATE FUNCTION sql_window_edges(k int) RETURNS TABLE (from_state text, to_state text, n bigint, value float8) LANGUAGE sql AS $$
	WITH w AS (
		SELECT id, u.ordinality AS i, journey_length(j) AS len,
			   array_to_string((array_agg(u.label) OVER (PARTITION BY id ORDER BY u.ordinality ROWS BETWEEN k - 1 PRECEDING AND CURRENT ROW)), '>') AS win
		FROM mj, journey_unnest(j) u
	), windows AS (
		SELECT id, i, win FROM (SELECT *, lag(win) OVER (PARTITION BY id ORDER BY i) AS prev FROM w WHERE i >= least(len, k)) x
		WHERE prev IS DISTINCT FROM win
	), moves AS (
		SELECT coalesce(lag(win) OVER (PARTITION BY id ORDER BY i), '(start)') AS from_state, win AS to_state, NULL::float8 AS value FROM windows
		UNION ALL
		SELECT coalesce((SELECT win FROM windows s WHERE s.id = mj.id ORDER BY i DESC LIMIT 1), '(start)'),
			   CASE WHEN converted THEN '(conversion)' ELSE '(null)' END, CASE WHEN converted THEN value END
		FROM mj
	)
	SELECT from_state, to_state, count(*), sum(value) FROM moves GROUP BY 1, 2
$$;

CREATE TEMP TABLE e (from_state text, to_state text, p float8);
CREATE TEMP TABLE x (state text PRIMARY KEY, v float8);

-- P(conversion from (start)) by value iteration, without states holding
-- `removed`; with windows, over ChannelAttribution's states; with valued,
-- the conversion value expected instead (each conversion worth the mean
-- value of those from its state).
CREATE FUNCTION iterate_probability(k int, removed text, windows boolean DEFAULT false, valued boolean DEFAULT false)
RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
	r float8;
	i int;
BEGIN
	TRUNCATE e; TRUNCATE x;
	IF windows THEN
		INSERT INTO e SELECT from_state, to_state, n::float8 / sum(n) OVER (PARTITION BY from_state)
						* CASE WHEN valued AND to_state = '(conversion)' THEN value / n ELSE 1 END
		FROM sql_window_edges(k);
	ELSE
		INSERT INTO e SELECT from_state, to_state, n::float8 / sum(n) OVER (PARTITION BY from_state) FROM sql_edges(k);
	END IF;
	INSERT INTO x SELECT DISTINCT from_state, 0 FROM e;
	FOR i IN 1..200 LOOP
		UPDATE x SET v = coalesce((SELECT sum(e.p * CASE WHEN e.to_state = '(conversion)' THEN 1
													WHEN e.to_state = '(null)' OR removed = ANY (string_to_array(e.to_state, '>')) THEN 0
													ELSE (SELECT x2.v FROM x x2 WHERE x2.state = e.to_state) END)
								   FROM e WHERE e.from_state = x.state), 0)
		WHERE removed IS NULL OR NOT removed = ANY (string_to_array(x.state, '>'));
	END LOOP;
	SELECT v INTO r FROM x WHERE state = '(start)';
	RETURN r;
END $$;

CREATE TEMP TABLE expected AS
SELECT k, label, 1 - iterate_probability(k, label) / iterate_probability(k, NULL) AS effect
FROM generate_series(1, 2) k, unnest('{direct,email,search,social}'::text[]) label;

SELECT ok((SELECT bool_and(effect > 0.01) FROM expected), 'every channel has a clear removal effect');
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.effect) < 1e-9)
		   FROM markov_attribution((SELECT markov_counts(j, converted, value, 1) FROM mj)) a JOIN expected e ON e.k = 1 AND e.label = a.label),
		  'order 1 removal effects equal value iteration');
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.effect) < 1e-9) AND count(*) = 4
		   FROM markov_attribution((SELECT markov_counts(j, converted, value, 2) FROM mj)) a JOIN expected e ON e.k = 2 AND e.label = a.label),
		  'order 2 removal effects equal value iteration');
SELECT ok((SELECT abs(sum(conversions) - (SELECT count(*) FROM mj WHERE converted)) < 1e-9
				  AND abs(sum(value) - (SELECT sum(value) FROM mj WHERE converted)) < 1e-6
				  AND abs(sum(share) - 1) < 1e-12
		   FROM markov_attribution((SELECT markov_counts(j, converted, value, 3) FROM mj))),
		  'credits add up to the conversions and the conversion value');
SELECT ok((SELECT markov_counts(j, converted, value, 2 ORDER BY random())::text = (SELECT markov_counts(j, converted, value, 2) FROM mj)::text FROM mj),
		  'the model does not depend on input order');

-- ChannelAttribution's states, and its value removal effects.
CREATE TEMP TABLE expected_windows AS
SELECT k, label, 1 - iterate_probability(k, label, true) / iterate_probability(k, NULL, true) AS effect,
	   1 - iterate_probability(k, label, true, true) / iterate_probability(k, NULL, true, true) AS value_effect
FROM generate_series(1, 3) k, unnest('{direct,email,search,social}'::text[]) label;
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.effect) < 1e-9) AND count(*) = 12
		   FROM generate_series(1, 3) o, markov_attribution((SELECT markov_window_counts(j, converted, value, o) FROM mj)) a, expected_windows e
		   WHERE e.k = o AND e.label = a.label),
		  'windows: removal effects of orders 1 to 3 equal value iteration over windows counted in SQL');
SELECT ok((SELECT count(*) > 0 FROM expected_windows w JOIN expected e USING (k, label) WHERE k = 2 AND abs(w.effect - e.effect) > 1e-6),
		  'at order 2 the windows differ from collapsed histories');
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.removal_effect) < 1e-12)
		   FROM markov_attribution((SELECT markov_window_counts(j, converted, value, 1) FROM mj)) a
		   JOIN markov_attribution((SELECT markov_counts(j, converted, value, 1) FROM mj)) e USING (label)),
		  'at order 1 windows are collapsed histories');
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.value_effect) < 1e-9) AND count(*) = 12
		   FROM generate_series(1, 3) o, markov_value_attribution((SELECT markov_window_counts(j, converted, value, o) FROM mj)) a, expected_windows e
		   WHERE e.k = o AND e.label = a.label),
		  'value removal effects equal value iteration with each conversion worth its value');
SELECT ok((SELECT abs(sum(value) - (SELECT sum(value) FROM mj WHERE converted)) < 1e-6 AND abs(sum(share) - 1) < 1e-12
		   FROM markov_value_attribution((SELECT markov_counts(j, converted, value, 2) FROM mj))),
		  'value credits add up to the conversion value');
SELECT ok((SELECT bool_and(abs(a.removal_effect - e.removal_effect) < 1e-12)
		   FROM markov_attribution((SELECT markov_counts(j, converted, value, 2) FROM mj)) a
		   JOIN markov_attribution(regexp_replace((SELECT markov_counts(j, converted, value, 2) FROM mj)::text, ', \d+ @[12] [^,\]]*', '', 'g')::markov_counts) e USING (label)),
		  'the values kept by state change no removal effect (the same model without them, as 0.4.0 built it)');

-- choose_order's AUC: the paths scored by the conversion share of the
-- state they end in, from the windows counted in SQL, all pairs of a
-- converting and a non-converting path compared.
CREATE FUNCTION sql_window_auc(k int) RETURNS float8 LANGUAGE sql AS $$
	WITH ends AS (
		SELECT from_state, sum(n) FILTER (WHERE to_state = '(conversion)') AS c, sum(n) FILTER (WHERE to_state = '(null)') AS nl
		FROM sql_window_edges(k) WHERE to_state IN ('(conversion)', '(null)') GROUP BY 1
	), scored AS (SELECT coalesce(c, 0) AS c, coalesce(nl, 0) AS nl, coalesce(c, 0)::float8 / (coalesce(c, 0) + coalesce(nl, 0)) AS score FROM ends)
	SELECT sum(p.c * (CASE WHEN p.score > q.score THEN q.nl WHEN p.score = q.score THEN q.nl / 2.0 ELSE 0 END))::float8
		   / ((SELECT sum(c) FROM scored) * (SELECT sum(nl) FROM scored))
	FROM scored p, scored q
$$;
SELECT ok((SELECT bool_and(abs(f.auc - sql_window_auc(o)) < 1e-12) AND count(*) = 3
		   FROM generate_series(1, 3) o, markov_order_fit((SELECT markov_window_counts(j, converted, value, o) FROM mj)) f),
		  'the AUC of orders 1 to 3 equals comparing every pair of paths in SQL');
SELECT ok((SELECT bool_and(abs(f.penalized_auc - (1 - (1 - f.auc) * 399.0 / (400 - f.possible_states - 1))) < 1e-12 AND f.possible_states = (3 + o) * (2 + o) * (1 + o) / 6)
		   FROM generate_series(1, 3) o, markov_order_fit((SELECT markov_window_counts(j, converted, value, o) FROM mj)) f),
		  'the penalty counts C(n + k - 1, k) possible states over the 400 paths');

-- Pre-aggregated paths, as ChannelAttribution takes them: one row per
-- distinct path, with its conversions, nulls and conversion value.
CREATE TEMP TABLE paths AS
SELECT ARRAY(SELECT label FROM journey_unnest(j) ORDER BY ordinality) AS path,
	   count(*) FILTER (WHERE converted) AS conversions, count(*) FILTER (WHERE NOT converted) AS nulls,
	   sum(value) FILTER (WHERE converted) AS value
FROM mj GROUP BY 1;
SELECT is((SELECT markov_counts(path, conversions, nulls, value, 3)::text FROM paths),
		  (SELECT markov_counts(j, converted, value, 3)::text FROM mj), 'pre-aggregated paths make the model the journeys make');
SELECT is((SELECT markov_window_counts(path, conversions, nulls, value, 3)::text FROM paths),
		  (SELECT markov_window_counts(j, converted, value, 3)::text FROM mj), 'pre-aggregated paths make the model the journeys make: windows');
SELECT is((SELECT markov_window_counts(j, '{purchase}', 2)::text FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 a, 2024-01-03 00:00:00+00 purchase 5]'::journey)) v(j)),
		  'markov collapse=0 param=2 total=1 value=5 [1 @0 (start) "a" "a", 1 @0 "a" "a" (conversion), 5000000 @1 "a" "a" (conversion)]',
		  'windows keep repeats; the conversion value is kept by state');

SELECT throws_ok($$SELECT * FROM markov_value_attribution(regexp_replace((SELECT markov_counts(j, converted, value, 2) FROM mj)::text, ', \d+ @[12] [^,\]]*', '', 'g')::markov_counts)$$,
				 '22023', NULL, 'a model that keeps its value only in total (as before 0.5.0) has no value removal effects');
SELECT throws_ok($$SELECT * FROM markov_value_attribution((SELECT markov_counts_rollup(m) FROM (SELECT markov_counts(j, converted, value, 2) AS m FROM mj
				   UNION ALL SELECT regexp_replace(markov_counts(j, converted, value, 2)::text, ', \d+ @[12] [^,\]]*', '', 'g')::markov_counts FROM mj) s))$$,
				 '22023', NULL, 'nor does a rollup with one');
SELECT throws_ok($$SELECT markov_counts(path, -1, 0, NULL, 2) FROM paths$$, '22023', NULL, 'negative conversions');
SELECT throws_ok($$SELECT markov_counts(ARRAY['a', NULL], 1, 0, NULL, 2)$$, '22004', NULL, 'NULL in a path');
SELECT throws_ok($$SELECT markov_counts(ARRAY[['a'], ['b']], 1, 0, NULL, 2)$$, '2202E', NULL, 'a path is a one-dimensional array');
SELECT throws_ok($$SELECT markov_counts_rollup(m) FROM (SELECT markov_window_counts(j, converted, value, 2) AS m FROM mj
				   UNION ALL SELECT markov_counts(j, converted, value, 2) FROM mj) s$$, '22023', NULL,
				 'models of different states do not combine');

-- Conversions inside journeys: each conversion ends a converting path.
SELECT is((SELECT markov_counts(j, '{purchase}', 1)::text
		   FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 purchase 5, 2024-01-03 00:00:00+00 b]'::journey)) v(j)),
		  'markov collapse=1 param=1 total=2 value=5 [1 @0 (start) "a", 1 @0 (start) "b", 1 @0 "a" (conversion), 1 @0 "b" (null), 5000000 @1 "a" (conversion)]',
		  'conversion touchpoints split a journey into paths; the value stays with the state it converts from');

SELECT ok((SELECT bool_and(abs(markov_conversion_probability(m, '[]') - (SELECT count(*) FROM mj WHERE converted)::float8 / 400) < 1e-9)
		   FROM (SELECT markov_counts(j, converted, value, k) AS m FROM mj, generate_series(1, 3) k GROUP BY k) s),
		  'from (start), the model converts as often as the journeys did');

-- A model too large for the dense solver goes to the sparse one.
SELECT setseed(0.5);
CREATE TEMP TABLE big AS
SELECT g AS id, coalesce(journey_agg(t.ts, t.label), '[]') AS j, random() < 0.3 AS converted
FROM generate_series(1, 4000) g
LEFT JOIN LATERAL (
	SELECT '2024-01-01 00:00:00+00'::timestamptz + floor(random() * 1e6) * interval '1 second' AS ts,
		   'c' || floor(random() * 10)::int AS label
	FROM generate_series(1, 2 + floor(random() * 7 + g * 0)::int)
) t ON true
GROUP BY g;
CREATE TEMP TABLE big_model AS SELECT markov_counts(j, converted, NULL, 4) AS m FROM big;
SELECT cmp_ok((SELECT count(DISTINCT from_state) FROM markov_transitions((SELECT m FROM big_model))), '>', 1000::bigint,
			  'the order-4 model has more than 1000 states');
SELECT ok((SELECT abs(markov_conversion_probability(m, '[]') - (SELECT count(*) FROM big WHERE converted)::float8 / 4000) < 1e-9
		   FROM big_model),
		  'the sparse solver gives the conversion rate from (start) to 1e-9');

-- Bootstrap intervals: seeded, so repeatable; ordered; around the shares.
CREATE TEMP TABLE model1 AS SELECT markov_counts(j, converted, value, 1) AS m FROM mj;
SELECT set_eq($$SELECT * FROM markov_attribution_intervals((SELECT m FROM model1), 100, 0.9, 7)$$,
			  $$SELECT * FROM markov_attribution_intervals((SELECT m FROM model1), 100, 0.9, 7)$$,
			  'the same seed gives the same intervals');
SELECT ok((SELECT count(*) FROM (SELECT * FROM markov_attribution_intervals((SELECT m FROM model1), 100, 0.9, 7)
								 EXCEPT SELECT * FROM markov_attribution_intervals((SELECT m FROM model1), 100, 0.9, 8)) x) > 0,
		  'another seed gives other intervals');
SELECT ok((SELECT bool_and(share_low <= share_high AND share_low < i.share + 0.05 AND share_high > i.share - 0.05
						   AND abs(i.share - a.share) < 1e-12)
		   FROM markov_attribution_intervals((SELECT m FROM model1), 200) i
		   JOIN markov_attribution((SELECT m FROM model1)) a USING (label)),
		  'intervals are ordered and lie around the shares of markov_attribution');
SELECT throws_ok($$SELECT * FROM markov_attribution_intervals((SELECT m FROM model1), 1)$$, '22023', NULL, 'too few samples');

SELECT throws_ok($$SELECT * FROM markov_attribution((SELECT path_counts(j) FROM mj))$$, '42883', NULL, 'a summary that is not a Markov model');
SELECT throws_ok($$SELECT markov_counts(j, converted, value, 0) FROM mj$$, '22023', 'order must be between 1 and 10', 'order out of range');
SELECT throws_ok($$SELECT markov_counts(j, NULL::text[], 1) FROM mj$$, '22004', NULL, 'NULL conversion labels');

-- A touchpoint at the instant of a conversion comes before it, whatever
-- the labels (search sorts after purchase, so it is stored after it), as
-- in journey_attribution.
SELECT is((SELECT markov_counts(j, '{purchase}', 2)::text FROM (VALUES
			  ('[2024-01-01 00:00:00+00 email, 2024-01-01 01:00:00+00 purchase, 2024-01-01 01:00:00+00 search]'::journey),
			  ('[2024-01-01 00:00:00+00 zz, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 search]')) v(j)),
		  (SELECT markov_counts(j, '{purchase}', 2)::text FROM (VALUES
			  ('[2024-01-01 00:00:00+00 email, 2024-01-01 00:30:00+00 search, 2024-01-01 01:00:00+00 purchase]'::journey),
			  ('[2024-01-01 00:00:00+00 zz, 2024-01-01 01:00:00+00 search, 2024-01-01 02:00:00+00 purchase, 2024-01-01 02:00:00+00 purchase]')) v(j)),
		  'a touchpoint at the instant of a conversion counts before it');

SELECT * FROM finish();
ROLLBACK;
