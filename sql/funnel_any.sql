-- Funnels in any order (mode any_order, PostHog's unordered funnel), on
-- small journeys worked by hand.
SET TimeZone = 'UTC';  -- for readable output; no result depends on it

-- Any order: C, A, B completes all three steps of {A,B,C}; in order only
-- A, B do.
SELECT funnel_level('[2024-01-01 00:00:00+00 C, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 B]', '{A,B,C}', '1 hour',
					mode => '{any_order}') AS any_order,
	   funnel_level('[2024-01-01 00:00:00+00 C, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 B]', '{A,B,C}', '1 hour') AS in_order;
-- the times at which the 1st, 2nd and 3rd step were completed
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 C, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 B]', '{A,B,C}', '1 hour',
						 mode => '{any_order}');

-- A label repeated in steps fills that many steps, and no more; a step
-- label the journey lacks fills none.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 B, 2024-01-01 00:10:00+00 A]', '{A,A,B}', '1 hour',
					mode => '{any_order}') AS two_a_one_b,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 B]', '{A,A,B}', '1 hour', mode => '{any_order}') AS one_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 A, 2024-01-01 00:02:00+00 A]', '{A,A,B}', '1 hour',
					mode => '{any_order}') AS three_a,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:01:00+00 D]', '{Z,A,Y}', '1 hour', mode => '{any_order}') AS absent_steps;

-- Ties: touchpoints of one time fill steps together, in any order.
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 B, 2024-01-01 00:00:00+00 C]', '{C,B,A}', '1 hour',
						 mode => '{any_order}');

-- The window is inclusive, measured from the first match.
SELECT funnel_level('[2024-01-01 00:00:00+00 B, 2024-01-01 01:00:00+00 A]', '{A,B}', '1 hour', mode => '{any_order}') AS exactly_the_window,
	   funnel_level('[2024-01-01 00:00:00+00 B, 2024-01-01 01:00:00.000001+00 A]', '{A,B}', '1 hour', mode => '{any_order}') AS one_microsecond_more;

-- Exclusions: one strictly between the first and last match breaks the
-- chain; one at the time of the first or the last match does not; a chain
-- may start after it.
SELECT funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 B]', '{B,A}', '1 hour',
					exclude => '{X}', mode => '{any_order}') AS strictly_between,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:00:00+00 X, 2024-01-01 00:10:00+00 B]', '{B,A}', '1 hour',
					exclude => '{X}', mode => '{any_order}') AS at_the_first,
	   funnel_level('[2024-01-01 00:00:00+00 A, 2024-01-01 00:10:00+00 X, 2024-01-01 00:10:00+00 B]', '{B,A}', '1 hour',
					exclude => '{X}', mode => '{any_order}') AS at_the_last;
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 X, 2024-01-01 00:10:00+00 B, 2024-01-01 00:12:00+00 A]', '{A,B}', '1 hour',
						 exclude => '{X}', mode => '{any_order}') AS after_the_exclusion;

-- The chain reported completes the top level earliest, then starts
-- latest: {A@0, B@30, C@50} and {B@30, A@40, C@50} both complete at
-- 00:50 ({A@40, C@50, B@55} only at 00:55); the second starts later.
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 A, 2024-01-01 00:30:00+00 B, 2024-01-01 00:40:00+00 A, 2024-01-01 00:50:00+00 C, 2024-01-01 00:55:00+00 B]',
						 '{A,B,C}', '1 hour', mode => '{any_order}') AS earliest_then_latest;
-- each step as early as the chain allows: the 2nd step at A@05, not A@08
SELECT funnel_timestamps('[2024-01-01 00:00:00+00 B, 2024-01-01 00:05:00+00 A, 2024-01-01 00:08:00+00 A, 2024-01-01 00:10:00+00 C]',
						 '{A,B,C}', '1 hour', mode => '{any_order}') AS earliest_steps;

-- A funnel report of an any_order summary: step k is any k of the steps.
-- Levels 3 (C, A, B), 2 (B, A), 1 (A) and 0; in order 2, 1, 1, 0.
CREATE TABLE aj (id int, j journey);
INSERT INTO aj VALUES
	(1, '[2024-01-01 00:00:00+00 C, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 B]'),
	(2, '[2024-01-01 00:00:00+00 B, 2024-01-01 00:30:00+00 A]'),
	(3, '[2024-01-01 00:00:00+00 A]'),
	(4, '[2024-01-01 00:00:00+00 X]');
