-- Conversion drivers: what counts as having a label, and the tests of the
-- 2x2 tables, each checked by hand against its textbook value.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;

\i test/drivers_table.psql

-- Fisher's tea tasting (3 1 / 1 3): the tables with the same margins have
-- probabilities 1, 16, 36, 16, 1 in 70; those no more likely than 16/70
-- add up to 34/70 = 0.485714.  Its sample odds ratio is 9, with Woolf's
-- interval exp(ln 9 +- 1.959964 sqrt(1 + 1/3 + 1/3 + 1)).
SELECT label, journeys, converted, conversion_rate, journeys_without, converted_without,
	   conversion_rate_without, lift, round(odds_ratio::numeric, 6) AS odds_ratio,
	   round(odds_ratio_low::numeric, 4) AS low, round(odds_ratio_high::numeric, 4) AS high,
	   round(p_value::numeric, 6) AS p_value, test, predicts
FROM conversion_drivers(pg_temp.drivers_table(3, 1, 1, 3)) WHERE label = 'x';

-- Fisher's test of (1 4 / 5 0), expected counts down to 2: of the C(10, 5)
-- = 252 tables with its margins, k = 1..5 journeys with x converted have
-- 6, 60, 120, 60, 6 of them: p = 12 / 252 = 0.047619.  Expected counts of
-- exactly 5 are chi-square's: the dieting table (1 11 / 9 3) has
-- 24 (3 - 99)^2 / (12 12 10 14) = 10.971, p = 0.000925 (Fisher's would be
-- 0.002759).
SELECT label, round(p_value::numeric, 6) AS p_value, test, predicts
FROM conversion_drivers(pg_temp.drivers_table(1, 4, 5, 0)) ORDER BY label;
SELECT label, round(p_value::numeric, 6) AS p_value, test, predicts
FROM conversion_drivers(pg_temp.drivers_table(1, 11, 9, 3)) ORDER BY label;

-- Chi-square where every expected count is 5 or more (30 20 / 10 40):
-- 100 (30 40 - 20 10)^2 / (50 50 40 60) = 16.667, p = 4.46e-05 with one
-- degree of freedom; odds ratio 6, interval exp(ln 6 +- 1.959964 x 0.456435).
SELECT label, round(odds_ratio::numeric, 6) AS odds_ratio, round(odds_ratio_low::numeric, 4) AS low,
	   round(odds_ratio_high::numeric, 4) AS high, round(p_value::numeric, 8) AS p_value, test
FROM conversion_drivers(pg_temp.drivers_table(30, 20, 10, 40)) WHERE label = 'x';

-- 4.99 expected in a cell is Fisher's: 499 journeys with x of 10000, 100
-- converted; a 90% interval is narrower than the 95% one.
SELECT test, round(odds_ratio_low::numeric, 4) AS low, round(odds_ratio_high::numeric, 4) AS high
FROM conversion_drivers(pg_temp.drivers_table(10, 489, 90, 9411), 0.9) WHERE label = 'x';
SELECT test FROM conversion_drivers(pg_temp.drivers_table(10, 490, 90, 9410)) WHERE label = 'x';

-- A zero cell adds 0.5 to every cell of the odds ratio (Haldane-Anscombe):
-- (2.5 x 3.5) / (0.5 x 1.5) = 11.6667; a label in every journey, or
-- journeys that all convert, compare nothing: no odds ratio, p = 1.
SELECT label, round(odds_ratio::numeric, 4) AS odds_ratio, p_value, lift, predicts
FROM conversion_drivers(pg_temp.drivers_table(2, 0, 1, 3)) WHERE label = 'x';
SELECT label, journeys_without, conversion_rate_without, odds_ratio, p_value, test, predicts
FROM conversion_drivers(pg_temp.drivers_table(2, 3, 0, 0));
SELECT label, odds_ratio, p_value, predicts FROM conversion_drivers(pg_temp.drivers_table(2, 0, 3, 0)) ORDER BY label;

-- Counts beyond 2^32, as a summary rolled up over a cluster holds: 5
-- journeys of 10^10 have x, 3 converted, 1 of them with x; Fisher's p is
-- P(k >= 1) = 15 / 10^10 to 9 digits.  100 of 10^12 journeys, all with x
-- and all converted: p is below the least double, 0.
SELECT label, test, round((p_value * 1e9)::numeric, 6) AS p_times_1e9
FROM conversion_drivers('drivers collapse=0 param=0 total=10000000000 [3 @0 (conversion), 5 @1 "x", 1 @2 "x"]');
SELECT label, test, p_value, journeys_without, round(odds_ratio_low::numeric) AS low
FROM conversion_drivers('drivers collapse=0 param=0 total=1000000000000 [100 @0 (conversion), 100 @1 "x", 100 @2 "x"]');

-- Conversion labels: a journey converts at its first conversion; what it
-- did until that instant (ties included, as attribution credits them)
-- counts, what came later and the conversions themselves do not.
SELECT label, journeys, converted
FROM conversion_drivers((SELECT driver_counts(j, '{purchase,signup}') FROM (VALUES
	('[2024-01-01 00:00:00+00 ad, 2024-01-01 01:00:00+00 email, 2024-01-01 01:00:00+00 signup, 2024-01-01 02:00:00+00 social, 2024-01-01 03:00:00+00 purchase]'::journey),
	('[2024-01-01 00:00:00+00 social, 2024-01-01 01:00:00+00 ad]'),
	('[2024-01-01 00:00:00+00 purchase, 2024-01-01 01:00:00+00 ad]'),
	('[]'), (NULL)) v(j)))
