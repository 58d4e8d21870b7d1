-- activity_counts against plain SQL over random journeys: retention on and
-- on or after period N, lifecycle and stickiness, by day, week and month
-- in a zone with a DST change inside the data; rollups; bad input.
BEGIN;
SELECT plan(27);

\ir random_journeys.psql
-- 2024-01-01 to mid-April: New York springs forward on 2024-03-10
SELECT pg_temp.random_journeys('rj', 0.47, 500, ARRAY['signup', 'buy', 'view', 'buy'], 9e6, 10);
-- and 300 journeys within four days, where events of one day before and
-- after a signup are common
SELECT pg_temp.random_journeys('rj2', 0.53, 300, ARRAY['signup', 'buy', 'view', 'buy'], 3.5e5, 10);
INSERT INTO rj SELECT id + 1000, j FROM rj2;
CREATE TEMP TABLE ev AS SELECT id, u.ts, u.label FROM rj, journey_unnest(j) u;

-- A period as a number, as the summary numbers them (0 holds 2000-01-01;
-- weeks start on Monday, 2000-01-03), and its label.
CREATE FUNCTION pg_temp.idx(unit text, ts timestamptz, zone text) RETURNS int LANGUAGE sql AS $$
	SELECT CASE unit
		WHEN 'day' THEN (ts AT TIME ZONE zone)::date - date '2000-01-01'
		WHEN 'week' THEN floor(((ts AT TIME ZONE zone)::date - date '2000-01-03') / 7.0)::int
		ELSE ((extract(year FROM ts AT TIME ZONE zone) - 2000) * 12 + extract(month FROM ts AT TIME ZONE zone) - 1)::int
	END $$;
CREATE FUNCTION pg_temp.label(unit text, p int) RETURNS text LANGUAGE sql AS $$
	SELECT CASE unit
		WHEN 'day' THEN to_char(date '2000-01-01' + p, 'YYYY-MM-DD')
		WHEN 'week' THEN to_char(date '2000-01-03' + 7 * p, 'YYYY-MM-DD')
		ELSE to_char(date '2000-01-01' + p * interval '1 month', 'YYYY-MM')
	END $$;

-- The retention grid in plain SQL: cohort by the first signup, retained in
-- a period with a buy at or after it; dense up to the latest period of any
-- first signup or buy.
CREATE FUNCTION pg_temp.plain_retention(unit text, zone text, unbounded boolean)
RETURNS TABLE (cohort_label text, cohort_journeys bigint, period int, journeys bigint) LANGUAGE sql AS $$
	WITH starts AS (SELECT id, min(ts) AS s FROM ev WHERE label = 'signup' GROUP BY id),
	cohorts AS (SELECT id, pg_temp.idx(unit, s, zone) AS c FROM starts),
	sizes AS (SELECT c, count(*) AS n FROM cohorts GROUP BY c),
	returns AS (SELECT DISTINCT e.id, pg_temp.idx(unit, e.ts, zone) AS p
				FROM ev e JOIN starts st USING (id) WHERE e.label = 'buy' AND e.ts >= st.s),
	latest AS (SELECT max(p) AS p FROM (SELECT c AS p FROM cohorts UNION ALL
										SELECT pg_temp.idx(unit, ts, zone) FROM ev WHERE label = 'buy') x),
	cells AS (SELECT s.c, s.n, g AS n_off FROM sizes s, latest l, generate_series(0, l.p - s.c) g),
	back AS (SELECT co.c, r.id, r.p FROM returns r JOIN cohorts co USING (id))
	SELECT pg_temp.label(unit, cells.c), cells.n, cells.n_off, count(DISTINCT b.id)
	FROM cells LEFT JOIN back b
	  ON b.c = cells.c AND (b.p = cells.c + cells.n_off OR (unbounded AND b.p > cells.c + cells.n_off))
	GROUP BY cells.c, cells.n, cells.n_off $$;

