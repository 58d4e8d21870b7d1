-- The showcase: what journey answers on the sample CRM data set.
\pset footer off
\timing off

\echo
\echo '== 1. Build one journey per customer, three ways: event names and revenue, channels, channels with purchases =='
\timing on
\ir showcase-tables.sql
\timing off
SELECT count(*) AS customers, sum(journey_length(j)) AS touchpoints,
	   round(sum(pg_column_size(j))::numeric / sum(journey_length(j)), 2) AS bytes_per_touchpoint,
	   round(pg_total_relation_size('events')::numeric / (SELECT count(*) FROM events), 1) AS bytes_per_raw_event_row
FROM customer_journeys;

\echo
\echo '== 2. One customer''s journey: as a value, as a path, as rows =='
SELECT j FROM customer_journeys WHERE customer_id = (SELECT min(customer_id) FROM customer_journeys WHERE journey_length(j) BETWEEN 5 AND 8);
SELECT journey_path(j, ' > ', collapse_repeats => true) AS path FROM customer_journeys WHERE customer_id = (SELECT min(customer_id) FROM customer_journeys WHERE journey_length(j) BETWEEN 5 AND 8);
SELECT u.* FROM customer_journeys, journey_unnest(j) u WHERE customer_id = (SELECT min(customer_id) FROM customer_journeys WHERE journey_length(j) BETWEEN 5 AND 8);

\echo
\echo '== 3. The most common channel paths (consecutive repeats collapsed) =='
SELECT journey_path(j, ' > ', true) AS channel_path, count(*) AS customers,
	   round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
FROM channel_journeys GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10;

\echo
\echo '== 4. Who buys? Customers by touchpoints they passed through =='
SELECT j ? 'add_to_cart' AS added_to_cart, j ? 'support_ticket' AS contacted_support,
	   count(*) AS customers,
	   round(100.0 * count(*) FILTER (WHERE j ? 'purchase') / count(*), 1) AS pct_purchased
FROM customer_journeys GROUP BY 1, 2 ORDER BY 1, 2;

\echo
\echo '== 5. Journey length and duration by outcome =='
SELECT j ? 'purchase' AS purchased, count(*) AS customers,
	   percentile_disc(0.5) WITHIN GROUP (ORDER BY journey_length(j)) AS median_touchpoints,
	   justify_interval(percentile_disc(0.5) WITHIN GROUP (ORDER BY journey_duration(j))) AS median_duration
FROM customer_journeys GROUP BY 1 ORDER BY 1;

\echo
\echo '== 6. Buyers by first touchpoint, with revenue summed from the journey values =='
SELECT journey_first_label(j) AS first_touch, count(*) AS buyers,
	   round(sum((SELECT sum(value) FROM journey_unnest(j) WHERE label = 'purchase'))::numeric, 2) AS revenue
FROM customer_journeys WHERE j ? 'purchase' GROUP BY 1 ORDER BY 3 DESC;

\echo
\echo '== 7. Journeys in a time window: touchpoints in March 2024 =='
SELECT count(*) FILTER (WHERE journey_length(journey_slice(j, tstzrange('2024-03-01 00:00+00', '2024-04-01 00:00+00'))) > 0) AS customers_active_in_march,
	   sum(journey_length(journey_slice(j, tstzrange('2024-03-01 00:00+00', '2024-04-01 00:00+00')))) AS touchpoints_in_march
FROM customer_journeys;

\echo
\echo '== 8. Cross-device: per-device journeys rolled up equal the customer journey =='
WITH device_journeys AS (
	SELECT customer_id, device_id, journey_agg(ts, event, value) AS j FROM events GROUP BY 1, 2
)
SELECT count(*) AS customers,
	   count(*) FILTER (WHERE n_devices > 1) AS multi_device_customers,
	   count(*) FILTER (WHERE rolled = c.j) AS rollup_equals_customer_journey
FROM (SELECT customer_id, count(*) AS n_devices, journey_rollup(j) AS rolled FROM device_journeys GROUP BY 1) d
JOIN customer_journeys c USING (customer_id);

\echo
\echo '== 9. Sessions (30 minutes of inactivity, or a new e-mail/ad click): entry and exit points =='
SELECT s.entry_label, s.exit_label, count(*) AS sessions,
	   round(avg(s.touchpoints), 1) AS avg_touchpoints,
	   date_trunc('second', avg(s.duration)) AS avg_duration
FROM customer_journeys, journey_sessions(j, '30 minutes', '{email_open,ad_click}') s
GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 8;

\echo
\echo '== 10. The same sessions over raw events with a window function =='
SELECT count(*) AS events, count(DISTINCT (customer_id, session)) AS sessions,
	   (SELECT sum(journey_session_count(j, '30 minutes', '{email_open,ad_click}')) FROM customer_journeys) AS sessions_from_journeys
