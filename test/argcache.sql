-- Arguments parsed once per call site (src/argcache.c): a call whose
-- arguments change from row to row, or alternate between groups, or
-- arrive compressed or out of line, answers as the same calls made one
-- argument at a time.
BEGIN;
SELECT plan(9);

\ir random_journeys.psql
SELECT pg_temp.random_journeys('rj', 0.17, 300, ARRAY['a', 'b', 'c', 'd'], 86400 * 20, 10);

-- patterns and their labels alternating on every row
CREATE TEMP TABLE pats (n int, p text, labels text[]);
INSERT INTO pats VALUES (1, 'a b', NULL), (2, 'b+ a', NULL), (3, '(?1) .* (?2)', '{c,d}'), (4, '(?1) .* (?2)', '{d,a}');
SELECT set_eq($$SELECT id, n, pattern_count(j, p, labels) FROM rj, pats$$,
			  $$SELECT id, 1, pattern_count(j, 'a b') FROM rj
				UNION ALL SELECT id, 2, pattern_count(j, 'b+ a') FROM rj
				UNION ALL SELECT id, 3, pattern_count(j, '(?1) .* (?2)', '{c,d}') FROM rj
				UNION ALL SELECT id, 4, pattern_count(j, '(?1) .* (?2)', '{d,a}') FROM rj$$,
			  'a pattern and labels that change on every row are each compiled for their rows');

-- a long pattern stored compressed, then out of line: the same program
CREATE TEMP TABLE long_pats (p text);
INSERT INTO long_pats VALUES ('a' || repeat(' ', 6000) || 'b');
SELECT ok(pg_column_compression(p) IS NOT NULL, 'the long pattern is stored compressed') FROM long_pats;
SELECT set_eq($$SELECT id, pattern_positions(j, p) FROM rj, long_pats$$,
			  $$SELECT id, pattern_positions(j, 'a b') FROM rj$$,
			  'a compressed pattern argument is compared and compiled detoasted');
CREATE TEMP TABLE external_pats (p text);
ALTER TABLE external_pats ALTER COLUMN p SET STORAGE EXTERNAL;
INSERT INTO external_pats SELECT p FROM long_pats;
SELECT set_eq($$SELECT id, pattern_positions(j, p) FROM rj, external_pats$$,
			  $$SELECT id, pattern_positions(j, 'a b') FROM rj$$,
			  'an out-of-line pattern argument is compared and compiled detoasted');

-- summaries of several definitions in one hash aggregate, rows interleaved
SET LOCAL enable_sort = off;
SELECT set_eq($$SELECT s::text, funnel_counts(j, s, '2 days')::text
				FROM rj, (VALUES ('{a,b,c}'::text[]), ('{b,a}'), ('{d,c,b,a}')) v(s) GROUP BY s$$,
			  $$SELECT '{a,b,c}', funnel_counts(j, '{a,b,c}', '2 days')::text FROM rj
				UNION ALL SELECT '{b,a}', funnel_counts(j, '{b,a}', '2 days')::text FROM rj
				UNION ALL SELECT '{d,c,b,a}', funnel_counts(j, '{d,c,b,a}', '2 days')::text FROM rj$$,
			  'funnel_counts per definition, the definition changing on every row, as each alone');
SELECT set_eq($$SELECT z, activity_counts(j, 'a', 'b', 'day', z)::text
				FROM rj, (VALUES ('UTC'), ('Asia/Kolkata'), ('America/New_York')) v(z) GROUP BY z$$,
			  $$SELECT 'UTC', activity_counts(j, 'a', 'b', 'day', 'UTC')::text FROM rj
				UNION ALL SELECT 'Asia/Kolkata', activity_counts(j, 'a', 'b', 'day', 'Asia/Kolkata')::text FROM rj
				UNION ALL SELECT 'America/New_York', activity_counts(j, 'a', 'b', 'day', 'America/New_York')::text FROM rj$$,
			  'activity_counts per time zone, interleaved, as each alone');
SELECT set_eq($$SELECT c::text, conversion_drivers(driver_counts(j, c))::text
				FROM rj, (VALUES ('{a}'::text[]), ('{c,d}')) v(c) GROUP BY c$$,
			  $$SELECT '{a}', conversion_drivers(driver_counts(j, '{a}'))::text FROM rj
				UNION ALL SELECT '{c,d}', conversion_drivers(driver_counts(j, '{c,d}'))::text FROM rj$$,
			  'driver_counts per outcome, interleaved, as each alone');
RESET enable_sort;

-- one summary of two definitions is still refused, not answered with the first
SELECT throws_ok($$SELECT funnel_counts(j, CASE WHEN id % 2 = 0 THEN '{a,b}' ELSE '{a,c}' END::text[], '1 day') FROM rj$$,
				 '22023', 'path counts of different kinds or parameters cannot be combined',
				 'definitions that alternate within one summary are refused');
SELECT throws_ok($$SELECT funnel_trend_counts(j, '{a,b}', '1 day', CASE WHEN id < 150 THEN 'day' ELSE 'week' END) FROM rj$$,
				 '22023', 'path counts of different kinds or parameters cannot be combined',
				 'a trend period that changes within one summary is refused');

SELECT * FROM finish();
ROLLBACK;
