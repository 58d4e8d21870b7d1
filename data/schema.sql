-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Sample CRM / web-analytics tables for journey, filled by data/load.sh from
-- data/gen_crm.c.  Only the customers primary key is created here; callers
-- add whatever indexes their tests or benchmarks need.

SET client_min_messages = warning;

DROP TABLE IF EXISTS events;
DROP TABLE IF EXISTS customers;

CREATE TABLE customers (
	customer_id bigint PRIMARY KEY,
	signup_at	timestamptz NOT NULL,
	segment		text NOT NULL,
	country		text NOT NULL
);

-- value: revenue for purchase, satisfaction score 1..5 for support_ticket,
-- NULL for everything else
CREATE TABLE events (
	customer_id bigint NOT NULL,
	device_id	text NOT NULL,
	ts			timestamptz NOT NULL,
	channel		text NOT NULL,
	event		text NOT NULL,
	value		float8
);
