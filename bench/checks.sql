-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Untimed checks, once per size, that each journey function of the
-- analytics sections gives the same answer as its plain-SQL baseline, for
-- bench/measure.sh (psql -v size=LABEL -v q_NAME=QUERY for every timed
-- query, so the very queries that are timed are compared).  One row per
-- check in bench.checks.  Runs without ON_ERROR_STOP: a check that fails
-- with an error leaves no row (the report says "not checked") and the
-- next one runs.

SET client_min_messages = warning;

-- Only the sections measure.sh runs (psql -v sections='a b ...').
SELECT :'sections' ~ '\msessions\M' AS run_sessions, :'sections' ~ '\midentity\M' AS run_identity,
	:'sections' ~ '\mpaths\M' AS run_paths, :'sections' ~ '\mattribution\M' AS run_attribution,
	:'sections' ~ '\mmarkov\M' AS run_markov, :'sections' ~ '\mmodels\M' AS run_models,
	:'sections' ~ '\mdrivers\M' AS run_drivers, :'sections' ~ '\mtrends\M' AS run_trends,
	:'sections' ~ '\mretention\M' AS run_retention \gset

\if :run_sessions
-- Sessions over raw events: every row's session number, matched on
-- (customer_id, ts), which is unique in the sample data (a duplicate
-- would only make rows look different, never hide a difference).
INSERT INTO bench.checks
SELECT :'size', 'sessions', 1,
	'session_number = LAG + running SUM, every row',
	count(*) FILTER (WHERE a.session IS DISTINCT FROM b.session) = 0,
	format('%s rows, %s differ', count(*),
		count(*) FILTER (WHERE a.session IS DISTINCT FROM b.session))
FROM (:q_session_number) a FULL JOIN (:q_session_lag_sum) b USING (customer_id, ts);

-- Sessions of stored journeys: the three timed totals, and the count per
-- customer.
INSERT INTO bench.checks
SELECT :'size', 'sessions', 2,
	'sessions: journey_session_count = journey_sessions = window pattern, in total and per customer',
	a = b AND b = c AND d = 0,
	format('%s sessions (journey_session_count), %s (journey_sessions), %s (window pattern); %s customers differ',
		a, b, c, d)
FROM (:q_session_count) a(a), (:q_journey_sessions) b(b), (:q_session_count_sql) c(c),
	(SELECT count(*) FILTER (WHERE w.n IS DISTINCT FROM s.n)
	 FROM (SELECT customer_id, journey_session_count(j) AS n FROM bench_journey_event) s
	 FULL JOIN (SELECT customer_id, sum(CASE WHEN ts - prev > interval '30 minutes'
					OR prev IS NULL THEN 1 ELSE 0 END) AS n
				FROM (SELECT customer_id, ts, lag(ts) OVER (PARTITION BY customer_id ORDER BY ts) AS prev
					  FROM events) e
				GROUP BY customer_id) w USING (customer_id)) d(d);
\endif

\if :run_identity
-- Identity: the same person for every identifier.  The baseline is timed
-- with merge joins off, so it runs that way here too.
SET enable_mergejoin = off;
INSERT INTO bench.checks
SELECT :'size', 'identity', 1,
	'identity_resolve = recursive CTE, every identifier',
	count(*) FILTER (WHERE a.person_id IS DISTINCT FROM b.person_id) = 0,
	format('%s identifiers in %s clusters (largest: %s identifiers); %s differ',
		count(*), count(DISTINCT a.person_id),
		(SELECT max(n) FROM (SELECT count(*) AS n FROM (:q_identity_resolve) r
							 GROUP BY person_id) s),
		count(*) FILTER (WHERE a.person_id IS DISTINCT FROM b.person_id))
FROM (:q_identity_resolve) a FULL JOIN (:q_identity_cte) b USING (id);
RESET enable_mergejoin;
\endif

\if :run_paths
-- Paths: the same 20 paths with the same counts in the same order, and
-- the (other) row makes up the rest of the customers.
INSERT INTO bench.checks
SELECT :'size', 'paths', 1,
	'top_paths = string_agg + GROUP BY, top 20 in order',
	count(*) FILTER (WHERE a.path IS DISTINCT FROM b.path
		OR a.journeys IS DISTINCT FROM b.journeys) = 0
		AND (SELECT sum(journeys) FROM (:q_top_paths) t) =
			(SELECT count(*) FROM bench_journey_channel),
	format('%s paths compared (top: %s, %s journeys); %s differ; all ranks add up to %s journeys',
		count(*), min(a.path) FILTER (WHERE rank = 1), min(a.journeys) FILTER (WHERE rank = 1),
		count(*) FILTER (WHERE a.path IS DISTINCT FROM b.path
			OR a.journeys IS DISTINCT FROM b.journeys),
		(SELECT sum(journeys) FROM (:q_top_paths) t))
FROM (SELECT rank, path, journeys FROM (:q_top_paths) t WHERE rank IS NOT NULL) a
FULL JOIN (SELECT row_number() OVER (ORDER BY journeys DESC, path COLLATE "C") AS rank,
				  path, journeys
		   FROM (:q_top_paths_sql) s) b USING (rank);

