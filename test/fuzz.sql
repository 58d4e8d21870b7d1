-- Fuzz: seeded random mutations of valid text and binary values, thrown at
-- every input function.  Each one must either give a clean error with a
-- data-exception or limit SQLSTATE, or a value whose text reads back to
-- itself; the server must stay up (the next statement runs).
BEGIN;
SELECT plan(7);

SELECT setseed(0.2024);

-- A string with a few random bytes changed, dropped or repeated.
CREATE FUNCTION mutate(s text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text := s;
	i int;
	pos int;
	alphabet text := '[]",\ -:.+0123456789aZ>@()|*?{}=#' || chr(10) || chr(233);
BEGIN
	FOR i IN 1..1 + floor(random() * 3)::int LOOP
		pos := 1 + floor(random() * greatest(length(r), 1))::int;
		CASE floor(random() * 3)::int
			WHEN 0 THEN r := overlay(r PLACING substr(alphabet, 1 + floor(random() * length(alphabet))::int, 1) FROM pos FOR 1);
			WHEN 1 THEN r := overlay(r PLACING '' FROM pos FOR 1);
			ELSE r := overlay(r PLACING substr(r, pos, 3) FROM pos FOR 0);
		END CASE;
	END LOOP;
	RETURN r;
END $$;

-- Casts each mutation of seed to typ, and reads it back from its text (or
-- runs the reader, a query template whose %s is the value, if one is
-- given): counts (ok, clean errors, bad).
CREATE FUNCTION fuzz_text(seed text, typ regtype, n int, reader text DEFAULT NULL,
						  OUT ok int, OUT errors int, OUT bad int)
LANGUAGE plpgsql AS $$
DECLARE
	m text;
	back text;
	i int;
BEGIN
	ok := 0; errors := 0; bad := 0;
	FOR i IN 1..n LOOP
		m := mutate(seed);
		BEGIN
			IF reader IS NOT NULL THEN
				EXECUTE 'SELECT count(*) >= 0 FROM ' || format(reader, format('%L::%s', m, typ)) INTO STRICT back;
			ELSE
				EXECUTE format('SELECT (%L::%s)::text', m, typ) INTO back;
				EXECUTE format('SELECT (%L::%s)::text = %L', back, typ, back) INTO STRICT back;
			END IF;
			IF back = 'true' THEN ok := ok + 1; ELSE bad := bad + 1; END IF;
		EXCEPTION
			WHEN data_exception OR program_limit_exceeded OR invalid_parameter_value THEN
				errors := errors + 1;
		END;
	END LOOP;
END $$;

SELECT ok((SELECT bad = 0 AND ok > 0 AND errors > 0
		   FROM fuzz_text('[2024-03-01 10:00:00+00 search, 2024-03-01 10:05:00.25+00 "say \"hi\"" 12.5, 2024-03-02 00:00:00Z purchase -3e2]', 'journey', 8000)),
		  'journey text input: 8000 mutations, clean errors or exact round trips');
SELECT ok((SELECT bad = 0 AND ok > 0 AND errors > 0
		   FROM fuzz_text('["cookie:1" -- "crm:7", "a b" -- c, "lone"]', 'identity_graph', 4000)),
		  'identity_graph text input: 4000 mutations');
SELECT ok((SELECT bad = 0 AND ok > 0 AND errors > 0
		   FROM fuzz_text('steps collapse=1 param=2 anchor="x" total=3 [2 @1 "a", 1 @2 (end), 1 @-2 (start)]', 'step_counts', 4000)),
		  'step_counts text input: 4000 mutations');

-- A reader that trusts nothing in the keys it is given.
SELECT ok((SELECT bad = 0 AND ok > 0 AND errors > 0
		   FROM fuzz_text('credits collapse=0 param=3 anchor="7" total=5 [3 @-1 "a", 2 @-1 "b", 1250000 @0 "a", 250000 @2 "a", 500000 @7 "b"]',
						  'credit_bootstrap', 2000, 'credit_intervals(%s)')),
		  'credit_intervals on 2000 mutated bootstraps: clean errors or rows');

-- Every reader of a summary, on mutations of real values of its type:
-- a key of another shape must be refused, never read.
CREATE TEMP TABLE fj AS
SELECT g AS id, journey_agg('2024-01-01 00:00:00+00'::timestamptz + (g * 7 + i * 3607 % 9000) * interval '1 minute',
						   (ARRAY['search', 'email', 'purchase', 'direct'])[1 + (g * i) % 4], i::float8) AS j
FROM generate_series(1, 30) g, generate_series(1, 1 + g % 6) i GROUP BY g;
CREATE TEMP TABLE readers (value text, typ regtype, reader text);
INSERT INTO readers
SELECT (SELECT path_counts(j)::text FROM fj), (SELECT pg_typeof(path_counts(j)) FROM fj), 'top_paths(%s, 3)' UNION ALL
SELECT (SELECT path_counts_approx(j, 16)::text FROM fj), (SELECT pg_typeof(path_counts_approx(j, 16)) FROM fj), 'top_paths(%s, 3)' UNION ALL
SELECT (SELECT transition_counts(j)::text FROM fj), (SELECT pg_typeof(transition_counts(j)) FROM fj), 'transitions(%s)' UNION ALL
SELECT (SELECT ngram_counts(j, 2)::text FROM fj), (SELECT pg_typeof(ngram_counts(j, 2)) FROM fj), 'ngrams(%s)' UNION ALL
SELECT (SELECT step_counts(j, 'email', 2)::text FROM fj), (SELECT pg_typeof(step_counts(j, 'email', 2)) FROM fj), 'path_steps(%s)' UNION ALL
SELECT (SELECT flow_counts(j, 3)::text FROM fj), (SELECT pg_typeof(flow_counts(j, 3)) FROM fj), 'flows(%s, 2)' UNION ALL
SELECT (SELECT health_counts(j)::text FROM fj), (SELECT pg_typeof(health_counts(j)) FROM fj), 'touchpoint_health(%s)' UNION ALL
SELECT (SELECT health_counts(j)::text FROM fj), (SELECT pg_typeof(health_counts(j)) FROM fj), 'reentries(%s)' UNION ALL
SELECT (SELECT retention_counts(j, '1 day')::text FROM fj), (SELECT pg_typeof(retention_counts(j, '1 day')) FROM fj), 'cohort_retention(%s)' UNION ALL
SELECT (SELECT funnel_counts(j, '{search,email,purchase}', '1 day')::text FROM fj), (SELECT pg_typeof(funnel_counts(j, '{search,email,purchase}', '1 day')) FROM fj), 'funnel_report(%s)' UNION ALL
SELECT (SELECT funnel_counts(j, '{search,email,purchase}', '1 day', NULL, NULL, '{any_order}')::text FROM fj), 'funnel_counts', 'funnel_report(%s)' UNION ALL
SELECT (SELECT funnel_counts(j, '{search,email,purchase}', '1 day', NULL, NULL, '{open,optional=2}')::text FROM fj), (SELECT pg_typeof(funnel_counts(j, '{search,email,purchase}', '1 day')) FROM fj), 'funnel_report(%s)' UNION ALL
SELECT (SELECT funnel_trend_counts(j, '{search,email,purchase}', '1 day', '6 hours', NULL, NULL, '{optional=2}')::text FROM fj), (SELECT pg_typeof(funnel_trend_counts(j, '{search,email,purchase}', '1 day', '6 hours')) FROM fj), 'funnel_trends(%s)' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj), 'markov_attribution(%s)' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj), 'markov_transitions(%s)' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj), 'markov_value_attribution(%s)' UNION ALL
SELECT (SELECT markov_window_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_window_counts(j, '{purchase}', 2)) FROM fj), 'markov_value_attribution(%s)' UNION ALL
SELECT (SELECT markov_window_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_window_counts(j, '{purchase}', 2)) FROM fj), 'markov_order_fit(%s)' UNION ALL
SELECT (SELECT markov_window_counts(j, '{purchase}', 3)::text FROM fj), (SELECT pg_typeof(markov_window_counts(j, '{purchase}', 3)) FROM fj), 'markov_next_best(%s, ''[2024-01-01 00:00:00+00 search, 2024-01-01 00:00:01+00 search]'', ''{email,search}'')' UNION ALL
SELECT (SELECT shapley_counts(j, '{purchase}')::text FROM fj), (SELECT pg_typeof(shapley_counts(j, '{purchase}')) FROM fj), 'shapley_attribution(%s)' UNION ALL
SELECT (SELECT shapley_counts(j, '{purchase}')::text FROM fj), (SELECT pg_typeof(shapley_counts(j, '{purchase}')) FROM fj), 'shapley_attribution(%s, ''simplified'')' UNION ALL
SELECT (SELECT shapley_counts(j, '{purchase}')::text FROM fj), (SELECT pg_typeof(shapley_counts(j, '{purchase}')) FROM fj), 'shapley_attribution_intervals(%s, ''exact'', 20)' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj), 'markov_attribution_intervals(%s, 20)' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj),
	'markov_conversion_probability(%s, ''[2024-01-01 00:00:00+00 search, 2024-01-01 00:01:00+00 email]'')' UNION ALL
