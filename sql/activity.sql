-- Retention as product teams measure it (activity_counts): cohorts by the
-- first start event, returns by a return event, lifecycle and stickiness,
-- in calendar periods of a named time zone.
SET TimeZone = 'UTC';  -- for readable output; the summaries name their own zone

-- 1 signs up on Mar 4 and buys that day (after signing up), on the 6th and 7th;
-- 2 buys on the 5th before signing up that day, then on the 7th;
-- 3 never signs up and buys on the 6th; 4 has neither event.
CREATE TABLE aj (id int, j journey);
INSERT INTO aj VALUES
	(1, '[2024-03-04 10:00:00+00 signup, 2024-03-04 11:00:00+00 purchase, 2024-03-06 10:00:00+00 purchase, 2024-03-07 10:00:00+00 purchase]'),
	(2, '[2024-03-05 10:00:00+00 purchase, 2024-03-05 12:00:00+00 signup, 2024-03-07 09:00:00+00 purchase]'),
	(3, '[2024-03-06 10:00:00+00 purchase]'),
	(4, '[2024-03-06 10:00:00+00 browse]'),
	(5, NULL);
CREATE TABLE asum AS SELECT activity_counts(j, 'signup', 'purchase', 'day', 'UTC') AS c FROM aj;
SELECT c FROM asum;
-- on day N: 1 is back on days 0, 2 and 3; 2's purchase before its signup
-- does not count, so its day 0 is empty and it is back on day 2; the
-- latest day of the summary (Mar 7) is "now"
SELECT * FROM activity_retention((SELECT c FROM asum));
-- on or after day N (unbounded): 1 on 0..3, 2 on 0..2
SELECT * FROM activity_retention((SELECT c FROM asum), unbounded => true);
-- the cells with journeys only
SELECT * FROM activity_retention((SELECT c FROM asum), dense => false);
SELECT * FROM activity_retention((SELECT c FROM asum), true, false);
-- lifecycle over every purchase (3 is active without signing up):
-- Mar 4: 1 new; Mar 5: 2 new, 1 dormant; Mar 6: 3 new, 1 resurrecting,
-- 2 dormant; Mar 7: 1 returning, 2 resurrecting, 3 dormant
SELECT * FROM activity_lifecycle((SELECT c FROM asum));
-- stickiness by day: one day out of one, for whoever was active
SELECT * FROM activity_stickiness((SELECT c FROM asum));

-- Weeks start on Monday, in the zone: Mar 4 2024 is a Monday, which
-- starts at 23:00 UTC the day before in Paris; 1 buys on 3 days of it,
-- 2 on 2, 3 on 1; days 4 to 7 have no one
SELECT * FROM activity_stickiness((SELECT activity_counts(j, 'signup', 'purchase', 'week', 'Europe/Paris') FROM aj));
SELECT * FROM activity_retention((SELECT activity_counts(j, 'signup', 'purchase', 'week', 'Europe/Paris') FROM aj));
-- the zone is stored by its own name: 'europe/paris' combines with 'Europe/Paris'
SELECT activity_counts(j, 'signup', 'purchase', 'week', 'europe/paris')::text =
	   activity_counts(j, 'signup', 'purchase', 'week', 'Europe/Paris')::text AS same_zone FROM aj;

