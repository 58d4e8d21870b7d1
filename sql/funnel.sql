-- Funnels on stored journeys, one case per rule of DESIGN.md S1-S7.
SET TimeZone = 'UTC';  -- for readable output; no result depends on it

-- S1: equal timestamps may fill consecutive steps in step order, whatever
-- the labels' order; strict_increase needs strictly increasing times.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{A,B}', '1 hour') AS a_then_b,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{B,A}', '1 hour') AS b_then_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{A,B}', '1 hour', mode => '{strict_increase}') AS strict;

-- S2: one touchpoint fills at most one step of a chain.
SELECT funnel_level('[2024-01-01 00:00:00+00 A]', '{A,A}', '1 hour') AS one_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 A]', '{A,A}', '1 hour') AS two_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B, 2024-01-01 00:00:00+00 C]', '{A,B,A}', '1 hour') AS aba_one_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B]', '{A,B,A}', '1 hour') AS aba_two_a;

-- S3: the window is inclusive, measured from the first step; max_gap
-- bounds each step's distance from the one before.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 01:00:00+00 B]', '{A,B}', '1 hour') AS exactly_the_window,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 01:00:00.000001+00 B]', '{A,B}', '1 hour') AS one_microsecond_more;
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 B, 2024-01-01 00:09:00+00 B, 2024-01-01 00:15:00+00 C]',
						 '{A,B,C}', '1 hour', '10 minutes') AS later_b_keeps_the_gap;

-- S4: the level is the maximum over all chains: a later start can succeed
-- where the first one fails.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:50:00+00 A, 2024-01-01 01:10:00+00 B, 2024-01-01 01:20:00+00 C]', '{A,B,C}', '1 hour');

-- S6: an excluded touchpoint strictly between the first and last match
-- breaks the chain; a chain starting after it is fine.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour', exclude => '{X}') AS excluded,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:06:00+00 A, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour', exclude => '{X}') AS restarted,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 X, 2024-01-01 00:10:00+00 B]', '{A,B}', '1 hour', exclude => '{X}') AS not_strictly_between;

-- S7: the timestamps of the chain that reaches the top level first; among
-- those, the one that started latest.
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:50:00+00 A, 2024-01-01 01:10:00+00 B, 2024-01-01 01:20:00+00 C, 2024-01-01 01:30:00+00 C]', '{A,B,C}', '1 hour');
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 B]', '{A,B}', '1 hour');

-- consecutive: the matched touchpoints must be consecutive (the best such
-- chain); strict_order: ClickHouse's scan, which stops at the first
-- touchpoint out of order once a chain has started.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 B, 2024-01-01 00:02:00+00 D, 2024-01-01 00:03:00+00 C]', '{A,B,C}', '1 hour', mode => '{consecutive}') AS consecutive,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 D, 2024-01-01 00:02:00+00 A, 2024-01-01 00:03:00+00 B]', '{A,B}', '1 hour', mode => '{consecutive}') AS consecutive_later,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 D, 2024-01-01 00:02:00+00 A, 2024-01-01 00:03:00+00 B]', '{A,B}', '1 hour', mode => '{strict_order}') AS strict_order_stops,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 B, 2024-01-01 00:02:00+00 B, 2024-01-01 00:03:00+00 C]', '{A,B,C}', '1 hour', mode => '{strict_deduplication}') AS strict_deduplication,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 B, 2024-01-01 00:02:00+00 D, 2024-01-01 00:03:00+00 C]', '{A,B,C}', '1 hour') AS default_mode;

-- A funnel report over many journeys is a GROUP BY on the level.
SELECT level, count(*) AS journeys
FROM (SELECT funnel_level(j, '{search,cart,purchase}', '1 day') AS level
	  FROM (VALUES ('[2024-01-01 00:00:00+00 search, 2024-01-01 01:00:00+00 cart, 2024-01-01 02:00:00+00 purchase]'::journey),
				   ('[2024-01-01 00:00:00+00 search, 2024-01-01 01:00:00+00 cart]'),
				   ('[2024-01-01 00:00:00+00 search, 2024-01-03 01:00:00+00 cart]'),
				   ('[2024-01-01 00:00:00+00 cart]')) v(j)) s
GROUP BY level ORDER BY level;

