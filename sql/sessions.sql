-- Sessions (DESIGN.md S8): window functions over raw events and sessions
-- of stored journeys, at the boundaries and against plain SQL.
SET TimeZone = 'UTC';  -- for readable output; no result depends on it


-- A gap equal to the timeout stays in the session; one microsecond more
-- starts a new one.  NULL timestamps get NULL and do not count.
SELECT ts, session_number(ts) OVER w, session_start(ts) OVER w
FROM (VALUES ('2024-01-01 10:00:00+00'::timestamptz), ('2024-01-01 10:30:00+00'),
			 ('2024-01-01 11:00:00.000001+00'), (NULL), ('2024-01-01 11:30:00.000001+00')) v(ts)
WINDOW w AS (ORDER BY ts);

-- Per customer, with a campaign label that always starts a session.
SELECT customer, ts, label,
	   session_number(ts, '30 minutes', label, '{email_click}') OVER w AS with_campaign,
	   session_number(ts) OVER w AS plain
FROM (VALUES (1, '2024-01-01 10:00:00+00'::timestamptz, 'page_view'),
			 (1, '2024-01-01 10:01:00+00', 'email_click'),
			 (1, '2024-01-01 10:02:00+00', 'page_view'),
			 (1, '2024-01-01 10:03:00+00', 'email_click'),
			 (2, '2024-01-01 10:00:00+00', 'email_click'),
			 (2, '2024-01-01 12:00:00+00', 'page_view')) v(customer, ts, label)
WINDOW w AS (PARTITION BY customer ORDER BY ts)
ORDER BY customer, ts;

-- Local midnight in a time zone that changes to summer time (Berlin,
-- 2024-03-31): midnight is 23:00 UTC before the change and 22:00 UTC after.
SELECT ts, session_number(ts, NULL, split_at_midnight => 'Europe/Berlin') OVER w AS berlin,
	   session_number(ts, NULL, split_at_midnight => 'UTC') OVER w AS utc
FROM (VALUES ('2024-03-30 22:30:00+00'::timestamptz), ('2024-03-30 23:10:00+00'),
			 ('2024-03-31 21:50:00+00'), ('2024-03-31 22:05:00+00'), ('2024-04-01 00:05:00+00')) v(ts)
WINDOW w AS (ORDER BY ts);

-- Time zones with leap seconds are refused, as PostgreSQL's SET TimeZone does.
SELECT session_number(ts, NULL, split_at_midnight => 'right/UTC') OVER (ORDER BY ts)
FROM (VALUES ('2024-03-30 22:30:00+00'::timestamptz)) v(ts);
SELECT journey_session_count('[2024-11-03 05:30:00+00 a]', NULL, NULL, 'right/Europe/Berlin');

-- New York falls back on 2024-11-03: 01:30 EDT and 01:30 EST are one local day.
SELECT journey_session_count('[2024-11-03 05:30:00+00 a, 2024-11-03 06:30:00+00 b]', NULL, NULL, 'America/New_York') AS one_day,
	   journey_session_count('[2024-11-03 03:59:00+00 a, 2024-11-03 04:01:00+00 b]', NULL, NULL, 'America/New_York') AS across_midnight;

-- Maximum session length: touches every 10 minutes for two hours, at most
-- one hour per session (a session may last exactly one hour).
SELECT session_no, session_start, session_end, duration, touchpoints, entry_label, exit_label
FROM journey_sessions((SELECT journey_agg('2024-01-01 00:00:00+00'::timestamptz + i * interval '10 minutes', 't' || i)
					   FROM generate_series(0, 12) i),
					  max_length => '1 hour');

-- Sessions of a stored journey, with every column.
SELECT * FROM journey_sessions('[2024-03-01 09:00:00+00 search, 2024-03-01 09:10:00+00 product_view,
	2024-03-01 11:00:00+00 email_click, 2024-03-01 11:02:00+00 product_view, 2024-03-01 11:03:00+00 purchase 49.9,
	2024-03-05 08:00:00+00 support_ticket 4]');
