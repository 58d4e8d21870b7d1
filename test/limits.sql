-- Limits: huge journeys work within bounds; past the limits, clear errors.
BEGIN;
SELECT plan(11);

CREATE TEMP TABLE big AS
SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', 'l' || (i % 1000)::text,
				   CASE WHEN i % 10 = 0 THEN i END) AS j
FROM generate_series(1, 1000000) i;

SELECT is((SELECT journey_length(j) FROM big), 1000000, 'a journey of a million touchpoints');
SELECT ok((SELECT j::text::journey = j FROM big), 'a million touchpoints survive the text round trip');
SELECT cmp_ok((SELECT pg_column_size(j) FROM big), '<', 4000000, 'a million touchpoints take under 4 bytes each');
SELECT is((SELECT journey_last_label(journey_slice(j, 999999, 1000000)) FROM big), 'l0', 'slicing a huge journey');

SELECT lives_ok($$SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz, 'l' || i::text) FROM generate_series(1, 1000000) i$$,
				'a million distinct labels');
SELECT throws_ok($$SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz, 'l' || i::text) FROM generate_series(1, 1000001) i$$,
				 '54000', 'too many distinct labels in a journey', 'more than a million distinct labels');
SELECT throws_ok($$SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz, 'l') FROM generate_series(1, 10000001) i$$,
				 '54000', 'too many touchpoints in a journey', 'more than ten million touchpoints');

-- The memory budget: work that would outgrow it stops with 54000 first.
SELECT throws_ok($$SELECT journey_path(j, repeat('-', 1100)) FROM big$$,
				 '54000', 'journey path too long', 'a path over 1 GB is refused before it is built');
SELECT throws_ok($$SELECT pattern_match('[2024-01-01 00:00:00+00 a]', repeat('a ', 1000000))$$,
				 '54000', 'pattern too large', 'a pattern of a million atoms is refused while it is parsed');
CREATE TEMP TABLE runs AS
SELECT n, journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '1 second', 'a') AS j
FROM (VALUES (2000), (5000)) v(n), generate_series(1, n) i GROUP BY n;
SELECT throws_ok($$SELECT pattern_match(j, 'a* b') FROM runs WHERE n = 2000$$,
				 '54000', 'pattern matching exceeds its work limit', 'a search beyond 5,000,000 states stops');
SELECT throws_ok($$SELECT funnel_level(j, array_fill('a'::text, ARRAY[10000]), '400 days') FROM runs WHERE n = 5000$$,
				 '54000', 'too many funnel chain entries', 'a funnel whose chains outgrow 256 MB stops');

SELECT * FROM finish();
ROLLBACK;
