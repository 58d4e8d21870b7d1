/* journey 0.1.0: the journey type, building and reading journeys */

\echo Use "CREATE EXTENSION journey" to load this file. \quit

-- Type

CREATE TYPE journey;

CREATE FUNCTION journey_in(cstring) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_out(journey) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_recv(internal) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_send(journey) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE journey (
	INPUT = journey_in,
	OUTPUT = journey_out,
	RECEIVE = journey_recv,
	SEND = journey_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);

COMMENT ON TYPE journey IS 'one customer''s time-ordered touchpoints (timestamp, label, optional value)';
COMMENT ON FUNCTION journey_in(cstring) IS 'text input of journey';
COMMENT ON FUNCTION journey_out(journey) IS 'text output of journey (timestamps in UTC)';
COMMENT ON FUNCTION journey_recv(internal) IS 'binary input of journey';
COMMENT ON FUNCTION journey_send(journey) IS 'binary output of journey';

-- Constructors

CREATE FUNCTION journey(timestamptz[], text[]) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_from_arrays'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey(timestamptz[], text[], float8[]) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_from_arrays'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_merge(journey, journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_append(journey, timestamptz, text) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_append(journey, timestamptz, text, float8) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_slice(journey, integer, integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_slice(journey, tstzrange) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_slice_range'
	LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_dedup(journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION journey(timestamptz[], text[]) IS 'journey from parallel arrays of timestamps and labels; NULL timestamps or labels are skipped';
COMMENT ON FUNCTION journey(timestamptz[], text[], float8[]) IS 'journey from parallel arrays of timestamps, labels and values (NULL value: none)';
COMMENT ON FUNCTION journey_merge(journey, journey) IS 'all touchpoints of both journeys, in touchpoint order';
COMMENT ON FUNCTION journey_append(journey, timestamptz, text) IS 'journey with one more touchpoint; a NULL journey counts as empty';
COMMENT ON FUNCTION journey_append(journey, timestamptz, text, float8) IS 'journey with one more touchpoint carrying a value; a NULL journey counts as empty';
COMMENT ON FUNCTION journey_slice(journey, integer, integer) IS 'touchpoints at positions from..to (1-based, inclusive, clamped)';
COMMENT ON FUNCTION journey_slice(journey, tstzrange) IS 'touchpoints whose timestamp lies in the range';
COMMENT ON FUNCTION journey_dedup(journey) IS 'journey with exact duplicate touchpoints kept once';

-- Readers

CREATE FUNCTION journey_length(journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_label_at(journey, integer) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_time_at(journey, integer) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_value_at(journey, integer) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_first_label(journey) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_label_at($1, 1);
CREATE FUNCTION journey_last_label(journey) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_label_at($1, -1);
CREATE FUNCTION journey_start(journey) RETURNS timestamptz
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_time_at($1, 1);
CREATE FUNCTION journey_end(journey) RETURNS timestamptz
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_time_at($1, -1);
CREATE FUNCTION journey_duration(journey) RETURNS interval
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_labels(journey) RETURNS text[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_unnest(journey,
	OUT ordinality integer, OUT ts timestamptz, OUT label text, OUT value float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION journey_path(journey, separator text DEFAULT ' > ',
	collapse_repeats boolean DEFAULT false) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_has_label(journey, text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION journey_length(journey) IS 'number of touchpoints';
COMMENT ON FUNCTION journey_label_at(journey, integer) IS 'label of the touchpoint at a position (1-based; negative counts from the end; NULL if out of range)';
COMMENT ON FUNCTION journey_time_at(journey, integer) IS 'timestamp of the touchpoint at a position (1-based; negative counts from the end; NULL if out of range)';
COMMENT ON FUNCTION journey_value_at(journey, integer) IS 'value of the touchpoint at a position (1-based; negative counts from the end; NULL if out of range or absent)';
COMMENT ON FUNCTION journey_first_label(journey) IS 'label of the first touchpoint (NULL if empty)';
COMMENT ON FUNCTION journey_last_label(journey) IS 'label of the last touchpoint (NULL if empty)';
COMMENT ON FUNCTION journey_start(journey) IS 'timestamp of the first touchpoint (NULL if empty)';
COMMENT ON FUNCTION journey_end(journey) IS 'timestamp of the last touchpoint (NULL if empty)';
COMMENT ON FUNCTION journey_duration(journey) IS 'end minus start (NULL if empty)';
COMMENT ON FUNCTION journey_labels(journey) IS 'label of every touchpoint, in order';
COMMENT ON FUNCTION journey_unnest(journey) IS 'one row (ordinality, ts, label, value) per touchpoint';
COMMENT ON FUNCTION journey_path(journey, text, boolean) IS 'labels joined by the separator, optionally with consecutive repeats collapsed';
COMMENT ON FUNCTION journey_has_label(journey, text) IS 'true if some touchpoint has the label';

-- Aggregates

CREATE FUNCTION journey_agg_transfn(journey, timestamptz, text) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_agg_transfn(journey, timestamptz, text, float8) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_agg_combine(journey, journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_agg_final(journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION journey_agg_transfn(journey, timestamptz, text) IS 'transition function of journey_agg';
COMMENT ON FUNCTION journey_agg_transfn(journey, timestamptz, text, float8) IS 'transition function of journey_agg with values';
COMMENT ON FUNCTION journey_agg_combine(journey, journey) IS 'combine function of the journey aggregates; transition function of journey_rollup';
COMMENT ON FUNCTION journey_agg_final(journey) IS 'final function of the journey aggregates';

CREATE AGGREGATE journey_agg(timestamptz, text) (
	SFUNC = journey_agg_transfn,
	STYPE = journey,
	FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE journey_agg(timestamptz, text, float8) (
	SFUNC = journey_agg_transfn,
	STYPE = journey,
	FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE journey_rollup(journey) (
	SFUNC = journey_agg_combine,
	STYPE = journey,
	FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE journey_agg(timestamptz, text) IS 'journey of the rows'' (timestamp, label) touchpoints; NULL timestamps or labels are skipped';
COMMENT ON AGGREGATE journey_agg(timestamptz, text, float8) IS 'journey of the rows'' (timestamp, label, value) touchpoints; NULL timestamps or labels are skipped';
COMMENT ON AGGREGATE journey_rollup(journey) IS 'one journey holding the touchpoints of all input journeys';

-- Sessions

CREATE FUNCTION session_number(ts timestamptz, timeout interval DEFAULT '30 minutes',
	label text DEFAULT NULL, new_session_labels text[] DEFAULT NULL,
	split_at_midnight text DEFAULT NULL, max_length interval DEFAULT NULL)
	RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
CREATE FUNCTION session_start(ts timestamptz, timeout interval DEFAULT '30 minutes',
	label text DEFAULT NULL, new_session_labels text[] DEFAULT NULL,
	split_at_midnight text DEFAULT NULL, max_length interval DEFAULT NULL)
	RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE WINDOW PARALLEL SAFE;
CREATE FUNCTION journey_sessions(j journey, timeout interval DEFAULT '30 minutes',
	new_session_labels text[] DEFAULT NULL, split_at_midnight text DEFAULT NULL,
	max_length interval DEFAULT NULL)
	RETURNS TABLE (session_no integer, session journey, session_start timestamptz,
		session_end timestamptz, duration interval, touchpoints integer,
		entry_label text, exit_label text)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5;
CREATE FUNCTION journey_session_count(j journey, timeout interval DEFAULT '30 minutes',
	new_session_labels text[] DEFAULT NULL, split_at_midnight text DEFAULT NULL,
	max_length interval DEFAULT NULL)
	RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION session_number(timestamptz, interval, text, text[], text, interval) IS 'window function: session number (from 1) of each row within its partition';
COMMENT ON FUNCTION session_start(timestamptz, interval, text, text[], text, interval) IS 'window function: start time of each row''s session within its partition';
COMMENT ON FUNCTION journey_sessions(journey, interval, text[], text, interval) IS 'one row per session of a journey, with the session as a journey and its summary';
COMMENT ON FUNCTION journey_session_count(journey, interval, text[], text, interval) IS 'number of sessions in a journey';

-- Identity stitching

CREATE TYPE identity_graph;

CREATE FUNCTION identity_graph_in(cstring) RETURNS identity_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION identity_graph_out(identity_graph) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION identity_graph_recv(internal) RETURNS identity_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION identity_graph_send(identity_graph) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE identity_graph (
	INPUT = identity_graph_in,
	OUTPUT = identity_graph_out,
	RECEIVE = identity_graph_recv,
	SEND = identity_graph_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);

COMMENT ON TYPE identity_graph IS 'identifiers and the links between them, for identity stitching';
COMMENT ON FUNCTION identity_graph_in(cstring) IS 'text input of identity_graph';
COMMENT ON FUNCTION identity_graph_out(identity_graph) IS 'text output of identity_graph';
COMMENT ON FUNCTION identity_graph_recv(internal) IS 'binary input of identity_graph';
COMMENT ON FUNCTION identity_graph_send(identity_graph) IS 'binary output of identity_graph';

CREATE FUNCTION identity_links_transfn(identity_graph, text, text) RETURNS identity_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION identity_links_combine(identity_graph, identity_graph) RETURNS identity_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION identity_links_final(identity_graph) RETURNS identity_graph
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION identity_links_transfn(identity_graph, text, text) IS 'transition function of identity_links';
COMMENT ON FUNCTION identity_links_combine(identity_graph, identity_graph) IS 'combine function of the identity aggregates; transition function of identity_rollup';
COMMENT ON FUNCTION identity_links_final(identity_graph) IS 'final function of the identity aggregates';

CREATE AGGREGATE identity_links(id_a text, id_b text) (
	SFUNC = identity_links_transfn,
	STYPE = identity_graph,
	FINALFUNC = identity_links_final,
	COMBINEFUNC = identity_links_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE identity_rollup(identity_graph) (
	SFUNC = identity_links_combine,
	STYPE = identity_graph,
	FINALFUNC = identity_links_final,
	COMBINEFUNC = identity_links_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE identity_links(text, text) IS 'identity graph of the rows'' links; a row with one NULL side registers the other identifier alone';
COMMENT ON AGGREGATE identity_rollup(identity_graph) IS 'one identity graph holding all identifiers and links of the input graphs';

CREATE FUNCTION identity_resolve(graph identity_graph, prefer text[] DEFAULT NULL,
	known text DEFAULT NULL)
	RETURNS TABLE (id text, person_id text)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 1000;
CREATE FUNCTION identity_conflicts(graph identity_graph, known text)
	RETURNS TABLE (id text, known_ids text[])
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;

COMMENT ON FUNCTION identity_resolve(identity_graph, text[], text) IS 'the person (canonical identifier) of every identifier; with known, known customers are never merged';
COMMENT ON FUNCTION identity_conflicts(identity_graph, text) IS 'identifiers linked to two or more known customers (shared devices)';

-- Funnels

CREATE FUNCTION funnel_level(j journey, steps text[], within interval,
	max_gap interval DEFAULT NULL, exclude text[] DEFAULT NULL, mode text[] DEFAULT NULL)
	RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_timestamps(j journey, steps text[], within interval,
	max_gap interval DEFAULT NULL, exclude text[] DEFAULT NULL, mode text[] DEFAULT NULL)
	RETURNS timestamptz[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION funnel_level(journey, text[], interval, interval, text[], text[]) IS 'highest funnel step reached by any chain within the window (0 if none)';
COMMENT ON FUNCTION funnel_timestamps(journey, text[], interval, interval, text[], text[]) IS 'timestamps of the matched steps of the chain that reaches the highest level first';

-- Attribution

CREATE FUNCTION journey_attribution(j journey, model text DEFAULT 'linear',
	conversions text[] DEFAULT NULL, converted boolean DEFAULT NULL,
	conversion_value float8 DEFAULT NULL, lookback interval DEFAULT NULL,
	since_previous boolean DEFAULT true, skip_labels text[] DEFAULT '{direct}',
	position_weights float8[] DEFAULT '{0.4,0.2,0.4}', half_life interval DEFAULT '7 days',
	per_label boolean DEFAULT false)
	RETURNS TABLE (conversion_no integer, conversion_ts timestamptz, touch_no integer,
		ts timestamptz, label text, credit float8, value_credit float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;

COMMENT ON FUNCTION journey_attribution(journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval, boolean) IS 'heuristic attribution: each conversion''s credit and value shared among the touchpoints before it';

-- ClickHouse-style funnels over raw events

CREATE FUNCTION window_funnel_transfn(journey, interval, timestamptz, VARIADIC boolean[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_transfn(journey, interval, text[], timestamptz, VARIADIC boolean[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION window_funnel_final(journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_transfn(journey, interval, timestamptz, boolean[]) IS 'transition function of window_funnel';
COMMENT ON FUNCTION window_funnel_transfn(journey, interval, text[], timestamptz, boolean[]) IS 'transition function of window_funnel with modes';
COMMENT ON FUNCTION window_funnel_final(journey) IS 'final function of window_funnel';
CREATE AGGREGATE window_funnel("window" interval, ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn,
	STYPE = journey,
	FINALFUNC = window_funnel_final,
	COMBINEFUNC = journey_agg_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE window_funnel("window" interval, modes text[], ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn,
	STYPE = journey,
	FINALFUNC = window_funnel_final,
	COMBINEFUNC = journey_agg_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean[]) IS 'ClickHouse windowFunnel: the highest condition reached in order within the window';
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean[]) IS 'ClickHouse windowFunnel with modes (strict_deduplication, strict_order, strict_increase, allow_reentry)';

-- Pattern matching

CREATE FUNCTION pattern_match(j journey, pattern text, labels text[] DEFAULT NULL,
	within interval DEFAULT NULL) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_count(j journey, pattern text, labels text[] DEFAULT NULL,
	within interval DEFAULT NULL) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION pattern_positions(j journey, pattern text, labels text[] DEFAULT NULL,
	within interval DEFAULT NULL) RETURNS integer[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION journey_contains_sequence(journey, text[]) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OPERATOR ~> (
	LEFTARG = journey, RIGHTARG = text[], PROCEDURE = journey_contains_sequence,
	RESTRICT = contsel, JOIN = contjoinsel
);

COMMENT ON FUNCTION pattern_match(journey, text, text[], interval) IS 'whether the pattern matches somewhere in the journey';
COMMENT ON FUNCTION pattern_count(journey, text, text[], interval) IS 'number of non-overlapping matches of the pattern';
COMMENT ON FUNCTION pattern_positions(journey, text, text[], interval) IS 'positions of the touchpoints matched by labels in the first match';
COMMENT ON FUNCTION journey_contains_sequence(journey, text[]) IS 'the labels occur in this order (an ordered subsequence)';
COMMENT ON OPERATOR ~> (journey, text[]) IS 'journey contains the labels in this order';

-- Abandonment and retention

CREATE FUNCTION journey_stalled_since(j journey, reached text, completed text,
	after interval, as_of timestamptz)
	RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION journey_stalled_since(journey, text, text, interval, timestamptz) IS 'time of the last "reached" touchpoint not followed by "completed" and at least "after" old as of a time, or NULL';

CREATE FUNCTION retention_transfn(boolean[], VARIADIC boolean[]) RETURNS boolean[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_combine(boolean[], boolean[]) RETURNS boolean[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_final(boolean[]) RETURNS integer[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_transfn(boolean[], boolean[]) IS 'transition function of retention';
COMMENT ON FUNCTION retention_combine(boolean[], boolean[]) IS 'combine function of retention';
COMMENT ON FUNCTION retention_final(boolean[]) IS 'final function of retention';
CREATE AGGREGATE retention(VARIADIC conditions boolean[]) (
	SFUNC = retention_transfn,
	STYPE = boolean[],
	FINALFUNC = retention_final,
	COMBINEFUNC = retention_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention(boolean[]) IS 'ClickHouse retention: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';

-- Path transforms

CREATE FUNCTION journey_collapse(journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_first_occurrences(journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_drop(journey, labels text[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_head(journey, n integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_tail(journey, n integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_until(journey, label text, inclusive boolean DEFAULT true) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_map(journey, from_labels text[], to_labels text[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION journey_collapse(journey) IS 'journey without touchpoints whose label equals the previous touchpoint''s';
COMMENT ON FUNCTION journey_first_occurrences(journey) IS 'journey with only the first touchpoint of each label';
COMMENT ON FUNCTION journey_drop(journey, text[]) IS 'journey without touchpoints whose label is in the array';
COMMENT ON FUNCTION journey_head(journey, integer) IS 'the first n touchpoints';
COMMENT ON FUNCTION journey_tail(journey, integer) IS 'the last n touchpoints';
COMMENT ON FUNCTION journey_until(journey, text, boolean) IS 'touchpoints up to the first one with the label (the whole journey if none has it)';
COMMENT ON FUNCTION journey_map(journey, text[], text[]) IS 'journey with labels renamed through a from/to map (NULL target: dropped)';

-- Path statistics

CREATE TYPE path_counts;

CREATE FUNCTION path_counts_in(cstring) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_out(path_counts) RETURNS cstring
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_recv(internal) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_send(path_counts) RETURNS bytea
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE path_counts (
	INPUT = path_counts_in,
	OUTPUT = path_counts_out,
	RECEIVE = path_counts_recv,
	SEND = path_counts_send,
	INTERNALLENGTH = VARIABLE,
	ALIGNMENT = int4,
	STORAGE = extended
);

COMMENT ON TYPE path_counts IS 'how often paths, transitions, n-grams, steps or flow edges occur across journeys';
COMMENT ON FUNCTION path_counts_in(cstring) IS 'text input of path_counts';
COMMENT ON FUNCTION path_counts_out(path_counts) IS 'text output of path_counts';
COMMENT ON FUNCTION path_counts_recv(internal) IS 'binary input of path_counts';
COMMENT ON FUNCTION path_counts_send(path_counts) IS 'binary output of path_counts';

CREATE FUNCTION path_counts_transfn(path_counts, journey) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_counts_transfn(path_counts, journey, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION transition_counts_transfn(path_counts, journey) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION transition_counts_transfn(path_counts, journey, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ngram_counts_transfn(path_counts, journey, integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ngram_counts_transfn(path_counts, journey, integer, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION step_counts_transfn(path_counts, journey, text, integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION step_counts_transfn(path_counts, journey, text, integer, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION flow_counts_transfn(path_counts, journey, integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION flow_counts_transfn(path_counts, journey, integer, text) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION flow_counts_transfn(path_counts, journey, integer, text, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval, interval, text[], text[]) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_counts_transfn(path_counts, journey, interval) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_counts_transfn(path_counts, journey) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_counts_transfn(path_counts, journey, interval) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_sketch_transfn(path_counts, journey, integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_sketch_transfn(path_counts, journey, integer, boolean) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_counts_transfn(path_counts, journey, boolean, float8, integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_counts_transfn(path_counts, journey, text[], integer) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shapley_counts_transfn(path_counts, journey, boolean, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shapley_counts_transfn(path_counts, journey, text[]) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_counts_combine(path_counts, path_counts) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_counts_final(path_counts) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION path_counts_transfn(path_counts, journey) IS 'transition function of path_counts';
COMMENT ON FUNCTION path_counts_transfn(path_counts, journey, boolean) IS 'transition function of path_counts';
COMMENT ON FUNCTION transition_counts_transfn(path_counts, journey) IS 'transition function of transition_counts';
COMMENT ON FUNCTION transition_counts_transfn(path_counts, journey, boolean) IS 'transition function of transition_counts';
COMMENT ON FUNCTION ngram_counts_transfn(path_counts, journey, integer) IS 'transition function of ngram_counts';
COMMENT ON FUNCTION ngram_counts_transfn(path_counts, journey, integer, boolean) IS 'transition function of ngram_counts';
COMMENT ON FUNCTION step_counts_transfn(path_counts, journey, text, integer) IS 'transition function of step_counts';
COMMENT ON FUNCTION step_counts_transfn(path_counts, journey, text, integer, boolean) IS 'transition function of step_counts';
COMMENT ON FUNCTION flow_counts_transfn(path_counts, journey, integer) IS 'transition function of flow_counts';
COMMENT ON FUNCTION flow_counts_transfn(path_counts, journey, integer, text) IS 'transition function of flow_counts';
COMMENT ON FUNCTION flow_counts_transfn(path_counts, journey, integer, text, boolean) IS 'transition function of flow_counts';
COMMENT ON FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval) IS 'transition function of funnel_counts';
COMMENT ON FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval, interval, text[], text[]) IS 'transition function of funnel_counts';
COMMENT ON FUNCTION retention_counts_transfn(path_counts, journey, interval) IS 'transition function of retention_counts';
COMMENT ON FUNCTION health_counts_transfn(path_counts, journey) IS 'transition function of health_counts';
COMMENT ON FUNCTION health_counts_transfn(path_counts, journey, interval) IS 'transition function of health_counts';
COMMENT ON FUNCTION path_sketch_transfn(path_counts, journey, integer) IS 'transition function of path_counts_approx';
COMMENT ON FUNCTION path_sketch_transfn(path_counts, journey, integer, boolean) IS 'transition function of path_counts_approx';
COMMENT ON FUNCTION markov_counts_transfn(path_counts, journey, boolean, float8, integer) IS 'transition function of markov_counts';
COMMENT ON FUNCTION markov_counts_transfn(path_counts, journey, text[], integer) IS 'transition function of markov_counts';
COMMENT ON FUNCTION shapley_counts_transfn(path_counts, journey, boolean, float8) IS 'transition function of shapley_counts';
COMMENT ON FUNCTION shapley_counts_transfn(path_counts, journey, text[]) IS 'transition function of shapley_counts';
COMMENT ON FUNCTION path_counts_combine(path_counts, path_counts) IS 'combine function of the path aggregates; transition function of path_counts_rollup';
COMMENT ON FUNCTION path_counts_final(path_counts) IS 'final function of the path aggregates';

CREATE AGGREGATE path_counts(journey) (
	SFUNC = path_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE path_counts(journey, collapse_repeats boolean) (
	SFUNC = path_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE transition_counts(journey) (
	SFUNC = transition_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE transition_counts(journey, collapse_repeats boolean) (
	SFUNC = transition_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE ngram_counts(journey, n integer) (
	SFUNC = ngram_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE ngram_counts(journey, n integer, collapse_repeats boolean) (
	SFUNC = ngram_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE step_counts(journey, anchor text, n integer) (
	SFUNC = step_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE step_counts(journey, anchor text, n integer, collapse_repeats boolean) (
	SFUNC = step_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE flow_counts(journey, depth integer) (
	SFUNC = flow_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE flow_counts(journey, depth integer, anchor text) (
	SFUNC = flow_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE flow_counts(journey, depth integer, anchor text, backward boolean) (
	SFUNC = flow_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE funnel_counts(journey, steps text[], within interval) (
	SFUNC = funnel_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE funnel_counts(journey, steps text[], within interval, max_gap interval,
	exclude text[], mode text[]) (
	SFUNC = funnel_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE retention_counts(journey, period interval) (
	SFUNC = retention_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE health_counts(journey) (
	SFUNC = health_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE health_counts(journey, session_timeout interval) (
	SFUNC = health_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE path_counts_approx(journey, capacity integer) (
	SFUNC = path_sketch_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE path_counts_approx(journey, capacity integer, collapse_repeats boolean) (
	SFUNC = path_sketch_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE markov_counts(journey, converted boolean, conversion_value float8, "order" integer) (
	SFUNC = markov_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE markov_counts(journey, conversions text[], "order" integer) (
	SFUNC = markov_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE shapley_counts(journey, converted boolean, conversion_value float8) (
	SFUNC = shapley_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE shapley_counts(journey, conversions text[]) (
	SFUNC = shapley_counts_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE path_counts_rollup(path_counts) (
	SFUNC = path_counts_combine,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);

COMMENT ON AGGREGATE path_counts(journey) IS 'how often each path occurs (consecutive repeats collapsed)';
COMMENT ON AGGREGATE path_counts(journey, boolean) IS 'how often each path occurs';
COMMENT ON AGGREGATE transition_counts(journey) IS 'transitions between consecutive labels, with (start) and (end), repeats collapsed';
COMMENT ON AGGREGATE transition_counts(journey, boolean) IS 'transitions between consecutive labels, with (start) and (end)';
COMMENT ON AGGREGATE ngram_counts(journey, integer) IS 'occurrences of each sequence of n consecutive labels, repeats collapsed';
COMMENT ON AGGREGATE ngram_counts(journey, integer, boolean) IS 'occurrences of each sequence of n consecutive labels';
COMMENT ON AGGREGATE step_counts(journey, text, integer) IS 'labels up to n steps before and after the first anchor, repeats collapsed';
COMMENT ON AGGREGATE step_counts(journey, text, integer, boolean) IS 'labels up to n steps before and after the first anchor';
COMMENT ON AGGREGATE flow_counts(journey, integer) IS 'Sankey edges from the start of each journey, up to depth steps';
COMMENT ON AGGREGATE flow_counts(journey, integer, text) IS 'Sankey edges from the first anchor (NULL: the start), up to depth steps';
COMMENT ON AGGREGATE flow_counts(journey, integer, text, boolean) IS 'Sankey edges from the first anchor, forward or backward, up to depth steps';
COMMENT ON AGGREGATE funnel_counts(journey, text[], interval) IS 'funnel report counts: levels reached and time to each step';
COMMENT ON AGGREGATE funnel_counts(journey, text[], interval, interval, text[], text[]) IS 'funnel report counts with a maximum gap, exclusions and modes';
COMMENT ON AGGREGATE retention_counts(journey, interval) IS 'cohorts by first-touch period and their activity in each following period';
COMMENT ON AGGREGATE health_counts(journey) IS 'touchpoint health statistics per label (sessions end after 30 minutes without activity)';
COMMENT ON AGGREGATE health_counts(journey, interval) IS 'touchpoint health statistics per label, with the session timeout that defines a drop-out';
COMMENT ON AGGREGATE path_counts_approx(journey, integer) IS 'approximate path counts in bounded memory (count-min sketch of prefixes), repeats collapsed';
COMMENT ON AGGREGATE path_counts_approx(journey, integer, boolean) IS 'approximate path counts in bounded memory (count-min sketch of prefixes)';
COMMENT ON AGGREGATE markov_counts(journey, boolean, float8, integer) IS 'Markov model of the given order from journeys with a conversion flag and value';
COMMENT ON AGGREGATE markov_counts(journey, text[], integer) IS 'Markov model of the given order from journeys with conversion touchpoints';
COMMENT ON AGGREGATE shapley_counts(journey, boolean, float8) IS 'Shapley model: journeys by channel set, with a conversion flag and value';
COMMENT ON AGGREGATE shapley_counts(journey, text[]) IS 'Shapley model: conversion paths by channel set, from conversion touchpoints';
COMMENT ON AGGREGATE path_counts_rollup(path_counts) IS 'path counts of the same kind added together';

CREATE FUNCTION top_paths(counts path_counts, n integer DEFAULT 20)
	RETURNS TABLE (rank integer, path text, labels text[], journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 21;
CREATE FUNCTION transitions(counts path_counts)
	RETURNS TABLE (from_label text, to_label text, transitions bigint, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION ngrams(counts path_counts)
	RETURNS TABLE (ngram text, labels text[], occurrences bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION path_steps(counts path_counts)
	RETURNS TABLE (step integer, label text, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
CREATE FUNCTION flows(counts path_counts, min_journeys bigint DEFAULT 1)
	RETURNS TABLE (depth integer, from_label text, to_label text, journeys bigint)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;

CREATE FUNCTION funnel_report(counts path_counts, confidence float8 DEFAULT 0.95)
	RETURNS TABLE (step integer, label text, entered bigint, reached bigint, dropped bigint,
		drop_rate float8, conversion_from_previous float8, conversion_from_start float8,
		ci_low float8, ci_high float8, median_time_from_previous interval,
		p90_time_from_previous interval, median_time_from_start interval, p90_time_from_start interval)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION funnel_compare(a path_counts, b path_counts)
	RETURNS TABLE (step integer, label text, conversion_a float8, conversion_b float8,
		difference float8, z float8, p_value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION funnel_report(path_counts, float8) IS 'per funnel step: entered, reached, drop-off, conversion with a Wilson interval, time-to-convert percentiles';
COMMENT ON FUNCTION funnel_compare(path_counts, path_counts) IS 'two segments'' funnels step by step with a two-proportion z-test';
CREATE FUNCTION cohort_retention(counts path_counts)
	RETURNS TABLE (cohort timestamptz, period integer, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION cohort_retention(path_counts) IS 'per cohort and period: journeys active and their share of the cohort';
CREATE FUNCTION touchpoint_health(counts path_counts)
	RETURNS TABLE (label text, journeys bigint, touchpoints bigint, exits bigint, exit_rate float8,
		avg_value float8, median_time_to_next interval, dropouts bigint)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION reentries(counts path_counts)
	RETURNS TABLE (exit_label text, reentry_label text, occurrences bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION touchpoint_health(path_counts) IS 'per label: journeys, touchpoints, exits, exit rate, average value, median time to the next touchpoint, drop-outs';
COMMENT ON FUNCTION reentries(path_counts) IS 'where journeys come back after a session ended at each label';
CREATE FUNCTION shapley_attribution(model path_counts, method text DEFAULT 'exact')
	RETURNS TABLE (label text, shapley_value float8, share float8, conversions float8, value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION shapley_attribution(path_counts, text) IS 'Shapley values of the channels (exact over channel sets, or the simplified form) and the conversions and value they credit';
CREATE FUNCTION shapley_attribution_intervals(model path_counts, method text DEFAULT 'exact',
	samples integer DEFAULT 200, confidence float8 DEFAULT 0.95, seed bigint DEFAULT 42)
	RETURNS TABLE (label text, share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION shapley_attribution_intervals(path_counts, text, integer, float8, bigint) IS 'Shapley attribution shares with seeded bootstrap percentile intervals';
CREATE FUNCTION markov_transitions(model path_counts)
	RETURNS TABLE (from_state text, to_state text, transitions bigint, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION markov_conversion_probability(model path_counts, j journey) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION markov_next_best(model path_counts, j journey, candidates text[])
	RETURNS TABLE (candidate text, conversion_probability float8, uplift float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION markov_transitions(path_counts) IS 'the transition matrix of a Markov model, one row per transition';
COMMENT ON FUNCTION markov_conversion_probability(path_counts, journey) IS 'probability that a journey with this path converts, by the Markov model';
COMMENT ON FUNCTION markov_next_best(path_counts, journey, text[]) IS 'next best action: each candidate next step with the conversion probability after it, best first';
CREATE FUNCTION markov_attribution_intervals(model path_counts, samples integer DEFAULT 200,
	confidence float8 DEFAULT 0.95, seed bigint DEFAULT 42)
	RETURNS TABLE (label text, share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION markov_attribution_intervals(path_counts, integer, float8, bigint) IS 'Markov attribution shares with seeded bootstrap percentile intervals';
CREATE FUNCTION markov_attribution(model path_counts)
	RETURNS TABLE (label text, removal_effect float8, share float8, conversions float8, value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION markov_attribution(path_counts) IS 'Markov chain removal effects and the conversions and value they credit to each channel';
COMMENT ON FUNCTION top_paths(path_counts, integer) IS 'the n most frequent paths with counts and shares, then an (other) row';
COMMENT ON FUNCTION transitions(path_counts) IS 'transition counts and probabilities (first-order Markov chain)';
COMMENT ON FUNCTION ngrams(path_counts) IS 'n-gram occurrences and shares';
COMMENT ON FUNCTION path_steps(path_counts) IS 'labels at each step before and after the anchor, with journeys and shares';
COMMENT ON FUNCTION flows(path_counts, bigint) IS 'Sankey edges (depth, from, to, journeys) with rare nodes folded into (other)';



CREATE FUNCTION journey_cmp(journey, journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_eq(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_ne(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_lt(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_le(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_gt(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_ge(journey, journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_hash(journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_hash_extended(journey, bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION journey_cmp(journey, journey) IS 'btree comparison of journeys';
COMMENT ON FUNCTION journey_eq(journey, journey) IS 'implementation of = for journeys';
COMMENT ON FUNCTION journey_ne(journey, journey) IS 'implementation of <> for journeys';
COMMENT ON FUNCTION journey_lt(journey, journey) IS 'implementation of < for journeys';
COMMENT ON FUNCTION journey_le(journey, journey) IS 'implementation of <= for journeys';
COMMENT ON FUNCTION journey_gt(journey, journey) IS 'implementation of > for journeys';
COMMENT ON FUNCTION journey_ge(journey, journey) IS 'implementation of >= for journeys';
COMMENT ON FUNCTION journey_hash(journey) IS 'hash of a journey';
COMMENT ON FUNCTION journey_hash_extended(journey, bigint) IS 'seeded 64-bit hash of a journey';

CREATE OPERATOR = (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_eq,
	COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel,
	HASHES, MERGES
);
CREATE OPERATOR <> (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_ne,
	COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_lt,
	COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_le,
	COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_gt,
	COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_ge,
	COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);
CREATE OPERATOR || (
	LEFTARG = journey, RIGHTARG = journey, PROCEDURE = journey_merge
);
CREATE OPERATOR ? (
	LEFTARG = journey, RIGHTARG = text, PROCEDURE = journey_has_label,
	RESTRICT = contsel, JOIN = contjoinsel
);

COMMENT ON OPERATOR = (journey, journey) IS 'same touchpoints';
COMMENT ON OPERATOR <> (journey, journey) IS 'different touchpoints';
COMMENT ON OPERATOR < (journey, journey) IS 'less than, touchpoint by touchpoint';
COMMENT ON OPERATOR <= (journey, journey) IS 'less than or equal, touchpoint by touchpoint';
COMMENT ON OPERATOR > (journey, journey) IS 'greater than, touchpoint by touchpoint';
COMMENT ON OPERATOR >= (journey, journey) IS 'greater than or equal, touchpoint by touchpoint';
COMMENT ON OPERATOR || (journey, journey) IS 'merge two journeys in touchpoint order';
COMMENT ON OPERATOR ? (journey, text) IS 'journey has a touchpoint with this label';

-- Operator classes

CREATE OPERATOR CLASS journey_ops DEFAULT FOR TYPE journey USING btree AS
	OPERATOR 1 <,
	OPERATOR 2 <=,
	OPERATOR 3 =,
	OPERATOR 4 >=,
	OPERATOR 5 >,
	FUNCTION 1 journey_cmp(journey, journey);

CREATE OPERATOR CLASS journey_hash_ops DEFAULT FOR TYPE journey USING hash AS
	OPERATOR 1 =,
	FUNCTION 1 journey_hash(journey),
	FUNCTION 2 journey_hash_extended(journey, bigint);
