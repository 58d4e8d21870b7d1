-- One SQL type per summary: each aggregate builds its own type, each reader
-- names the type it reads (a wrong one is "function does not exist" at
-- parse time), text input takes only the type's own kinds, path_counts
-- values of other kinds (stored before 0.4.0) read through a checked cast,
-- and every type's rollup adds parts up to the whole.

CREATE TABLE sj AS
SELECT i % 40 AS id,
	   journey_agg('2024-01-01 00:00:00+00'::timestamptz + (i * 7919 % 10000) * interval '1 minute',
				   (ARRAY['search', 'email', 'direct', 'purchase'])[1 + i * 13 % 4]) AS j
FROM generate_series(1, 800) i GROUP BY 1;

-- every summary, built whole and by parts
CREATE TABLE sums (name text, whole text, rolled text, type regtype);
CREATE FUNCTION check_summary(name text, agg text, rollup text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE format('INSERT INTO sums SELECT %L, (SELECT %s FROM sj)::text,
		(SELECT %s(s)::text FROM (SELECT %s AS s FROM sj GROUP BY id %% 3) p),
		(SELECT pg_typeof(%s) FROM sj)', name, agg, rollup, agg, agg);
END $$;
DO $do$ BEGIN
PERFORM check_summary('paths', 'path_counts(j)', 'path_counts_rollup');
PERFORM check_summary('transitions', 'transition_counts(j)', 'transition_counts_rollup');
PERFORM check_summary('ngrams', 'ngram_counts(j, 2)', 'ngram_counts_rollup');
PERFORM check_summary('steps', $$step_counts(j, 'email', 2)$$, 'step_counts_rollup');
PERFORM check_summary('flows', 'flow_counts(j, 3)', 'flow_counts_rollup');
PERFORM check_summary('backward flows', $$flow_counts(j, 3, 'purchase', true)$$, 'flow_counts_rollup');
PERFORM check_summary('funnel', $$funnel_counts(j, '{search,email,purchase}', '1 day')$$, 'funnel_counts_rollup');
PERFORM check_summary('cohorts', $$retention_counts(j, '1 day')$$, 'retention_counts_rollup');
PERFORM check_summary('health', 'health_counts(j)', 'health_counts_rollup');
PERFORM check_summary('sketch', 'path_counts_approx(j, 16)', 'path_counts_approx_rollup');
PERFORM check_summary('markov', $$markov_counts(j, '{purchase}', 1)$$, 'markov_counts_rollup');
PERFORM check_summary('shapley', $$shapley_counts(j, '{purchase}')$$, 'shapley_counts_rollup');
PERFORM check_summary('credits', 'credit_bootstrap(id, journey_first_label(j), journey_length(j))', 'credit_bootstrap_rollup');
PERFORM check_summary('drivers', $$driver_counts(j, '{purchase}', true)$$, 'driver_counts_rollup');
PERFORM check_summary('funnel drivers', $$driver_counts(j, 1, '{search,email,purchase}', '1 day')$$, 'driver_counts_rollup');
PERFORM check_summary('activity', $$activity_counts(j, 'email', 'purchase', 'day', 'Europe/Paris')$$, 'activity_counts_rollup');
PERFORM check_summary('funnel trends', $$funnel_trend_counts(j, '{search,email,purchase}', '1 day', 'week')$$, 'funnel_trend_counts_rollup');
END $do$;
SELECT name, type, rolled = whole AS rollup_is_whole, split_part(whole, ' ', 1) AS kind
FROM sums ORDER BY type::text, name;

-- text round trip through each type
CREATE FUNCTION round_trip(value text, type regtype) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	back text;
BEGIN
	EXECUTE format('SELECT %L::%s::text', value, type) INTO back;
	RETURN back = value;
END $$;
SELECT name, round_trip(whole, type) FROM sums ORDER BY name;

-- a reader given another summary type does not exist
SELECT * FROM funnel_report((SELECT transition_counts(j) FROM sj));
SELECT * FROM top_paths((SELECT funnel_counts(j, '{search,purchase}', '1 day') FROM sj));
SELECT * FROM markov_attribution((SELECT shapley_counts(j, '{purchase}') FROM sj));
SELECT transition_counts_rollup(s) FROM (SELECT step_counts(j, 'email', 2) AS s FROM sj) x;

-- input takes only the type's own kinds
SELECT (SELECT whole FROM sums WHERE name = 'funnel')::transition_counts;
SELECT 'paths collapse=1 param=0 total=1 [1 @0 "a"]'::funnel_counts;
SELECT 'backward_flows collapse=1 param=2 anchor="a" total=0 []'::flow_counts;

-- path_counts still reads every kind (values stored before 0.4.0); a
-- checked cast makes each its own type, readable by its readers
CREATE TABLE legacy AS SELECT name, whole::path_counts AS c, type FROM sums;
CREATE FUNCTION cast_back(c path_counts, type regtype) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	back text;
BEGIN
	EXECUTE format('SELECT %L::path_counts::%s::text', c::text, type) INTO back;
	RETURN back = c::text;
END $$;
SELECT name, cast_back(c, type) FROM legacy ORDER BY name;
SELECT step, label, entered, reached
FROM funnel_report((SELECT c::funnel_counts FROM legacy WHERE name = 'funnel'));
SELECT (SELECT c FROM legacy WHERE name = 'funnel')::transition_counts;
SELECT * FROM top_paths((SELECT c FROM legacy WHERE name = 'funnel'));
-- an assignment cast: a column changes to its own type in place
CREATE TABLE stored_funnel AS SELECT c FROM legacy WHERE name = 'funnel';
ALTER TABLE stored_funnel ALTER c TYPE funnel_counts;
SELECT pg_typeof(c), c::text = (SELECT whole FROM sums WHERE name = 'funnel') AS same FROM stored_funnel;

-- binary input takes only the type's own kinds too
CREATE TABLE bin_funnel AS SELECT whole::funnel_counts AS c FROM sums WHERE name = 'funnel';
CREATE TABLE bin_back (c funnel_counts);
CREATE TABLE bin_wrong (c transition_counts);
CREATE FUNCTION binary_copy(source text, target text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	-- a relative name is in the test cluster's data directory
	EXECUTE format('COPY %I TO %L (FORMAT binary)', source, 'journey_summaries.bin');
	EXECUTE format('COPY %I FROM %L (FORMAT binary)', target, 'journey_summaries.bin');
END $$;
SELECT binary_copy('bin_funnel', 'bin_back');
SELECT c::text = (SELECT whole FROM sums WHERE name = 'funnel') AS same FROM bin_back;
SELECT binary_copy('bin_funnel', 'bin_wrong');

DROP TABLE sj, sums, legacy, stored_funnel, bin_funnel, bin_back, bin_wrong;
DROP FUNCTION binary_copy(text, text);
DROP FUNCTION check_summary(text, text, text), round_trip(text, regtype), cast_back(path_counts, regtype);
