-- Parallel aggregation, for every aggregate of the extension: a forced
-- parallel plan really runs a Partial Aggregate in workers and gives the
-- serial result.  Distributed aggregation runs on a real Citus cluster in
-- test/citus.sh.

CREATE TABLE pev (customer int, ts timestamptz, label text, value float8);
INSERT INTO pev
SELECT i % 400,
	   '2024-01-01 00:00:00+00'::timestamptz + (i * 7919 % 100000) * interval '1 second',
	   (ARRAY['search', 'email', 'social', 'direct', 'purchase'])[1 + i * 31 % 5],
	   CASE WHEN i % 7 = 0 THEN i % 100 END
FROM generate_series(1, 40000) i;
ANALYZE pev;
-- journeys per customer, graphs and path counts per slice: what the
-- rollups read
CREATE TABLE pjourneys AS SELECT customer, journey_agg(ts, label, value) AS j FROM pev GROUP BY customer;
CREATE TABLE pslices AS
SELECT customer, journey_agg(ts, label, value) AS j FROM pev GROUP BY customer, extract(hour FROM ts);
CREATE TABLE pgraphs AS
SELECT identity_links('c' || customer, label || (value::int % 40)) AS g FROM pev GROUP BY customer;
CREATE TABLE psummaries AS
SELECT customer % 16 AS part, path_counts(j) AS paths, transition_counts(j) AS transitions,
	   ngram_counts(j, 2) AS ngrams, step_counts(j, 'email', 2) AS steps, flow_counts(j, 3) AS flows,
	   funnel_counts(j, '{search,email,purchase}', '1 day') AS funnel,
	   retention_counts(j, '1 day') AS cohorts, health_counts(j) AS health,
	   path_counts_approx(j, 64) AS sketch, markov_counts(j, '{purchase}', 2) AS markov,
	   shapley_counts(j, '{purchase}') AS shapley,
	   credit_bootstrap(customer, journey_first_label(j), journey_length(j)) AS credits,
	   driver_counts(j, '{purchase}', true) AS drivers,
	   activity_counts(j, 'search', 'purchase', 'day', 'Europe/Paris') AS activity,
	   funnel_trend_counts(j, '{search,email,purchase}', '1 day', 'day') AS trends,
	   attribution_counts(j, 'linear', '{purchase}') AS attribution
FROM pjourneys GROUP BY 1;
ANALYZE pjourneys, pslices, pgraphs, psummaries;

-- Workers launched and partial aggregate nodes of a query, from its plan.
CREATE FUNCTION parallel_shape(query text, OUT workers int, OUT partial_aggs int)
LANGUAGE plpgsql AS $$
DECLARE
	line text;
BEGIN
	workers := 0;
	partial_aggs := 0;
	FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || query LOOP
		IF line ~ 'Partial (Hash|Group)?Aggregate' THEN
			partial_aggs := partial_aggs + 1;
		END IF;
		IF line ~ 'Workers Launched: \d+' THEN
			workers := workers + substring(line FROM 'Workers Launched: (\d+)')::int;
		END IF;
	END LOOP;
END $$;

-- One aggregate over src: serial, then forced parallel.
CREATE FUNCTION check_aggregate(src text, expr text,
								OUT parallel_partial boolean, OUT parallel_same boolean)
LANGUAGE plpgsql AS $$
DECLARE
	serial text;
	parallel text;
	shape record;
BEGIN
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	EXECUTE format('SELECT (%s)::text FROM %s', expr, src) INTO serial;
	PERFORM set_config('max_parallel_workers_per_gather', '2', true);
	PERFORM set_config('parallel_setup_cost', '0', true);
	PERFORM set_config('parallel_tuple_cost', '0', true);
	PERFORM set_config('min_parallel_table_scan_size', '0', true);
	PERFORM set_config('parallel_leader_participation', 'off', true);
	shape := parallel_shape(format('SELECT %s FROM %s', expr, src));
	parallel_partial := shape.workers > 0 AND shape.partial_aggs > 0;
	EXECUTE format('SELECT (%s)::text FROM %s', expr, src) INTO parallel;
	parallel_same := serial IS NOT NULL AND parallel = serial;
END $$;