-- Lifecycle: active = a buy in the period.
CREATE FUNCTION pg_temp.plain_lifecycle(unit text, zone text)
RETURNS TABLE (period_label text, new bigint, ret bigint, res bigint, dormant bigint) LANGUAGE sql AS $$
	WITH act AS (SELECT DISTINCT id, pg_temp.idx(unit, ts, zone) AS p FROM ev WHERE label = 'buy'),
	firsts AS (SELECT id, min(p) AS f FROM act GROUP BY id),
	latest AS (SELECT max(p) AS p FROM (SELECT pg_temp.idx(unit, min(ts), zone) AS p FROM ev WHERE label = 'signup' GROUP BY id
										UNION ALL SELECT p FROM act) x),
	st AS (SELECT a.id, a.p, f.f, EXISTS (SELECT FROM act b WHERE b.id = a.id AND b.p = a.p - 1) AS before,
				  EXISTS (SELECT FROM act b WHERE b.id = a.id AND b.p = a.p + 1) AS after
		   FROM act a JOIN firsts f USING (id))
	SELECT pg_temp.label(unit, g),
		   count(*) FILTER (WHERE st.p = g AND st.f = g),
		   count(*) FILTER (WHERE st.p = g AND st.before),
		   count(*) FILTER (WHERE st.p = g AND st.f < g AND NOT st.before),
		   count(*) FILTER (WHERE st.p = g - 1 AND NOT st.after)
	FROM latest, generate_series((SELECT min(p) FROM act), latest.p) g
	LEFT JOIN st ON st.p IN (g, g - 1)
	GROUP BY g $$;

-- Stickiness: distinct local days with a buy, per journey and period.
CREATE FUNCTION pg_temp.plain_stickiness(unit text, zone text)
RETURNS TABLE (period_label text, days int, journeys bigint) LANGUAGE sql AS $$
	SELECT pg_temp.label(unit, p), k::int, count(*)
	FROM (SELECT id, pg_temp.idx(unit, ts, zone) AS p, count(DISTINCT (ts AT TIME ZONE zone)::date) AS k
		  FROM ev WHERE label = 'buy' GROUP BY 1, 2) x
	GROUP BY 1, 2 $$;

CREATE TEMP TABLE sums AS
SELECT u AS unit, z AS zone,
	   (SELECT activity_counts(j, 'signup', 'buy', u, z) FROM rj) AS c,
	   (SELECT activity_counts_rollup(p) FROM (SELECT activity_counts(j, 'signup', 'buy', u, z) AS p FROM rj GROUP BY id % 7) s) AS rolled
FROM unnest(ARRAY['day', 'week', 'month']) u, unnest(ARRAY['America/New_York', 'Asia/Kolkata']) z;

SELECT set_eq(format($$SELECT cohort_label, cohort_journeys, period, journeys FROM activity_retention((SELECT c FROM sums WHERE unit = %L AND zone = %L))$$, u, z),
			  format($$SELECT * FROM pg_temp.plain_retention(%L, %L, false)$$, u, z),
			  format('retention on period N by %s in %s, dense, as plain SQL counts it', u, z))
FROM unnest(ARRAY['day', 'week', 'month']) u, unnest(ARRAY['America/New_York', 'Asia/Kolkata']) z
WHERE z = 'America/New_York' OR u = 'week';
SELECT set_eq(format($$SELECT cohort_label, cohort_journeys, period, journeys FROM activity_retention((SELECT c FROM sums WHERE unit = %L AND zone = %L), true)$$, u, z),
			  format($$SELECT * FROM pg_temp.plain_retention(%L, %L, true)$$, u, z),
			  format('retention on or after period N by %s in %s, as plain SQL counts it', u, z))
FROM unnest(ARRAY['day', 'week', 'month']) u, unnest(ARRAY['America/New_York']) z;
SELECT set_eq($$SELECT cohort_label, cohort_journeys, period, journeys FROM activity_retention((SELECT c FROM sums WHERE unit = 'day' AND zone = 'America/New_York'), false, false)$$,
			  $$SELECT * FROM pg_temp.plain_retention('day', 'America/New_York', false) WHERE journeys > 0$$,
			  'retention without dense: the cells with journeys');
SELECT set_eq($$SELECT cohort_label, cohort_journeys, period, journeys FROM activity_retention((SELECT c FROM sums WHERE unit = 'week' AND zone = 'America/New_York'), true, false)$$,
			  $$SELECT * FROM pg_temp.plain_retention('week', 'America/New_York', true) WHERE journeys > 0$$,
			  'unbounded retention without dense: the cells with journeys');
