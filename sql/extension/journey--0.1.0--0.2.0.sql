/* journey 0.1.0 to 0.2.0: bootstrap intervals for any per-row credit, and
   window_funnel states combined as event lists */

\echo Use "ALTER EXTENSION journey UPDATE TO '0.2.0'" to load this file. \quit

CREATE FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8, integer, bigint) RETURNS path_counts
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8) IS 'transition function of credit_bootstrap';
COMMENT ON FUNCTION credit_bootstrap_transfn(path_counts, anyelement, text, float8, integer, bigint) IS 'transition function of credit_bootstrap';

CREATE AGGREGATE credit_bootstrap(unit anyelement, label text, credit float8) (
	SFUNC = credit_bootstrap_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
CREATE AGGREGATE credit_bootstrap(unit anyelement, label text, credit float8, samples integer, seed bigint) (
	SFUNC = credit_bootstrap_transfn,
	STYPE = path_counts,
	FINALFUNC = path_counts_final,
	COMBINEFUNC = path_counts_combine,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE credit_bootstrap(anyelement, text, float8) IS 'credit per label with a seeded Poisson bootstrap over units (200 samples, seed 42), for credit_intervals';
COMMENT ON AGGREGATE credit_bootstrap(anyelement, text, float8, integer, bigint) IS 'credit per label with a seeded Poisson bootstrap over units, for credit_intervals';

CREATE FUNCTION credit_intervals(model path_counts, confidence float8 DEFAULT 0.95)
	RETURNS TABLE (label text, rows bigint, credit float8, credit_low float8, credit_high float8,
		share float8, share_low float8, share_high float8)
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 20;
COMMENT ON FUNCTION credit_intervals(path_counts, float8) IS 'per label: credit and share of all credit, with bootstrap percentile intervals';

-- window_funnel combines its states as lists of events (its own combine
-- function) rather than as journey builders; the aggregates stay the same
-- objects, so views using them survive the update.
CREATE FUNCTION window_funnel_combine(journey, journey) RETURNS journey
	AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION window_funnel_combine(journey, journey) IS 'combine function of window_funnel';
CREATE OR REPLACE AGGREGATE window_funnel("window" interval, ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn,
	STYPE = journey,
	FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine,
	PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE window_funnel("window" interval, modes text[], ts timestamptz, VARIADIC conditions boolean[]) (
	SFUNC = window_funnel_transfn,
	STYPE = journey,
	FINALFUNC = window_funnel_final,
	COMBINEFUNC = window_funnel_combine,
	PARALLEL = SAFE
);
