-- Text input and output of journeys.

-- Touchpoints come out sorted by (timestamp, label bytewise, value with
-- absent first), timestamps in UTC, labels quoted, values shortest.
SELECT '[2024-03-01 10:00:00+00 search, 2024-03-01 09:00:00+00 email 12.5]'::journey;
SELECT '[2024-03-01 10:00:00+00 b, 2024-03-01 10:00:00+00 a 2, 2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 a 1, 2024-03-01 10:00:00+00 B]'::journey;

-- Exact duplicates are kept.
SELECT '[2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 a]'::journey;

-- Empty journeys, whitespace, 'T' and 'Z'.
SELECT '[]'::journey, '  [ ]  '::journey;
SELECT '[2024-03-01T10:00:00Z a,2024-03-01T10:00:01Z b]'::journey;

-- Offsets are applied; output is UTC whatever TimeZone and DateStyle say.
SET TimeZone = 'Asia/Kolkata';
SET DateStyle = 'SQL, DMY';
SELECT '[2024-03-01 10:00:00+05:30 a, 2024-03-01 10:00:00-0800 b, 2024-03-01 10:00:00+01:02:03 c]'::journey;
RESET TimeZone;
RESET DateStyle;

-- Offsets up to 15:59:59 either way, as PostgreSQL takes them.
SELECT '[2024-03-01 10:00:00+15 a, 2024-03-01 10:00:00+15:30 b, 2024-03-01 10:00:00-15:59:59 c]'::journey;
SELECT (journey_unnest('[2024-03-01 10:00:00-15:59:59 a]')).ts = '2024-03-01 10:00:00-15:59:59'::timestamptz AS same_as_postgres;

-- Microseconds and the extremes of timestamptz survive a round trip.
SELECT '[2024-03-01 10:00:00.000001+00 a, 2024-03-01 10:00:00.1+00 a, 4713-01-01 00:00:00+00 BC first, 294276-12-31 23:59:59.999999+00 last]'::journey;

-- Values: shortest text that reads back exactly; -0 is stored as 0.
SELECT '[2024-03-01 10:00:00+00 a 0.1, 2024-03-01 10:00:01+00 a 1e300, 2024-03-01 10:00:02+00 a -2.5e-300, 2024-03-01 10:00:03+00 a -0, 2024-03-01 10:00:04+00 a 123456789012345680000]'::journey;

-- Any label: quotes, backslashes, commas, arrows, brackets, unicode, empty.
SELECT '[2024-03-01 10:00:00+00 "say \"hi\"", 2024-03-01 10:00:01+00 "back\\slash", 2024-03-01 10:00:02+00 "a, b > c [d]", 2024-03-01 10:00:03+00 "kundenservice → kauf ✓", 2024-03-01 10:00:04+00 ""]'::journey;
SELECT label FROM journey_unnest('[2024-03-01 10:00:00+00 "say \"hi\"", 2024-03-01 10:00:01+00 "back\\slash", 2024-03-01 10:00:02+00 ""]');

-- Round trip of text output through input is the identity.
WITH j(v) AS (VALUES
	('[2024-03-01 10:00:00+00 "say \"hi\"" -1.5, 2024-03-01 10:00:01+00 "" 0.30000000000000004]'::journey),
	('[]'::journey))
SELECT v::text::journey = v AS same FROM j;

-- Malformed text.
SELECT '2024-03-01 10:00:00+00 a'::journey;
SELECT '[2024-03-01 10:00:00+00 a'::journey;
SELECT '[2024-03-01 10:00:00+00 a,]'::journey;
SELECT '[2024-03-01 10:00:00+00 a] x'::journey;
SELECT '[2024-03-01 10:00:00 a]'::journey;
SELECT '[2024-02-30 10:00:00+00 a]'::journey;
SELECT '[2024-03-01 24:00:00+00 a]'::journey;
SELECT '[2024-03-01 10:00:00.1234567+00 a]'::journey;
SELECT '[2024-03-01 10:00:00+16 a]'::journey;
SELECT '[2024-03-01 10:00:00+00 "a]'::journey;
SELECT '[2024-03-01 10:00:00+00 "a\n"]'::journey;
SELECT '[2024-03-01 10:00:00+00 a b]'::journey;
SELECT '[2024-03-01 10:00:00+00 a 1x]'::journey;
SELECT '[2024-03-01 10:00:00+00 a NaN]'::journey;
SELECT '[2024-03-01 10:00:00+00 a -Infinity]'::journey;
SELECT '[2024-03-01 10:00:00+00 a 1e400]'::journey;
SELECT '[infinity a]'::journey;
SELECT '[294277-01-01 00:00:00+00 a]'::journey;