-- session_no is bigint, as session_number returns; duration_seconds is the
-- duration's epoch as float8.
SELECT pg_typeof(session_no), duration, duration_seconds, pg_typeof(duration_seconds)
FROM journey_sessions('[2024-03-01 09:00:00+00 a, 2024-03-01 09:10:00.25+00 b, 2024-03-03 10:00:00+00 c, 2024-03-05 10:00:00+00 d]',
					  '2 days');
SELECT journey_session_count('[]'), journey_session_count(NULL), count(*) FROM journey_sessions('[]');
SELECT journey_session_count('[2024-03-01 09:00:00+00 a, 2024-03-09 09:00:00+00 b]', NULL) AS no_rules;

-- Against the plain-SQL answer (LAG + running SUM) on generated events,
-- including gaps of exactly 30 minutes and equal timestamps (ordered as in
-- journeys: timestamp, then label bytewise).
CREATE TABLE sev AS
SELECT i AS id, i % 50 AS customer,
	   '2024-01-01 00:00:00+00'::timestamptz
	   + sum(CASE WHEN i % 13 = 0 THEN 1800 ELSE (i * 7919 % 97) * (i * 104729 % 89) END) OVER (PARTITION BY i % 50 ORDER BY i) * interval '1 second' AS ts,
	   CASE WHEN i % 37 = 0 THEN 'email_click' ELSE 'page_view' END AS label
FROM generate_series(1, 20000) i;

CREATE TABLE plain_sql AS
SELECT id, customer, ts,
	   sum(starts::int) OVER (PARTITION BY customer ORDER BY ts, label COLLATE "C", id) AS session
FROM (SELECT id, customer, ts, label,
			 coalesce(ts - lag(ts) OVER (PARTITION BY customer ORDER BY ts, label COLLATE "C", id) > interval '30 minutes', true)
					 OR label = 'email_click' AS starts
	  FROM sev) s;

SELECT count(*) AS events,
	   count(*) FILTER (WHERE p.session = w.session) AS same_session,
	   count(DISTINCT (p.customer, p.session)) AS sessions
FROM plain_sql p
JOIN (SELECT id, session_number(ts, '30 minutes', label, '{email_click}') OVER (PARTITION BY customer ORDER BY ts, label COLLATE "C", id) AS session
	  FROM sev) w USING (id);

SELECT count(*) AS customers,
	   count(*) FILTER (WHERE j.n = p.n) AS same_count,
	   count(*) FILTER (WHERE j.entries = p.entries) AS same_entry_points
FROM (SELECT customer, journey_session_count(journey_agg(ts, label), '30 minutes', '{email_click}') AS n,
			 (SELECT array_agg(entry_label ORDER BY session_no)
			  FROM journey_sessions(journey_agg(ts, label), '30 minutes', '{email_click}')) AS entries
	  FROM sev GROUP BY customer) j
JOIN (SELECT customer, max(session) AS n,
			 array_agg(label ORDER BY session) FILTER (WHERE first) AS entries
	  FROM (SELECT p.customer, p.session, s.label,
				   row_number() OVER (PARTITION BY p.customer, p.session ORDER BY p.ts, s.label COLLATE "C", p.id) = 1 AS first
			FROM plain_sql p JOIN sev s USING (id)) f
	  GROUP BY customer) p USING (customer);

-- Bad parameters and unordered rows.
SELECT session_number(ts) OVER (ORDER BY ts DESC) FROM sev WHERE customer = 1;
SELECT session_number(ts, '0 minutes') OVER (ORDER BY ts) FROM sev WHERE customer = 1;
SELECT session_number(ts, '-5 minutes') OVER (ORDER BY ts) FROM sev WHERE customer = 1;
SELECT journey_session_count('[]', '1 month');
SELECT journey_session_count('[]', '30 minutes', NULL, 'Mars/Olympus');
SELECT journey_session_count('[]', '30 minutes', NULL, NULL, '0 seconds');
SELECT session_number(ts, make_interval(mins => customer)) OVER (ORDER BY ts) FROM sev WHERE customer = 1;
SELECT session_number('infinity') OVER ();

DROP TABLE sev, plain_sql;
