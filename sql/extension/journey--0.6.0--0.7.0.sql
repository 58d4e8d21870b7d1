/* journey 0.6.0 to 0.7.0: heuristic attribution as a summary.

   Adds objects that nothing stored before this version uses: every value
   stored under 0.6.0 keeps its meaning, and no object of 0.6.0 is
   dropped. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.7.0'" to load this file. \quit

-- Heuristic attribution added up per label (src/attrcounts.c): what
-- journey_attribution credits, summed per channel in one aggregate, in
-- exact fixed point so that serial, parallel and Citus sums are equal.
CREATE TYPE attribution_counts;
CREATE FUNCTION attribution_counts_in(cstring) RETURNS attribution_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_counts_out(attribution_counts) RETURNS cstring
	AS 'MODULE_PATHNAME', 'path_counts_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_counts_recv(internal) RETURNS attribution_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION attribution_counts_send(attribution_counts) RETURNS bytea
	AS 'MODULE_PATHNAME', 'path_counts_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE attribution_counts (INPUT = attribution_counts_in, OUTPUT = attribution_counts_out, RECEIVE = attribution_counts_recv, SEND = attribution_counts_send,
	INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
CREATE FUNCTION attribution_counts(path_counts path_counts) RETURNS attribution_counts
	AS 'MODULE_PATHNAME', 'attribution_counts_from_path_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (path_counts AS attribution_counts) WITH FUNCTION attribution_counts(path_counts) AS ASSIGNMENT;
CREATE FUNCTION attribution_counts_combine(attribution_counts, attribution_counts) RETURNS attribution_counts
	AS 'MODULE_PATHNAME', 'path_counts_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_counts_final(attribution_counts) RETURNS attribution_counts
	AS 'MODULE_PATHNAME', 'path_counts_final' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE AGGREGATE attribution_counts_rollup(attribution_counts attribution_counts) (SFUNC = attribution_counts_combine, STYPE = attribution_counts,
	FINALFUNC = attribution_counts_final, COMBINEFUNC = attribution_counts_combine, PARALLEL = SAFE);
COMMENT ON TYPE attribution_counts IS 'heuristic attribution per label: conversions, credited touchpoints, credit and value credit in exact fixed point';
COMMENT ON FUNCTION attribution_counts_in(cstring) IS 'text input of attribution_counts';
COMMENT ON FUNCTION attribution_counts_out(attribution_counts) IS 'text output of attribution_counts';
COMMENT ON FUNCTION attribution_counts_recv(internal) IS 'binary input of attribution_counts';
COMMENT ON FUNCTION attribution_counts_send(attribution_counts) IS 'binary output of attribution_counts';
COMMENT ON FUNCTION attribution_counts(path_counts) IS 'a path_counts value of this kind as attribution_counts; other kinds are refused';
COMMENT ON FUNCTION attribution_counts_combine(attribution_counts, attribution_counts) IS 'combine function of the attribution_counts aggregates; transition function of attribution_counts_rollup';
COMMENT ON FUNCTION attribution_counts_final(attribution_counts) IS 'final function of the attribution_counts aggregates';
COMMENT ON AGGREGATE attribution_counts_rollup(attribution_counts) IS 'attribution_counts values built with the same arguments added together';
CREATE FUNCTION attribution_counts_transfn(attribution_counts, journey, text, text[]) RETURNS attribution_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_counts_transfn(attribution_counts, journey, text, boolean, float8) RETURNS attribution_counts
	AS 'MODULE_PATHNAME', 'attribution_counts_converted_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION attribution_counts_transfn(attribution_counts, journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval) RETURNS attribution_counts
	AS 'MODULE_PATHNAME', 'attribution_counts_full_transfn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION attribution_counts_transfn(attribution_counts, journey, text, text[]) IS 'transition function of attribution_counts';
COMMENT ON FUNCTION attribution_counts_transfn(attribution_counts, journey, text, boolean, float8) IS 'transition function of attribution_counts';
COMMENT ON FUNCTION attribution_counts_transfn(attribution_counts, journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval) IS 'transition function of attribution_counts';
CREATE AGGREGATE attribution_counts(j journey, model text, conversions text[]) (SFUNC = attribution_counts_transfn, STYPE = attribution_counts,
	FINALFUNC = attribution_counts_final, COMBINEFUNC = attribution_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE attribution_counts(j journey, model text, converted boolean, conversion_value float8) (SFUNC = attribution_counts_transfn, STYPE = attribution_counts,
	FINALFUNC = attribution_counts_final, COMBINEFUNC = attribution_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE attribution_counts(j journey, model text, conversions text[], converted boolean, conversion_value float8,
	lookback interval, since_previous boolean, skip_labels text[], position_weights float8[], half_life interval) (SFUNC = attribution_counts_transfn, STYPE = attribution_counts,
	FINALFUNC = attribution_counts_final, COMBINEFUNC = attribution_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE attribution_counts(journey, text, text[]) IS 'heuristic attribution of the conversions labelled in conversions, added up per label (journey_attribution''s defaults otherwise)';
COMMENT ON AGGREGATE attribution_counts(journey, text, boolean, float8) IS 'heuristic attribution of one conversion at the end of each converted journey, added up per label';
COMMENT ON AGGREGATE attribution_counts(journey, text, text[], boolean, float8, interval, boolean, text[], float8[], interval) IS 'heuristic attribution with every argument of journey_attribution, added up per label';

CREATE FUNCTION attribution_credits(attribution_counts attribution_counts)
	RETURNS TABLE (label text, conversions bigint, touchpoints bigint, credit float8, value_credit float8, share float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION attribution_credits(attribution_counts) IS 'per label: conversions that credited it, touchpoints credited, credit, value credit and share of all credit, credit descending';
