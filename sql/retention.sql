-- Retention: ClickHouse's retention aggregate and cohorts on journeys.
SET TimeZone = 'UTC';  -- for readable output; no result depends on it

-- r[1]: condition 1 met; r[i]: conditions 1 and i both met (any rows).
CREATE TABLE visits (customer int, ts timestamptz);
INSERT INTO visits VALUES
	(1, '2024-03-01 10:00+00'), (1, '2024-03-03 10:00+00'),
	(2, '2024-03-02 10:00+00'),
	(3, '2024-03-01 10:00+00'), (3, '2024-03-02 10:00+00'), (3, '2024-03-03 10:00+00');
SELECT customer, retention(ts < '2024-03-02', ts >= '2024-03-02' AND ts < '2024-03-03', ts >= '2024-03-03') AS r
FROM visits GROUP BY customer ORDER BY customer;
SELECT sum(r[1]) AS day1, sum(r[2]) AS day2, sum(r[3]) AS day3
FROM (SELECT retention(ts < '2024-03-02', ts >= '2024-03-02' AND ts < '2024-03-03', ts >= '2024-03-03') AS r
	  FROM visits GROUP BY customer) s;
SELECT retention(NULL, true) FROM visits;
SELECT retention(ts < '2024-03-02', CASE WHEN customer = 1 THEN true END) FROM visits;
SELECT retention(VARIADIC CASE WHEN customer = 1 THEN ARRAY[true] ELSE ARRAY[true, false] END) FROM visits;

-- Cohorts by first-touch month (calendar months in UTC) and by week (7-day
-- periods counted from 2000-01-01, a Saturday).
CREATE TABLE cj (j journey);
INSERT INTO cj VALUES
	('[2024-01-15 00:00:00+00 a, 2024-02-01 00:00:00+00 b, 2024-04-30 00:00:00+00 c]'),
	('[2024-01-31 23:00:00+00 a]'),
	('[2024-02-10 00:00:00+00 a, 2024-02-11 00:00:00+00 a]'),
	('[1999-12-31 00:00:00+00 z, 2000-01-01 00:00:00+00 z]'),
	('[]');
-- The grid is dense: every cohort has every period up to the latest one
-- in the data (April 2024 here), with journeys 0 where none was active;
-- zero cells are listed for the 2024 cohorts by month, and counted for
-- every cohort after the listings.
SELECT * FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM cj))
WHERE cohort > '2000-01-01' OR journeys > 0 ORDER BY 1, 2;
SELECT * FROM cohort_retention((SELECT retention_counts(j, '7 days') FROM cj))
WHERE journeys > 0 ORDER BY 1, 2;
SELECT * FROM cohort_retention((SELECT retention_counts(j, '3 months') FROM cj))
WHERE journeys > 0 ORDER BY 1, 2;
SELECT p.period AS width, c.cohort, count(*) AS cells, min(c.period), max(c.period),
	   count(*) FILTER (WHERE c.journeys = 0) AS zero_cells, sum(c.journeys) AS active_summed
FROM (VALUES (interval '1 month'), ('7 days'), ('3 months')) p(period),
	 cohort_retention((SELECT retention_counts(j, p.period) FROM cj)) c
GROUP BY 1, 2 ORDER BY 1, 2;
-- A triangle: cohorts of January, February and April; January's and
-- February's journeys come back two months later, none in between.
SELECT * FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM (VALUES
	('[2024-01-05 00:00:00+00 a, 2024-03-05 00:00:00+00 b]'::journey),
	('[2024-02-05 00:00:00+00 a, 2024-04-05 00:00:00+00 b]'),
	('[2024-02-06 00:00:00+00 a]'),
	('[2024-04-01 00:00:00+00 a]')) v(j)));
-- The grid has at most 10,000,000 cells: a cohort of 2000 and one of 2024
-- by the second would have 757 million.
SELECT count(*) FROM cohort_retention((SELECT retention_counts(j, '1 second') FROM (VALUES
	('[2000-01-01 00:00:00+00 a]'::journey), ('[2024-01-01 00:00:00+00 a]')) v(j)));
-- The first timestamptz (4714-11-24 BC) lies in a period that starts
-- before it: that cohort starts at the first timestamptz, and prints.
SELECT c.*, c.cohort::text AS printed
FROM cohort_retention((SELECT retention_counts('[4714-11-24 00:00:00+00 BC a, 4713-02-01 00:00:00+00 BC b]'::journey, '1 year'))) c;
SELECT c.*, c.cohort::text AS printed
FROM cohort_retention((SELECT retention_counts('[4714-11-24 00:00:00+00 BC a, 4714-11-25 00:00:00+00 BC b]'::journey, '1000 days'))) c;
SELECT c.*, c.cohort::text AS printed
FROM cohort_retention((SELECT retention_counts('[294276-12-31 23:59:59.999999+00 a]'::journey, '1 month'))) c;
SELECT retention_counts(j, '1 month 2 days') FROM cj;
SELECT retention_counts(j, '1.5 seconds') FROM cj;

DROP TABLE visits, cj;
