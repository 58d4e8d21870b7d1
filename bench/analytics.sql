-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- The tables the analytics sections of bench/measure.sh read, built once
-- per size (psql -v size=LABEL), after storage.sql:
--
--   bench_journey_event       journey_agg(ts, event, value) per customer
--                             (left by storage.sql): sessions
--   bench_journey_channel     journey_agg(ts, channel): paths, transitions
--   bench_journey_conversion  journey_agg(ts, channel, or 'purchase' for a
--                             purchase, value): attribution, Markov
--   bench_links               identity links: each device to its customer
--                             ('crm:' || customer_id), plus one extra link
--                             from every 25th device to a pseudo-random
--                             other device (a cookie seen with two logins),
--                             which joins customers into bigger clusters
--
-- How long building took goes to bench.builds (the report shows it: the
-- timed journey queries do not include it).  Every table is vacuumed and
-- frozen like events.

SET client_min_messages = warning;
-- as in storage.sql: building journeys group by group
SET enable_hashagg = off;
DROP TABLE IF EXISTS bench_journey_channel, bench_journey_conversion,
	bench_links;

INSERT INTO bench.builds
SELECT :'size', 1, 'journey_agg(ts, event, value) per customer (by storage.sql)',
	'bench_journey_event', count(*), NULL, NULL
FROM bench_journey_event;

SELECT clock_timestamp() AS t0 \gset
CREATE TABLE bench_journey_channel AS
	SELECT customer_id, journey_agg(ts, channel) AS j
	FROM events GROUP BY 1;
INSERT INTO bench.builds
SELECT :'size', 2, 'journey_agg(ts, channel) per customer',
	'bench_journey_channel',
	(SELECT count(*) FROM bench_journey_channel),
	extract(epoch FROM clock_timestamp() - :'t0') * 1000, NULL;

SELECT clock_timestamp() AS t0 \gset
CREATE TABLE bench_journey_conversion AS
	SELECT customer_id,
		journey_agg(ts, CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END,
			value) AS j
	FROM events GROUP BY 1;
INSERT INTO bench.builds
SELECT :'size', 3, 'journey_agg(ts, purchase or channel, value) per customer',
	'bench_journey_conversion',
	(SELECT count(*) FROM bench_journey_conversion),
	extract(epoch FROM clock_timestamp() - :'t0') * 1000, NULL;

-- Devices are numbered in a fixed order (bytewise, so the same on every
-- platform); device k with k % 25 = 7 also links to device
-- (k * 48271) % n + 1.
RESET enable_hashagg;
SELECT clock_timestamp() AS t0 \gset
CREATE TABLE bench_links AS
WITH d AS (
	SELECT customer_id, device_id,
		row_number() OVER (ORDER BY customer_id, device_id COLLATE "C") AS k
	FROM (SELECT DISTINCT customer_id, device_id FROM events) s
), n AS (SELECT count(*) AS n FROM d)
SELECT device_id AS a, 'crm:' || customer_id AS b FROM d
UNION ALL
SELECT d.device_id, o.device_id
FROM d, n, d o
WHERE d.k % 25 = 7 AND o.k = (d.k * 48271) % n.n + 1;
INSERT INTO bench.builds
SELECT :'size', 4, 'identity links: device -- crm:customer, every 25th device -- another device',
	'bench_links', (SELECT count(*) FROM bench_links),
	extract(epoch FROM clock_timestamp() - :'t0') * 1000, NULL;

VACUUM (FREEZE, ANALYZE) bench_journey_event, bench_journey_channel,
	bench_journey_conversion, bench_links;
UPDATE bench.builds SET bytes = pg_total_relation_size(tbl)
WHERE size = :'size';
CHECKPOINT;
