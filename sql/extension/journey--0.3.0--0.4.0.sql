/* journey 0.3.0 to 0.4.0: one SQL type per summary.

   Until 0.3.0 every summary was a path_counts value of one of thirteen
   kinds, so a reader given the wrong kind failed at run time.  Now each
   summary has its own type, named for its aggregate (funnel_counts,
   markov_counts, ...), and each reader names the type it reads, so a wrong
   call is "function does not exist" when the query is parsed.  The stored
   form is the same for every type (include/counts.h); path_counts keeps
   the paths, and still reads values of the other kinds stored before this
   version (so that dumps restore), which a checked cast turns into their
   own type: SELECT funnel_report(c::funnel_counts).

   The aggregates and readers are dropped and created again with the new
   types, so the update stops, changing nothing, if a view of yours uses
   one of them: drop such views first and create them again after. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.4.0'" to load this file. \quit

-- the aggregates, transition functions and readers of the single type
DROP AGGREGATE transition_counts(journey);
DROP AGGREGATE transition_counts(journey, boolean);
DROP AGGREGATE ngram_counts(journey, integer);
DROP AGGREGATE ngram_counts(journey, integer, boolean);
DROP AGGREGATE step_counts(journey, text, integer);
DROP AGGREGATE step_counts(journey, text, integer, boolean);
DROP AGGREGATE flow_counts(journey, integer);
DROP AGGREGATE flow_counts(journey, integer, text);
DROP AGGREGATE flow_counts(journey, integer, text, boolean);
DROP AGGREGATE funnel_counts(journey, text[], interval);
DROP AGGREGATE funnel_counts(journey, text[], interval, interval, text[], text[]);
DROP AGGREGATE retention_counts(journey, interval);
DROP AGGREGATE health_counts(journey);
DROP AGGREGATE health_counts(journey, interval);
DROP AGGREGATE path_counts_approx(journey, integer);
DROP AGGREGATE path_counts_approx(journey, integer, boolean);
DROP AGGREGATE markov_counts(journey, boolean, float8, integer);
DROP AGGREGATE markov_counts(journey, text[], integer);
DROP AGGREGATE shapley_counts(journey, boolean, float8);
DROP AGGREGATE shapley_counts(journey, text[]);
DROP AGGREGATE credit_bootstrap(anyelement, text, float8);
DROP AGGREGATE credit_bootstrap(anyelement, text, float8, integer, bigint);
DROP AGGREGATE credit_bootstrap(bigint, text, float8);
DROP AGGREGATE credit_bootstrap(bigint, text, float8, integer, bigint);
DROP AGGREGATE credit_bootstrap(integer, text, float8);
DROP AGGREGATE credit_bootstrap(integer, text, float8, integer, bigint);
DROP AGGREGATE credit_bootstrap(smallint, text, float8);
DROP AGGREGATE credit_bootstrap(smallint, text, float8, integer, bigint);
DROP AGGREGATE credit_bootstrap(text, text, float8);
DROP AGGREGATE credit_bootstrap(text, text, float8, integer, bigint);
DROP AGGREGATE credit_bootstrap(uuid, text, float8);
DROP AGGREGATE credit_bootstrap(uuid, text, float8, integer, bigint);
DROP FUNCTION transitions(path_counts);
DROP FUNCTION ngrams(path_counts);
DROP FUNCTION path_steps(path_counts);
DROP FUNCTION flows(path_counts, bigint);
DROP FUNCTION funnel_report(path_counts, float8);
DROP FUNCTION funnel_compare(path_counts, path_counts);
DROP FUNCTION cohort_retention(path_counts);
DROP FUNCTION touchpoint_health(path_counts);
DROP FUNCTION reentries(path_counts);
DROP FUNCTION shapley_attribution(path_counts, text);
DROP FUNCTION shapley_attribution_intervals(path_counts, text, integer, float8, bigint);
DROP FUNCTION markov_transitions(path_counts);
DROP FUNCTION markov_conversion_probability(path_counts, journey);
DROP FUNCTION markov_next_best(path_counts, journey, text[]);
DROP FUNCTION markov_attribution_intervals(path_counts, integer, float8, bigint);
DROP FUNCTION markov_attribution(path_counts);
DROP FUNCTION credit_intervals(path_counts, float8);
-- top_paths keeps path_counts, its argument now named for it
DROP FUNCTION top_paths(path_counts, integer);
DROP FUNCTION transition_counts_transfn(path_counts, journey);
DROP FUNCTION transition_counts_transfn(path_counts, journey, boolean);
DROP FUNCTION ngram_counts_transfn(path_counts, journey, integer);
DROP FUNCTION ngram_counts_transfn(path_counts, journey, integer, boolean);
DROP FUNCTION step_counts_transfn(path_counts, journey, text, integer);
DROP FUNCTION step_counts_transfn(path_counts, journey, text, integer, boolean);
DROP FUNCTION flow_counts_transfn(path_counts, journey, integer);
DROP FUNCTION flow_counts_transfn(path_counts, journey, integer, text);
DROP FUNCTION flow_counts_transfn(path_counts, journey, integer, text, boolean);
DROP FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval);
DROP FUNCTION funnel_counts_transfn(path_counts, journey, text[], interval, interval, text[], text[]);
DROP FUNCTION retention_counts_transfn(path_counts, journey, interval);
DROP FUNCTION health_counts_transfn(path_counts, journey);
DROP FUNCTION health_counts_transfn(path_counts, journey, interval);
DROP FUNCTION path_sketch_transfn(path_counts, journey, integer);
DROP FUNCTION path_sketch_transfn(path_counts, journey, integer, boolean);
DROP FUNCTION markov_counts_transfn(path_counts, journey, boolean, float8, integer);
DROP FUNCTION markov_counts_transfn(path_counts, journey, text[], integer);
DROP FUNCTION shapley_counts_transfn(path_counts, journey, boolean, float8);
DROP FUNCTION shapley_counts_transfn(path_counts, journey, text[]);
DROP FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8, integer, bigint);
DROP FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8, integer, bigint);
DROP FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8, integer, bigint);
DROP FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8, integer, bigint);
DROP FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8, integer, bigint);
DROP FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8);
DROP FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8, integer, bigint);

-- The summary types: the stored form of path_counts (include/counts.h), its
-- output, send, combine and final functions; input and the cast from
-- path_counts take only the type's own kinds.

CREATE TYPE transition_counts;
CREATE FUNCTION transition_counts_in(cstring) RETURNS transition_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION transition_counts_out(transition_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION transition_counts_recv(internal) RETURNS transition_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION transition_counts_send(transition_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE transition_counts (INPUT = transition_counts_in, OUTPUT = transition_counts_out, RECEIVE = transition_counts_recv, SEND = transition_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION transition_counts(path_counts path_counts) RETURNS transition_counts
	AS 'MODULE_PATHNAME', 'transition_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS transition_counts) WITH FUNCTION transition_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION transition_counts_combine(transition_counts, transition_counts) RETURNS transition_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION transition_counts_final(transition_counts) RETURNS transition_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE transition_counts_rollup(transition_counts transition_counts) (SFUNC = transition_counts_combine, STYPE = transition_counts,
	FINALFUNC = transition_counts_final, COMBINEFUNC = transition_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE transition_counts IS 'transitions between consecutive labels across journeys, with (start) and (end)';
COMMENT ON FUNCTION transition_counts_in(cstring) IS 'text input of transition_counts';
COMMENT ON FUNCTION transition_counts_out(transition_counts) IS 'text output of transition_counts';
COMMENT ON FUNCTION transition_counts_recv(internal) IS 'binary input of transition_counts';
COMMENT ON FUNCTION transition_counts_send(transition_counts) IS 'binary output of transition_counts';
COMMENT ON FUNCTION transition_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as transition_counts; other kinds are refused';
COMMENT ON FUNCTION transition_counts_combine(transition_counts, transition_counts) IS 'combine function of the transition_counts aggregates; transition function of transition_counts_rollup';
COMMENT ON FUNCTION transition_counts_final(transition_counts) IS 'final function of the transition_counts aggregates';
COMMENT ON AGGREGATE transition_counts_rollup(transition_counts) IS 'transition_counts values built with the same arguments added together';
CREATE FUNCTION transition_counts_transfn(transition_counts, journey) RETURNS transition_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION transition_counts_transfn(transition_counts, journey) IS 'transition function of transition_counts';
CREATE FUNCTION transition_counts_transfn(transition_counts, journey, boolean) RETURNS transition_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION transition_counts_transfn(transition_counts, journey, boolean) IS 'transition function of transition_counts';
CREATE AGGREGATE transition_counts(j journey) (SFUNC = transition_counts_transfn, STYPE = transition_counts,
	FINALFUNC = transition_counts_final, COMBINEFUNC = transition_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE transition_counts(journey) IS 'transitions between consecutive labels, with (start) and (end), repeats collapsed';
CREATE AGGREGATE transition_counts(j journey, collapse_repeats boolean) (SFUNC = transition_counts_transfn, STYPE = transition_counts,
	FINALFUNC = transition_counts_final, COMBINEFUNC = transition_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE transition_counts(journey, boolean) IS 'transitions between consecutive labels, with (start) and (end)';

CREATE TYPE ngram_counts;
CREATE FUNCTION ngram_counts_in(cstring) RETURNS ngram_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ngram_counts_out(ngram_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ngram_counts_recv(internal) RETURNS ngram_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ngram_counts_send(ngram_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE ngram_counts (INPUT = ngram_counts_in, OUTPUT = ngram_counts_out, RECEIVE = ngram_counts_recv, SEND = ngram_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION ngram_counts(path_counts path_counts) RETURNS ngram_counts
	AS 'MODULE_PATHNAME', 'ngram_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS ngram_counts) WITH FUNCTION ngram_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION ngram_counts_combine(ngram_counts, ngram_counts) RETURNS ngram_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ngram_counts_final(ngram_counts) RETURNS ngram_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE ngram_counts_rollup(ngram_counts ngram_counts) (SFUNC = ngram_counts_combine, STYPE = ngram_counts,
	FINALFUNC = ngram_counts_final, COMBINEFUNC = ngram_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE ngram_counts IS 'occurrences of each sequence of n consecutive labels across journeys';
COMMENT ON FUNCTION ngram_counts_in(cstring) IS 'text input of ngram_counts';
COMMENT ON FUNCTION ngram_counts_out(ngram_counts) IS 'text output of ngram_counts';
COMMENT ON FUNCTION ngram_counts_recv(internal) IS 'binary input of ngram_counts';
COMMENT ON FUNCTION ngram_counts_send(ngram_counts) IS 'binary output of ngram_counts';
COMMENT ON FUNCTION ngram_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as ngram_counts; other kinds are refused';
COMMENT ON FUNCTION ngram_counts_combine(ngram_counts, ngram_counts) IS 'combine function of the ngram_counts aggregates; transition function of ngram_counts_rollup';
COMMENT ON FUNCTION ngram_counts_final(ngram_counts) IS 'final function of the ngram_counts aggregates';
COMMENT ON AGGREGATE ngram_counts_rollup(ngram_counts) IS 'ngram_counts values built with the same arguments added together';
CREATE FUNCTION ngram_counts_transfn(ngram_counts, journey, integer) RETURNS ngram_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ngram_counts_transfn(ngram_counts, journey, integer) IS 'transition function of ngram_counts';
CREATE FUNCTION ngram_counts_transfn(ngram_counts, journey, integer, boolean) RETURNS ngram_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ngram_counts_transfn(ngram_counts, journey, integer, boolean) IS 'transition function of ngram_counts';
CREATE AGGREGATE ngram_counts(j journey, n integer) (SFUNC = ngram_counts_transfn, STYPE = ngram_counts,
	FINALFUNC = ngram_counts_final, COMBINEFUNC = ngram_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ngram_counts(journey, integer) IS 'occurrences of each sequence of n consecutive labels, repeats collapsed';
CREATE AGGREGATE ngram_counts(j journey, n integer, collapse_repeats boolean) (SFUNC = ngram_counts_transfn, STYPE = ngram_counts,
	FINALFUNC = ngram_counts_final, COMBINEFUNC = ngram_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE ngram_counts(journey, integer, boolean) IS 'occurrences of each sequence of n consecutive labels';

CREATE TYPE step_counts;
CREATE FUNCTION step_counts_in(cstring) RETURNS step_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION step_counts_out(step_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION step_counts_recv(internal) RETURNS step_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION step_counts_send(step_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE step_counts (INPUT = step_counts_in, OUTPUT = step_counts_out, RECEIVE = step_counts_recv, SEND = step_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION step_counts(path_counts path_counts) RETURNS step_counts
	AS 'MODULE_PATHNAME', 'step_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS step_counts) WITH FUNCTION step_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION step_counts_combine(step_counts, step_counts) RETURNS step_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION step_counts_final(step_counts) RETURNS step_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE step_counts_rollup(step_counts step_counts) (SFUNC = step_counts_combine, STYPE = step_counts,
	FINALFUNC = step_counts_final, COMBINEFUNC = step_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE step_counts IS 'labels at each step before and after an anchor label across journeys';
COMMENT ON FUNCTION step_counts_in(cstring) IS 'text input of step_counts';
COMMENT ON FUNCTION step_counts_out(step_counts) IS 'text output of step_counts';
COMMENT ON FUNCTION step_counts_recv(internal) IS 'binary input of step_counts';
COMMENT ON FUNCTION step_counts_send(step_counts) IS 'binary output of step_counts';
COMMENT ON FUNCTION step_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as step_counts; other kinds are refused';
COMMENT ON FUNCTION step_counts_combine(step_counts, step_counts) IS 'combine function of the step_counts aggregates; transition function of step_counts_rollup';
COMMENT ON FUNCTION step_counts_final(step_counts) IS 'final function of the step_counts aggregates';
COMMENT ON AGGREGATE step_counts_rollup(step_counts) IS 'step_counts values built with the same arguments added together';
CREATE FUNCTION step_counts_transfn(step_counts, journey, text, integer) RETURNS step_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION step_counts_transfn(step_counts, journey, text, integer) IS 'transition function of step_counts';
CREATE FUNCTION step_counts_transfn(step_counts, journey, text, integer, boolean) RETURNS step_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION step_counts_transfn(step_counts, journey, text, integer, boolean) IS 'transition function of step_counts';
CREATE AGGREGATE step_counts(j journey, anchor text, n integer) (SFUNC = step_counts_transfn, STYPE = step_counts,
	FINALFUNC = step_counts_final, COMBINEFUNC = step_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE step_counts(journey, text, integer) IS 'labels up to n steps before and after the first anchor, repeats collapsed';
CREATE AGGREGATE step_counts(j journey, anchor text, n integer, collapse_repeats boolean) (SFUNC = step_counts_transfn, STYPE = step_counts,
	FINALFUNC = step_counts_final, COMBINEFUNC = step_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE step_counts(journey, text, integer, boolean) IS 'labels up to n steps before and after the first anchor';

CREATE TYPE flow_counts;
CREATE FUNCTION flow_counts_in(cstring) RETURNS flow_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION flow_counts_out(flow_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION flow_counts_recv(internal) RETURNS flow_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION flow_counts_send(flow_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE flow_counts (INPUT = flow_counts_in, OUTPUT = flow_counts_out, RECEIVE = flow_counts_recv, SEND = flow_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION flow_counts(path_counts path_counts) RETURNS flow_counts
	AS 'MODULE_PATHNAME', 'flow_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS flow_counts) WITH FUNCTION flow_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION flow_counts_combine(flow_counts, flow_counts) RETURNS flow_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION flow_counts_final(flow_counts) RETURNS flow_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE flow_counts_rollup(flow_counts flow_counts) (SFUNC = flow_counts_combine, STYPE = flow_counts,
	FINALFUNC = flow_counts_final, COMBINEFUNC = flow_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE flow_counts IS 'Sankey edges by depth from the start of journeys or from an anchor, forward or backward';
COMMENT ON FUNCTION flow_counts_in(cstring) IS 'text input of flow_counts';
COMMENT ON FUNCTION flow_counts_out(flow_counts) IS 'text output of flow_counts';
COMMENT ON FUNCTION flow_counts_recv(internal) IS 'binary input of flow_counts';
COMMENT ON FUNCTION flow_counts_send(flow_counts) IS 'binary output of flow_counts';
COMMENT ON FUNCTION flow_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as flow_counts; other kinds are refused';
COMMENT ON FUNCTION flow_counts_combine(flow_counts, flow_counts) IS 'combine function of the flow_counts aggregates; transition function of flow_counts_rollup';
COMMENT ON FUNCTION flow_counts_final(flow_counts) IS 'final function of the flow_counts aggregates';
COMMENT ON AGGREGATE flow_counts_rollup(flow_counts) IS 'flow_counts values built with the same arguments added together';
CREATE FUNCTION flow_counts_transfn(flow_counts, journey, integer) RETURNS flow_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION flow_counts_transfn(flow_counts, journey, integer) IS 'transition function of flow_counts';
CREATE FUNCTION flow_counts_transfn(flow_counts, journey, integer, text) RETURNS flow_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION flow_counts_transfn(flow_counts, journey, integer, text) IS 'transition function of flow_counts';
CREATE FUNCTION flow_counts_transfn(flow_counts, journey, integer, text, boolean) RETURNS flow_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION flow_counts_transfn(flow_counts, journey, integer, text, boolean) IS 'transition function of flow_counts';
CREATE AGGREGATE flow_counts(j journey, depth integer) (SFUNC = flow_counts_transfn, STYPE = flow_counts,
	FINALFUNC = flow_counts_final, COMBINEFUNC = flow_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE flow_counts(journey, integer) IS 'Sankey edges from the start of each journey, up to depth steps';
CREATE AGGREGATE flow_counts(j journey, depth integer, anchor text) (SFUNC = flow_counts_transfn, STYPE = flow_counts,
	FINALFUNC = flow_counts_final, COMBINEFUNC = flow_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE flow_counts(journey, integer, text) IS 'Sankey edges from the first anchor (NULL: the start), up to depth steps';
CREATE AGGREGATE flow_counts(j journey, depth integer, anchor text, backward boolean) (SFUNC = flow_counts_transfn, STYPE = flow_counts,
	FINALFUNC = flow_counts_final, COMBINEFUNC = flow_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE flow_counts(journey, integer, text, boolean) IS 'Sankey edges from the first anchor, forward or backward, up to depth steps';

CREATE TYPE funnel_counts;
CREATE FUNCTION funnel_counts_in(cstring) RETURNS funnel_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_counts_out(funnel_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_counts_recv(internal) RETURNS funnel_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_counts_send(funnel_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE funnel_counts (INPUT = funnel_counts_in, OUTPUT = funnel_counts_out, RECEIVE = funnel_counts_recv, SEND = funnel_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION funnel_counts(path_counts path_counts) RETURNS funnel_counts
	AS 'MODULE_PATHNAME', 'funnel_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS funnel_counts) WITH FUNCTION funnel_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION funnel_counts_combine(funnel_counts, funnel_counts) RETURNS funnel_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_counts_final(funnel_counts) RETURNS funnel_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE funnel_counts_rollup(funnel_counts funnel_counts) (SFUNC = funnel_counts_combine, STYPE = funnel_counts,
	FINALFUNC = funnel_counts_final, COMBINEFUNC = funnel_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE funnel_counts IS 'funnel report counts: the level each journey reached and the time to each step';
COMMENT ON FUNCTION funnel_counts_in(cstring) IS 'text input of funnel_counts';
COMMENT ON FUNCTION funnel_counts_out(funnel_counts) IS 'text output of funnel_counts';
COMMENT ON FUNCTION funnel_counts_recv(internal) IS 'binary input of funnel_counts';
COMMENT ON FUNCTION funnel_counts_send(funnel_counts) IS 'binary output of funnel_counts';
COMMENT ON FUNCTION funnel_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as funnel_counts; other kinds are refused';
COMMENT ON FUNCTION funnel_counts_combine(funnel_counts, funnel_counts) IS 'combine function of the funnel_counts aggregates; transition function of funnel_counts_rollup';
COMMENT ON FUNCTION funnel_counts_final(funnel_counts) IS 'final function of the funnel_counts aggregates';
COMMENT ON AGGREGATE funnel_counts_rollup(funnel_counts) IS 'funnel_counts values built with the same arguments added together';
CREATE FUNCTION funnel_counts_transfn(funnel_counts, journey, text[], interval) RETURNS funnel_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_counts_transfn(funnel_counts, journey, text[], interval) IS 'transition function of funnel_counts';
CREATE FUNCTION funnel_counts_transfn(funnel_counts, journey, text[], interval, interval, text[], text[]) RETURNS funnel_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_counts_transfn(funnel_counts, journey, text[], interval, interval, text[], text[]) IS 'transition function of funnel_counts';
CREATE AGGREGATE funnel_counts(j journey, steps text[], within interval) (SFUNC = funnel_counts_transfn, STYPE = funnel_counts,
	FINALFUNC = funnel_counts_final, COMBINEFUNC = funnel_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE funnel_counts(journey, text[], interval) IS 'funnel report counts: levels reached and time to each step';
CREATE AGGREGATE funnel_counts(j journey, steps text[], within interval, max_gap interval, exclude text[], mode text[]) (SFUNC = funnel_counts_transfn, STYPE = funnel_counts,
	FINALFUNC = funnel_counts_final, COMBINEFUNC = funnel_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE funnel_counts(journey, text[], interval, interval, text[], text[]) IS 'funnel report counts with a maximum gap, exclusions and modes';

CREATE TYPE retention_counts;
CREATE FUNCTION retention_counts_in(cstring) RETURNS retention_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention_counts_out(retention_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention_counts_recv(internal) RETURNS retention_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION retention_counts_send(retention_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE retention_counts (INPUT = retention_counts_in, OUTPUT = retention_counts_out, RECEIVE = retention_counts_recv, SEND = retention_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION retention_counts(path_counts path_counts) RETURNS retention_counts
	AS 'MODULE_PATHNAME', 'retention_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS retention_counts) WITH FUNCTION retention_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION retention_counts_combine(retention_counts, retention_counts) RETURNS retention_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_counts_final(retention_counts) RETURNS retention_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE retention_counts_rollup(retention_counts retention_counts) (SFUNC = retention_counts_combine, STYPE = retention_counts,
	FINALFUNC = retention_counts_final, COMBINEFUNC = retention_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE retention_counts IS 'cohorts by first-touch period and the journeys active in each following period';
COMMENT ON FUNCTION retention_counts_in(cstring) IS 'text input of retention_counts';
COMMENT ON FUNCTION retention_counts_out(retention_counts) IS 'text output of retention_counts';
COMMENT ON FUNCTION retention_counts_recv(internal) IS 'binary input of retention_counts';
COMMENT ON FUNCTION retention_counts_send(retention_counts) IS 'binary output of retention_counts';
COMMENT ON FUNCTION retention_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as retention_counts; other kinds are refused';
COMMENT ON FUNCTION retention_counts_combine(retention_counts, retention_counts) IS 'combine function of the retention_counts aggregates; transition function of retention_counts_rollup';
COMMENT ON FUNCTION retention_counts_final(retention_counts) IS 'final function of the retention_counts aggregates';
COMMENT ON AGGREGATE retention_counts_rollup(retention_counts) IS 'retention_counts values built with the same arguments added together';
CREATE FUNCTION retention_counts_transfn(retention_counts, journey, interval) RETURNS retention_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_counts_transfn(retention_counts, journey, interval) IS 'transition function of retention_counts';
CREATE AGGREGATE retention_counts(j journey, period interval) (SFUNC = retention_counts_transfn, STYPE = retention_counts,
	FINALFUNC = retention_counts_final, COMBINEFUNC = retention_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention_counts(journey, interval) IS 'cohorts by first-touch period and their activity in each following period';

CREATE TYPE health_counts;
CREATE FUNCTION health_counts_in(cstring) RETURNS health_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_counts_out(health_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_counts_recv(internal) RETURNS health_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_counts_send(health_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE health_counts (INPUT = health_counts_in, OUTPUT = health_counts_out, RECEIVE = health_counts_recv, SEND = health_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION health_counts(path_counts path_counts) RETURNS health_counts
	AS 'MODULE_PATHNAME', 'health_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS health_counts) WITH FUNCTION health_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION health_counts_combine(health_counts, health_counts) RETURNS health_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION health_counts_final(health_counts) RETURNS health_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE health_counts_rollup(health_counts health_counts) (SFUNC = health_counts_combine, STYPE = health_counts,
	FINALFUNC = health_counts_final, COMBINEFUNC = health_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE health_counts IS 'touchpoint health statistics per label: touchpoints, exits, values, gaps, drop-outs and re-entries';
COMMENT ON FUNCTION health_counts_in(cstring) IS 'text input of health_counts';
COMMENT ON FUNCTION health_counts_out(health_counts) IS 'text output of health_counts';
COMMENT ON FUNCTION health_counts_recv(internal) IS 'binary input of health_counts';
COMMENT ON FUNCTION health_counts_send(health_counts) IS 'binary output of health_counts';
COMMENT ON FUNCTION health_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as health_counts; other kinds are refused';
COMMENT ON FUNCTION health_counts_combine(health_counts, health_counts) IS 'combine function of the health_counts aggregates; transition function of health_counts_rollup';
COMMENT ON FUNCTION health_counts_final(health_counts) IS 'final function of the health_counts aggregates';
COMMENT ON AGGREGATE health_counts_rollup(health_counts) IS 'health_counts values built with the same arguments added together';
CREATE FUNCTION health_counts_transfn(health_counts, journey) RETURNS health_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION health_counts_transfn(health_counts, journey) IS 'transition function of health_counts';
CREATE FUNCTION health_counts_transfn(health_counts, journey, interval) RETURNS health_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION health_counts_transfn(health_counts, journey, interval) IS 'transition function of health_counts';
CREATE AGGREGATE health_counts(j journey) (SFUNC = health_counts_transfn, STYPE = health_counts,
	FINALFUNC = health_counts_final, COMBINEFUNC = health_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE health_counts(journey) IS 'touchpoint health statistics per label (sessions end after 30 minutes without activity)';
CREATE AGGREGATE health_counts(j journey, timeout interval) (SFUNC = health_counts_transfn, STYPE = health_counts,
	FINALFUNC = health_counts_final, COMBINEFUNC = health_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE health_counts(journey, interval) IS 'touchpoint health statistics per label, with the session timeout that defines a drop-out';

CREATE TYPE path_counts_approx;
CREATE FUNCTION path_counts_approx_in(cstring) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_approx_out(path_counts_approx) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_approx_recv(internal) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION path_counts_approx_send(path_counts_approx) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE path_counts_approx (INPUT = path_counts_approx_in, OUTPUT = path_counts_approx_out, RECEIVE = path_counts_approx_recv, SEND = path_counts_approx_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION path_counts_approx(path_counts path_counts) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME', 'path_counts_approx_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS path_counts_approx) WITH FUNCTION path_counts_approx(path_counts) AS ASSIGNMENT;
CREATE FUNCTION path_counts_approx_combine(path_counts_approx, path_counts_approx) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION path_counts_approx_final(path_counts_approx) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE path_counts_approx_rollup(path_counts_approx path_counts_approx) (SFUNC = path_counts_approx_combine, STYPE = path_counts_approx,
	FINALFUNC = path_counts_approx_final, COMBINEFUNC = path_counts_approx_combine, PARALLEL = SAFE);
COMMENT ON TYPE path_counts_approx IS 'approximate path counts in bounded memory (a count-min sketch of path prefixes)';
COMMENT ON FUNCTION path_counts_approx_in(cstring) IS 'text input of path_counts_approx';
COMMENT ON FUNCTION path_counts_approx_out(path_counts_approx) IS 'text output of path_counts_approx';
COMMENT ON FUNCTION path_counts_approx_recv(internal) IS 'binary input of path_counts_approx';
COMMENT ON FUNCTION path_counts_approx_send(path_counts_approx) IS 'binary output of path_counts_approx';
COMMENT ON FUNCTION path_counts_approx(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as path_counts_approx; other kinds are refused';
COMMENT ON FUNCTION path_counts_approx_combine(path_counts_approx, path_counts_approx) IS 'combine function of the path_counts_approx aggregates; transition function of path_counts_approx_rollup';
COMMENT ON FUNCTION path_counts_approx_final(path_counts_approx) IS 'final function of the path_counts_approx aggregates';
COMMENT ON AGGREGATE path_counts_approx_rollup(path_counts_approx) IS 'path_counts_approx values built with the same arguments added together';
CREATE FUNCTION path_sketch_transfn(path_counts_approx, journey, integer) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION path_sketch_transfn(path_counts_approx, journey, integer) IS 'transition function of path_counts_approx';
CREATE FUNCTION path_sketch_transfn(path_counts_approx, journey, integer, boolean) RETURNS path_counts_approx
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION path_sketch_transfn(path_counts_approx, journey, integer, boolean) IS 'transition function of path_counts_approx';
CREATE AGGREGATE path_counts_approx(j journey, capacity integer) (SFUNC = path_sketch_transfn, STYPE = path_counts_approx,
	FINALFUNC = path_counts_approx_final, COMBINEFUNC = path_counts_approx_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE path_counts_approx(journey, integer) IS 'approximate path counts in bounded memory (count-min sketch of prefixes), repeats collapsed';
CREATE AGGREGATE path_counts_approx(j journey, capacity integer, collapse_repeats boolean) (SFUNC = path_sketch_transfn, STYPE = path_counts_approx,
	FINALFUNC = path_counts_approx_final, COMBINEFUNC = path_counts_approx_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE path_counts_approx(journey, integer, boolean) IS 'approximate path counts in bounded memory (count-min sketch of prefixes)';

CREATE TYPE markov_counts;
CREATE FUNCTION markov_counts_in(cstring) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION markov_counts_out(markov_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION markov_counts_recv(internal) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION markov_counts_send(markov_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE markov_counts (INPUT = markov_counts_in, OUTPUT = markov_counts_out, RECEIVE = markov_counts_recv, SEND = markov_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION markov_counts(path_counts path_counts) RETURNS markov_counts
	AS 'MODULE_PATHNAME', 'markov_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS markov_counts) WITH FUNCTION markov_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION markov_counts_combine(markov_counts, markov_counts) RETURNS markov_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_counts_final(markov_counts) RETURNS markov_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE markov_counts_rollup(markov_counts markov_counts) (SFUNC = markov_counts_combine, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE markov_counts IS 'a Markov chain attribution model: transitions between channel states of conversion paths';
COMMENT ON FUNCTION markov_counts_in(cstring) IS 'text input of markov_counts';
COMMENT ON FUNCTION markov_counts_out(markov_counts) IS 'text output of markov_counts';
COMMENT ON FUNCTION markov_counts_recv(internal) IS 'binary input of markov_counts';
COMMENT ON FUNCTION markov_counts_send(markov_counts) IS 'binary output of markov_counts';
COMMENT ON FUNCTION markov_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as markov_counts; other kinds are refused';
COMMENT ON FUNCTION markov_counts_combine(markov_counts, markov_counts) IS 'combine function of the markov_counts aggregates; transition function of markov_counts_rollup';
COMMENT ON FUNCTION markov_counts_final(markov_counts) IS 'final function of the markov_counts aggregates';
COMMENT ON AGGREGATE markov_counts_rollup(markov_counts) IS 'markov_counts values built with the same arguments added together';
CREATE FUNCTION markov_counts_transfn(markov_counts, journey, boolean, float8, integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION markov_counts_transfn(markov_counts, journey, boolean, float8, integer) IS 'transition function of markov_counts';
CREATE FUNCTION markov_counts_transfn(markov_counts, journey, text[], integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION markov_counts_transfn(markov_counts, journey, text[], integer) IS 'transition function of markov_counts';
CREATE AGGREGATE markov_counts(j journey, converted boolean, conversion_value float8, "order" integer) (SFUNC = markov_counts_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE markov_counts(journey, boolean, float8, integer) IS 'Markov model of the given order from journeys with a conversion flag and value';
CREATE AGGREGATE markov_counts(j journey, conversions text[], "order" integer) (SFUNC = markov_counts_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE markov_counts(journey, text[], integer) IS 'Markov model of the given order from journeys with conversion touchpoints';

CREATE TYPE shapley_counts;
CREATE FUNCTION shapley_counts_in(cstring) RETURNS shapley_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shapley_counts_out(shapley_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shapley_counts_recv(internal) RETURNS shapley_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION shapley_counts_send(shapley_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE shapley_counts (INPUT = shapley_counts_in, OUTPUT = shapley_counts_out, RECEIVE = shapley_counts_recv, SEND = shapley_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION shapley_counts(path_counts path_counts) RETURNS shapley_counts
	AS 'MODULE_PATHNAME', 'shapley_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS shapley_counts) WITH FUNCTION shapley_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION shapley_counts_combine(shapley_counts, shapley_counts) RETURNS shapley_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION shapley_counts_final(shapley_counts) RETURNS shapley_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE shapley_counts_rollup(shapley_counts shapley_counts) (SFUNC = shapley_counts_combine, STYPE = shapley_counts,
	FINALFUNC = shapley_counts_final, COMBINEFUNC = shapley_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE shapley_counts IS 'a Shapley attribution model: journeys and conversions by channel set';
COMMENT ON FUNCTION shapley_counts_in(cstring) IS 'text input of shapley_counts';
COMMENT ON FUNCTION shapley_counts_out(shapley_counts) IS 'text output of shapley_counts';
COMMENT ON FUNCTION shapley_counts_recv(internal) IS 'binary input of shapley_counts';
COMMENT ON FUNCTION shapley_counts_send(shapley_counts) IS 'binary output of shapley_counts';
COMMENT ON FUNCTION shapley_counts(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as shapley_counts; other kinds are refused';
COMMENT ON FUNCTION shapley_counts_combine(shapley_counts, shapley_counts) IS 'combine function of the shapley_counts aggregates; transition function of shapley_counts_rollup';
COMMENT ON FUNCTION shapley_counts_final(shapley_counts) IS 'final function of the shapley_counts aggregates';
COMMENT ON AGGREGATE shapley_counts_rollup(shapley_counts) IS 'shapley_counts values built with the same arguments added together';
CREATE FUNCTION shapley_counts_transfn(shapley_counts, journey, boolean, float8) RETURNS shapley_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shapley_counts_transfn(shapley_counts, journey, boolean, float8) IS 'transition function of shapley_counts';
CREATE FUNCTION shapley_counts_transfn(shapley_counts, journey, text[]) RETURNS shapley_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION shapley_counts_transfn(shapley_counts, journey, text[]) IS 'transition function of shapley_counts';
CREATE AGGREGATE shapley_counts(j journey, converted boolean, conversion_value float8) (SFUNC = shapley_counts_transfn, STYPE = shapley_counts,
	FINALFUNC = shapley_counts_final, COMBINEFUNC = shapley_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE shapley_counts(journey, boolean, float8) IS 'Shapley model: journeys by channel set, with a conversion flag and value';
CREATE AGGREGATE shapley_counts(j journey, conversions text[]) (SFUNC = shapley_counts_transfn, STYPE = shapley_counts,
	FINALFUNC = shapley_counts_final, COMBINEFUNC = shapley_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE shapley_counts(journey, text[]) IS 'Shapley model: conversion paths by channel set, from conversion touchpoints';

CREATE TYPE credit_bootstrap;
CREATE FUNCTION credit_bootstrap_in(cstring) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_out(credit_bootstrap) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_recv(internal) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_send(credit_bootstrap) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE credit_bootstrap (INPUT = credit_bootstrap_in, OUTPUT = credit_bootstrap_out, RECEIVE = credit_bootstrap_recv, SEND = credit_bootstrap_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION credit_bootstrap(path_counts path_counts) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME', 'credit_bootstrap_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS credit_bootstrap) WITH FUNCTION credit_bootstrap(path_counts) AS ASSIGNMENT;
CREATE FUNCTION credit_bootstrap_combine(credit_bootstrap, credit_bootstrap) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_final(credit_bootstrap) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE credit_bootstrap_rollup(credit_bootstrap credit_bootstrap) (SFUNC = credit_bootstrap_combine, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON TYPE credit_bootstrap IS 'credit per label with seeded Poisson bootstrap replicates over units';
COMMENT ON FUNCTION credit_bootstrap_in(cstring) IS 'text input of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_out(credit_bootstrap) IS 'text output of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_recv(internal) IS 'binary input of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_send(credit_bootstrap) IS 'binary output of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap(path_counts) IS 'a path_counts value of this kind (stored before 0.4.0) as credit_bootstrap; other kinds are refused';
COMMENT ON FUNCTION credit_bootstrap_combine(credit_bootstrap, credit_bootstrap) IS 'combine function of the credit_bootstrap aggregates; transition function of credit_bootstrap_rollup';
COMMENT ON FUNCTION credit_bootstrap_final(credit_bootstrap) IS 'final function of the credit_bootstrap aggregates';
COMMENT ON AGGREGATE credit_bootstrap_rollup(credit_bootstrap) IS 'credit_bootstrap values built with the same arguments added together';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, anyelement, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, anyelement, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, anyelement, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, anyelement, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, bigint, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, bigint, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, bigint, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, bigint, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, integer, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, integer, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, integer, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, integer, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, smallint, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, smallint, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, smallint, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, smallint, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, text, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, text, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, text, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, text, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, uuid, text, float8) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, uuid, text, float8) IS 'transition function of credit_bootstrap';
CREATE FUNCTION credit_bootstrap_transfn(credit_bootstrap, uuid, text, float8, integer, bigint) RETURNS credit_bootstrap
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(credit_bootstrap, uuid, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
CREATE AGGREGATE credit_bootstrap(unit anyelement, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(anyelement, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit anyelement, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(anyelement, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit bigint, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(bigint, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit bigint, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(bigint, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit integer, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(integer, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit integer, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(integer, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit smallint, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(smallint, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit smallint, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(smallint, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit text, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(text, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit text, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(text, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit uuid, label text, credit float8) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(uuid, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
CREATE AGGREGATE credit_bootstrap(unit uuid, label text, credit float8, samples integer, seed bigint) (SFUNC = credit_bootstrap_transfn, STYPE = credit_bootstrap,
	FINALFUNC = credit_bootstrap_final, COMBINEFUNC = credit_bootstrap_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(uuid, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';

-- path_counts: the paths
COMMENT ON TYPE path_counts IS 'how often each path occurs across journeys (a value of another kind, stored before 0.4.0, is read through a cast to its own type)';
COMMENT ON AGGREGATE path_counts_rollup(path_counts) IS 'path_counts values built with the same arguments added together';

-- The readers, each naming the summary it reads

CREATE FUNCTION top_paths(path_counts path_counts, n integer DEFAULT 20)
	RETURNS TABLE (rank integer, path text, labels text[], journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 21;
CREATE FUNCTION top_paths(path_counts_approx path_counts_approx, n integer DEFAULT 20)
	RETURNS TABLE (rank integer, path text, labels text[], journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 21;
CREATE FUNCTION transitions(transition_counts transition_counts)
	RETURNS TABLE (from_label text, to_label text, transitions bigint, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION ngrams(ngram_counts ngram_counts)
	RETURNS TABLE (ngram text, labels text[], occurrences bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION path_steps(step_counts step_counts)
	RETURNS TABLE (step integer, label text, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
CREATE FUNCTION flows(flow_counts flow_counts, min_journeys bigint DEFAULT 1)
	RETURNS TABLE (depth integer, from_label text, to_label text, journeys bigint,
		source text, target text)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION top_paths(path_counts, integer) IS 'the n most frequent paths with counts and shares, then an (other) row';
COMMENT ON FUNCTION top_paths(path_counts_approx, integer) IS 'the n most frequent paths by the sketch''s estimates, then an (other) row';
COMMENT ON FUNCTION transitions(transition_counts) IS 'transition counts and probabilities (first-order Markov chain)';
COMMENT ON FUNCTION ngrams(ngram_counts) IS 'n-gram occurrences and shares';
COMMENT ON FUNCTION path_steps(step_counts) IS 'labels at each step before and after the anchor, with journeys and shares';
COMMENT ON FUNCTION flows(flow_counts, bigint) IS 'Sankey edges (depth, from, to, journeys) with rare nodes folded into (other), and their node ids source and target (''0: search''), pointing forward in time';

-- funnel_report starts with a base row, step 0 '(all journeys)', and gives
-- every time also in float8 seconds, which BI tools chart (an interval
-- reaches JDBC as OTHER)
CREATE FUNCTION funnel_report(funnel_counts funnel_counts, confidence float8 DEFAULT 0.95)
	RETURNS TABLE (step integer, label text, entered bigint, reached bigint, dropped bigint,
		drop_rate float8, conversion_from_previous float8, conversion_from_start float8,
		ci_low float8, ci_high float8,
		median_time_from_previous interval, median_seconds_from_previous float8,
		p90_time_from_previous interval, p90_seconds_from_previous float8,
		median_time_from_start interval, median_seconds_from_start float8,
		p90_time_from_start interval, p90_seconds_from_start float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION funnel_compare(a funnel_counts, b funnel_counts)
	RETURNS TABLE (step integer, label text, conversion_a float8, conversion_b float8,
		difference float8, z float8, p_value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION funnel_report(funnel_counts, float8) IS 'a base row (step 0, all journeys), then per funnel step: entered, reached, drop-off, conversion with a Wilson interval, time-to-convert percentiles as intervals and float8 seconds';
COMMENT ON FUNCTION funnel_compare(funnel_counts, funnel_counts) IS 'two segments'' funnels step by step with a two-proportion z-test (no base row)';

CREATE FUNCTION cohort_retention(retention_counts retention_counts, dense boolean DEFAULT true)
	RETURNS TABLE (cohort timestamptz, cohort_label text, period integer, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION cohort_retention(retention_counts, boolean) IS 'per cohort and period, a dense triangle up to the latest period with activity (or, without dense, the cells with journeys): journeys active and their share of the cohort';

CREATE FUNCTION touchpoint_health(health_counts health_counts)
	RETURNS TABLE (label text, journeys bigint, touchpoints bigint, exits bigint, exit_rate float8,
		avg_value float8, median_time_to_next interval, median_seconds_to_next float8, dropouts bigint)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION reentries(health_counts health_counts)
	RETURNS TABLE (exit_label text, reentry_label text, occurrences bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 50;
COMMENT ON FUNCTION touchpoint_health(health_counts) IS 'per label: journeys, touchpoints, exits, exit rate, average value, median time to the next touchpoint (interval and float8 seconds), drop-outs';
COMMENT ON FUNCTION reentries(health_counts) IS 'where journeys come back after a session ended at each label';

CREATE FUNCTION markov_attribution(markov_counts markov_counts)
	RETURNS TABLE (label text, removal_effect float8, share float8, conversions float8, value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION markov_attribution_intervals(markov_counts markov_counts, samples integer DEFAULT 200,
	confidence float8 DEFAULT 0.95, seed bigint DEFAULT 42)
	RETURNS TABLE (label text, share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION markov_transitions(markov_counts markov_counts)
	RETURNS TABLE (from_state text, to_state text, transitions bigint, probability float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
CREATE FUNCTION markov_conversion_probability(markov_counts markov_counts, j journey) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION markov_next_best(markov_counts markov_counts, j journey, candidates text[])
	RETURNS TABLE (candidate text, conversion_probability float8, uplift float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION markov_attribution(markov_counts) IS 'Markov chain removal effects and the conversions and value they credit to each channel';
COMMENT ON FUNCTION markov_attribution_intervals(markov_counts, integer, float8, bigint) IS 'Markov attribution shares with seeded bootstrap percentile intervals';
COMMENT ON FUNCTION markov_transitions(markov_counts) IS 'the transition matrix of a Markov model, one row per transition';
COMMENT ON FUNCTION markov_conversion_probability(markov_counts, journey) IS 'probability that a journey with this path converts, by the Markov model';
COMMENT ON FUNCTION markov_next_best(markov_counts, journey, text[]) IS 'next best action: each candidate next step with the conversion probability after it, best first';

CREATE FUNCTION shapley_attribution(shapley_counts shapley_counts, method text DEFAULT 'exact')
	RETURNS TABLE (label text, shapley_value float8, share float8, conversions float8, value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE FUNCTION shapley_attribution_intervals(shapley_counts shapley_counts, method text DEFAULT 'exact',
	samples integer DEFAULT 200, confidence float8 DEFAULT 0.95, seed bigint DEFAULT 42)
	RETURNS TABLE (label text, share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION shapley_attribution(shapley_counts, text) IS 'Shapley values of the channels (exact over channel sets, or the simplified form) and the conversions and value they credit';
COMMENT ON FUNCTION shapley_attribution_intervals(shapley_counts, text, integer, float8, bigint) IS 'Shapley attribution shares with seeded bootstrap percentile intervals';

CREATE FUNCTION credit_intervals(credit_bootstrap credit_bootstrap, confidence float8 DEFAULT 0.95)
	RETURNS TABLE (label text, rows bigint, credit float8, credit_low float8, credit_high float8,
		share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION credit_intervals(credit_bootstrap, float8) IS 'per label: credit and share of all credit, with bootstrap percentile intervals';

-- journey_attribution leaves out rows of credit 0 unless zero_credit, and
-- counts touchpoints at the same instant as a conversion as before it (a view
-- that uses it stops the update, as for the readers above)
DROP FUNCTION journey_attribution(journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval, boolean);
CREATE FUNCTION journey_attribution(j journey, model text DEFAULT 'linear',
	conversions text[] DEFAULT NULL, converted boolean DEFAULT NULL,
	conversion_value float8 DEFAULT NULL, lookback interval DEFAULT NULL,
	since_previous boolean DEFAULT true, skip_labels text[] DEFAULT '{direct}',
	position_weights float8[] DEFAULT '{0.4,0.2,0.4}', half_life interval DEFAULT '7 days',
	per_label boolean DEFAULT false, zero_credit boolean DEFAULT false)
	RETURNS TABLE (conversion_no integer, conversion_ts timestamptz, touch_no integer,
		ts timestamptz, label text, credit float8, value_credit float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION journey_attribution(journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval, boolean, boolean) IS 'heuristic attribution: each conversion''s credit and value shared among the touchpoints before it or at its instant; rows of credit 0 only with zero_credit';

-- window_funnel names its window within, and its modes mode, as funnel_level does
DROP AGGREGATE window_funnel(interval, timestamptz, boolean[]);
DROP AGGREGATE window_funnel(interval, text[], timestamptz, boolean[]);
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean[]) IS 'ClickHouse windowFunnel: the highest condition reached in order within the window';
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean[]) IS 'ClickHouse windowFunnel with modes (strict_deduplication, strict_order, strict_increase, allow_reentry)';

-- every parameter named, so that named notation works everywhere
-- the aggregates 0.1.0 made keep their objects (views using them survive)
-- and get their arguments named, as every other aggregate has them
CREATE OR REPLACE AGGREGATE journey_agg(ts timestamptz, label text) (
	SFUNC = journey_agg_transfn, STYPE = journey, FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE journey_agg(ts timestamptz, label text, value float8) (
	SFUNC = journey_agg_transfn, STYPE = journey, FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE journey_rollup(j journey) (
	SFUNC = journey_agg_combine, STYPE = journey, FINALFUNC = journey_agg_final,
	COMBINEFUNC = journey_agg_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE identity_rollup(graph identity_graph) (
	SFUNC = identity_links_combine, STYPE = identity_graph, FINALFUNC = identity_links_final,
	COMBINEFUNC = identity_links_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE path_counts(j journey) (
	SFUNC = path_counts_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE path_counts(j journey, collapse_repeats boolean) (
	SFUNC = path_counts_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE OR REPLACE AGGREGATE path_counts_rollup(path_counts path_counts) (
	SFUNC = path_counts_combine, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);

-- every parameter of a plain function named, so that named notation works
-- everywhere (aggregates take positional arguments only)
CREATE OR REPLACE FUNCTION journey(ts timestamptz[], label text[]) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_from_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey(ts timestamptz[], label text[], value float8[]) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_from_arrays' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_merge(a journey, b journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_append(j journey, ts timestamptz, label text) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_append(j journey, ts timestamptz, label text, value float8) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_slice(j journey, from_touch_no integer, to_touch_no integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_slice(j journey, during tstzrange) RETURNS journey
	AS 'MODULE_PATHNAME', 'journey_slice_range' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_dedup(j journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_length(j journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_label_at(j journey, touch_no integer) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_time_at(j journey, touch_no integer) RETURNS timestamptz
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_value_at(j journey, touch_no integer) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_first_label(j journey) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_label_at(j, 1);
CREATE OR REPLACE FUNCTION journey_last_label(j journey) RETURNS text
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_label_at(j, -1);
CREATE OR REPLACE FUNCTION journey_start(j journey) RETURNS timestamptz
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_time_at(j, 1);
CREATE OR REPLACE FUNCTION journey_end(j journey) RETURNS timestamptz
	LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
	RETURN journey_time_at(j, -1);
CREATE OR REPLACE FUNCTION journey_duration(j journey) RETURNS interval
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION journey_duration_seconds(j journey) RETURNS float8
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION journey_duration_seconds(journey) IS 'end minus start in float8 seconds (NULL if empty)';
CREATE OR REPLACE FUNCTION journey_labels(j journey) RETURNS text[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_unnest(j journey,
	OUT ordinality integer, OUT ts timestamptz, OUT label text, OUT value float8)
	RETURNS SETOF record
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
CREATE OR REPLACE FUNCTION journey_path(j journey, separator text DEFAULT ' > ',
	collapse_repeats boolean DEFAULT true) RETURNS text
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_has_label(j journey, label text) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_contains_sequence(j journey, labels text[]) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_collapse(j journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_first_occurrences(j journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_drop(j journey, labels text[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_head(j journey, n integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_tail(j journey, n integer) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_until(j journey, label text, inclusive boolean DEFAULT true) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_map(j journey, from_labels text[], to_labels text[]) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_cmp(a journey, b journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_eq(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_ne(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_lt(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_le(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_gt(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_ge(a journey, b journey) RETURNS boolean
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_hash(j journey) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION journey_hash_extended(j journey, seed bigint) RETURNS bigint
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- journey_sessions: session_no bigint, as session_number returns, and the
-- duration also in float8 seconds
DROP FUNCTION journey_sessions(journey, interval, text[], text, interval);
CREATE FUNCTION journey_sessions(j journey, timeout interval DEFAULT '30 minutes',
	new_session_labels text[] DEFAULT NULL, split_at_midnight text DEFAULT NULL,
	max_length interval DEFAULT NULL)
	RETURNS TABLE (session_no bigint, session journey, session_start timestamptz,
		session_end timestamptz, duration interval, duration_seconds float8, touchpoints integer,
		entry_label text, exit_label text)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE ROWS 5;
COMMENT ON FUNCTION journey_sessions(journey, interval, text[], text, interval) IS 'one row per session of a journey, with the session as a journey and its summary';

-- Costs of the functions that read a stored journey per row, so that the
-- planner sees what a scan calling them costs and plans it in parallel
-- workers by itself (with COST 1, the default, funnel_level over 200,000
-- journeys ran serially unless parallel costs were forced to 0).  COST is in
-- units of cpu_operator_cost, the cost of a built-in such as int4pl, and the
-- planner charges it once per call, set-returning functions included
-- (add_function_cost).  Each number is the function's time per call,
-- detoasting the journey included, over int4pl's (3.7 ns), measured serially
-- with bench/costs.sh on the sample data's journeys (data/load.sh 20000 and
-- scripts/showcase-tables.sql: about 20 touchpoints each), the best of 11
-- timed runs (three runs of the script, on 2 cores another process was
-- loading), rounded to the nearest of 1, 5, 10, 25, 50, 100, 250, 500,
-- 1000, ... on a log scale; the measured ratio follows each line.  The
-- ROWS of the set-returning functions were measured too and are right as
-- they are: journey_unnest 20.4 rows per call (ROWS 20), journey_sessions
-- 5.0 (ROWS 5), journey_attribution 9.5 (ROWS 10).  The summary readers
-- (funnel_report, ...) run once per query and keep COST 1;
-- journey_first_label, journey_last_label, journey_start and journey_end
-- are SQL functions inlined as journey_label_at and journey_time_at.
ALTER FUNCTION journey_length(journey) COST 5;                                      -- 2.7
ALTER FUNCTION journey_label_at(journey, integer) COST 50;                          -- 58.8
ALTER FUNCTION journey_value_at(journey, integer) COST 50;                          -- 61.5
ALTER FUNCTION journey_duration_seconds(journey) COST 50;                           -- 61.8
ALTER FUNCTION journey_time_at(journey, integer) COST 50;                           -- 63.6
ALTER FUNCTION journey_duration(journey) COST 50;                                   -- 69.8
ALTER FUNCTION journey_has_label(journey, text) COST 50;                            -- 70.1
ALTER FUNCTION journey_contains_sequence(journey, text[]) COST 100;                 -- 83.4
ALTER FUNCTION journey_stalled_since(journey, text, text, interval, timestamptz) COST 100;  -- 87.2
ALTER FUNCTION journey_slice(journey, tstzrange) COST 100;                          -- 93.0
ALTER FUNCTION journey_path(journey, text, boolean) COST 100;                       -- 99.9
ALTER FUNCTION journey_slice(journey, integer, integer) COST 100;                   -- 102.4
ALTER FUNCTION journey_session_count(journey, interval, text[], text, interval) COST 100;  -- 103.9
ALTER FUNCTION journey_head(journey, integer) COST 100;                             -- 107.1
ALTER FUNCTION journey_tail(journey, integer) COST 100;                             -- 107.4
ALTER FUNCTION journey_first_occurrences(journey) COST 100;                         -- 114.0
ALTER FUNCTION journey_collapse(journey) COST 100;                                  -- 121.9
ALTER FUNCTION journey_labels(journey) COST 250;                                    -- 159.9
ALTER FUNCTION journey_until(journey, text, boolean) COST 250;                      -- 166.8
ALTER FUNCTION funnel_timestamps(journey, text[], interval, interval, text[], text[]) COST 250;  -- 174.1
ALTER FUNCTION journey_drop(journey, text[]) COST 250;                              -- 217.7
ALTER FUNCTION journey_dedup(journey) COST 250;                                     -- 222.4
ALTER FUNCTION funnel_level(journey, text[], interval, interval, text[], text[]) COST 250;  -- 271.3
ALTER FUNCTION journey_map(journey, text[], text[]) COST 250;                       -- 329.8
ALTER FUNCTION journey_append(journey, timestamptz, text) COST 500;                 -- 406.9
ALTER FUNCTION journey_append(journey, timestamptz, text, float8) COST 500;         -- as the other
ALTER FUNCTION pattern_count(journey, text, text[], interval) COST 500;             -- 504.0
ALTER FUNCTION journey_attribution(journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval, boolean, boolean) COST 1000;  -- 741.6 position_based, 745.3 linear
ALTER FUNCTION journey_sessions(journey, interval, text[], text, interval) COST 1000;  -- 883.8, 1190.5 split at midnight
ALTER FUNCTION pattern_match(journey, text, text[], interval) COST 1000;            -- 896.2
ALTER FUNCTION pattern_positions(journey, text, text[], interval) COST 1000;        -- 924.7
ALTER FUNCTION journey_unnest(journey) COST 1000;                                   -- 1102.5
ALTER FUNCTION journey_merge(journey, journey) COST 1000;                           -- 1123.2
ALTER FUNCTION markov_conversion_probability(markov_counts, journey) COST 10000;    -- 9372.4 (a model of order 2)
ALTER FUNCTION markov_next_best(markov_counts, journey, text[]) COST 10000;         -- 10860.9 (3 candidates)