-- Funnel reports: entered, reached and dropped per step, conversion with a
-- Wilson interval (95%: z = 1.959964), and time-to-convert percentiles.
CREATE TABLE fj (segment text, j journey);
INSERT INTO fj VALUES
	('a', '[2024-01-01 00:00:00+00 view, 2024-01-01 00:01:00+00 cart, 2024-01-01 00:03:00+00 buy]'),
	('a', '[2024-01-01 00:00:00+00 view, 2024-01-01 00:02:00+00 cart]'),
	('a', '[2024-01-01 00:00:00+00 view]'),
	('a', '[2024-01-01 00:00:00+00 cart]'),
	('b', '[2024-01-01 00:00:00+00 view, 2024-01-01 00:01:00+00 cart, 2024-01-01 00:02:00+00 buy]'),
	('b', '[2024-01-01 00:00:00+00 view, 2024-01-01 00:05:00+00 cart, 2024-01-01 00:06:00+00 buy]');
SELECT step, label, entered, reached, dropped, drop_rate, conversion_from_previous, conversion_from_start,
	   round(ci_low::numeric, 6) AS ci_low, round(ci_high::numeric, 6) AS ci_high,
	   median_time_from_previous, p90_time_from_previous, median_time_from_start, p90_time_from_start
FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '1 hour') FROM fj WHERE segment = 'a'));
-- For charts: a base row, step 0, counts every journey (conversion from the
-- start 1), and each time is also float8 seconds (the interval's epoch).
SELECT step, label, entered, reached, dropped, drop_rate, conversion_from_previous, conversion_from_start,
	   ci_low IS NULL AS no_ci, median_seconds_from_previous, p90_seconds_from_previous, median_seconds_from_start, p90_seconds_from_start
FROM funnel_report((SELECT funnel_counts(j, '{view,cart,buy}', '1 hour') FROM fj WHERE segment = 'a'));
SELECT pg_typeof(median_seconds_from_previous), count(*) FILTER (WHERE step = 0) AS base_rows
FROM funnel_report((SELECT funnel_counts(j, '{view}', '1 hour') FROM fj)) GROUP BY 1;
-- Step by step, segment a against b: conversion from the previous step and
-- a two-proportion z-test (pooled).
SELECT step, label, conversion_a, conversion_b, round(difference::numeric, 6) AS difference,
	   round(z::numeric, 6) AS z, round(p_value::numeric, 6) AS p_value
FROM funnel_compare((SELECT funnel_counts(j, '{view,cart,buy}', '1 hour') FROM fj WHERE segment = 'a'),
					(SELECT funnel_counts(j, '{view,cart,buy}', '1 hour') FROM fj WHERE segment = 'b'));
SELECT * FROM funnel_compare((SELECT funnel_counts(j, '{view,cart,buy}', '1 hour') FROM fj),
							 (SELECT funnel_counts(j, '{view,cart}', '1 hour') FROM fj));
SELECT * FROM funnel_report((SELECT path_counts(j) FROM fj));
SELECT * FROM funnel_report((SELECT funnel_counts(j, '{view}', '1 hour') FROM fj), 1.5);

-- Funnel trends: the conversion per entry period (the period of the step-1
-- match in the chain funnel_level reports), from one summary. Weeks start
-- on Mondays (2024-03-04 is one); journey 4's purchase is 90 minutes after
-- its view, outside the hour (level 2); journey 5 never enters (cart
-- first); the week of 2024-03-18 has no entrants (journeys 0, conversion
-- NULL); the grid is dense from the first to the last entry period.
CREATE TABLE tj (id int, j journey);
INSERT INTO tj VALUES
	(1, '[2024-03-04 10:00:00+00 view, 2024-03-04 10:05:00+00 cart, 2024-03-04 10:09:00+00 buy]'),
	(2, '[2024-03-05 10:00:00+00 view, 2024-03-05 10:05:00+00 cart]'),
	(3, '[2024-03-10 23:59:59+00 view]'),
	(4, '[2024-03-12 10:00:00+00 view, 2024-03-12 11:00:00+00 cart, 2024-03-12 11:30:00+00 buy]'),
	(5, '[2024-03-20 10:00:00+00 cart]'),
	(6, '[2024-03-25 00:00:00+00 view]');
SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week')::text FROM tj;
SELECT * FROM funnel_trends((SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week') FROM tj));
-- months and days: calendar periods in UTC
SELECT * FROM funnel_trends((SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'month') FROM tj));
SELECT period_label, step, journeys, conversion
FROM funnel_trends((SELECT funnel_trend_counts(j, '{view,cart}', '1 hour', 'day') FROM tj WHERE id <= 3));
-- an interval: whole seconds, counted from Monday 2000-01-03 00:00 UTC
-- ('7 days' is 'week'), or whole months from 2000-01 ('3 months': quarters)
SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', '7 days')::text =
	   funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week')::text AS seven_days_is_week,
	   funnel_trend_counts(j, '{view,cart,buy}', '1 hour', '1 month')::text =
	   funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'month')::text AS one_month_is_month
FROM tj;
SELECT period_start, period_label, step, journeys FROM funnel_trends((SELECT funnel_trend_counts(j, '{view}', '1 hour', '3 months') FROM tj));
SELECT period_label, step, journeys, conversion
FROM funnel_trends((SELECT funnel_trend_counts(j, '{view,cart}', '1 hour', '12 hours') FROM tj WHERE id <= 2));
-- the funnel's max_gap, exclusions and modes, as funnel_counts takes them
SELECT period_label, step, journeys
FROM funnel_trends((SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week', '4 minutes', NULL, '{strict_order,strict_once}') FROM tj));
-- parts add up: the rollup of per-segment summaries is the whole
SELECT funnel_trend_counts_rollup(c)::text = (SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week')::text FROM tj) AS rollup_is_whole
FROM (SELECT funnel_trend_counts(j, '{view,cart,buy}', '1 hour', 'week') AS c FROM tj GROUP BY id % 2) s;
-- nobody entering: no rows
SELECT count(*) FROM funnel_trends((SELECT funnel_trend_counts(j, '{buy}', '1 hour', 'week') FROM tj WHERE id = 5));
-- bad input
SELECT funnel_trend_counts(j, '{view}', '1 hour', 'fortnight') FROM tj;
SELECT funnel_trend_counts(j, '{view}', '1 hour', '1.5 seconds') FROM tj;
SELECT funnel_trend_counts(j, '{view}', '1 hour', '1 month 2 days') FROM tj;
SELECT funnel_trend_counts(j, '{view}', '1 hour', NULL) FROM tj;
SELECT funnel_trend_counts(j, ARRAY(SELECT 's' || g FROM generate_series(1, 101) g), '1 hour', 'week') FROM tj;
SELECT funnel_trend_counts(j, '{view}', '1 hour', 'week', NULL, NULL, '{consecutive,strict_once}') FROM tj;
-- a dense grid of more than 10 million cells (a year by the second)
SELECT count(*) FROM funnel_trends((SELECT funnel_trend_counts(j, '{view}', '1 second', '1 second')
									FROM (VALUES ('[2024-03-04 10:00:00+00 view]'::journey), ('[2025-03-04 10:00:00+00 view]')) v(j)));
SELECT 'funnel_trends collapse=0 param=604800 anchor="within=3600000000;gap=0;modes=0;steps=4:view;exclude=" total=1 [1 @2 "1261"]'::funnel_trend_counts;
SELECT 'funnel_trends collapse=0 param=604800 anchor="within=3600000000;gap=0;modes=0;steps=4:view;exclude=" total=1 [1 @1 "week"]'::funnel_trend_counts;
SELECT 'funnel_trends collapse=0 param=604800 anchor="within=3600000000;gap=0;modes=0;steps=4:view;exclude=" total=1 [2 @1 "1261"]'::funnel_trend_counts;
SELECT 'funnel_trends collapse=0 param=0 anchor="within=3600000000;gap=0;modes=0;steps=4:view;exclude=" total=1 [1 @1 "1261"]'::funnel_trend_counts;
SELECT 'funnel collapse=0 param=1 anchor="within=3600000000;gap=0;modes=0;steps=4:view;exclude=" total=1 [1 @1]'::funnel_trend_counts;
DROP TABLE tj;

-- Abandoned carts: a cart not followed by a purchase, at least 2 hours old.
SELECT journey_stalled_since('[2024-03-01 10:00:00+00 add_to_cart, 2024-03-01 10:05:00+00 page_view]', 'add_to_cart', 'purchase', '2 hours', '2024-03-01 13:00:00+00') AS stalled,
	   journey_stalled_since('[2024-03-01 10:00:00+00 add_to_cart, 2024-03-01 10:05:00+00 purchase]', 'add_to_cart', 'purchase', '2 hours', '2024-03-01 13:00:00+00') AS bought,
	   journey_stalled_since('[2024-03-01 10:00:00+00 add_to_cart]', 'add_to_cart', 'purchase', '2 hours', '2024-03-01 11:00:00+00') AS too_recent,
	   journey_stalled_since('[2024-03-01 10:00:00+00 add_to_cart, 2024-03-01 12:00:00+00 purchase, 2024-03-01 12:30:00+00 add_to_cart]', 'add_to_cart', 'purchase', '1 hour', '2024-03-01 14:00:00+00') AS cart_again,
	   journey_stalled_since('[2024-03-01 10:00:00+00 add_to_cart, 2024-03-01 15:00:00+00 purchase]', 'add_to_cart', 'purchase', '1 hour', '2024-03-01 14:00:00+00') AS purchase_after_as_of;

-- strict_once travels with the definition, as bit 32 (modes=36 with
-- strict_order's 4); the report counts the levels funnel_level gives (2
-- of {A,B,B} for [A, B], 1 without strict_once). A stored definition with
-- consecutive and strict_once (34), or an unknown bit (1024), is refused.
SELECT funnel_counts(j, '{A,B,B}', '1 hour', NULL, NULL, '{strict_order,strict_once}')::text AS once,
	   funnel_counts(j, '{A,B,B}', '1 hour', NULL, NULL, '{strict_order}')::text AS latest
FROM (VALUES ('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 B]'::journey)) v(j);
SELECT step, label, reached FROM funnel_report('funnel collapse=0 param=3 anchor="within=3600000000;gap=0;modes=36;steps=1:A1:B1:B;exclude=" total=1 [1 @2, 1 @5793, 1 @7841]');
SELECT 'funnel collapse=0 param=3 anchor="within=3600000000;gap=0;modes=34;steps=1:A1:B1:B;exclude=" total=1 [1 @2, 1 @5793, 1 @7841]'::funnel_counts;
SELECT 'funnel collapse=0 param=3 anchor="within=3600000000;gap=0;modes=1024;steps=1:A1:B1:B;exclude=" total=1 [1 @2, 1 @5793, 1 @7841]'::funnel_counts;

DROP TABLE fj;

-- ClickHouse's windowFunnel over raw events, with its modes.
CREATE TABLE wf (ts timestamptz, l text);
INSERT INTO wf VALUES ('2024-01-01 00:00+00', 'A'), ('2024-01-01 00:01+00', 'B'), ('2024-01-01 00:02+00', 'D'),
	('2024-01-01 00:03+00', 'B'), ('2024-01-01 00:04+00', 'C');
SELECT window_funnel('1 hour', ts, l = 'A', l = 'B', l = 'C') AS default_mode,
	   window_funnel('1 hour', '{strict_order}', ts, l = 'A', l = 'B', l = 'C') AS strict_order,
	   window_funnel('1 hour', '{strict_deduplication}', ts, l = 'A', l = 'B', l = 'C') AS strict_deduplication,
	   window_funnel('2 minutes', ts, l = 'A', l = 'B', l = 'C') AS short_window,
	   window_funnel('1 hour', '{strict_order,allow_reentry}', ts, l = 'A', l = 'C', l = 'D') AS reentry
FROM wf;
-- Equal timestamps: consecutive conditions in order; strict_increase not.
SELECT window_funnel('1 hour', ts, l = 'A', l = 'B') AS same_time,
	   window_funnel('1 hour', '{strict_increase}', ts, l = 'A', l = 'B') AS strict_increase,
	   window_funnel('1 hour', ts, l = 'A', l = 'A') AS one_row_two_steps
FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'A'), ('2024-01-01 00:00+00', 'B')) v(ts, l);
-- strict_once (ClickHouse): a row fills one condition of a chain at most;
-- the rows of one time are taken condition by condition, and every chain
-- is kept. B after A meets conditions 2 and 3: strict_order alone takes 3
-- first and stops (its predecessor unreached: 1); strict_once takes 2 and
-- not 3 from the same row (2); the default mode already counts a row once.
SELECT window_funnel('1 hour', '{strict_order}', ts, l = 'A', l = 'B', l = 'B') AS strict_order,
	   window_funnel('1 hour', '{strict_order,strict_once}', ts, l = 'A', l = 'B', l = 'B') AS strict_once,
	   window_funnel('1 hour', ts, l = 'A', l = 'B', l = 'B') AS default_mode,
	   window_funnel('1 hour', '{strict_once}', ts, l = 'A', l = 'B', l = 'B') AS default_once
FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'A'), ('2024-01-01 00:01+00', 'B')) v(ts, l);
-- A second B fills condition 3 (3); under strict_deduplication it repeats
-- condition 2, which strict_once takes first (2), where the scan without it
-- takes the row's condition 3 first and completes the chain (3).
SELECT window_funnel('1 hour', '{strict_order,strict_once}', ts, l = 'A', l = 'B', l = 'B') AS strict_once,
	   window_funnel('1 hour', '{strict_deduplication}', ts, l = 'A', l = 'B', l = 'B') AS dedup,
	   window_funnel('1 hour', '{strict_deduplication,strict_once}', ts, l = 'A', l = 'B', l = 'B') AS dedup_once
FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'A'), ('2024-01-01 00:01+00', 'B'), ('2024-01-01 00:02+00', 'B')) v(ts, l);
-- Every chain kept: under strict_increase, B@00:05 cannot follow A@00:05,
-- the latest start, but follows A@00:00, which strict_once keeps (3); the
-- scan without it keeps only the latest and stops at C (1).
SELECT window_funnel('1 hour', '{strict_order,strict_increase}', ts, l = 'A', l = 'B', l = 'C') AS latest_only,
	   window_funnel('1 hour', '{strict_order,strict_increase,strict_once}', ts, l = 'A', l = 'B', l = 'C') AS every_chain
FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'A'), ('2024-01-01 00:05+00', 'A'), ('2024-01-01 00:05+00', 'B'),
			 ('2024-01-01 00:06+00', 'C')) v(ts, l);
-- funnel_level the same over a stored journey, and the chain's times
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{strict_order,strict_increase}') AS latest_only,
	   funnel_level(j, '{A,B,C}', '1 hour', mode => '{strict_order,strict_increase,strict_once}') AS every_chain,
	   funnel_timestamps(j, '{A,B,C}', '1 hour', mode => '{strict_order,strict_increase,strict_once}') AS times
FROM (VALUES ('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 A, 2024-01-01 00:05:00+00 B, 2024-01-01 00:06:00+00 C]'::journey)) v(j);
SELECT funnel_level('[]', '{A}', '1 hour', mode => '{consecutive,strict_once}');
SELECT window_funnel('1 hour', '{strict_once,sideways}', ts, true) FROM (VALUES ('2024-01-01 00:00+00'::timestamptz)) v(ts);
SELECT window_funnel('1 hour', ts, true, true) FROM (VALUES ('2024-01-01 00:00+00'::timestamptz)) v(ts);
SELECT window_funnel('1 hour', ts, l = 'A') FROM wf WHERE false;
SELECT window_funnel('1 hour', '{sideways}', ts, l = 'A') FROM wf;
SELECT window_funnel(NULL, ts, l = 'A') FROM wf;
DROP TABLE wf;
-- Open funnels and optional steps (issue 14).  J is [A@00:00, B@00:10,
-- C@00:20]; a chain may enter at any step with open, and skip step N with
-- optional=N.
CREATE TEMP TABLE oj (name text, j journey);
INSERT INTO oj VALUES
	('ABC', '[2024-01-01 00:00:00+00 A, 2024-01-01 00:10:00+00 B, 2024-01-01 00:20:00+00 C]'),
	('AC', '[2024-01-01 00:00:00+00 A, 2024-01-01 00:20:00+00 C]'),
	('BC', '[2024-01-01 00:00:00+00 B, 2024-01-01 00:10:00+00 C]'),
	('B', '[2024-01-01 00:00:00+00 B]'),
	('C', '[2024-01-01 00:05:00+00 C]'),
	('AB', '[2024-01-01 00:00:00+00 A, 2024-01-01 00:10:00+00 B]'),
	('AXC', '[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 C]'),
	('A=C', '[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 C]'),
	('A..C 1h', '[2024-01-01 00:00:00+00 A, 2024-01-01 01:00:00+00 C]'),
	('A..C 1h+1s', '[2024-01-01 00:00:00+00 A, 2024-01-01 01:00:01+00 C]'),
	('D', '[2024-01-01 00:00:00+00 D]');
