-- The journey tables the showcase (scripts/showcase.sql) queries, and so do
-- the README's examples (test/readme.sh builds them the same way), from the
-- sample data of data/load.sh.

-- one journey per customer: event names, revenue on purchases and the
-- satisfaction score on support tickets as values
CREATE TABLE customer_journeys AS
SELECT customer_id, journey_agg(ts, event, value) AS j
FROM events GROUP BY customer_id;

-- the channel of every event, for path statistics over channels
CREATE TABLE channel_journeys AS
SELECT customer_id, journey_agg(ts, channel) AS j
FROM events GROUP BY customer_id;

-- channels, with each purchase (and its revenue) in place of its channel:
-- what attribution credits
CREATE TABLE channel_purchase_journeys AS
SELECT customer_id, journey_agg(ts, CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END, value) AS j
FROM events GROUP BY customer_id;
