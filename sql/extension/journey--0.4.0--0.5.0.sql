/* journey 0.4.0 to 0.5.0: analyses built on the typed summaries.

   Adds summaries, and modes of the funnel functions, that nothing stored
   before this version uses: every value stored under 0.4.0 keeps its
   meaning, and no object of 0.4.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.5.0'" to load this file. \quit

-- strict_once, a mode of window_funnel, funnel_level and funnel_counts
-- (bit 32 of a stored funnel definition)
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean[]) IS 'ClickHouse windowFunnel with modes (strict_deduplication, strict_order, strict_increase, allow_reentry, strict_once)';

-- funnel_trend_counts: a funnel's conversion per entry period, from one
-- summary (kind 15)
CREATE TYPE funnel_trend_counts;
CREATE FUNCTION funnel_trend_counts_in(cstring) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_trend_counts_out(funnel_trend_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_trend_counts_recv(internal) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION funnel_trend_counts_send(funnel_trend_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE funnel_trend_counts (INPUT = funnel_trend_counts_in, OUTPUT = funnel_trend_counts_out,
	RECEIVE = funnel_trend_counts_recv, SEND = funnel_trend_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION funnel_trend_counts(path_counts path_counts) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME', 'funnel_trend_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS funnel_trend_counts) WITH FUNCTION funnel_trend_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION funnel_trend_counts_combine(funnel_trend_counts, funnel_trend_counts) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION funnel_trend_counts_final(funnel_trend_counts) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE funnel_trend_counts_rollup(funnel_trend_counts funnel_trend_counts) (SFUNC = funnel_trend_counts_combine,
	STYPE = funnel_trend_counts, FINALFUNC = funnel_trend_counts_final, COMBINEFUNC = funnel_trend_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE funnel_trend_counts IS 'funnel trend counts: the level each journey reached, by the period of its step-1 match';
COMMENT ON FUNCTION funnel_trend_counts_in(cstring) IS 'text input of funnel_trend_counts';
COMMENT ON FUNCTION funnel_trend_counts_out(funnel_trend_counts) IS 'text output of funnel_trend_counts';
COMMENT ON FUNCTION funnel_trend_counts_recv(internal) IS 'binary input of funnel_trend_counts';
COMMENT ON FUNCTION funnel_trend_counts_send(funnel_trend_counts) IS 'binary output of funnel_trend_counts';
COMMENT ON FUNCTION funnel_trend_counts(path_counts) IS 'a path_counts value of this kind as funnel_trend_counts; other kinds are refused';
COMMENT ON FUNCTION funnel_trend_counts_combine(funnel_trend_counts, funnel_trend_counts) IS 'combine function of the funnel_trend_counts aggregates; transition function of funnel_trend_counts_rollup';
COMMENT ON FUNCTION funnel_trend_counts_final(funnel_trend_counts) IS 'final function of the funnel_trend_counts aggregates';
COMMENT ON AGGREGATE funnel_trend_counts_rollup(funnel_trend_counts) IS 'funnel_trend_counts values built with the same arguments added together';
CREATE FUNCTION funnel_trend_counts_transfn(funnel_trend_counts, journey, text[], interval, text) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_trend_counts_transfn(funnel_trend_counts, journey, text[], interval, text) IS 'transition function of funnel_trend_counts';
CREATE FUNCTION funnel_trend_counts_transfn(funnel_trend_counts, journey, text[], interval, text, interval, text[], text[]) RETURNS funnel_trend_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION funnel_trend_counts_transfn(funnel_trend_counts, journey, text[], interval, text, interval, text[], text[]) IS 'transition function of funnel_trend_counts';
CREATE AGGREGATE funnel_trend_counts(j journey, steps text[], within interval, period text) (SFUNC = funnel_trend_counts_transfn,
	STYPE = funnel_trend_counts, FINALFUNC = funnel_trend_counts_final, COMBINEFUNC = funnel_trend_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE funnel_trend_counts(journey, text[], interval, text) IS 'funnel trend counts: levels reached by entry period (day, week from Monday, month, or an interval)';
CREATE AGGREGATE funnel_trend_counts(j journey, steps text[], within interval, period text, max_gap interval, exclude text[], mode text[])
	(SFUNC = funnel_trend_counts_transfn, STYPE = funnel_trend_counts,
	FINALFUNC = funnel_trend_counts_final, COMBINEFUNC = funnel_trend_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE funnel_trend_counts(journey, text[], interval, text, interval, text[], text[]) IS 'funnel trend counts with a maximum gap, exclusions and modes';
CREATE FUNCTION funnel_trends(funnel_trend_counts funnel_trend_counts)
	RETURNS TABLE (period_start timestamptz, period_label text, step integer, label text, journeys bigint, conversion float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION funnel_trends(funnel_trend_counts) IS 'per entry period (dense from the first to the last) and funnel step: journeys that entered then and reached the step, and their share of the period''s entrants';
