-- The funnel_level query groups by an expression of j, so the planner takes
-- the number of groups from j's distinct values, one per journey: no partial
-- aggregation.  Statistics on the expression give it the real number.
SELECT pg_size_pretty(pg_relation_size('customer_journeys')) AS customer_journeys_heap,
	   pg_size_pretty(pg_table_size('customer_journeys')) AS with_toast,
	   current_setting('min_parallel_table_scan_size') AS min_parallel_table_scan_size;
EXPLAIN SELECT level, count(*) FROM (SELECT funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') AS level FROM customer_journeys) s GROUP BY level;
CREATE STATISTICS customer_journeys_level ON (funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days')) FROM customer_journeys;
ANALYZE customer_journeys;
EXPLAIN SELECT level, count(*) FROM (SELECT funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') AS level FROM customer_journeys) s GROUP BY level;
SELECT 'with expression statistics' AS state, no, name, (pg_temp.run(q)).* FROM queries WHERE no = 1;
DROP STATISTICS customer_journeys_level;
ANALYZE customer_journeys;
