-- Binary input: crafted values reach journey_recv through binary COPY.
BEGIN;
SELECT plan(37);

-- COPY of one row holding payload as its only field into a column of
-- type typ; the value read back, as text.
CREATE FUNCTION recv_value(payload bytea, typ regtype) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	path text := '/tmp/journey_tap_' || pg_backend_pid() || '.bin';
	lo oid;
	result text;
BEGIN
	lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
		|| '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea);
	PERFORM lo_export(lo, path);
	PERFORM lo_unlink(lo);
	EXECUTE format('CREATE TEMP TABLE recv_target (v %s)', typ);
	EXECUTE format('COPY recv_target FROM %L (FORMAT binary)', path);
	SELECT v::text INTO result FROM recv_target;
	DROP TABLE recv_target;
	RETURN result;
END $$;
CREATE FUNCTION recv_journey(payload bytea) RETURNS journey LANGUAGE sql
AS $$ SELECT recv_value(payload, 'journey')::journey $$;

-- Pieces of the wire format.
CREATE FUNCTION wire_label(t bytea) RETURNS bytea LANGUAGE sql
AS $$ SELECT int4send(length(t)) || t $$;
CREATE FUNCTION wire_touch(ts bigint, label int, has_value int, value float8 DEFAULT NULL)
RETURNS bytea LANGUAGE sql
AS $$ SELECT int8send(ts) || int4send(label) || set_byte('\x00'::bytea, 0, has_value)
		|| coalesce(float8send(value), '') $$;

-- 2024-03-01 10:00:00+00 in microseconds since 2000-01-01.
CREATE FUNCTION t0() RETURNS bigint LANGUAGE sql
AS $$ SELECT ((extract(epoch FROM '2024-03-01 10:00:00+00'::timestamptz) - 946684800) * 1000000)::bigint $$;

SELECT is(recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1) || wire_touch(t0(), 0, 0)),
		  '[2024-03-01 10:00:00+00 a]'::journey, 'a minimal binary journey is read');
SELECT is(recv_journey('\x01'::bytea || int4send(2) || wire_label('b') || wire_label('a') || int4send(3)
						|| wire_touch(t0() + 1, 0, 1, 2.5) || wire_touch(t0(), 0, 0) || wire_touch(t0(), 1, 0)),
		  '[2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 b, 2024-03-01 10:00:00.000001+00 b 2.5]'::journey,
		  'unordered touchpoints and labels are put in order');
SELECT is(recv_journey('\x01'::bytea || int4send(3) || wire_label('a') || wire_label('a') || wire_label('unused')
						|| int4send(2) || wire_touch(t0(), 0, 0) || wire_touch(t0(), 1, 0)),
		  '[2024-03-01 10:00:00+00 a, 2024-03-01 10:00:00+00 a]'::journey,
		  'duplicate and unused labels in the dictionary are canonicalised');
SELECT is(recv_journey('\x01'::bytea || int4send(0) || int4send(0)), '[]'::journey, 'the empty journey is read');

-- What binary output writes, binary input reads back.
CREATE TABLE bin_src (id int, j journey);
INSERT INTO bin_src VALUES
	(1, '[2024-03-01 10:00:00+00 "say \"hi\"" -1.5, 2024-03-01 10:00:01.123456+00 "" 0.30000000000000004]'),
	(2, '[]'),
	(3, '[4713-01-01 00:00:00+00 BC first, 294276-12-31 23:59:59.999999+00 "→ last" 1e300]'),
	(4, '[4714-11-24 00:00:00+00 BC first, 294276-12-31 23:59:59.999999+00 last]');
SELECT lives_ok(format($$COPY bin_src TO %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.out'),
				'binary COPY out');
CREATE TABLE bin_dst (id int, j journey);
SELECT lives_ok(format($$COPY bin_dst FROM %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.out'),
				'binary COPY in');
SELECT set_eq('SELECT id, j::text FROM bin_dst', 'SELECT id, j::text FROM bin_src', 'binary COPY round trip is exact');

-- Crafted and damaged input: a clear error, never a crash.
SELECT throws_ok($$SELECT recv_journey('\x02'::bytea || int4send(0) || int4send(0))$$,
				 '22P03', 'invalid binary input for type journey', 'unknown version');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(-1) || int4send(0))$$,
				 '22P03', 'invalid binary input for type journey', 'negative label count');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1000000) || int4send(0))$$,
				 '22P03', 'invalid binary input for type journey', 'label count larger than the message');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || int4send(1000) || 'abc'::bytea)$$,
				 '22P03', 'invalid binary input for type journey', 'label length past the end');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a\000b'::bytea) || int4send(0))$$,
				 '22021', NULL, 'label with a zero byte');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('\xff'::bytea) || int4send(0))$$,
				 '22021', NULL, 'label that is not valid in the encoding');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label(convert_to(repeat('x', 4097), 'UTF8'))
									  || int4send(0))$$,
				 '54000', 'journey label too long', 'label over the length limit');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1) || wire_touch(t0(), 1, 0))$$,
				 '22P03', 'invalid binary input for type journey', 'label index out of range');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1) || wire_touch(t0(), 0, 2))$$,
				 '22P03', 'invalid binary input for type journey', 'has-value flag neither 0 nor 1');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1)
									  || wire_touch(9223372036854775807, 0, 0))$$,
				 '22008', 'touchpoint timestamp out of range', 'infinite timestamp');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1)
									  || wire_touch(t0(), 0, 1, 'NaN'))$$,
				 '22003', 'touchpoint value must be finite', 'NaN value');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(-5))$$,
				 '22P03', 'invalid binary input for type journey', 'negative touchpoint count');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(2) || wire_touch(t0(), 0, 0))$$,
				 '22P03', 'invalid binary input for type journey', 'touchpoint count larger than the message');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1)
									  || substring(wire_touch(t0(), 0, 1, 1.0) FROM 1 FOR 16))$$,
				 '08P01', NULL, 'value cut off');
