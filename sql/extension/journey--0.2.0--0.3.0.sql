/* journey 0.2.0 to 0.3.0: credit_bootstrap for the usual unit types.
   Citus's worker_partial_agg refuses to push down an aggregate whose
   declared argument type is polymorphic, and calls transition functions
   without the call's expression, so credit_bootstrap(anyelement, ...)
   cannot run on Citus workers; these overloads can (smallint too, so that
   a smallint unit is not ambiguous).  A unit hashes the same through
   every overload (integer hashes of every width agree), so
   values built before read back the same. */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.3.0'" to load this file. \quit

CREATE FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, bigint, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, integer, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, smallint, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, text, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, uuid, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';

CREATE AGGREGATE credit_bootstrap(unit bigint, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit bigint, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit integer, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit integer, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit smallint, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit smallint, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit text, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit text, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit uuid, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
CREATE AGGREGATE credit_bootstrap(unit uuid, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn, STYPE = path_counts, FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine, PARALLEL = SAFE);
COMMENT ON AGGREGATE credit_bootstrap(bigint, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(bigint, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(integer, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(integer, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(smallint, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(smallint, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(text, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(text, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(uuid, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(uuid, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';