SELECT step, label, entered, reached, dropped
FROM funnel_report((SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{any_order}') FROM aj));
SELECT step, label, entered, reached, dropped
FROM funnel_report((SELECT funnel_counts(j, '{A,B,C}', '1 hour') FROM aj));
SELECT step, label, conversion_a, conversion_b
FROM funnel_compare((SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{any_order}') FROM aj WHERE id <= 2),
					(SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{any_order}') FROM aj WHERE id > 2));
-- the definition keeps the mode as bit 64
SELECT funnel_counts(j, '{A,B,C}', '1 hour', NULL, NULL, '{any_order}') FROM aj;
SELECT step, reached FROM funnel_report('funnel collapse=0 param=2 anchor="within=3600000000;gap=0;modes=64;steps=1:A1:B;exclude=" total=2 [1 @1, 1 @2, 1 @5793, 1 @7841]');
-- any_order with another mode (65: strict_increase), or with a gap, is
-- not a definition
SELECT 'funnel collapse=0 param=2 anchor="within=3600000000;gap=0;modes=65;steps=1:A1:B;exclude=" total=2 [1 @1, 1 @2, 1 @5793, 1 @7841]'::funnel_counts;
SELECT 'funnel collapse=0 param=2 anchor="within=3600000000;gap=60000000;modes=64;steps=1:A1:B;exclude=" total=2 [1 @1, 1 @2, 1 @5793, 1 @7841]'::funnel_counts;
DROP TABLE aj;

-- Funnel trends count a journey by its entry, the start of the chain
-- reported: any order enters at B@00:30 in February ({B, A, C} completes
-- at 00:40 as {A, B, C} from January does, and starts later); in order
-- only A@23:00 in January can start it.
SELECT period_label, step, label, journeys
FROM funnel_trends((SELECT funnel_trend_counts('[2024-01-31 23:00:00+00 A, 2024-02-01 00:30:00+00 B, 2024-02-01 00:35:00+00 A, 2024-02-01 00:40:00+00 C]',
											   '{A,B,C}', '2 hours', 'month', NULL, NULL, '{any_order}')));
SELECT period_label, step, label, journeys
FROM funnel_trends((SELECT funnel_trend_counts('[2024-01-31 23:00:00+00 A, 2024-02-01 00:30:00+00 B, 2024-02-01 00:35:00+00 A, 2024-02-01 00:40:00+00 C]',
											   '{A,B,C}', '2 hours', 'month')));

-- Drivers of a funnel step in any order: the touchpoints after the step's
-- completion and before the next one's.  B@0 completes step 1 and A@10
-- step 2, so D@5 goes with converting; the second journey stops at step 1,
-- and E within the window from its start goes with dropping off.
SELECT label, journeys, converted
FROM conversion_drivers((SELECT driver_counts(j, 1, '{A,B}', '1 hour', NULL, NULL, '{any_order}')
						 FROM (VALUES ('[2024-01-01 00:00:00+00 B, 2024-01-01 00:05:00+00 D, 2024-01-01 00:10:00+00 A, 2024-01-01 00:20:00+00 E]'::journey),
									  ('[2024-01-01 00:00:00+00 A, 2024-01-01 00:05:00+00 E]')) v(j)))
ORDER BY label;

-- any_order takes no other mode, nor max_gap; window_funnel does not take it.
SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{any_order,strict_increase}');
SELECT funnel_level('[]', '{A,B}', '1 hour', mode => '{consecutive,any_order}');
SELECT funnel_level('[]', '{A,B}', '1 hour', '10 minutes', mode => '{any_order}');
SELECT funnel_counts(j, '{A,B}', '1 hour', NULL, NULL, '{any_order,strict_order}') FROM (VALUES ('[]'::journey)) v(j);
SELECT window_funnel('1 hour', '{any_order}', ts, true) FROM (VALUES ('2024-01-01 00:00:00+00'::timestamptz)) v(ts);