SELECT (SELECT markov_counts(j, '{purchase}', 2)::text FROM fj), (SELECT pg_typeof(markov_counts(j, '{purchase}', 2)) FROM fj),
	'markov_next_best(%s, ''[2024-01-01 00:00:00+00 search]'', ''{email,direct,nowhere}'')' UNION ALL
SELECT (SELECT funnel_counts(j, '{search,email,purchase}', '1 day')::text FROM fj), (SELECT pg_typeof(funnel_counts(j, '{search,email,purchase}', '1 day')) FROM fj), 'funnel_compare(%1$s, %1$s)' UNION ALL
SELECT (SELECT driver_counts(j, '{purchase}', true)::text FROM fj), (SELECT pg_typeof(driver_counts(j, '{purchase}', true)) FROM fj), 'conversion_drivers(%s)' UNION ALL
SELECT (SELECT driver_counts(j, 1, '{search,email,purchase}', '1 day')::text FROM fj), (SELECT pg_typeof(driver_counts(j, 1, '{search,email,purchase}', '1 day')) FROM fj), 'conversion_drivers(%s, 0.9, 2)' UNION ALL
SELECT (SELECT activity_counts(j, 'search', 'purchase', 'day', 'Europe/Paris')::text FROM fj), 'activity_counts', 'activity_retention(%s)' UNION ALL
SELECT (SELECT activity_counts(j, 'search', 'purchase', 'week', 'Europe/Paris')::text FROM fj), 'activity_counts', 'activity_retention(%s, true, false)' UNION ALL
SELECT (SELECT activity_counts(j, 'search', 'purchase', 'day', 'Europe/Paris')::text FROM fj), 'activity_counts', 'activity_lifecycle(%s)' UNION ALL
SELECT (SELECT activity_counts(j, 'search', 'purchase', 'week', 'Europe/Paris')::text FROM fj), 'activity_counts', 'activity_stickiness(%s)' UNION ALL
SELECT (SELECT funnel_trend_counts(j, '{search,email,purchase}', '1 day', '6 hours')::text FROM fj), (SELECT pg_typeof(funnel_trend_counts(j, '{search,email,purchase}', '1 day', '6 hours')) FROM fj), 'funnel_trends(%s)' UNION ALL
SELECT (SELECT attribution_counts(j, 'time_decay', '{purchase}')::text FROM fj), 'attribution_counts', 'attribution_credits(%s)' UNION ALL
SELECT (SELECT attribution_counts(j, 'linear', '{purchase}')::text FROM fj), 'attribution_counts', '(SELECT attribution_counts_rollup(v) FROM (VALUES (%1$s), (%1$s)) x(v)) s' UNION ALL
SELECT (SELECT transition_counts(j)::text FROM fj), (SELECT pg_typeof(transition_counts(j)) FROM fj), '(SELECT transition_counts_rollup(v) FROM (VALUES (%1$s), (%1$s)) x(v)) s';
SELECT is((SELECT string_agg(reader, ', ') FROM readers, LATERAL fuzz_text(value, typ, 300, reader) f
		   WHERE NOT (f.bad = 0 AND f.ok > 0 AND f.errors > 0)),
		  NULL, 'every summary reader on 300 mutations of a real value of its type: clean errors or rows');