SELECT throws_ok($$SELECT recv_journey('\x01'::bytea || int4send(0) || int4send(0) || '\x00'::bytea)$$,
				 '22P03', NULL, 'trailing bytes');

-- identity_graph: round trip and crafted input.
CREATE TABLE ig_src (g identity_graph);
INSERT INTO ig_src VALUES ('["cookie:1" -- "crm:7", "d" -- "crm:7", "lone", "→"]'), ('[]');
SELECT lives_ok(format($$COPY ig_src TO %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.ig'),
				'identity_graph binary COPY out');
CREATE TABLE ig_dst (g identity_graph);
SELECT lives_ok(format($$COPY ig_dst FROM %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.ig'),
				'identity_graph binary COPY in');
SELECT set_eq('SELECT g::text FROM ig_dst', 'SELECT g::text FROM ig_src', 'identity_graph binary round trip is exact');
SELECT is(recv_value('\x01'::bytea || int4send(3) || wire_label('b') || wire_label('a') || wire_label('b')
					 || int4send(2) || int4send(0) || int4send(1) || int4send(1) || int4send(2), 'identity_graph'),
		  '["a" -- "b"]', 'duplicate identifiers and links are canonicalised');
SELECT throws_ok($$SELECT recv_value('\x01'::bytea || int4send(1) || wire_label('a') || int4send(1)
									 || int4send(0) || int4send(1), 'identity_graph')$$,
				 '22P03', 'invalid binary input for type identity_graph', 'identifier index out of range');
SELECT throws_ok($$SELECT recv_value('\x01'::bytea || int4send(-1) || int4send(0), 'identity_graph')$$,
				 '22P03', 'invalid binary input for type identity_graph', 'negative identifier count');

-- the summary types (step_counts here; all share path_counts's form): round
-- trip and crafted input.
CREATE TABLE pc_src (c step_counts);
INSERT INTO pc_src SELECT step_counts(j, 'b', 2) FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-01 00:01:00+00 b, 2024-01-01 00:02:00+00 "→"]'::journey)) v(j);
SELECT lives_ok(format($$COPY pc_src TO %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.pc'),
				'step_counts binary COPY out');
CREATE TABLE pc_dst (c step_counts);
SELECT lives_ok(format($$COPY pc_dst FROM %L (FORMAT binary)$$, '/tmp/journey_tap_' || pg_backend_pid() || '.pc'),
				'step_counts binary COPY in');
SELECT set_eq('SELECT c::text FROM pc_dst', 'SELECT c::text FROM pc_src', 'step_counts binary round trip is exact');
SELECT throws_ok($$SELECT recv_value(path_counts_send('paths collapse=0 param=0 total=1 [1 @0 "a"]'), 'funnel_counts')$$,
				 '22P03', 'invalid binary input: a summary of kind paths is a path_counts, not a funnel_counts',
				 'a summary type takes only its own kinds in binary');
SELECT is(recv_value(step_counts_send((SELECT c FROM pc_src)), 'path_counts'), (SELECT c::text FROM pc_src),
		  'path_counts takes any kind in binary (values stored before 0.4.0)');
-- the total of a valid value, overwritten (bytes 12-19 of the binary form)
SELECT throws_ok($$SELECT recv_value(overlay(path_counts_send('paths collapse=0 param=0 total=1 [1 @0 "a"]') PLACING int8send(5) FROM 12 FOR 8), 'path_counts')$$,
				 '22000', 'invalid path counts of kind paths', 'binary input: counts that do not add up to the total');

-- attribution_counts: a round trip, and crafted keys (bytes as
-- path_counts_send writes them: version, kind 17, collapse, param, anchor,
-- total, value, labels, then count, position, length and labels per key)
CREATE FUNCTION wire_attribution(keys bytea, nkeys int) RETURNS bytea LANGUAGE sql
AS $$ SELECT '\x011100'::bytea || int4send(3) || wire_label('x') || int8send(1) || int8send(0) || int8send(0)
		|| int4send(1) || wire_label('a') || int4send(nkeys) || keys $$;
SELECT is(recv_value(attribution_counts_send((SELECT attribution_counts(j, 'linear', true, 2.5)
											  FROM (VALUES ('[2024-01-01 00:00:00+00 a, 2024-01-02 00:00:00+00 b]'::journey), (NULL)) t(j))),
					 'attribution_counts'),
		  'attribution collapse=0 param=3 anchor="form=converted;conversions=-;lookback=0;since_previous=1;skip=6:direct;weights=0.40000000000000002,0.20000000000000001,0.40000000000000002;half_life=604800000000" total=1 [1 @0 "a", 1 @0 "b", 1 @1 "a", 1 @1 "b", 549755813888 @3 "a", 549755813888 @3 "b", 1 @4 "a", 1 @4 "b", 274877906944 @5 "a", 274877906944 @5 "b"]',
		  'attribution_counts binary round trip (halves: 2^39 / 2^40)');
SELECT throws_ok($$SELECT recv_value(wire_attribution(int8send(1) || int4send(0) || int4send(2) || int4send(0) || int4send(0), 1), 'attribution_counts')$$,
				 '22000', 'invalid path counts of kind attribution', 'binary input: an attribution key of two labels');
SELECT throws_ok($$SELECT recv_value(wire_attribution(int8send(1) || int4send(1) || int4send(1) || int4send(0), 1), 'attribution_counts')$$,
				 '22000', 'invalid path counts of kind attribution', 'binary input: touchpoints without a conversion');

SELECT * FROM finish();
ROLLBACK;