FROM (SELECT customer_id,
			 session_number(ts, '30 minutes', event, '{email_open,ad_click}') OVER (PARTITION BY customer_id ORDER BY ts, event COLLATE "C") AS session
	  FROM events) e;

\echo
\echo '== 11. Identity stitching: devices linked to CRM customers =='
WITH graph AS (SELECT identity_links(device_id, 'crm:' || customer_id) AS g FROM events)
SELECT count(*) AS identifiers,
	   count(DISTINCT person_id) AS persons,
	   (SELECT count(*) FROM identity_conflicts((SELECT g FROM graph), 'crm:')) AS shared_devices
FROM identity_resolve((SELECT g FROM graph), '{crm:}', 'crm:');

\echo
\echo '== 12. Top channel paths, with the rest in (other) =='
SELECT rank, path, journeys, round(share::numeric, 3) AS share
FROM top_paths((SELECT path_counts(j) FROM channel_journeys), 8);

\echo
\echo '== 13. Channel transitions (first-order Markov chain), from the start =='
SELECT from_label, to_label, transitions, round(probability::numeric, 3) AS probability
FROM transitions((SELECT transition_counts(j) FROM channel_journeys))
WHERE from_label = '(start)' ORDER BY transitions DESC;

\echo
\echo '== 14. What happens around add_to_cart (GA4-style path exploration) =='
SELECT step, label, journeys, round(share::numeric, 3) AS share
FROM path_steps((SELECT step_counts(j, 'add_to_cart', 2) FROM customer_journeys))
WHERE share >= 0.05 ORDER BY step, journeys DESC;

\echo
\echo '== 15. Sankey edges of the first three steps, rare nodes folded =='
SELECT depth, from_label, to_label, journeys
FROM flows((SELECT flow_counts(j, 3) FROM customer_journeys), 1000)
ORDER BY depth, journeys DESC LIMIT 12;

\echo
\echo '== 16. Purchase funnel within 7 days, exact over all chains =='
SELECT level,
	   (ARRAY['(none)', 'product_view', 'add_to_cart', 'checkout', 'purchase'])[level + 1] AS furthest_step,
	   count(*) AS customers,
	   sum(count(*)) OVER (ORDER BY level DESC) AS reached_at_least
