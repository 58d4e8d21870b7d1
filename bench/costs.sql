-- Per-call time of the functions that read a stored journey per row, next to
-- a cheap built-in (int4pl, COST 1 = cpu_operator_cost), on the sample data
-- (data/load.sh, scripts/showcase-tables.sql).  bench/costs.sh runs it.
-- Each query runs serially, best of :runs (bench/costs.sh: 5), under EXPLAIN (ANALYZE, TIMING OFF):
-- time per call = (query - the same scan without the call) / calls.
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET costs.runs = :runs;

CREATE TEMP TABLE ints AS SELECT i, i::text AS s FROM generate_series(1, 2000000) i;
VACUUM ANALYZE ints;

CREATE FUNCTION pg_temp.ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE best float8; t float8; plan json;
BEGIN
	FOR k IN 1..current_setting('costs.runs')::int LOOP
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || q INTO plan;
		t := (plan->0->>'Execution Time')::float8;
		best := least(best, t);
	END LOOP;
	RETURN best;
END $$;

CREATE TEMP TABLE probes (name text, tbl text, expr text, srf boolean DEFAULT false);
INSERT INTO probes (name, tbl, expr, srf) VALUES
('funnel_level', 'customer_journeys', $$funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days')$$, false),
('funnel_timestamps', 'customer_journeys', $$funnel_timestamps(j, '{add_to_cart,purchase}', '7 days')$$, false),
('journey_attribution', 'channel_purchase_journeys', $$journey_attribution(j, 'position_based', '{purchase}')$$, true),
('journey_attribution linear', 'channel_purchase_journeys', $$journey_attribution(j, 'linear', '{purchase}')$$, true),
('journey_sessions', 'customer_journeys', $$journey_sessions(j)$$, true),
('journey_sessions berlin', 'customer_journeys', $$journey_sessions(j, split_at_midnight => 'Europe/Berlin')$$, true),
('journey_session_count', 'customer_journeys', $$journey_session_count(j)$$, false),
('journey_unnest', 'customer_journeys', $$journey_unnest(j)$$, true),
('journey_path', 'channel_journeys', $$journey_path(j)$$, false),
('journey_length', 'customer_journeys', $$journey_length(j)$$, false),
('journey_labels', 'customer_journeys', $$journey_labels(j)$$, false),
('journey_label_at', 'customer_journeys', $$journey_label_at(j, 1)$$, false),
('journey_time_at', 'customer_journeys', $$journey_time_at(j, -1)$$, false),
('journey_value_at', 'customer_journeys', $$journey_value_at(j, 1)$$, false),
('journey_duration', 'customer_journeys', $$journey_duration(j)$$, false),
('journey_duration_seconds', 'customer_journeys', $$journey_duration_seconds(j)$$, false),
('journey_has_label', 'customer_journeys', $$journey_has_label(j, 'purchase')$$, false),
('journey_contains_sequence', 'customer_journeys', $$journey_contains_sequence(j, '{email_open,add_to_cart,purchase}')$$, false),
('pattern_match', 'customer_journeys', $$pattern_match(j, 'page_view (page_view|product_view){2,} add_to_cart')$$, false),
('pattern_count', 'customer_journeys', $$pattern_count(j, '(?1)(?t<=3600)(?2)', '{add_to_cart,purchase}')$$, false),
('pattern_positions', 'customer_journeys', $$pattern_positions(j, 'page_view (page_view|product_view){2,} add_to_cart')$$, false),
('journey_stalled_since', 'customer_journeys', $$journey_stalled_since(j, 'add_to_cart', 'purchase', '4 hours', '2025-01-01')$$, false),
('journey_slice', 'customer_journeys', $$journey_slice(j, 1, 3)$$, false),
('journey_slice range', 'customer_journeys', $$journey_slice(j, tstzrange('2024-03-01 00:00+00', '2024-04-01 00:00+00'))$$, false),
('journey_dedup', 'customer_journeys', $$journey_dedup(j)$$, false),
('journey_head', 'customer_journeys', $$journey_head(j, 3)$$, false),
('journey_tail', 'customer_journeys', $$journey_tail(j, 3)$$, false),
('journey_until', 'channel_purchase_journeys', $$journey_until(j, 'purchase')$$, false),
('journey_drop', 'channel_purchase_journeys', $$journey_drop(j, '{direct}')$$, false),
('journey_map', 'channel_journeys', $$journey_map(j, '{email,search}', '{owned,paid}')$$, false),
('journey_collapse', 'channel_journeys', $$journey_collapse(j)$$, false),
('journey_first_occurrences', 'channel_journeys', $$journey_first_occurrences(j)$$, false),
('journey_merge', 'customer_journeys', $$journey_merge(j, j)$$, false),
('journey_append', 'customer_journeys', $$journey_append(j, '2025-01-01', 'x')$$, false),
('markov_conversion_probability', 'channel_purchase_journeys', $$markov_conversion_probability(m, j)$$, false),
('markov_next_best', 'channel_purchase_journeys', $$markov_next_best(m, j, '{email,search,social}')$$, true);

CREATE TEMP TABLE model AS SELECT markov_counts(j, '{purchase}', 2) AS m FROM channel_purchase_journeys;

-- the built-in: 10 nested int4pl per row, minus the scan
SELECT (pg_temp.ms('SELECT count(int4pl(int4pl(int4pl(int4pl(int4pl(int4pl(int4pl(int4pl(int4pl(int4pl(i, 1), 1), 1), 1), 1), 1), 1), 1), 1), 1)) FROM ints')
		- pg_temp.ms('SELECT count(i) FROM ints')) * 1e6 / 2000000 / 10 AS builtin_ns \gset
SELECT (pg_temp.ms('SELECT count(textlen(s)) FROM ints') - pg_temp.ms('SELECT count(s) FROM ints')) * 1e6 / 2000000 AS textlen_ns \gset
\echo int4pl :builtin_ns ns per call, textlen :textlen_ns ns per call

CREATE TEMP TABLE results AS
SELECT name, srf, calls, rows_per_call, round(ns::numeric, 1) AS ns_per_call,
	   round((ns / :builtin_ns)::numeric, 1) AS ratio
FROM probes p,
	 LATERAL (SELECT count(*) AS calls FROM customer_journeys) c,
	 LATERAL (SELECT CASE WHEN p.srf THEN
			pg_temp.ms(format('SELECT count(*) FROM %s t, model, LATERAL %s', p.tbl, p.expr))
			- pg_temp.ms(format('SELECT count(*) FROM %s t, model', p.tbl))
		ELSE
			pg_temp.ms(format('SELECT count(%s) FROM %s t, model', p.expr, p.tbl))
			- pg_temp.ms(format('SELECT count(j) FROM %s t, model', p.tbl))
		END * 1e6 / c.calls AS ns) m,
	 LATERAL (SELECT NULL::numeric AS rows_per_call) r;
-- rows per call of the set-returning ones
DO $$
DECLARE r record; n bigint;
BEGIN
	FOR r IN SELECT * FROM probes WHERE srf LOOP
		EXECUTE format('SELECT count(*) FROM %s t, model, LATERAL %s', r.tbl, r.expr) INTO n;
		UPDATE results SET rows_per_call = round(n::numeric / calls, 1) WHERE name = r.name;
	END LOOP;
END $$;
SELECT * FROM results ORDER BY ratio DESC;
