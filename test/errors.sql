-- Bad input to every function: a clear error with a real SQLSTATE, or the
-- documented NULL behaviour.
BEGIN;
SELECT plan(35);

-- Malformed text.
SELECT throws_ok($$SELECT 'search'::journey$$, '22P02', NULL, 'text without brackets');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00 a]'::journey$$, '22P02', NULL, 'timestamp without offset');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+16 a]'::journey$$, '22P02', NULL, 'offset of 16 hours');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+05:60 a]'::journey$$, '22P02', NULL, 'offset minutes of 60');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+05:00:60 a]'::journey$$, '22P02', NULL, 'offset seconds of 60');
SELECT throws_ok($$SELECT '[2024-13-01 10:00:00+00 a]'::journey$$, '22P02', NULL, 'month 13');
SELECT throws_ok($$SELECT '[2023-02-29 10:00:00+00 a]'::journey$$, '22P02', NULL, 'February 29 of a common year');
SELECT lives_ok($$SELECT '[2024-02-29 10:00:00+00 a]'::journey$$, 'February 29 of a leap year');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+00 a,, 2024-03-01 10:00:00+00 b]'::journey$$, '22P02', NULL, 'double comma');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+00 a 1 2]'::journey$$, '22P02', NULL, 'two values');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+00]'::journey$$, '22P02', NULL, 'missing label');
SELECT throws_ok($$SELECT '[2024-03-01 10:00:00+00 a 1e999]'::journey$$, '22003', NULL, 'value out of float8 range');
SELECT throws_ok($$SELECT format('[2024-03-01 10:00:00+00 "%s"]', repeat('x', 4097))::journey$$,
				 '54000', 'journey label too long', 'label over 4096 bytes in text');
SELECT lives_ok($$SELECT format('[2024-03-01 10:00:00+00 "%s"]', repeat('x', 4096))::journey$$,
				'label of exactly 4096 bytes');
SELECT throws_ok($$SELECT ('[' || repeat('2024-03-01 10:00:00+00 a, ', 1000) || ']')::journey$$,
				 '22P02', NULL, 'long malformed text');
SELECT throws_like($$SELECT ('[' || repeat('2024-03-01 10:00:00+00 a, ', 1000) || ']')::journey$$,
				   '%...%', 'long input is clipped in the message');

-- Building.
SELECT throws_ok($$SELECT journey_agg(ts, 'a') FROM (VALUES ('infinity'::timestamptz)) v(ts)$$,
				 '22008', 'touchpoint timestamp out of range', 'journey_agg rejects infinity');
SELECT throws_ok($$SELECT journey_agg(now(), 'a', v) FROM (VALUES ('Infinity'::float8)) v(v)$$,
				 '22003', 'touchpoint value must be finite', 'journey_agg rejects infinite values');
SELECT throws_ok($$SELECT journey_agg(now(), repeat('x', 5000))$$,
				 '54000', 'journey label too long', 'journey_agg rejects long labels');
SELECT throws_ok($$SELECT journey(ARRAY[now()], ARRAY['a', 'b'])$$,
				 '2202E', 'journey arrays must have the same length', 'array lengths differ');
SELECT throws_ok($$SELECT journey(ARRAY[[now()], [now()]], ARRAY['a', 'b'])$$,
				 '2202E', 'timestamp array must have one dimension', 'two-dimensional arrays');
SELECT is(journey(NULL, ARRAY['a']), NULL, 'NULL array gives NULL');
SELECT throws_ok($$SELECT journey_agg_transfn(NULL, now(), 'a')$$, '0A000', NULL, 'support function outside an aggregate');
SELECT throws_ok($$SELECT window_funnel_combine('[]', '[]')$$, '0A000', NULL, 'window_funnel_combine outside an aggregate');

-- Readers with NULL and empty input.
SELECT is(journey_length(NULL), NULL, 'journey_length(NULL) is NULL');
SELECT is(journey_first_label('[]'), NULL, 'first label of the empty journey is NULL');
SELECT is(journey_duration('[]'), NULL, 'duration of the empty journey is NULL');
SELECT is(journey_value_at('[2024-03-01 10:00:00+00 a]', 1), NULL, 'value of a touchpoint without one is NULL');
SELECT is(journey_path('[]'), '', 'path of the empty journey is empty');
SELECT is(journey_slice('[2024-03-01 10:00:00+00 a]', 2147483647, -2147483648), '[]', 'extreme slice bounds');
SELECT is(journey_slice('[2024-03-01 10:00:00+00 a]', -2147483648, 2147483647), '[2024-03-01 10:00:00+00 a]', 'slice of everything');
SELECT is('[2024-03-01 10:00:00+00 a]'::journey ? NULL, NULL, 'label NULL gives NULL');

-- A set-returning function declared with other result columns than the
-- library returns (as between installing a new library and ALTER
-- EXTENSION UPDATE) refuses to run rather than fill them.
CREATE FUNCTION pg_temp.old_flows(flow_counts)
	RETURNS TABLE (depth integer, from_label text, to_label text, journeys bigint)
	AS '$libdir/journey', 'flows' LANGUAGE C IMMUTABLE STRICT;
CREATE FUNCTION pg_temp.swapped_unnest(journey, OUT ordinality integer, OUT ts timestamptz, OUT label text, OUT value interval)
	RETURNS SETOF record AS '$libdir/journey', 'journey_unnest' LANGUAGE C IMMUTABLE STRICT;
SELECT throws_ok($$SELECT * FROM pg_temp.old_flows((SELECT flow_counts('[2024-01-01 00:00:00+00 a]'::journey, 2)))$$,
				 '55000', 'old_flows is declared with other result columns than the journey library returns',
				 'fewer declared columns than the library returns');
SELECT throws_ok($$SELECT * FROM pg_temp.swapped_unnest('[2024-01-01 00:00:00+00 a 1]')$$,
				 '55000', NULL, 'a declared column of another type');
SELECT throws_ok($$SELECT pg_temp.swapped_unnest('[2024-01-01 00:00:00+00 a 1]')$$,
				 '55000', NULL, 'in the select list too');

SELECT * FROM finish();
ROLLBACK;
