-- Parallel and distributed aggregation, for every aggregate of the
-- extension: a forced parallel plan really runs a Partial Aggregate in
-- workers and gives the serial result, and so does what Citus does: the
-- state computed per shard, shipped through its text form, combined with
-- the aggregate's combine function and finished.

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
CREATE TABLE pcounts AS SELECT transition_counts(j) AS c FROM pjourneys GROUP BY customer;
ANALYZE pjourneys, pslices, pgraphs, pcounts;

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

-- The states of window_funnel and retention, which their final functions
-- hide: the same transition functions, without the final one.
CREATE AGGREGATE wf_state(interval, timestamptz, VARIADIC boolean[]) (SFUNC = window_funnel_transfn, STYPE = journey);
CREATE AGGREGATE wf_state(interval, text[], timestamptz, VARIADIC boolean[]) (SFUNC = window_funnel_transfn, STYPE = journey);
CREATE AGGREGATE wf_state_rollup(journey) (SFUNC = window_funnel_combine, STYPE = journey);
CREATE AGGREGATE retention_state(VARIADIC boolean[]) (SFUNC = retention_transfn, STYPE = boolean[]);
CREATE AGGREGATE retention_state_rollup(boolean[]) (SFUNC = retention_combine, STYPE = boolean[]);

-- One aggregate over src: serial, then forced parallel; and per shard of
-- src (3 shards), each state as text, combined by rollup (a template whose
-- %s is the shipped state) and compared with the serial answer.
CREATE FUNCTION check_aggregate(src text, expr text, state_expr text, rollup text,
								OUT parallel_partial boolean, OUT parallel_same boolean,
								OUT shards_same boolean)
LANGUAGE plpgsql AS $$
DECLARE
	serial text;
	parallel text;
	shards text;
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
	PERFORM set_config('max_parallel_workers_per_gather', '0', true);
	EXECUTE format('SELECT (%s)::text FROM (SELECT (%s)::text AS part FROM %s GROUP BY hashtext(ctid::text) %% 3) parts',
				   format(rollup, 'part'), coalesce(state_expr, expr), src) INTO shards;
	shards_same := shards = serial;
END $$;

