-- Markov chain attribution (DESIGN.md S15), worked by hand.
--
-- Paths: C1 > C2 > C3 converts (value 10), C1 does not, C2 > C3 does not.
-- Order 1: (start) goes to C1 with 2/3 and to C2 with 1/3; C1 to (null) or
-- C2, 1/2 each; C2 to C3; C3 to (conversion) or (null), 1/2 each.
-- P(conversion) = 2/3 * 1/2 * 1/2 + 1/3 * 1/2 = 1/3.  Without C1: 1/3 * 1/2
-- = 1/6, removal effect 1/2; without C2 or C3: 0, removal effect 1.
-- Shares 0.5 : 1 : 1, that is 0.2, 0.4, 0.4 of 1 conversion and 10 of value.
CREATE TABLE mp (j journey, converted boolean, value float8);
INSERT INTO mp VALUES
	('[2024-01-01 00:00:00+00 C1, 2024-01-02 00:00:00+00 C2, 2024-01-03 00:00:00+00 C3]', true, 10),
	('[2024-01-01 00:00:00+00 C1]', false, NULL),
	('[2024-01-01 00:00:00+00 C2, 2024-01-02 00:00:00+00 C3]', false, NULL);
SELECT markov_counts(j, converted, value, 1) FROM mp;
SELECT label, round(removal_effect::numeric, 12) AS removal_effect, round(share::numeric, 12) AS share,
	   round(conversions::numeric, 12) AS conversions, round(value::numeric, 9) AS value
FROM markov_attribution((SELECT markov_counts(j, converted, value, 1) FROM mp));

-- The transition matrix, the probability of converting after a path, and
-- the next best step: after C1, going to C2 or C3 converts half the time
-- (uplift 0.25 over C1 now); an unknown step has no estimate.
SELECT * FROM markov_transitions((SELECT markov_counts(j, converted, value, 1) FROM mp));
SELECT markov_conversion_probability(m, '[]') AS at_start,
	   markov_conversion_probability(m, '[2024-01-01 00:00:00+00 C1]') AS after_c1,
	   markov_conversion_probability(m, '[2024-01-01 00:00:00+00 C1, 2024-01-02 00:00:00+00 C1]') AS repeat_collapses,
	   markov_conversion_probability(m, '[2024-01-01 00:00:00+00 X]') AS unknown
FROM (SELECT markov_counts(j, converted, value, 1) AS m FROM mp) s;
SELECT * FROM markov_next_best((SELECT markov_counts(j, converted, value, 1) FROM mp), '[2024-01-01 00:00:00+00 C1]', '{C3,C1,X,C2}');

-- Order 2 remembers where a path came from: C1 > C3 and C2 > C3 differ.
-- Paths: C1 > C3 converts twice; C2 > C3 never.  Order 1 sees C3 convert
-- half the time whoever came first; order 2 knows C1 > C3 always converts.
CREATE TABLE mp2 (j journey, converted boolean);
INSERT INTO mp2 VALUES
	('[2024-01-01 00:00:00+00 C1, 2024-01-02 00:00:00+00 C3]', true),
	('[2024-01-01 00:00:00+00 C1, 2024-01-02 00:00:00+00 C3]', true),
	('[2024-01-01 00:00:00+00 C2, 2024-01-02 00:00:00+00 C3]', false),
	('[2024-01-01 00:00:00+00 C2, 2024-01-02 00:00:00+00 C3]', false);
SELECT k AS "order", label, round(removal_effect::numeric, 12) AS removal_effect, round(share::numeric, 12) AS share
FROM generate_series(1, 2) k, markov_attribution((SELECT markov_counts(j, converted, NULL, k) FROM mp2))
ORDER BY 1, 2;

-- Conversion labels inside journeys: each conversion ends a converting
-- path (with the conversion touchpoint's value), the rest is not converting.
SELECT markov_counts(j, '{purchase}', 1)
FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 purchase 5, 2024-01-03 00:00:00+00 b, 2024-01-04 00:00:00+00 b, 2024-01-05 00:00:00+00 purchase 7.25]'::journey),
			 ('[2024-01-01 00:00:00+00 a]')) v(j);

-- The model is an ordinary markov_counts value: stored, combined, read back.
SELECT markov_counts_rollup(m)::text = (SELECT markov_counts(j, converted, value, 1) FROM mp)::text AS same
FROM (SELECT converted, markov_counts(j, converted, value, 1) AS m FROM mp GROUP BY 1) parts;

-- ChannelAttribution's states (windows of the last k touches, repeats
-- kept) against collapsed histories, at order 2, on four paths: a a
-- (converts), a, b a (converts) and b a a.  Collapsed, both a paths are
-- state a (converting half the time) and both b paths b > a: without b
-- only a is left, 1/2 x 1/2 of the conversions 1/2: RE(b) = 1 - 0.25/0.5 =
-- 0.5.  Windows: a a, a and b a are three states; b a goes on to a a half
-- the time; a a converts half the time.  P = 1/4 x 1/2 + 1/2 x (1/2 + 1/2
-- x 1/2) = 0.5; without b only a a from the start: 0.125, RE(b) = 0.75.
CREATE TABLE mp3 (j journey, converted boolean, value float8);
INSERT INTO mp3 VALUES
	('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 a]', true, 10),
	('[2024-01-01 00:00:00+00 a]', false, NULL),
	('[2024-01-01 00:00:00+00 b, 2024-01-02 00:00:00+00 a]', true, 30),
	('[2024-01-01 00:00:00+00 b, 2024-01-02 00:00:00+00 a, 2024-01-03 00:00:00+00 a]', false, NULL);
SELECT 'collapsed' AS states, label, round(removal_effect::numeric, 12) AS removal_effect, round(share::numeric, 12) AS share
FROM markov_attribution((SELECT markov_counts(j, converted, value, 2) FROM mp3))
UNION ALL
SELECT 'windows', label, round(removal_effect::numeric, 12), round(share::numeric, 12)
FROM markov_attribution((SELECT markov_window_counts(j, converted, value, 2) FROM mp3))
ORDER BY 1, 2;
SELECT * FROM markov_transitions((SELECT markov_window_counts(j, converted, value, 2) FROM mp3));
SELECT markov_window_counts(j, converted, value, 2) FROM mp3;

-- Value removal effects (ChannelAttribution's total_conversion_value):
-- windows, each state's conversions worth their value: a a converts 10,
-- b a 30.  E = 1/4 x 1/2 x 10 (a a, from the start) + 1/2 x (1/2 x 30 +
-- 1/2 x 1/2 x 10) = 1.25 + 8.75 = 10 a path; without b: 1.25, RE(b) =
-- 0.875; RE(a) = 1.  Shares 1/1.875 and 0.875/1.875 of the value 40.
SELECT label, round(removal_effect::numeric, 12) AS removal_effect, round(share::numeric, 12) AS share, round(value::numeric, 9) AS value
FROM markov_value_attribution((SELECT markov_window_counts(j, converted, value, 2) FROM mp3));

-- The same model from ChannelAttribution's pre-aggregated table: one row
-- per path with its conversions, nulls and conversion value.
SELECT markov_window_counts(string_to_array(path, ' > '), total_conversions, total_null, total_conversion_value, 2)::text =
	   (SELECT markov_window_counts(j, converted, value, 2) FROM mp3)::text AS same_model
FROM (VALUES ('a > a', 1, 0, 10.0), ('a', 0, 1, NULL), ('b > a', 1, 0, 30), ('b > a > a', 0, 1, NULL)) t(path, total_conversions, total_null, total_conversion_value);

DROP TABLE mp, mp2, mp3;