INSERT INTO bench.checks
SELECT :'size', 'paths', 2,
	'transitions = LEAD + GROUP BY, every transition',
	count(*) FILTER (WHERE a.transitions IS DISTINCT FROM b.transitions
		OR abs(a.probability - b.probability) > 1e-12 OR a.probability IS NULL
		OR b.probability IS NULL) = 0,
	format('%s transitions (%s counted); %s differ', count(*), sum(a.transitions),
		count(*) FILTER (WHERE a.transitions IS DISTINCT FROM b.transitions
			OR abs(a.probability - b.probability) > 1e-12 OR a.probability IS NULL
			OR b.probability IS NULL))
FROM (:q_transitions) a FULL JOIN (:q_transitions_sql) b USING (from_label, to_label);
\endif

\if :run_attribution
-- Attribution: the same credit per channel, from journey_attribution and
-- the window SQL (sums of float8 in another order), and from the one
-- aggregate and journey_attribution (each touchpoint's credit rounded to
-- 2^-40 before its exact sum): equal to 1e-9, relative.  Each pair is
-- collected by a statement of its own, so one that fails loses only its
-- own check.
CREATE TEMP TABLE attribution_pairs (ord int, model text, what text, label text, a float8, b float8);
INSERT INTO attribution_pairs SELECT 1, 'linear', 'rows', label, a.credit, b.credit
	FROM (:q_attr_linear) a FULL JOIN (:q_attr_linear_sql) b USING (label);
INSERT INTO attribution_pairs SELECT 2, 'position_based', 'rows', label, a.credit, b.credit
	FROM (:q_attr_position_based) a FULL JOIN (:q_attr_position_based_sql) b USING (label);
INSERT INTO attribution_pairs SELECT 3, 'time_decay', 'rows', label, a.credit, b.credit
	FROM (:q_attr_time_decay) a FULL JOIN (:q_attr_time_decay_sql) b USING (label);
INSERT INTO attribution_pairs SELECT 4, 'last_touch', 'rows', label, a.credit, b.credit
	FROM (:q_attr_last_touch) a FULL JOIN (:q_attr_last_touch_sql) b USING (label);
INSERT INTO attribution_pairs SELECT 5, 'linear', 'aggregate', label, a.credit, b.credit
	FROM (:q_attr_counts_linear) a FULL JOIN (:q_attr_linear) b USING (label);
INSERT INTO attribution_pairs SELECT 6, 'position_based', 'aggregate', label, a.credit, b.credit
	FROM (:q_attr_counts_position_based) a FULL JOIN (:q_attr_position_based) b USING (label);
INSERT INTO attribution_pairs SELECT 7, 'time_decay', 'aggregate', label, a.credit, b.credit
	FROM (:q_attr_counts_time_decay) a FULL JOIN (:q_attr_time_decay) b USING (label);
INSERT INTO attribution_pairs SELECT 8, 'last_touch', 'aggregate', label, a.credit, b.credit
	FROM (:q_attr_counts_last_touch) a FULL JOIN (:q_attr_last_touch) b USING (label);
INSERT INTO attribution_pairs SELECT 9, 'first_touch', 'aggregate', label, a.credit, b.credit
	FROM (:q_attr_counts_first_touch) a FULL JOIN (:q_attr_first_touch) b USING (label);
INSERT INTO bench.checks
SELECT :'size', 'attribution', ord, model || CASE what
		WHEN 'rows' THEN ': journey_attribution = window SQL, per channel'
		ELSE ': attribution_credits(attribution_counts) = journey_attribution GROUP BY label' END,
	count(*) FILTER (WHERE NOT coalesce(abs(a - b) <= 1e-9 * greatest(1, abs(b)), false)) = 0,
	format('%s channels, %s conversions credited; largest difference %s',
		count(*), round(sum(a)::numeric, 6), coalesce(max(abs(a - b))::text, 'n/a'))
FROM attribution_pairs
GROUP BY ord, model, what;
DROP TABLE attribution_pairs;
\endif

\if :run_drivers
-- Conversion drivers: the same counts per event, exactly, and the same
-- odds ratio (to 1e-9, relative).
INSERT INTO bench.checks
SELECT :'size', 'drivers', 1, 'conversion_drivers = DISTINCT events before the first purchase, per event',
	count(*) FILTER (WHERE a.journeys IS DISTINCT FROM b.journeys OR a.converted IS DISTINCT FROM b.converted
					 OR NOT coalesce(abs(a.odds_ratio - b.odds_ratio) <= 1e-9 * b.odds_ratio, false)) = 0,
	format('%s events, %s customers with one', count(*), sum(b.journeys))
FROM (:q_conversion_drivers) a FULL JOIN (:q_conversion_drivers_sql) b USING (label);
\endif

\if :run_retention
-- Retention by events: the same dense grid, cell for cell.
INSERT INTO bench.checks
SELECT :'size', 'retention', 1, 'activity_retention = the dense grid of date_trunc weeks in plain SQL',
	count(*) FILTER (WHERE a.journeys IS DISTINCT FROM b.journeys OR a.cohort_journeys IS DISTINCT FROM b.cohort_journeys
					 OR a.cohort IS DISTINCT FROM b.cohort) = 0,
	format('%s cells, %s cohorts', count(*), count(DISTINCT cohort_label))