CREATE TABLE cases (name text, src text, expr text, state_expr text, rollup text);
INSERT INTO cases VALUES
	('journey_agg(ts, label)', 'pev', 'journey_agg(ts, label)', NULL, 'journey_rollup(%s::journey)'),
	('journey_agg(ts, label, value)', 'pev', 'journey_agg(ts, label, value)', NULL, 'journey_rollup(%s::journey)'),
	('journey_rollup', 'pslices', 'journey_rollup(j)', NULL, 'journey_rollup(%s::journey)'),
	('identity_links', 'pev', $$identity_links('c' || customer, label || (value::int % 40))$$, NULL, 'identity_rollup(%s::identity_graph)'),
	('identity_rollup', 'pgraphs', 'identity_rollup(g)', NULL, 'identity_rollup(%s::identity_graph)'),
	('window_funnel', 'pev', $$window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase')$$,
	 $$wf_state('1 day', ts, label = 'search', label = 'email', label = 'purchase')$$, 'window_funnel_final(wf_state_rollup(%s::journey))'),
	('window_funnel with modes', 'pev', $$window_funnel('1 day', '{strict_increase}', ts, label = 'search', label = 'email', label = 'purchase')$$,
	 $$wf_state('1 day', '{strict_increase}', ts, label = 'search', label = 'email', label = 'purchase')$$, 'window_funnel_final(wf_state_rollup(%s::journey))'),
	('retention', 'pev', $$retention(label = 'search', label = 'email', label = 'purchase')$$,
	 $$retention_state(label = 'search', label = 'email', label = 'purchase')$$, 'retention_final(retention_state_rollup(%s::boolean[]))'),
	('path_counts(j)', 'pjourneys', 'path_counts(j)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('path_counts(j, false)', 'pjourneys', 'path_counts(j, false)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('transition_counts(j)', 'pjourneys', 'transition_counts(j)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('transition_counts(j, false)', 'pjourneys', 'transition_counts(j, false)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('ngram_counts(j, 2)', 'pjourneys', 'ngram_counts(j, 2)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('ngram_counts(j, 3, false)', 'pjourneys', 'ngram_counts(j, 3, false)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('step_counts(j, anchor, 2)', 'pjourneys', $$step_counts(j, 'email', 2)$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('step_counts(j, anchor, 2, false)', 'pjourneys', $$step_counts(j, 'email', 2, false)$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('flow_counts(j, 3)', 'pjourneys', 'flow_counts(j, 3)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('flow_counts(j, 3, anchor)', 'pjourneys', $$flow_counts(j, 3, 'email')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('flow_counts(j, 3, anchor, true)', 'pjourneys', $$flow_counts(j, 3, 'purchase', true)$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('funnel_counts(j, steps, within)', 'pjourneys', $$funnel_counts(j, '{search,email,purchase}', '1 day')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('funnel_counts(j, steps, within, gap, exclude, mode)', 'pjourneys',
	 $$funnel_counts(j, '{search,email,purchase}', '1 day', '6 hours', '{direct}', '{strict_increase}')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('retention_counts', 'pjourneys', $$retention_counts(j, '1 day')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('health_counts(j)', 'pjourneys', 'health_counts(j)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('health_counts(j, timeout)', 'pjourneys', $$health_counts(j, '2 hours')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('path_counts_approx(j, 64)', 'pjourneys', 'path_counts_approx(j, 64)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('path_counts_approx(j, 64, false)', 'pjourneys', 'path_counts_approx(j, 64, false)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('markov_counts(j, converted, value, 2)', 'pjourneys', $$markov_counts(j, j ? 'purchase', journey_length(j), 2)$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('markov_counts(j, conversions, 2)', 'pjourneys', $$markov_counts(j, '{purchase}', 2)$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('shapley_counts(j, converted, value)', 'pjourneys', $$shapley_counts(j, j ? 'purchase', journey_length(j))$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('shapley_counts(j, conversions)', 'pjourneys', $$shapley_counts(j, '{purchase}')$$, NULL, 'path_counts_rollup(%s::path_counts)'),
	('path_counts_rollup', 'pcounts', 'path_counts_rollup(c)', NULL, 'path_counts_rollup(%s::path_counts)'),
	('credit_bootstrap(unit, label, credit)', 'pev', 'credit_bootstrap(customer, label, coalesce(value, 0))', NULL, 'path_counts_rollup(%s::path_counts)'),
	('credit_bootstrap(unit, label, credit, samples, seed)', 'pev', 'credit_bootstrap(customer, label, coalesce(value, 0), 50, 7)', NULL, 'path_counts_rollup(%s::path_counts)');

-- Every aggregate of the extension is in the list.
SELECT count(*) AS aggregates,
	   (SELECT count(DISTINCT name) FROM cases) AS cases
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
WHERE p.prokind = 'a';

SELECT name, c.*
FROM cases, LATERAL check_aggregate(src, expr, state_expr, rollup) c
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
-- The same as combining per-shard partial journeys shipped as text.
SELECT count(*) FILTER (WHERE s.j IS DISTINCT FROM c.j) AS different
FROM pjourneys s
JOIN (SELECT customer, journey_rollup(part::text::journey) AS j
	  FROM (SELECT customer, (extract(epoch FROM ts)::bigint / 3600) % 3 AS shard, journey_agg(ts, label, value) AS part
			FROM pev GROUP BY 1, 2) parts
	  GROUP BY customer) c USING (customer);

DROP TABLE pev, pjourneys, pslices, pgraphs, pcounts, cases;
DROP FUNCTION parallel_shape, check_aggregate;
DROP AGGREGATE wf_state(interval, timestamptz, boolean[]), wf_state(interval, text[], timestamptz, boolean[]),
	wf_state_rollup(journey),
	retention_state(boolean[]), retention_state_rollup(boolean[]);