-- Binary input: random byte changes in a valid binary journey.
CREATE TEMP TABLE recv_target (v journey);
CREATE FUNCTION fuzz_binary(n int, OUT ok int, OUT errors int) LANGUAGE plpgsql AS $$
DECLARE
	good bytea := journey_send('[2024-03-01 10:00:00+00 search, 2024-03-01 10:05:00.25+00 "say" 12.5, 2024-03-02 00:00:00Z purchase]');
	m bytea;
	i int;
	k int;
	path text := '/tmp/journey_fuzz_' || pg_backend_pid() || '.bin';
	lo oid;
BEGIN
	ok := 0; errors := 0;
	FOR i IN 1..n LOOP
		m := good;
		FOR k IN 1..1 + floor(random() * 3)::int LOOP
			m := set_byte(m, floor(random() * length(m))::int, floor(random() * 256)::int);
		END LOOP;
		IF random() < 0.2 THEN
			m := substring(m FROM 1 FOR floor(random() * length(m))::int);
		END IF;
		lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
			|| '\x0001'::bytea || int4send(length(m)) || m || '\xffff'::bytea);
		PERFORM lo_export(lo, path);
		PERFORM lo_unlink(lo);
		BEGIN
			TRUNCATE recv_target;
			EXECUTE format('COPY recv_target FROM %L (FORMAT binary)', path);
			PERFORM v::text::journey = v FROM recv_target;
			ok := ok + 1;
		EXCEPTION
			WHEN data_exception OR program_limit_exceeded OR protocol_violation OR character_not_in_repertoire THEN
				errors := errors + 1;
		END;
	END LOOP;
END $$;
SELECT ok((SELECT errors > 0 AND ok + errors = 3000 FROM fuzz_binary(3000)),
		  'journey binary input: 3000 mutations, clean errors or valid values');
SELECT ok((SELECT journey_length('[2024-03-01 10:00:00+00 a]') = 1), 'the server is still up');

SELECT * FROM finish();
ROLLBACK;