ORDER BY label;
SELECT driver_counts(j, '{signup,purchase,signup}') FROM (VALUES ('[2024-01-01 00:00:00+00 ad, 2024-01-01 01:00:00+00 signup]'::journey)) v(j);

-- Pairs: x then y when some x comes strictly before some y.
SELECT label, then_label, journeys, converted
FROM conversion_drivers((SELECT driver_counts(j, '{buy}', true) FROM (VALUES
	('[2024-01-01 00:00:00+00 x, 2024-01-01 01:00:00+00 y, 2024-01-01 02:00:00+00 buy]'::journey),
	('[2024-01-01 00:00:00+00 y, 2024-01-01 01:00:00+00 x, 2024-01-01 02:00:00+00 y]'),
	('[2024-01-01 00:00:00+00 x, 2024-01-01 00:00:00+00 y]')) v(j)))
WHERE then_label IS NOT NULL ORDER BY label, then_label;

-- A funnel step: among journeys that reached step 1 (view), the labels
-- strictly after its match and before step 2's (cart), or to the end of
-- the window where the journey went no further; the steps are not drivers.
SELECT label, journeys, converted
FROM conversion_drivers((SELECT driver_counts(j, 1, '{view,cart,buy}', '1 day') FROM (VALUES
	('[2024-01-01 00:00:00+00 ad, 2024-01-01 01:00:00+00 view, 2024-01-01 02:00:00+00 email, 2024-01-01 03:00:00+00 cart, 2024-01-01 04:00:00+00 chat]'::journey),
	('[2024-01-01 01:00:00+00 view, 2024-01-01 02:00:00+00 chat, 2024-01-02 02:00:00+00 email]'),
	('[2024-01-01 01:00:00+00 ad]')) v(j)))
ORDER BY label;

-- the order of the rows: p-value, then the strength of the odds ratio,
-- then the labels; min_journeys leaves rare labels out of the family that
-- the Benjamini-Hochberg adjustment counts
SELECT label, journeys, round(p_value::numeric, 6) AS p, round(p_value_adjusted::numeric, 6) AS adjusted
FROM conversion_drivers((SELECT driver_counts(j, '{purchase}') FROM (
	SELECT journey(ARRAY['2024-01-01 00:00:00+00'::timestamptz, '2024-01-01 01:00:00+00', '2024-01-01 02:00:00+00'],
				   ARRAY[CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, CASE WHEN i % 7 = 0 THEN 'c' ELSE 'd' END,
						 CASE WHEN i % 2 = 0 OR i % 3 = 0 THEN 'purchase' ELSE 'e' END]) AS j
	FROM generate_series(1, 200) i) s));
SELECT label, journeys, round(p_value_adjusted::numeric, 6) AS adjusted
FROM conversion_drivers((SELECT driver_counts(j, '{purchase}') FROM (
	SELECT journey(ARRAY['2024-01-01 00:00:00+00'::timestamptz, '2024-01-01 01:00:00+00', '2024-01-01 02:00:00+00'],
				   ARRAY[CASE WHEN i % 3 = 0 THEN 'a' ELSE 'b' END, CASE WHEN i % 7 = 0 THEN 'c' ELSE 'd' END,
						 CASE WHEN i % 2 = 0 OR i % 3 = 0 THEN 'purchase' ELSE 'e' END]) AS j
	FROM generate_series(1, 200) i) s), min_journeys => 100);

-- errors
SELECT driver_counts(j, '{}') FROM (VALUES ('[]'::journey)) v(j);
SELECT driver_counts(j, '{a,NULL}') FROM (VALUES ('[]'::journey)) v(j);
SELECT driver_counts(j, NULL::text[]) FROM (VALUES ('[]'::journey)) v(j);
SELECT driver_counts(j, 3, '{a,b,c}', '1 day') FROM (VALUES ('[]'::journey)) v(j);
SELECT driver_counts(j, 0, '{a,b,c}', '1 day') FROM (VALUES ('[]'::journey)) v(j);
SELECT * FROM conversion_drivers(pg_temp.drivers_table(1, 1, 1, 1), 1);
SELECT * FROM conversion_drivers(pg_temp.drivers_table(1, 1, 1, 1), 'NaN');
SELECT * FROM conversion_drivers(pg_temp.drivers_table(1, 1, 1, 1), min_journeys => 0);
SELECT count(*) FROM conversion_drivers(pg_temp.drivers_table(1, 1, 1, 1), NULL);
SELECT count(*) FROM conversion_drivers(NULL);
SELECT driver_counts_rollup(d) FROM (SELECT driver_counts(j, '{a}') AS d FROM (VALUES ('[]'::journey)) v(j)
	UNION ALL SELECT driver_counts(j, '{b}') FROM (VALUES ('[]'::journey)) v(j)) s;
SELECT 'drivers collapse=0 param=0 total=2 [3 @0 (conversion)]'::driver_counts;
SELECT 'drivers collapse=0 param=0 total=2 [1 @0 (conversion), 1 @1 "a", 2 @2 "a"]'::driver_counts;
SELECT 'drivers collapse=0 param=0 total=2 [1 @3 "a" "b"]'::driver_counts;
SELECT 'drivers collapse=0 param=0 anchor="conversions=1:b1:a" total=0 []'::driver_counts;
SELECT 'drivers collapse=0 param=2 anchor="conversions=1:a" total=0 []'::driver_counts;
SELECT 'funnel collapse=0 param=1 anchor="within=1;gap=0;modes=0;steps=1:a;exclude=" total=0 []'::driver_counts;
