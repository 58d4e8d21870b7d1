-- The README's queries over stored journeys: the plan's shape (Gather and
-- workers, or serial) and the best of 3 execution times, default settings.
-- bench/costs.sh runs it once with every COST reset to 1 (before) and once
-- as the extension declares them (after); :state names which.
SET jit = off;
CREATE TEMP TABLE queries (no int, name text, q text);
INSERT INTO queries VALUES
(1, 'funnel_level GROUP BY level', $$SELECT level, count(*) AS customers, sum(count(*)) OVER (ORDER BY level DESC) AS reached_at_least
FROM (SELECT funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') AS level FROM customer_journeys) s
GROUP BY level ORDER BY level$$),
(2, 'funnel_timestamps median', $$SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t[2] - t[1])
FROM (SELECT funnel_timestamps(j, '{add_to_cart,purchase}', '7 days') AS t FROM customer_journeys) s
WHERE cardinality(t) = 2$$),
(3, 'journey_attribution GROUP BY label', $$SELECT label AS channel, sum(credit) AS conversions, sum(value_credit) AS revenue
FROM channel_purchase_journeys, journey_attribution(j, 'position_based', '{purchase}')
GROUP BY label ORDER BY revenue DESC$$),
(4, 'journey_sessions GROUP BY entry, exit', $$SELECT s.entry_label, s.exit_label, count(*), avg(s.duration)
FROM customer_journeys, journey_sessions(j, split_at_midnight => 'Europe/Berlin') s
GROUP BY 1, 2 ORDER BY 3 DESC$$),
(5, 'journey_stalled_since WHERE', $$SELECT customer_id, journey_stalled_since(j, 'add_to_cart', 'purchase', '4 hours', now()) AS cart_since
FROM customer_journeys
WHERE journey_stalled_since(j, 'add_to_cart', 'purchase', '4 hours', now()) IS NOT NULL$$);

CREATE FUNCTION pg_temp.run(q text, OUT best_ms numeric, OUT workers text) LANGUAGE plpgsql AS $$
DECLARE t float8; plan json; b float8;
BEGIN
	FOR k IN 1..3 LOOP
		EXECUTE 'EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ' || q INTO plan;
		t := (plan->0->>'Execution Time')::float8;
		b := least(b, t);
	END LOOP;
	best_ms := round(b::numeric, 0);
	workers := coalesce((regexp_match(plan::text, '"Workers Planned": (\d+)'))[1] || ' planned, '
		|| (regexp_match(plan::text, '"Workers Launched": (\d+)'))[1] || ' launched', 'serial');
END $$;

CREATE FUNCTION pg_temp.plan(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
	FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP RETURN NEXT line; END LOOP;
END $$;

\echo :state
SELECT no, name, (pg_temp.run(q)).* FROM queries ORDER BY no;
SELECT no, pg_temp.plan(q) AS plan FROM queries ORDER BY no;
