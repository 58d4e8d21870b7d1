-- Monthly cohorts (the month of a customer's first touchpoint) and the share
-- of each cohort active in every later month: cohort_retention's dense
-- triangle, 0 where nobody came back.
SELECT cohort, cohort_label, period, journeys, share
FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM customer_journeys))
ORDER BY cohort, period