SELECT set_eq(format($$SELECT period_label, new_journeys, returning_journeys, resurrecting_journeys, dormant_journeys
					   FROM activity_lifecycle((SELECT c FROM sums WHERE unit = %L AND zone = %L))$$, u, z),
			  format($$SELECT * FROM pg_temp.plain_lifecycle(%L, %L)$$, u, z),
			  format('lifecycle by %s in %s as plain SQL counts it', u, z))
FROM unnest(ARRAY['day', 'week', 'month']) u, unnest(ARRAY['America/New_York']) z;
SELECT set_eq(format($$SELECT period_label, days, journeys FROM activity_stickiness((SELECT c FROM sums WHERE unit = %L AND zone = %L)) WHERE journeys > 0$$, u, z),
			  format($$SELECT * FROM pg_temp.plain_stickiness(%L, %L)$$, u, z),
			  format('stickiness by %s in %s as plain SQL counts it', u, z))
FROM unnest(ARRAY['week', 'month']) u, unnest(ARRAY['America/New_York', 'Asia/Kolkata']) z;
SELECT ok((SELECT bool_and(n = CASE unit WHEN 'day' THEN 1 WHEN 'week' THEN 7
							   ELSE extract(day FROM (period_label || '-01')::date + interval '1 month' - interval '1 day') END)
		   FROM (SELECT unit, period_label, count(*) AS n FROM sums, activity_stickiness(c) WHERE zone = 'America/New_York' GROUP BY 1, 2) x),
		  'stickiness has a row for each day of each period');
SELECT ok((SELECT bool_and(r.cohort = (CASE WHEN length(r.cohort_label) = 7 THEN r.cohort_label || '-01' ELSE r.cohort_label END)::date::timestamp AT TIME ZONE s.zone)
		   FROM sums s, activity_retention(s.c) r),
		  'a cohort starts at local midnight of its first day, across the DST change');
SELECT ok((SELECT bool_and(c::text = rolled::text) FROM sums), 'the rollup of parts is the whole');

-- Bad input
SELECT throws_ok($$SELECT activity_counts(j, 'signup', 'buy', 'quarter', 'UTC') FROM rj$$, '22023',
				 'activity period must be day, week or month, not "quarter"', 'an unknown period');
SELECT throws_ok($$SELECT activity_counts(j, 'signup', 'buy', 'day', 'Europe/Atlantis') FROM rj$$, '22023',
				 'time zone "Europe/Atlantis" not recognized', 'an unknown time zone');
SELECT throws_ok($$SELECT activity_counts(j, 'signup', NULL, 'day', 'UTC') FROM rj$$, '22004',
				 'return_event must not be NULL', 'a NULL return event');
SELECT throws_ok($$SELECT activity_counts_rollup(c) FROM (SELECT activity_counts(j, 'signup', 'buy', 'day', 'UTC') AS c FROM rj
					UNION ALL SELECT activity_counts(j, 'view', 'buy', 'day', 'UTC') FROM rj) s$$, '22023', NULL,
				 'summaries of other start events do not combine');
SELECT throws_ok($$SELECT 'activity collapse=0 param=1 anchor="3:UTC1:a1:b" total=1 [1 @5 "new"]'::activity_counts$$, '22000', NULL,
				 'a hand-written value of a shape no builder makes');
SELECT throws_ok($$SELECT 'paths collapse=1 param=0 total=1 [1 @0 "a"]'::activity_counts$$, '22P02', NULL,
				 'text input of another kind');
SELECT throws_ok($$SELECT * FROM activity_retention((SELECT activity_counts('[2000-01-01 00:00:00+00 a, 100000-01-01 00:00:00+00 a]'::journey, 'a', 'a', 'day', 'UTC')))$$,
				 '54000', NULL, 'a grid too large to return');
SELECT throws_ok($$SELECT activity_counts('[4714-11-24 00:00:00+00 BC a]'::journey, 'a', 'a', 'week', 'America/Los_Angeles')$$,
				 '22008', 'timestamp out of range', 'a local date before the first one');

SELECT * FROM finish();
ROLLBACK;