CREATE TABLE cases (name text, src text, expr text);
INSERT INTO cases VALUES
	('journey_agg(ts, label)', 'pev', 'journey_agg(ts, label)'),
	('journey_agg(ts, label, value)', 'pev', 'journey_agg(ts, label, value)'),
	('journey_rollup', 'pslices', 'journey_rollup(j)'),
	('identity_links', 'pev', $$identity_links('c' || customer, label || (value::int % 40))$$),
	('identity_rollup', 'pgraphs', 'identity_rollup(g)'),
	('window_funnel', 'pev', $$window_funnel('1 day', ts, VARIADIC ARRAY[label = 'search', label = 'email', label = 'purchase'])$$),
	('window_funnel with modes', 'pev', $$window_funnel('1 day', '{strict_increase}', ts, VARIADIC ARRAY[label = 'search', label = 'email', label = 'purchase'])$$),
	('window_funnel(c1 .. c2)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email')$$),
	('window_funnel(c1 .. c2) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email')$$),
	('window_funnel(c1 .. c3)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase')$$),
	('window_funnel(c1 .. c3) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase')$$),
	('window_funnel(c1 .. c4)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase', label = 'social')$$),
	('window_funnel(c1 .. c4) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase', label = 'social')$$),
	('window_funnel(c1 .. c5)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50)$$),
	('window_funnel(c1 .. c5) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50)$$),
	('window_funnel(c1 .. c6)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL)$$),
	('window_funnel(c1 .. c6) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL)$$),
	('window_funnel(c1 .. c7)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0)$$),
	('window_funnel(c1 .. c7) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0)$$),
	('window_funnel(c1 .. c8)', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0, label = 'direct')$$),
	('window_funnel(c1 .. c8) with modes', 'pev', $$window_funnel('1 day', '{strict_order}', ts, label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0, label = 'direct')$$),
	('retention', 'pev', $$retention(VARIADIC ARRAY[label = 'search', label = 'email', label = 'purchase'])$$),
	('retention(c1, c2)', 'pev', $$retention(label = 'search', label = 'email')$$),
	('retention(c1, c2, c3)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase')$$),
	('retention(c1 .. c4)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase', label = 'social')$$),
	('retention(c1 .. c5)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50)$$),
	('retention(c1 .. c6)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL)$$),
	('retention(c1 .. c7)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0)$$),
	('retention(c1 .. c8)', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase', label = 'social', value > 50, value IS NULL, customer % 2 = 0, label = 'direct')$$),
	('path_counts(j)', 'pjourneys', 'path_counts(j)'),
	('path_counts(j, false)', 'pjourneys', 'path_counts(j, false)'),
	('transition_counts(j)', 'pjourneys', 'transition_counts(j)'),
	('transition_counts(j, false)', 'pjourneys', 'transition_counts(j, false)'),
	('ngram_counts(j, 2)', 'pjourneys', 'ngram_counts(j, 2)'),
	('ngram_counts(j, 3, false)', 'pjourneys', 'ngram_counts(j, 3, false)'),
	('step_counts(j, anchor, 2)', 'pjourneys', $$step_counts(j, 'email', 2)$$),
	('step_counts(j, anchor, 2, false)', 'pjourneys', $$step_counts(j, 'email', 2, false)$$),
	('flow_counts(j, 3)', 'pjourneys', 'flow_counts(j, 3)'),
	('flow_counts(j, 3, anchor)', 'pjourneys', $$flow_counts(j, 3, 'email')$$),
	('flow_counts(j, 3, anchor, true)', 'pjourneys', $$flow_counts(j, 3, 'purchase', true)$$),
	('funnel_counts(j, steps, within)', 'pjourneys', $$funnel_counts(j, '{search,email,purchase}', '1 day')$$),
	('funnel_counts(j, steps, within, gap, exclude, mode)', 'pjourneys',
	 $$funnel_counts(j, '{search,email,purchase}', '1 day', '6 hours', '{direct}', '{strict_increase}')$$),
	('funnel_trend_counts(j, steps, within, period)', 'pjourneys', $$funnel_trend_counts(j, '{search,email,purchase}', '1 day', 'day')$$),
	('funnel_trend_counts(j, steps, within, period, gap, exclude, mode)', 'pjourneys',
	 $$funnel_trend_counts(j, '{search,email,purchase}', '1 day', '6 hours', '6 hours', '{direct}', '{strict_order,strict_once}')$$),
	('funnel_counts open, optional', 'pjourneys',
	 $$funnel_counts(j, '{search,email,social,purchase}', '1 day', NULL, NULL, '{open,optional=3}')$$),
	('funnel_trend_counts open, optional', 'pjourneys',
	 $$funnel_trend_counts(j, '{search,email,social,purchase}', '1 day', 'day', NULL, NULL, '{open,optional=3}')$$),
	('retention_counts', 'pjourneys', $$retention_counts(j, '1 day')$$),
	('health_counts(j)', 'pjourneys', 'health_counts(j)'),
	('health_counts(j, timeout)', 'pjourneys', $$health_counts(j, '2 hours')$$),
	('path_counts_approx(j, 64)', 'pjourneys', 'path_counts_approx(j, 64)'),
	('path_counts_approx(j, 64, false)', 'pjourneys', 'path_counts_approx(j, 64, false)'),
	('markov_counts(j, converted, value, 2)', 'pjourneys', $$markov_counts(j, j ? 'purchase', journey_length(j), 2)$$),
	('markov_counts(j, conversions, 2)', 'pjourneys', $$markov_counts(j, '{purchase}', 2)$$),
	('markov_window_counts(j, conversions, 2)', 'pjourneys', $$markov_window_counts(j, '{purchase}', 2)$$),
	('markov_window_counts(j, converted, value, 2)', 'pjourneys', $$markov_window_counts(j, j ? 'purchase', journey_length(j), 2)$$),
	('markov_counts(path, conversions, nulls, value, 2)', 'pjourneys',
	 $$markov_counts(journey_labels(j), customer % 3, customer % 2, customer / 10.0, 2)$$),
	('markov_window_counts(path, conversions, nulls, value, 2)', 'pjourneys',
	 $$markov_window_counts(journey_labels(j), customer % 3, customer % 2, customer / 10.0, 2)$$),
	('shapley_counts(j, converted, value)', 'pjourneys', $$shapley_counts(j, j ? 'purchase', journey_length(j))$$),
	('shapley_counts(j, conversions)', 'pjourneys', $$shapley_counts(j, '{purchase}')$$),
	('driver_counts(j, conversions)', 'pjourneys', $$driver_counts(j, '{purchase}')$$),
	('driver_counts(j, conversions, pairs)', 'pjourneys', $$driver_counts(j, '{purchase}', true)$$),
	('outcome_driver_counts(j, converted)', 'pjourneys', $$outcome_driver_counts(j, customer % 3 = 0)$$),
	('outcome_driver_counts(j, converted, pairs)', 'pjourneys', $$outcome_driver_counts(j, customer % 3 = 0, true)$$),
	('driver_counts(j, step, steps, within)', 'pjourneys', $$driver_counts(j, 1, '{search,email,purchase}', '1 day')$$),
	('driver_counts(j, step, steps, within, gap, exclude, mode)', 'pjourneys',
	 $$driver_counts(j, 2, '{search,email,purchase}', '1 day', '6 hours', '{direct}', '{strict_increase}')$$),
	('driver_counts_rollup', 'psummaries', 'driver_counts_rollup(drivers)'),
	('activity_counts', 'pjourneys', $$activity_counts(j, 'search', 'purchase', 'week', 'America/New_York')$$),
	('activity_counts_rollup', 'psummaries', 'activity_counts_rollup(activity)'),
	('attribution_counts(j, model, conversions)', 'pjourneys', $$attribution_counts(j, 'linear', '{purchase}')$$),
	('attribution_counts(j, model, converted, value)', 'pjourneys',
	 $$attribution_counts(j, 'time_decay', j ? 'purchase', journey_length(j) / 3.0)$$),
	('attribution_counts(j, model, conversions, converted, value, lookback, since_previous, skip, weights, half_life)', 'pjourneys',
	 $$attribution_counts(j, 'position_based', '{purchase}', NULL, NULL, '6 hours', false, '{direct}', '{0.3,0.3,0.4}', '1 day')$$),
	('attribution_counts_rollup', 'psummaries', 'attribution_counts_rollup(attribution)'),
	('path_counts_rollup', 'psummaries', 'path_counts_rollup(paths)'),
	('transition_counts_rollup', 'psummaries', 'transition_counts_rollup(transitions)'),
	('ngram_counts_rollup', 'psummaries', 'ngram_counts_rollup(ngrams)'),
	('step_counts_rollup', 'psummaries', 'step_counts_rollup(steps)'),
	('flow_counts_rollup', 'psummaries', 'flow_counts_rollup(flows)'),
	('funnel_counts_rollup', 'psummaries', 'funnel_counts_rollup(funnel)'),
	('funnel_trend_counts_rollup', 'psummaries', 'funnel_trend_counts_rollup(trends)'),
	('retention_counts_rollup', 'psummaries', 'retention_counts_rollup(cohorts)'),
	('health_counts_rollup', 'psummaries', 'health_counts_rollup(health)'),
	('path_counts_approx_rollup', 'psummaries', 'path_counts_approx_rollup(sketch)'),
	('markov_counts_rollup', 'psummaries', 'markov_counts_rollup(markov)'),
	('shapley_counts_rollup', 'psummaries', 'shapley_counts_rollup(shapley)'),
	('credit_bootstrap_rollup', 'psummaries', 'credit_bootstrap_rollup(credits)'),
	('credit_bootstrap(integer, label, credit)', 'pev', 'credit_bootstrap(customer, label, coalesce(value, 0))'),
	('credit_bootstrap(integer, label, credit, samples, seed)', 'pev', 'credit_bootstrap(customer, label, coalesce(value, 0), 50, 7)'),
	('credit_bootstrap(bigint, label, credit)', 'pev', 'credit_bootstrap(customer::bigint, label, coalesce(value, 0))'),
	('credit_bootstrap(bigint, label, credit, samples, seed)', 'pev', 'credit_bootstrap(customer::bigint, label, coalesce(value, 0), 50, 7)'),
	('credit_bootstrap(smallint, label, credit)', 'pev', 'credit_bootstrap(customer::smallint, label, coalesce(value, 0))'),
	('credit_bootstrap(smallint, label, credit, samples, seed)', 'pev', 'credit_bootstrap(customer::smallint, label, coalesce(value, 0), 50, 7)'),
	('credit_bootstrap(text, label, credit)', 'pev', $$credit_bootstrap('c' || customer, label, coalesce(value, 0))$$),
	('credit_bootstrap(text, label, credit, samples, seed)', 'pev', $$credit_bootstrap('c' || customer, label, coalesce(value, 0), 50, 7)$$),
	('credit_bootstrap(uuid, label, credit)', 'pev', 'credit_bootstrap(md5(customer::text)::uuid, label, coalesce(value, 0))'),
	('credit_bootstrap(uuid, label, credit, samples, seed)', 'pev', 'credit_bootstrap(md5(customer::text)::uuid, label, coalesce(value, 0), 50, 7)'),
	('credit_bootstrap(anyelement, label, credit)', 'pev', 'credit_bootstrap(customer::numeric, label, coalesce(value, 0))'),
	('credit_bootstrap(anyelement, label, credit, samples, seed)', 'pev', 'credit_bootstrap(customer::numeric, label, coalesce(value, 0), 50, 7)');

-- Every aggregate of the extension is in the list (and some twice, with
-- other arguments).
SELECT count(*) AS aggregates,
	   (SELECT count(DISTINCT name) FROM cases WHERE name NOT LIKE '% open, optional') AS cases
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
WHERE p.prokind = 'a';

SELECT name, c.*
FROM cases, LATERAL check_aggregate(src, expr) c
ORDER BY name;

-- Rows arriving in another order give the same journeys, group by group.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape('SELECT customer, journey_agg(ts, label, value) FROM pev GROUP BY customer');
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE s.j IS DISTINCT FROM p.j) AS different
FROM pjourneys s
FULL JOIN (SELECT customer, journey_agg(ts, label, value) AS j FROM pev GROUP BY customer) p USING (customer);
RESET ALL;
DROP TABLE pev, pjourneys, pslices, pgraphs, psummaries, cases;
DROP FUNCTION parallel_shape, check_aggregate;