FROM (SELECT funnel_level(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') AS level FROM customer_journeys) s
GROUP BY level ORDER BY level;

\echo
\echo '== 17. Time from cart to purchase (one consistent chain per customer) =='
SELECT count(*) AS buyers,
	   date_trunc('second', percentile_cont(0.5) WITHIN GROUP (ORDER BY t[2] - t[1])) AS median,
	   date_trunc('second', percentile_cont(0.9) WITHIN GROUP (ORDER BY t[2] - t[1])) AS p90
FROM (SELECT funnel_timestamps(j, '{add_to_cart,purchase}', '7 days') AS t FROM customer_journeys) s
WHERE cardinality(t) = 2;

\echo
\echo '== 18. Which channels deserve the credit? Heuristic models, revenue by channel =='
SELECT label AS channel,
	   round(sum(value_credit) FILTER (WHERE model = 'last_touch')::numeric) AS last_touch,
	   round(sum(value_credit) FILTER (WHERE model = 'first_touch')::numeric) AS first_touch,
	   round(sum(value_credit) FILTER (WHERE model = 'linear')::numeric) AS linear,
	   round(sum(value_credit) FILTER (WHERE model = 'position_based')::numeric) AS position_based,
	   round(sum(value_credit) FILTER (WHERE model = 'time_decay')::numeric) AS time_decay
FROM channel_purchase_journeys,
	 unnest('{last_touch,first_touch,linear,position_based,time_decay}'::text[]) model,
	 journey_attribution(j, model, '{purchase}')
GROUP BY label ORDER BY linear DESC;
\echo 'Linear revenue by channel with 95% bootstrap intervals over customers:'
SELECT label AS channel, round(credit::numeric) AS revenue, round(credit_low::numeric) AS low,
	   round(credit_high::numeric) AS high, round(share::numeric, 3) AS share
FROM credit_intervals((SELECT credit_bootstrap(customer_id, a.label, a.value_credit)
					   FROM channel_purchase_journeys, journey_attribution(j, 'linear', '{purchase}') a))
ORDER BY revenue DESC;

\echo
\echo '== 19. Markov chain attribution (order 2, exact removal effects) =='
SELECT label AS channel, round(removal_effect::numeric, 4) AS removal_effect, round(share::numeric, 4) AS share,
	   round(conversions::numeric, 1) AS conversions, round(value::numeric) AS revenue
FROM markov_attribution((SELECT markov_counts(j, '{purchase}', 2) FROM channel_purchase_journeys))
ORDER BY share DESC;

\echo
\echo '== 20. Touchpoint health: exits, satisfaction, time to the next step, drop-outs =='
SELECT label, journeys, round(exit_rate::numeric, 3) AS exit_rate, round(avg_value::numeric, 2) AS avg_value,
	   date_trunc('second', median_time_to_next) AS median_to_next, dropouts
FROM touchpoint_health((SELECT health_counts(j) FROM customer_journeys)) ORDER BY journeys DESC;

\echo
\echo '== 21. Funnel report: drop-off, conversion with 95% Wilson intervals, time to convert =='
SELECT step, label, entered, reached, round(conversion_from_previous::numeric, 3) AS conversion,
	   round(ci_low::numeric, 3) AS ci_low, round(ci_high::numeric, 3) AS ci_high,
	   date_trunc('second', median_time_from_start) AS median_from_start
FROM funnel_report((SELECT funnel_counts(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') FROM customer_journeys));

\echo
\echo '== 22. Does the funnel differ between consumer and enterprise customers? =='
SELECT step, label, round(conversion_a::numeric, 3) AS consumer, round(conversion_b::numeric, 3) AS enterprise,
	   round(p_value::numeric, 4) AS p_value
FROM funnel_compare(
	(SELECT funnel_counts(c.j, '{product_view,add_to_cart,checkout,purchase}', '7 days')
	 FROM customer_journeys c JOIN customers USING (customer_id) WHERE segment = 'consumer'),
	(SELECT funnel_counts(c.j, '{product_view,add_to_cart,checkout,purchase}', '7 days')
	 FROM customer_journeys c JOIN customers USING (customer_id) WHERE segment = 'enterprise'));

\echo
\echo '== 23. Abandoned carts as of 2025-01-01 (cart at least 4 hours old, no purchase since) =='
SELECT count(*) AS customers_to_contact
FROM customer_journeys
WHERE journey_stalled_since(j, 'add_to_cart', 'purchase', '4 hours', '2025-01-01 00:00:00+00') IS NOT NULL;

\echo
\echo '== 24. Monthly cohorts: share of customers active 1, 2 and 3 months after their first visit =='
SELECT to_char(cohort AT TIME ZONE 'UTC', 'YYYY-MM') AS cohort,
	   max(journeys) FILTER (WHERE period = 0) AS customers,
	   round(max(share) FILTER (WHERE period = 1)::numeric, 3) AS month_1,
	   round(max(share) FILTER (WHERE period = 2)::numeric, 3) AS month_2,
	   round(max(share) FILTER (WHERE period = 3)::numeric, 3) AS month_3
FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM customer_journeys))
GROUP BY cohort ORDER BY cohort LIMIT 6;

\echo
\echo '== 25. Shapley values of the channels (exact, worth = conversion rate of each channel set) =='
SELECT label AS channel, round(shapley_value::numeric, 4) AS shapley_value, round(share::numeric, 4) AS share,
	   round(conversions::numeric, 1) AS conversions, round(value::numeric) AS revenue
FROM shapley_attribution((SELECT shapley_counts(j, '{purchase}') FROM channel_purchase_journeys))
ORDER BY share DESC;

\echo
\echo '== 26. Make-or-break touchpoints: what goes with buying, and with not buying (Fisher or chi-square, BH-adjusted) =='
SELECT label, journeys, round(conversion_rate::numeric, 3) AS rate_with, round(conversion_rate_without::numeric, 3) AS rate_without,
	   round(odds_ratio::numeric, 2) AS odds_ratio, round(odds_ratio_low::numeric, 2) AS low, round(odds_ratio_high::numeric, 2) AS high,
	   to_char(p_value_adjusted, '9.9EEEE') AS p_adjusted, test, predicts
FROM conversion_drivers((SELECT driver_counts(j, '{purchase}') FROM customer_journeys));
\echo 'Among customers who added to cart, what comes before leaving without checking out:'
SELECT label, journeys, converted, to_char(p_value_adjusted, '9.9EEEE') AS p_adjusted, predicts
FROM conversion_drivers((SELECT driver_counts(j, 2, '{product_view,add_to_cart,checkout,purchase}', '7 days') FROM customer_journeys));

\echo
\echo '== 27. Product retention: cohorts by first product view, retained when they buy (months in Berlin), lifecycle and stickiness =='
SELECT cohort_label, max(cohort_journeys) AS customers,
	   round(max(share) FILTER (WHERE period = 0)::numeric, 3) AS month_0,
	   round(max(share) FILTER (WHERE period = 1)::numeric, 3) AS month_1,
	   round(max(share) FILTER (WHERE period = 2)::numeric, 3) AS month_2,
	   round(max(share) FILTER (WHERE period = 3)::numeric, 3) AS month_3
FROM activity_retention((SELECT activity_counts(j, 'product_view', 'purchase', 'month', 'Europe/Berlin') FROM customer_journeys))
WHERE cohort_label < '2024-07' GROUP BY 1 ORDER BY 1;
\echo 'The same cohorts, buying in month N or later (unbounded):'
SELECT cohort_label,
	   round(max(share) FILTER (WHERE period = 1)::numeric, 3) AS month_1_or_later,
	   round(max(share) FILTER (WHERE period = 3)::numeric, 3) AS month_3_or_later
FROM activity_retention((SELECT activity_counts(j, 'product_view', 'purchase', 'month', 'Europe/Berlin') FROM customer_journeys), unbounded => true)
WHERE cohort_label < '2024-07' GROUP BY 1 ORDER BY 1;
\echo 'Buyers per month: new, returning, resurrecting, dormant (PostHog lifecycle):'
SELECT period_label, new_journeys AS new, returning_journeys AS returning, resurrecting_journeys AS resurrecting,
	   -dormant_journeys AS dormant
FROM activity_lifecycle((SELECT activity_counts(j, 'product_view', 'purchase', 'month', 'Europe/Berlin') FROM customer_journeys))
WHERE period_label < '2024-07';
\echo 'Stickiness: visitors of June 2024 (New York) by the number of days they came:'
SELECT days, journeys, round(share::numeric, 3) AS share
FROM activity_stickiness((SELECT activity_counts(j, 'page_view', 'page_view', 'month', 'America/New_York') FROM customer_journeys))
WHERE period_label = '2024-06' AND journeys > 0;

\echo
\echo '== 28. Funnel trend: monthly conversion from a product view to a purchase, from one summary =='
SELECT period_label AS month,
	   max(journeys) FILTER (WHERE step = 1) AS entered,
	   round(max(conversion) FILTER (WHERE step = 2)::numeric, 3) AS to_cart,
	   round(max(conversion) FILTER (WHERE step = 3)::numeric, 3) AS to_purchase
FROM funnel_trends((SELECT funnel_trend_counts(j, '{product_view,add_to_cart,purchase}', '7 days', 'month')
					FROM customer_journeys))
GROUP BY period_start, period_label ORDER BY period_start LIMIT 12;

\echo
\echo '== 29. For ChannelAttribution users: its states (windows of the last k touches) next to ours, value removal effects, and choose_order =='
SELECT a.label AS channel, round(a.removal_effect::numeric, 3) AS collapsed_re, round(w.removal_effect::numeric, 3) AS windows_re,
	   round(w.share::numeric, 3) AS windows_share, round(v.value::numeric) AS revenue_by_value_re
FROM markov_attribution((SELECT markov_counts(j, '{purchase}', 2) FROM channel_purchase_journeys)) a
JOIN markov_attribution((SELECT markov_window_counts(j, '{purchase}', 2) FROM channel_purchase_journeys)) w USING (label)
JOIN markov_value_attribution((SELECT markov_window_counts(j, '{purchase}', 2) FROM channel_purchase_journeys)) v USING (label)
ORDER BY windows_share DESC;
\echo 'choose_order: the penalized AUC of each order (the highest wins):'
SELECT f."order", f.states, round(f.auc::numeric, 3) AS auc, round(f.penalized_auc::numeric, 3) AS penalized_auc
FROM generate_series(1, 5) k, markov_order_fit((SELECT markov_window_counts(j, '{purchase}', k) FROM channel_purchase_journeys)) f;

\echo
\echo '== 30. Funnel in any order (PostHog''s unordered funnel): customers completing k of a cart, a support ticket and a purchase within 7 days =='
SELECT a.step, a.label, a.reached AS any_order, o.reached AS in_that_order,
	   round(a.conversion_from_start::numeric, 3) AS any_order_share
FROM funnel_report((SELECT funnel_counts(j, '{add_to_cart,support_ticket,purchase}', '7 days', NULL, NULL, '{any_order}') FROM customer_journeys)) a
JOIN funnel_report((SELECT funnel_counts(j, '{add_to_cart,support_ticket,purchase}', '7 days') FROM customer_journeys)) o USING (step)
ORDER BY step;

\echo '== 31. Optional and open funnels: an email between view and purchase may be skipped; or enter at any step =='
SELECT 'optional email' AS funnel, step, label, entered, reached, dropped, round(conversion_from_previous::numeric, 3) AS conversion
FROM funnel_report((SELECT funnel_counts(j, '{product_view,email_open,purchase}', '7 days', NULL, NULL, '{optional=2}')
					FROM customer_journeys)) WHERE step > 0
UNION ALL
SELECT 'open', step, label, entered, reached, dropped, round(conversion_from_previous::numeric, 3)
FROM funnel_report((SELECT funnel_counts(j, '{email_click,add_to_cart,purchase}', '7 days', NULL, NULL, '{open}')
					FROM customer_journeys)) WHERE step > 0
ORDER BY 1 DESC, 2;
