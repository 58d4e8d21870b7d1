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

-- choose_order's figures for one model: fit it at each order and compare
CREATE FUNCTION markov_order_fit(markov_counts markov_counts)
	RETURNS TABLE ("order" integer, channels integer, paths bigint, possible_states float8, states bigint,
		auc float8, penalized_auc float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION markov_order_fit(markov_counts) IS 'ChannelAttribution''s choose_order figures for a model: the exact AUC of scoring each path by its last state''s conversion share, and its penalty for the order''s possible states';

-- retention(c1, ..., cn) for 2 to 8 conditions: the VARIADIC form's result
-- without the array PostgreSQL builds for every row of it, and with the
-- conditions met (and their count) as the bits of an integer state (a
-- call with 2 to 8 conditions now resolves to these)
CREATE FUNCTION retention_bits_combine(integer, integer) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION retention_bits_final(integer) RETURNS integer[]
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_combine(integer, integer) IS 'combine function of retention of 2 to 8 conditions';
COMMENT ON FUNCTION retention_bits_final(integer) IS 'final function of retention of 2 to 8 conditions';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean) IS 'transition function of retention of 2 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean) IS 'ClickHouse retention of 2 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean) IS 'transition function of retention of 3 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean) IS 'ClickHouse retention of 3 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean) IS 'transition function of retention of 4 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean, c4 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean, boolean) IS 'ClickHouse retention of 4 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean) IS 'transition function of retention of 5 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse retention of 5 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of retention of 6 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse retention of 6 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of retention of 7 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse retention of 7 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';
CREATE FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS integer
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION retention_bits_transfn(integer, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of retention of 8 conditions';
CREATE AGGREGATE retention(c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean, c8 boolean) (SFUNC = retention_bits_transfn, STYPE = integer,
	FINALFUNC = retention_bits_final, COMBINEFUNC = retention_bits_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE retention(boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse retention of 8 conditions: r[1] = condition 1 met, r[i] = conditions 1 and i met, as 0/1';

-- Retention as product teams measure it: cohorts by a start event, returns
-- by a return event, lifecycle and stickiness, in calendar periods of a
-- named time zone (src/activity.c).
CREATE TYPE activity_counts;
CREATE FUNCTION activity_counts_in(cstring) RETURNS activity_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_counts_out(activity_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_counts_recv(internal) RETURNS activity_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION activity_counts_send(activity_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE activity_counts (INPUT = activity_counts_in, OUTPUT = activity_counts_out, RECEIVE = activity_counts_recv, SEND = activity_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION activity_counts(path_counts path_counts) RETURNS activity_counts
	AS 'MODULE_PATHNAME', 'activity_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS activity_counts) WITH FUNCTION activity_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION activity_counts_combine(activity_counts, activity_counts) RETURNS activity_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION activity_counts_final(activity_counts) RETURNS activity_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE activity_counts_rollup(activity_counts activity_counts) (SFUNC = activity_counts_combine, STYPE = activity_counts,
	FINALFUNC = activity_counts_final, COMBINEFUNC = activity_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE activity_counts IS 'activity per calendar period: cohorts by a start event and their returns, lifecycle and active days';
COMMENT ON FUNCTION activity_counts_in(cstring) IS 'text input of activity_counts';
COMMENT ON FUNCTION activity_counts_out(activity_counts) IS 'text output of activity_counts';
COMMENT ON FUNCTION activity_counts_recv(internal) IS 'binary input of activity_counts';
COMMENT ON FUNCTION activity_counts_send(activity_counts) IS 'binary output of activity_counts';
COMMENT ON FUNCTION activity_counts(path_counts) IS 'a path_counts value of this kind as activity_counts; other kinds are refused';
COMMENT ON FUNCTION activity_counts_combine(activity_counts, activity_counts) IS 'combine function of the activity_counts aggregate; transition function of activity_counts_rollup';
COMMENT ON FUNCTION activity_counts_final(activity_counts) IS 'final function of the activity_counts aggregate';
COMMENT ON AGGREGATE activity_counts_rollup(activity_counts) IS 'activity_counts values built with the same arguments added together';
CREATE FUNCTION activity_counts_transfn(activity_counts, journey, text, text, text, text) RETURNS activity_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION activity_counts_transfn(activity_counts, journey, text, text, text, text) IS 'transition function of activity_counts';
CREATE AGGREGATE activity_counts(j journey, start_event text, return_event text, period text, time_zone text) (SFUNC = activity_counts_transfn, STYPE = activity_counts,
	FINALFUNC = activity_counts_final, COMBINEFUNC = activity_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE activity_counts(journey, text, text, text, text) IS 'activity per calendar period (day, week from Monday, month) in a time zone: cohorts by the first start event, returns, lifecycle and active days';

CREATE FUNCTION activity_retention(activity_counts activity_counts, unbounded boolean DEFAULT false, dense boolean DEFAULT true)
	RETURNS TABLE (cohort timestamptz, cohort_label text, cohort_journeys bigint, period integer, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION activity_retention(activity_counts, boolean, boolean) IS 'per cohort of the first start event and period offset: journeys with a return event in that period (or, unbounded, in it or later) and their share of the cohort';
CREATE FUNCTION activity_lifecycle(activity_counts activity_counts)
	RETURNS TABLE (period timestamptz, period_label text, new_journeys bigint, returning_journeys bigint,
		resurrecting_journeys bigint, dormant_journeys bigint)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION activity_lifecycle(activity_counts) IS 'per period: journeys new, returning, resurrecting (active again after a gap) and dormant (active the period before, not in this one)';
CREATE FUNCTION activity_stickiness(activity_counts activity_counts)
	RETURNS TABLE (period timestamptz, period_label text, days integer, journeys bigint, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 100;
COMMENT ON FUNCTION activity_stickiness(activity_counts) IS 'per period and k from 1 to its days: journeys active on exactly k days of it, and their share of those active in it';

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
