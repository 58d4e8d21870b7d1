-- Parallel aggregation: a Partial Aggregate really runs in workers, and the
-- result equals the serial one, for journey_agg and journey_rollup.

CREATE TABLE pev (customer int, ts timestamptz, label text, value float8);
INSERT INTO pev
SELECT i % 400,
	   '2024-01-01 00:00:00+00'::timestamptz + (i * 7919 % 100000) * interval '1 second',
	   (ARRAY['search', 'email', 'social', 'direct', 'purchase'])[1 + i * 31 % 5],
	   CASE WHEN i % 7 = 0 THEN i % 100 END
FROM generate_series(1, 40000) i;
ANALYZE pev;

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

SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_grouped AS SELECT customer, journey_agg(ts, label, value) AS j FROM pev GROUP BY customer;
CREATE TABLE serial_one AS SELECT journey_agg(ts, label, value) AS j FROM pev;
CREATE TABLE serial_rollup AS SELECT customer % 10 AS k, journey_rollup(j) AS j FROM serial_grouped GROUP BY 1;
CREATE TABLE serial_paths AS SELECT transition_counts(j) AS c FROM serial_grouped;
CREATE TABLE serial_graph AS SELECT identity_links('c' || customer, label || (value::int % 40)) AS g FROM pev;

CREATE TABLE serial_more AS
SELECT (SELECT window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase') FROM pev) AS wf,
	   (SELECT funnel_counts(j, '{search,email,purchase}', '1 day')::text FROM serial_grouped) AS fc,
	   (SELECT retention(label = 'search', label = 'purchase')::text FROM pev) AS rt,
	   (SELECT health_counts(j)::text FROM serial_grouped) AS hc,
	   (SELECT path_counts_approx(j, 64)::text FROM serial_grouped) AS pa,
	   (SELECT markov_counts(j, '{purchase}', 2)::text FROM serial_grouped) AS mc,
	   (SELECT retention_counts(j, '1 day')::text FROM serial_grouped) AS rc,
	   (SELECT credit_bootstrap(customer, label, coalesce(value, 0))::text FROM pev) AS cb;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape('SELECT customer, journey_agg(ts, label, value) FROM pev GROUP BY customer');
SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape('SELECT journey_agg(ts, label, value) FROM pev');
SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape('SELECT customer % 10, journey_rollup(j) FROM serial_grouped GROUP BY 1');

SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape($$SELECT identity_links('c' || customer, label || (value::int % 40)) FROM pev$$);

-- Same results as the serial plan, group by group.
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE s.j IS DISTINCT FROM p.j) AS different
FROM serial_grouped s
FULL JOIN (SELECT customer, journey_agg(ts, label, value) AS j FROM pev GROUP BY customer) p USING (customer);
SELECT s.j = p.j AS same, journey_length(p.j)
FROM serial_one s, (SELECT journey_agg(ts, label, value) AS j FROM pev) p;
SELECT count(*) AS groups,
	   count(*) FILTER (WHERE s.j IS DISTINCT FROM p.j) AS different
FROM serial_rollup s
FULL JOIN (SELECT customer % 10 AS k, journey_rollup(j) AS j FROM serial_grouped GROUP BY 1) p USING (k);

SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape('SELECT transition_counts(j) FROM serial_grouped');
SELECT s.c::text = p.c::text AS same_transitions
FROM serial_paths s, (SELECT transition_counts(j) AS c FROM serial_grouped) p;
SELECT (SELECT c FROM serial_paths)::text = path_counts_rollup(part::text::path_counts)::text AS same_after_text_shipping
FROM (SELECT customer % 3 AS shard, transition_counts(j) AS part FROM serial_grouped GROUP BY 1) parts;

SELECT s.g::text = p.g::text AS same_graph
FROM serial_graph s, (SELECT identity_links('c' || customer, label || (value::int % 40)) AS g FROM pev) p;

-- Every other aggregate, parallel against serial.
SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape($$SELECT window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase') FROM pev$$);
SELECT wf = (SELECT window_funnel('1 day', ts, label = 'search', label = 'email', label = 'purchase') FROM pev) AS window_funnel,
	   fc = (SELECT funnel_counts(j, '{search,email,purchase}', '1 day')::text FROM serial_grouped) AS funnel_counts,
	   rt = (SELECT retention(label = 'search', label = 'purchase')::text FROM pev) AS retention,
	   hc = (SELECT health_counts(j)::text FROM serial_grouped) AS health_counts,
	   pa = (SELECT path_counts_approx(j, 64)::text FROM serial_grouped) AS path_counts_approx,
	   mc = (SELECT markov_counts(j, '{purchase}', 2)::text FROM serial_grouped) AS markov_counts,
	   rc = (SELECT retention_counts(j, '1 day')::text FROM serial_grouped) AS retention_counts,
	   cb = (SELECT credit_bootstrap(customer, label, coalesce(value, 0))::text FROM pev) AS credit_bootstrap
FROM serial_more;
SELECT workers > 0 AS workers_ran, partial_aggs > 0 AS partial_aggregate
FROM parallel_shape($$SELECT credit_bootstrap(customer, label, coalesce(value, 0)) FROM pev$$);

-- And the same as combining per-shard partial journeys shipped as text,
-- the way Citus moves partial aggregates between nodes.
SELECT count(*) FILTER (WHERE s.j IS DISTINCT FROM c.j) AS different
FROM serial_grouped s
JOIN (SELECT customer, journey_rollup(part::text::journey) AS j
	  FROM (SELECT customer, (extract(epoch FROM ts)::bigint / 3600) % 3 AS shard, journey_agg(ts, label, value) AS part
			FROM pev GROUP BY 1, 2) parts
	  GROUP BY customer) c USING (customer);

RESET ALL;
DROP TABLE pev, serial_grouped, serial_one, serial_rollup, serial_graph, serial_paths, serial_more;
DROP FUNCTION parallel_shape;