-- closed: AC, BC, AXC reach 1 or 0.  open: the highest step whose label
-- occurs (BC 3, B 2); its reported chain is the one completing first and
-- starting latest (S7), so the step alone.  optional=2: AC reaches 3 with
-- B's time NULL, ABC takes B (3, all times); BC reaches 0 (step 1 is not
-- optional) but 3 with optional=1 (A's time NULL).  AXC: X lies between A
-- and C, so optional=2 reaches 1; with open as well, C alone (3).  A=C:
-- equal times fill steps 1 and 3 (S1), not under strict_increase.  The
-- window is inclusive: A..C 1h reaches 3, 1h+1s reaches 1.
SELECT name, funnel_level(j, '{A,B,C}', '1 hour', NULL, '{X}') AS closed,
	   funnel_level(j, '{A,B,C}', '1 hour', NULL, '{X}', '{open}') AS open,
	   funnel_timestamps(j, '{A,B,C}', '1 hour', NULL, '{X}', '{open}') AS open_times,
	   funnel_level(j, '{A,B,C}', '1 hour', NULL, '{X}', '{optional=2}') AS opt2,
	   funnel_timestamps(j, '{A,B,C}', '1 hour', NULL, '{X}', '{optional=2}') AS opt2_times,
	   funnel_timestamps(j, '{A,B,C}', '1 hour', NULL, '{X}', '{optional=1}') AS opt1_times,
	   funnel_level(j, '{A,B,C}', '1 hour', NULL, '{X}', '{optional=2,strict_increase}') AS opt2_strict
FROM oj ORDER BY name;
-- max_gap between consecutive matches: ABC's gaps are 10 minutes, AC's 20
SELECT name, funnel_level(j, '{A,B,C}', '1 hour', '15 minutes', NULL, '{optional=2}') AS gap15
FROM oj WHERE name IN ('ABC', 'AC') ORDER BY name;
-- Reports, checked by hand.  Open over ABC, BC, C, B, D: reached A 1 (ABC),
-- B 3 (ABC, BC, B), C 3 (ABC, BC, C); continued past A 1, past B 2 (ABC,
-- BC); D reaches nothing.  So step 1: entered 5, dropped 1 (D); step 2:
-- entered 1 (those at A), dropped 0; step 3: entered 3 (those at B),
-- dropped 1 (B).  No times: each reported chain is its last step alone.
SELECT step, label, entered, reached, dropped, drop_rate, conversion_from_previous, conversion_from_start,
	   median_time_from_previous
FROM funnel_report((SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{open}') FROM oj
					WHERE name IN ('ABC', 'BC', 'C', 'B', 'D')));
-- optional=2 over ABC, AC, AB, BC: reached A 3, B 2 (ABC, AB), C 2 (ABC,
-- AC); continued past A 3, past B 1 (ABC); BC reaches nothing.  Step 2:
-- entered 3, dropped 0 (AC skipped B and went on); step 3: entered 2 (at
-- B), dropped 1 (AB).  Times to C from the previous match: 10 minutes
-- (ABC, from B) and 20 (AC, from A); the median is the lower one's bucket.
SELECT step, label, entered, reached, dropped, drop_rate, conversion_from_previous, conversion_from_start,
	   median_time_from_previous, median_time_from_start
FROM funnel_report((SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{optional=2}') FROM oj
					WHERE name IN ('ABC', 'AC', 'AB', 'BC')));
-- the definition keeps the optional steps; a closed one stays as before
SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{open,optional=2,optional=3}')::text LIKE '%modes=384;%;exclude=;optional=2,3"%' AS kept,
	   funnel_counts(j, '{A,B,C}', '1 hour')::text AS closed
FROM oj WHERE name = 'ABC';
-- bad optional steps, and what does not take open or optional steps
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{optional=0}') FROM oj WHERE name = 'ABC';
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{optional=4}') FROM oj WHERE name = 'ABC';
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{optional=two}') FROM oj WHERE name = 'ABC';
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{optional=2,optional=2}') FROM oj WHERE name = 'ABC';
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{open,strict_order}') FROM oj WHERE name = 'ABC';
SELECT funnel_level(j, '{A,B,C}', '1 hour', mode => '{optional=2,consecutive}') FROM oj WHERE name = 'ABC';
SELECT driver_counts(j, 1, '{A,B,C}', '1 hour', NULL, NULL, '{open}') FROM oj;
SELECT window_funnel('1 hour', '{open}', ts, l = 'A') FROM (VALUES ('2024-01-01 00:00+00'::timestamptz, 'A')) v(ts, l);
-- Trends of an open funnel by entry day: the entry is the reported chain's
-- first match, C itself (00:20 and 00:10 on Jan 1, 00:05 on Jan 2).  Jan 1
-- has ABC and BC: step 1 reached by ABC (0.5), steps 2 and 3 by both;
-- Jan 2 has C alone, at step 3 only.
SELECT period_label, step, label, journeys, conversion
FROM funnel_trends((SELECT funnel_trend_counts(j, '{A,B,C}', '1 hour', 'day', NULL, NULL, '{open}')
					FROM (SELECT j FROM oj WHERE name IN ('ABC', 'BC')
						  UNION ALL SELECT '[2024-01-02 00:05:00+00 C]'::journey) x));
DROP TABLE oj;
