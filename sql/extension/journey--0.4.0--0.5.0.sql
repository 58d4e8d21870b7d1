/* journey 0.4.0 to 0.5.0: analyses built on the typed summaries.

   Adds summaries, and modes of the funnel functions, that nothing stored
   before this version uses: every value stored under 0.4.0 keeps its
   meaning, and no object of 0.4.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.5.0'" to load this file. \quit

-- Conversion drivers: which labels (and ordered pairs) go with converting,
-- or with dropping off after a funnel step (src/drivers.c).  The flag form
-- has its own name: driver_counts(j, '{purchase}') would otherwise not know
-- whether its literal is an array or a boolean.
CREATE TYPE driver_counts;
CREATE FUNCTION driver_counts_in(cstring) RETURNS driver_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION driver_counts_out(driver_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION driver_counts_recv(internal) RETURNS driver_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION driver_counts_send(driver_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE driver_counts (INPUT = driver_counts_in, OUTPUT = driver_counts_out, RECEIVE = driver_counts_recv, SEND = driver_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION driver_counts(path_counts path_counts) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'driver_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS driver_counts) WITH FUNCTION driver_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION driver_counts_combine(driver_counts, driver_counts) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION driver_counts_final(driver_counts) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE driver_counts_rollup(driver_counts driver_counts) (SFUNC = driver_counts_combine, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE driver_counts IS 'conversion drivers: per label (and ordered pair), journeys with it and how many of them converted';
COMMENT ON FUNCTION driver_counts_in(cstring) IS 'text input of driver_counts';
COMMENT ON FUNCTION driver_counts_out(driver_counts) IS 'text output of driver_counts';
COMMENT ON FUNCTION driver_counts_recv(internal) IS 'binary input of driver_counts';
COMMENT ON FUNCTION driver_counts_send(driver_counts) IS 'binary output of driver_counts';
COMMENT ON FUNCTION driver_counts(path_counts) IS 'a path_counts value of this kind as driver_counts; other kinds are refused';
COMMENT ON FUNCTION driver_counts_combine(driver_counts, driver_counts) IS 'combine function of the driver_counts aggregates; transition function of driver_counts_rollup';
COMMENT ON FUNCTION driver_counts_final(driver_counts) IS 'final function of the driver_counts aggregates';
COMMENT ON AGGREGATE driver_counts_rollup(driver_counts) IS 'driver_counts values built with the same arguments added together';
CREATE FUNCTION driver_counts_transfn(driver_counts, journey, text[]) RETURNS driver_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION driver_counts_transfn(driver_counts, journey, text[], boolean) RETURNS driver_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION outcome_driver_counts_transfn(driver_counts, journey, boolean) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'outcome_driver_counts_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION outcome_driver_counts_transfn(driver_counts, journey, boolean, boolean) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'outcome_driver_counts_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION driver_counts_transfn(driver_counts, journey, integer, text[], interval) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'driver_counts_funnel_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION driver_counts_transfn(driver_counts, journey, integer, text[], interval, interval, text[], text[]) RETURNS driver_counts
	AS 'MODULE_PATHNAME', 'driver_counts_funnel_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION driver_counts_transfn(driver_counts, journey, text[]) IS 'transition function of driver_counts';
COMMENT ON FUNCTION driver_counts_transfn(driver_counts, journey, text[], boolean) IS 'transition function of driver_counts';
COMMENT ON FUNCTION outcome_driver_counts_transfn(driver_counts, journey, boolean) IS 'transition function of outcome_driver_counts';
COMMENT ON FUNCTION outcome_driver_counts_transfn(driver_counts, journey, boolean, boolean) IS 'transition function of outcome_driver_counts';
COMMENT ON FUNCTION driver_counts_transfn(driver_counts, journey, integer, text[], interval) IS 'transition function of driver_counts';
COMMENT ON FUNCTION driver_counts_transfn(driver_counts, journey, integer, text[], interval, interval, text[], text[]) IS 'transition function of driver_counts';
CREATE AGGREGATE driver_counts(j journey, conversions text[]) (SFUNC = driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE driver_counts(j journey, conversions text[], pairs boolean) (SFUNC = driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE outcome_driver_counts(j journey, converted boolean) (SFUNC = outcome_driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE outcome_driver_counts(j journey, converted boolean, pairs boolean) (SFUNC = outcome_driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE driver_counts(j journey, funnel_step integer, steps text[], within interval) (SFUNC = driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE driver_counts(j journey, funnel_step integer, steps text[], within interval, max_gap interval, exclude text[], mode text[]) (SFUNC = driver_counts_transfn, STYPE = driver_counts,
	FINALFUNC = driver_counts_final, COMBINEFUNC = driver_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE driver_counts(journey, text[]) IS 'conversion drivers: per label seen before the first conversion, journeys with it and converted';
COMMENT ON AGGREGATE driver_counts(journey, text[], boolean) IS 'conversion drivers, with ordered label pairs if pairs';
COMMENT ON AGGREGATE outcome_driver_counts(journey, boolean) IS 'conversion drivers of a converted flag per journey (NULL flags are skipped)';
COMMENT ON AGGREGATE outcome_driver_counts(journey, boolean, boolean) IS 'conversion drivers of a converted flag per journey, with ordered label pairs if pairs';
COMMENT ON AGGREGATE driver_counts(journey, integer, text[], interval) IS 'drop-off drivers of a funnel step: among journeys reaching it, labels seen before the next step';
COMMENT ON AGGREGATE driver_counts(journey, integer, text[], interval, interval, text[], text[]) IS 'drop-off drivers of a funnel step, with the funnel''s maximum gap, exclusions and modes';

CREATE FUNCTION conversion_drivers(driver_counts driver_counts, confidence float8 DEFAULT 0.95, min_journeys bigint DEFAULT 1)
	RETURNS TABLE (label text, then_label text, journeys bigint, converted bigint, conversion_rate float8,
		journeys_without bigint, converted_without bigint, conversion_rate_without float8, lift float8,
		odds_ratio float8, odds_ratio_low float8, odds_ratio_high float8,
		p_value float8, p_value_adjusted float8, test text, predicts text)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION conversion_drivers(driver_counts, float8, bigint) IS 'per label (and pair) with at least min_journeys journeys: conversion with and without it, lift, odds ratio with its interval, Fisher or chi-square p-value and its Benjamini-Hochberg adjustment, strongest first';

-- ChannelAttribution's conventions for Markov models (src/markov.c): its
-- states, windows of the last k touches (markov_window_counts), and its
-- pre-aggregated input, one row per distinct path; every model now keeps
-- each state's conversion value, for value removal effects
CREATE FUNCTION markov_window_counts_transfn(markov_counts, journey, text[], integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_window_counts_transfn(markov_counts, journey, boolean, float8, integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_counts_paths_transfn(markov_counts, text[], bigint, bigint, float8, integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION markov_window_counts_paths_transfn(markov_counts, text[], bigint, bigint, float8, integer) RETURNS markov_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION markov_window_counts_transfn(markov_counts, journey, text[], integer) IS 'transition function of markov_window_counts';
COMMENT ON FUNCTION markov_window_counts_transfn(markov_counts, journey, boolean, float8, integer) IS 'transition function of markov_window_counts';
COMMENT ON FUNCTION markov_counts_paths_transfn(markov_counts, text[], bigint, bigint, float8, integer) IS 'transition function of markov_counts over pre-aggregated paths';
COMMENT ON FUNCTION markov_window_counts_paths_transfn(markov_counts, text[], bigint, bigint, float8, integer) IS 'transition function of markov_window_counts over pre-aggregated paths';
CREATE AGGREGATE markov_window_counts(j journey, conversions text[], "order" integer) (SFUNC = markov_window_counts_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE markov_window_counts(j journey, converted boolean, conversion_value float8, "order" integer) (SFUNC = markov_window_counts_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE markov_counts(path text[], conversions bigint, nulls bigint, conversion_value float8, "order" integer) (SFUNC = markov_counts_paths_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE markov_window_counts(path text[], conversions bigint, nulls bigint, conversion_value float8, "order" integer) (SFUNC = markov_window_counts_paths_transfn, STYPE = markov_counts,
	FINALFUNC = markov_counts_final, COMBINEFUNC = markov_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE markov_window_counts(journey, text[], integer) IS 'Markov model with ChannelAttribution''s states: windows of the last k touches, repeats kept';
COMMENT ON AGGREGATE markov_window_counts(journey, boolean, float8, integer) IS 'Markov model with ChannelAttribution''s states, from converted flags and values';
COMMENT ON AGGREGATE markov_counts(text[], bigint, bigint, float8, integer) IS 'Markov model from pre-aggregated paths (ChannelAttribution''s path, total_conversions, total_null, total_conversion_value)';
COMMENT ON AGGREGATE markov_window_counts(text[], bigint, bigint, float8, integer) IS 'Markov model with ChannelAttribution''s states, from pre-aggregated paths';

CREATE FUNCTION markov_value_attribution(markov_counts markov_counts)
	RETURNS TABLE (label text, removal_effect float8, share float8, value float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION markov_value_attribution(markov_counts) IS 'value removal effects (each state''s conversions weighted by their value, ChannelAttribution''s total_conversion_value) and the value they credit to each channel';

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
