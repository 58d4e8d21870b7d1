-- The purchase funnel within 7 days, with funnel_report's base row
-- (step 0, '(all journeys)') so that the bars start at every customer.
SELECT step, label, entered, reached, dropped, drop_rate,
       conversion_from_previous, conversion_from_start, ci_low, ci_high,
       median_seconds_from_previous, p90_seconds_from_previous,
       median_seconds_from_start, p90_seconds_from_start
FROM funnel_report((SELECT funnel_counts(j, '{page_view,product_view,add_to_cart,checkout,purchase}', '7 days')
                    FROM customer_journeys))
ORDER BY step