FROM (:q_activity_retention) a FULL JOIN (:q_activity_retention_sql) b USING (cohort_label, period);
\endif

\if :run_trends
-- Funnel trends: the same journeys per entry month and step.
INSERT INTO bench.checks
SELECT :'size', 'trends', 1, 'funnel_trends = funnel_timestamps per journey, by entry month and step',
	count(*) FILTER (WHERE a.journeys IS DISTINCT FROM b.journeys) = 0,
	format('%s cells, %s journey-steps', count(*), sum(b.journeys))
FROM (:q_funnel_trends) a FULL JOIN (:q_funnel_trends_sql) b USING (period_start, step);
-- Funnels in any order: the same customers per step.
INSERT INTO bench.checks
SELECT :'size', 'trends', 2, 'funnel_report in any order = plain SQL RANGE windows per step, per step',
	count(*) FILTER (WHERE a.reached IS DISTINCT FROM b.reached) = 0,
	format('%s steps, %s customer-steps', count(*), sum(b.reached))
FROM (:q_funnel_any) a FULL JOIN (:q_funnel_any_sql) b USING (step);

-- Optional steps: the same journeys reaching each step.
INSERT INTO bench.checks
SELECT :'size', 'trends', 2, 'funnel_report with checkout optional = window functions over the events',
	count(*) FILTER (WHERE a.reached IS DISTINCT FROM b.reached) = 0,
	format('%s steps, %s journey-steps', count(*), sum(b.reached))
FROM (:q_funnel_optional) a FULL JOIN (:q_funnel_optional_sql) b USING (step);
\endif

-- Markov and Shapley: no baseline, but the credits must add up: the
-- shares to 1, the conversions to the purchases, the value to their
-- revenue.  Each model's credits are collected first (Markov: the model
-- each timed query builds, order by order, so that an order that fails
-- loses only its own check; the detail also gives its number of states, which the
-- report shows), then checked by one query.
CREATE TEMP TABLE model_credits (section text, ord int, what text, states bigint,
								 share float8, conversions float8, value float8);
\if :run_markov
DO $$
BEGIN
	FOR k IN 1..5 LOOP
		BEGIN
			INSERT INTO model_credits
			SELECT 'markov', k, 'order ' || k,
				(SELECT count(DISTINCT from_state) FROM markov_transitions(m.model)),
				a.share, a.conversions, a.value
			FROM (SELECT markov_counts(j, '{purchase}', k) AS model FROM bench_journey_conversion) m,
				LATERAL markov_attribution(m.model) a;
		EXCEPTION WHEN OTHERS THEN
			RAISE WARNING 'markov order %: %', k, SQLERRM;
		END;
	END LOOP;
END $$;
\endif
\if :run_models
INSERT INTO model_credits
SELECT 'models', ord, method || ' Shapley', NULL, s.share, s.conversions, s.value
FROM (VALUES (1, 'exact'), (2, 'simplified')) m(ord, method),
	LATERAL shapley_attribution((SELECT shapley_counts(j, '{purchase}') FROM bench_journey_conversion), method) s;
\endif
INSERT INTO bench.checks
SELECT :'size', c.section, c.ord, c.what || ': credits add up to the purchases and their value',
	abs(sum(c.share) - 1) < 1e-9 AND abs(sum(c.conversions) - p.n) < 1e-6 * p.n
		AND abs(sum(c.value) - p.value) < 1e-9 * p.value,
	format('%s; shares %s, conversions %s of %s purchases, value %s of %s',
		coalesce(max(c.states) || ' states', count(*) || ' channels'),
		round(sum(c.share)::numeric, 9), round(sum(c.conversions)::numeric, 3), p.n,
		round(sum(c.value)::numeric, 2), round(p.value::numeric, 2))
FROM model_credits c,
	(SELECT count(*) AS n, sum(value) AS value FROM events WHERE event = 'purchase') p
GROUP BY c.section, c.ord, c.what, p.n, p.value;
DROP TABLE model_credits;

-- The bootstrap's credit per channel is linear attribution's (each row
-- rounded to a millionth), inside its interval.
\if :run_models
INSERT INTO bench.checks
SELECT :'size', 'models', 3, 'linear_intervals: credit = linear attribution per channel, inside its interval',
	count(*) FILTER (WHERE NOT coalesce(abs(i.credit - l.credit) <= 1e-6 * i.rows
		AND i.credit BETWEEN i.credit_low AND i.credit_high, false)) = 0,
	format('%s channels, %s rows; largest difference %s',
		count(*), sum(i.rows), coalesce(max(abs(i.credit - l.credit))::text, 'n/a'))
FROM (:q_linear_intervals) i FULL JOIN (SELECT label, sum(credit) AS credit FROM bench_journey_conversion,
	journey_attribution(j, 'linear', '{purchase}') GROUP BY label) l USING (label);
\endif

