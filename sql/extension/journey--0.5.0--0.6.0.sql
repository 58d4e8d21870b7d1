/* journey 0.5.0 to 0.6.0: funnels in any order, with optional steps or
   open to entry at any step, and the speed work of issue 15.

   Adds objects and modes that nothing stored before this version uses:
   every value stored under 0.5.0 keeps its meaning, and no object of
   0.5.0 is dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.6.0'" to load this file. \quit

-- window_funnel(within, [mode,] ts, c1, ..., cn) for 2 to 8 conditions:
-- the VARIADIC form's result and state without the array PostgreSQL
-- builds for every row of it (a call with 2 to 8 conditions now resolves
-- to these)
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean) IS 'transition function of window_funnel of 2 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean) IS 'ClickHouse windowFunnel of 2 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean) IS 'transition function of window_funnel of 3 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 3 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel of 4 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 4 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel of 5 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 5 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel of 6 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 6 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel of 7 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 7 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_conditions_transfn(journey, interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel of 8 conditions';
CREATE AGGREGATE window_funnel(within interval, ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean, c8 boolean) (
	SFUNC = window_funnel_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel of 8 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean) IS 'transition function of window_funnel with modes of 2 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 2 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 3 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 3 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 4 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 4 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 5 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 5 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 6 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 6 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 7 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 7 conditions: the highest condition reached in order within the window';
CREATE FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_modes_conditions_transfn(journey, interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'transition function of window_funnel with modes of 8 conditions';
CREATE AGGREGATE window_funnel(within interval, mode text[], ts timestamptz, c1 boolean, c2 boolean, c3 boolean, c4 boolean, c5 boolean, c6 boolean, c7 boolean, c8 boolean) (
	SFUNC = window_funnel_modes_conditions_transfn, STYPE = journey, FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE window_funnel(interval, text[], timestamptz, boolean, boolean, boolean, boolean, boolean, boolean, boolean, boolean) IS 'ClickHouse windowFunnel with modes of 8 conditions: the highest condition reached in order within the window';
