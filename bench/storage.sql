-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Storage cost per touchpoint, for bench/measure.sh (psql -v size=LABEL).
-- Stores one journey per customer, with event labels and with
-- 'channel:event' labels, plus the obvious alternative (three parallel
-- arrays) for scale, and compares them with the raw events rows.  Every
-- table is vacuumed like events was, so all carry the same map forks.

SET client_min_messages = warning;
-- The stored bytes do not depend on the plan, and building journeys
-- through a hash aggregate can be very slow (see the report's timings), so
-- build them group by group.
SET enable_hashagg = off;
DROP TABLE IF EXISTS bench_journey_event, bench_journey_channel_event,
	bench_arrays;

CREATE TABLE bench_journey_event AS
	SELECT customer_id, journey_agg(ts, event, value) AS j
	FROM events GROUP BY 1;
CREATE TABLE bench_journey_channel_event AS
	SELECT customer_id, journey_agg(ts, channel || ':' || event, value) AS j
	FROM events GROUP BY 1;
CREATE TABLE bench_arrays AS
	SELECT customer_id, array_agg(ts ORDER BY ts) AS ts,
		array_agg(event ORDER BY ts) AS events,
		array_agg(value ORDER BY ts) AS vals
	FROM events GROUP BY 1;
VACUUM (FREEZE, ANALYZE) bench_journey_event, bench_journey_channel_event,
	bench_arrays;

INSERT INTO bench.storage
SELECT :'size', 1, 'events rows (raw)', count(*), count(*), NULL,
	pg_total_relation_size('events')
FROM events;

INSERT INTO bench.storage
SELECT :'size', 2, 'journey, label = event', count(*), sum(journey_length(j)),
	sum(pg_column_size(j)), pg_total_relation_size('bench_journey_event')
FROM bench_journey_event;

INSERT INTO bench.storage
SELECT :'size', 3, 'journey, label = channel:event', count(*),
	sum(journey_length(j)), sum(pg_column_size(j)),
	pg_total_relation_size('bench_journey_channel_event')
FROM bench_journey_channel_event;

INSERT INTO bench.storage
SELECT :'size', 4, 'arrays ts[], event[], value[]', count(*),
	sum(cardinality(ts)),
	sum(pg_column_size(ts) + pg_column_size(events) + pg_column_size(vals)),
	pg_total_relation_size('bench_arrays')
FROM bench_arrays;

-- bench_journey_event stays: the analytics sections (analytics.sql) time
-- sessions on it.
DROP TABLE bench_journey_channel_event, bench_arrays;