-- When the start event is the return event, the start itself is a return:
-- period 0 is the whole cohort (PostHog's convention)
SELECT cohort_label, period, journeys, share
FROM activity_retention((SELECT activity_counts(j, 'purchase', 'purchase', 'day', 'UTC') FROM aj));

-- A return after the start counts on the day of a return before it
SELECT cohort_label, period, journeys
FROM activity_retention((SELECT activity_counts('[2024-03-05 09:00:00+00 purchase, 2024-03-05 10:00:00+00 signup, 2024-03-05 11:00:00+00 purchase]'::journey,
												'signup', 'purchase', 'day', 'UTC')));

-- Months in a zone: a purchase at 23:30 UTC on Jan 31 is in February in
-- Berlin; February 2024 has 29 days of stickiness
CREATE TABLE mj (j journey);
INSERT INTO mj VALUES
	('[2024-01-10 12:00:00+00 signup, 2024-01-31 23:30:00+00 purchase, 2024-02-02 12:00:00+00 purchase, 2024-04-01 12:00:00+00 purchase]'),
	('[2024-02-29 22:30:00+00 signup, 2024-02-29 22:45:00+00 purchase]');
SELECT * FROM activity_retention((SELECT activity_counts(j, 'signup', 'purchase', 'month', 'Europe/Berlin') FROM mj));
SELECT * FROM activity_retention((SELECT activity_counts(j, 'signup', 'purchase', 'month', 'Europe/Berlin') FROM mj), true);
SELECT * FROM activity_lifecycle((SELECT activity_counts(j, 'signup', 'purchase', 'month', 'Europe/Berlin') FROM mj));
SELECT period_label, count(*) AS rows, sum(journeys) AS journeys, max(days) FILTER (WHERE journeys > 0) AS days
FROM activity_stickiness((SELECT activity_counts(j, 'signup', 'purchase', 'month', 'Europe/Berlin') FROM mj))
GROUP BY 1 ORDER BY 1;

-- Daylight saving time: New York springs forward on 2024-03-10 (02:00 EST
-- becomes 03:00 EDT) and falls back on 2024-11-03.  04:30 UTC on the 10th
-- is 23:30 on the 9th there, 07:30 UTC is 03:30 on the 10th; days start at
-- local midnight, 05:00 UTC before the change, 04:00 after.
CREATE TABLE dj (j journey);
INSERT INTO dj VALUES
	('[2024-03-10 04:30:00+00 signup, 2024-03-10 07:30:00+00 purchase, 2024-03-11 03:59:00+00 purchase, 2024-03-11 04:00:00+00 purchase]'),
	('[2024-11-03 04:30:00+00 signup, 2024-11-03 05:30:00+00 purchase, 2024-11-03 06:30:00+00 purchase, 2024-11-04 04:59:00+00 purchase, 2024-11-04 05:00:00+00 purchase]');
SELECT * FROM activity_retention((SELECT activity_counts(j, 'signup', 'purchase', 'day', 'America/New_York') FROM dj), dense => false);
SELECT period, period_label, days, journeys
FROM activity_stickiness((SELECT activity_counts(j, 'signup', 'purchase', 'week', 'America/New_York') FROM dj))
WHERE journeys > 0;
-- periods start where date_trunc(unit, ts, zone) puts them, also where DST
-- skips midnight (Sao Paulo, 2018-11-04 00:00 became 01:00)
SELECT r.cohort = date_trunc('day', '2018-11-04 12:00:00+00'::timestamptz, 'America/Sao_Paulo') AS same_start,
	   r.cohort, r.cohort_label
FROM activity_retention((SELECT activity_counts('[2018-11-04 12:00:00+00 a]'::journey, 'a', 'a', 'day', 'America/Sao_Paulo'))) r;

-- The ends of timestamptz: 294276-12-31 23:59 UTC is already 294277-01-01
-- at Kiritimati (UTC+14); the first timestamptz's period starts before it
SELECT * FROM activity_retention((SELECT activity_counts('[294276-12-31 23:59:00+00 a]'::journey, 'a', 'a', 'day', 'Pacific/Kiritimati')));
SELECT * FROM activity_retention((SELECT activity_counts('[4714-11-24 00:00:00+00 BC a]'::journey, 'a', 'a', 'month', 'UTC')));
-- west of Greenwich, that instant's local date is before the first one
SELECT activity_counts('[4714-11-24 00:00:00+00 BC a]'::journey, 'a', 'a', 'day', 'America/New_York');
-- a grid, lifecycle or stickiness too large to return
CREATE TABLE wide AS SELECT activity_counts(j, 'a', 'a', 'day', 'UTC') AS c
FROM (VALUES ('[2000-01-01 00:00:00+00 a, 200000-01-01 00:00:00+00 a]'::journey)) v(j);
SELECT * FROM activity_retention((SELECT c FROM wide));
SELECT * FROM activity_retention((SELECT c FROM wide), dense => false);
SELECT * FROM activity_retention((SELECT c FROM wide), true, false);
SELECT * FROM activity_lifecycle((SELECT c FROM wide));
SELECT * FROM activity_stickiness((SELECT c FROM wide));

-- Empty: no rows gives NULL, journeys without the events give no rows
SELECT activity_counts(j, 'signup', 'purchase', 'day', 'UTC') FROM aj WHERE false;
SELECT c, (SELECT count(*) FROM activity_retention(c)) AS retention,
	   (SELECT count(*) FROM activity_lifecycle(c)) AS lifecycle,
	   (SELECT count(*) FROM activity_stickiness(c)) AS stickiness
FROM (SELECT activity_counts(j, 'signup', 'purchase', 'day', 'UTC') AS c FROM aj WHERE id = 4) s;
SELECT * FROM activity_retention(NULL);

-- Bad arguments
SELECT activity_counts(j, 'signup', 'purchase', 'year', 'UTC') FROM aj;
SELECT activity_counts(j, 'signup', 'purchase', 'day', 'Mars/Olympus_Mons') FROM aj;
SELECT activity_counts(j, '', 'purchase', 'day', 'UTC') FROM aj;
SELECT activity_counts(j, NULL, 'purchase', 'day', 'UTC') FROM aj;
SELECT activity_counts(j, 'signup', 'purchase', 'day', NULL) FROM aj;
SELECT activity_counts_rollup(c) FROM (SELECT activity_counts(j, 'signup', 'purchase', 'day', 'UTC') AS c FROM aj
	UNION ALL SELECT activity_counts(j, 'signup', 'purchase', 'day', 'Europe/Paris') FROM aj) s;
SELECT * FROM activity_retention((SELECT retention_counts(j, '1 day') FROM aj));

-- Text input: round trip, other kinds, shapes no builder makes
SELECT c::text::activity_counts::text = c::text AS round_trip FROM asum;
SELECT c::text::path_counts::activity_counts::text = c::text AS cast_back FROM asum;
SELECT 'cohorts collapse=0 param=86400 total=0 []'::activity_counts;
SELECT (SELECT c FROM asum)::text::path_counts::retention_counts;
SELECT 'activity collapse=0 param=4 anchor="3:UTC1:a1:b" total=0 []'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a" total=0 []'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="4:Mars1:a1:b" total=0 []'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "cohort" "4"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "cohort" "5", 2 @6 "retained" "5"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "retained" "5"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "cohort" "5", 1 @6 "last" "5", 1 @7 "last" "5"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "new", 1 @5 "days" "2"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "new"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=2 [1 @5 "days" "1", 1 @5 "new", 2 @6 "days" "1", 2 @6 "returning"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "days" "1", 1 @5 "resurrecting"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "often"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "new" "1"]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 (start)]'::activity_counts;
SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @200000000 "days" "1", 1 @200000000 "new"]'::activity_counts;
SELECT 'activity collapse=0 param=3 anchor="3:UTC1:a1:b" total=1 [1 @1 "days" "30", 1 @1 "new"]'::activity_counts;
-- a hand-written value that is right reads as one built from journeys
SELECT * FROM activity_lifecycle('activity collapse=0 param=3 anchor="3:UTC1:a1:b" total=1 [1 @1 "days" "29", 1 @1 "new", 1 @3 "days" "1", 1 @3 "resurrecting"]');

DROP TABLE aj, asum, mj, dj, wide;
