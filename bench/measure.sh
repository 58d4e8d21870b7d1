#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The measuring half of bench/run.sh; runs inside pg_virtualenv (libpq
# variables point at the throwaway cluster), as root on the server's machine
# so that memwatch.sh can read and reset /proc of the backends.
#
#   measure.sh LABEL=CUSTOMERS ...      e.g. 1M=50000 10M=500000
#
# Progress goes to stderr, the report to fd 3 (run.sh points it at stdout).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
runs=${BENCH_RUNS:-5}			# timed runs per query, after one warm-up run
timeout_s=${BENCH_TIMEOUT:-60}	# statement_timeout of every timed query
slow_s=${BENCH_SLOW:-10}		# warm-up slower than this: one timed run only
check_timeout_s=${BENCH_CHECK_TIMEOUT:-$((5 * timeout_s))}	# per untimed check

psql=(psql -X -q -v ON_ERROR_STOP=1)
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
sql() { "${psql[@]}" -At -c "$1"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The queries.  Each runs under EXPLAIN (ANALYZE, TIMING OFF), which makes
# every result row (final functions included) without shipping it to the
# client.  Wrapping in SELECT count(*) FROM (...) would not work: the
# planner replaces aggregates the outer query never reads by NULL.
declare -A query=(
	[count]="SELECT customer_id, count(*) FROM events GROUP BY 1"
	[count_cols]="SELECT customer_id, count(ts), count(event), count(value) FROM events GROUP BY 1"
	[journey_agg]="SELECT customer_id, journey_agg(ts, event, value) FROM events GROUP BY 1"
	[array_agg]="SELECT customer_id, array_agg(event ORDER BY ts) FROM events GROUP BY 1"
)

# Sections: planner settings on top of the cluster's (serial, hash allowed).
# array_agg(... ORDER BY) cannot be hashed in PostgreSQL 15, so it is the
# same sorted plan in "serial" and "sorted" and is not repeated there.
# count_cols is a second floor that reads (and, sorted, sorts) the same
# columns as journey_agg: count(*) sorts only customer_id.
sections=(serial sorted parallel)
declare -A settings=(
	[serial]=""
	[sorted]="enable_hashagg=off"
	[parallel]="max_parallel_workers_per_gather=2"
)
declare -A section_names=(
	[serial]="count count_cols journey_agg array_agg"
	[sorted]="count count_cols journey_agg"
	[parallel]="count journey_agg array_agg"
)

# Analytics sections: journey functions against the plain SQL that computes
# the same thing, each timed like the queries above (EXPLAIN ANALYZE makes
# every output column of every row).  The journey side reads the tables
# that analytics.sql builds once per size (stored journeys, identity links;
# building them is not timed here, the report shows what it took); the
# baselines read the raw events.  checks.sql verifies once per size, not
# timed, that both sides give the same answer.
#
# Sessions.  row_number() over the same window is the floor of any window
# function: the Sort and the WindowAgg without any work per row.
session_new="CASE WHEN ts - lag(ts) OVER w > interval '30 minutes' OR lag(ts) OVER w IS NULL THEN 1 ELSE 0 END"
session_w="WINDOW w AS (PARTITION BY customer_id ORDER BY ts)"
query+=(
	[session_row_number]="SELECT customer_id, ts, row_number() OVER (PARTITION BY customer_id ORDER BY ts) FROM events"
	[session_number]="SELECT customer_id, ts, session_number(ts, '30 minutes') OVER (PARTITION BY customer_id ORDER BY ts) AS session FROM events"
	[session_lag_sum]="SELECT customer_id, ts, sum(new) OVER (PARTITION BY customer_id ORDER BY ts ROWS UNBOUNDED PRECEDING) AS session FROM (SELECT customer_id, ts, $session_new AS new FROM events $session_w) s"
	[session_count]="SELECT sum(journey_session_count(j)) FROM bench_journey_event"
	[journey_sessions]="SELECT count(*) FROM bench_journey_event, journey_sessions(j)"
	# every stored journey read, only its header decoded; then every touchpoint
	[decode_header]="SELECT count(journey_length(j)) FROM bench_journey_event"
	[decode_all]="SELECT count(journey_end(j)) FROM bench_journey_event"
	[session_count_sql]="SELECT sum(new) FROM (SELECT $session_new AS new FROM events $session_w) s"
)
# Identity stitching: connected components of the links graph.  The
# baseline is the transitive closure by a recursive CTE (UNION drops pairs
# already found, so it ends), then the smallest identifier per component.
# The planner picks a merge join that sorts all links again on every
# iteration; with merge joins off it hashes them once and runs about twice
# as fast, so the baseline is timed that way (the fairer comparison).
query+=(
	[identity_resolve]="SELECT * FROM identity_resolve((SELECT identity_links(a, b) FROM bench_links))"
	[identity_cte]="WITH RECURSIVE e(x, y) AS (SELECT a, b FROM bench_links UNION ALL SELECT b, a FROM bench_links), r(id, root) AS (SELECT x, x FROM e UNION SELECT e.y, r.root FROM r JOIN e ON e.x = r.id) SELECT id, min(root COLLATE \"C\") AS person_id FROM r GROUP BY id"
)
declare -A qsettings=([identity_cte]="enable_mergejoin=off")
# Paths over journeys labelled by channel, repeats collapsed.  Touchpoints
# with equal timestamps sort by label bytewise in a journey, hence the
# COLLATE "C" tie-breakers.  The transitions baseline is the fastest plain
# SQL found: one window pass, a hash aggregate on (channel, next channel),
# then the (start) counts and the moves unpivoted from it.
path_order='ORDER BY ts, channel COLLATE "C"'
query+=(
	[top_paths]="SELECT * FROM top_paths((SELECT path_counts(j) FROM bench_journey_channel), 20)"
	[top_paths_sql]="SELECT path, count(*) AS journeys FROM (SELECT customer_id, string_agg(channel, ' > ' $path_order) AS path FROM (SELECT customer_id, ts, channel, lag(channel) OVER (PARTITION BY customer_id $path_order) AS prev FROM events) e WHERE prev IS DISTINCT FROM channel GROUP BY customer_id) p GROUP BY path ORDER BY journeys DESC, path COLLATE \"C\" LIMIT 20"
	[transitions]="SELECT * FROM transitions((SELECT transition_counts(j) FROM bench_journey_channel))"
	[transitions_sql]="SELECT f AS from_label, t AS to_label, sum(n) AS transitions, sum(n)::float8 / sum(sum(n)) OVER (PARTITION BY f) AS probability FROM (SELECT channel, next, count(*) FILTER (WHERE prev IS NULL) AS starts, count(*) FILTER (WHERE next IS DISTINCT FROM channel) AS moves FROM (SELECT channel, lag(channel) OVER w AS prev, lead(channel) OVER w AS next FROM events WINDOW w AS (PARTITION BY customer_id $path_order)) e GROUP BY 1, 2) g, LATERAL (VALUES ('(start)', g.channel, g.starts), (g.channel, coalesce(g.next, '(end)'), g.moves)) v(f, t, n) WHERE n > 0 GROUP BY 1, 2"
)
# Attribution over journeys labelled by channel, and 'purchase' for the
# purchases (the conversions).  The plain SQL numbers each touchpoint's
# conversion: grp = purchases before it, so the touchpoints after purchase
# k and purchase k + 1 itself share grp = k (journey_attribution's default:
# credit since the previous conversion, no lookback).
conv_events="SELECT customer_id, ts, value, event = 'purchase' AS conv, CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END AS label FROM events"
conv_order='ORDER BY ts, label COLLATE "C", value NULLS FIRST'
conv_groups="SELECT customer_id, ts, value, label, conv, count(*) FILTER (WHERE conv) OVER (PARTITION BY customer_id $conv_order ROWS UNBOUNDED PRECEDING) - conv::int AS grp FROM ($conv_events) e"
conv_g="WINDOW g AS (PARTITION BY customer_id, grp)"
for model in linear position_based time_decay last_touch; do
	query[attr_$model]="SELECT label, sum(credit) AS credit FROM bench_journey_conversion, journey_attribution(j, '$model', '{purchase}') GROUP BY label"
done
# The same per channel in one aggregate (attribution_counts, exact sums:
# equal to the rows' sum to 6 decimals), the journey side of the peers'
# attribution rows; the per-touchpoint rows stay timed in this section.
for model in linear position_based time_decay last_touch first_touch; do
	query[attr_counts_$model]="SELECT * FROM attribution_credits((SELECT attribution_counts(j, '$model', '{purchase}') FROM bench_journey_conversion))"
done
query+=(
	[attr_linear_sql]="SELECT label, sum(1 / n::float8) AS credit FROM (SELECT label, conv, count(*) FILTER (WHERE NOT conv) OVER g AS n, bool_or(conv) OVER g AS converted FROM ($conv_groups) t $conv_g) s WHERE converted AND NOT conv GROUP BY label"
	[attr_position_based_sql]="SELECT label, sum(CASE WHEN n = 1 THEN 1::float8 WHEN n = 2 THEN 0.5::float8 WHEN pos = 1 OR pos = n THEN 0.4::float8 ELSE 0.2::float8 / (n - 2) END) AS credit FROM (SELECT label, conv, count(*) FILTER (WHERE NOT conv) OVER g AS n, bool_or(conv) OVER g AS converted, row_number() OVER (g $conv_order) AS pos FROM ($conv_groups) t $conv_g) s WHERE converted AND NOT conv GROUP BY label"
	[attr_time_decay_sql]="SELECT label, sum(w / sum_w) AS credit FROM (SELECT label, w, sum(w) OVER (PARTITION BY customer_id, grp) AS sum_w FROM (SELECT customer_id, grp, label, conv, bool_or(conv) OVER g AS converted, power(2::float8, -extract(epoch FROM max(ts) FILTER (WHERE conv) OVER g - ts)::float8 / 604800) AS w FROM ($conv_groups) t $conv_g) s WHERE converted AND NOT conv) s2 GROUP BY label"
	[attr_last_touch_sql]="SELECT prev AS label, count(*)::float8 AS credit FROM (SELECT conv, lag(label) OVER w AS prev, lag(conv) OVER w AS prev_conv FROM ($conv_events) e WINDOW w AS (PARTITION BY customer_id $conv_order)) s WHERE conv AND NOT prev_conv GROUP BY prev"
)
# Conversion drivers over journeys labelled by event: per event, the
# customers with it up to their first purchase and how many of those
# bought, with the odds ratio and its test.  The plain SQL makes the same
# 2x2 counts and odds ratio (PostgreSQL has no chi-square or hypergeometric
# distribution, so it stops short of the p-values).  No alias on events:
# the memory probe puts a sample in its place.
drivers_first="SELECT customer_id, min(ts) FILTER (WHERE event = 'purchase') AS buy FROM events GROUP BY customer_id"
query+=(
	[conversion_drivers]="SELECT label, journeys, converted, odds_ratio, p_value_adjusted FROM conversion_drivers((SELECT driver_counts(j, '{purchase}') FROM bench_journey_event))"
	[conversion_drivers_sql]="SELECT label, journeys, converted, CASE WHEN least(a, b, c, d) = 0 THEN ((a + 0.5) * (d + 0.5)) / ((b + 0.5) * (c + 0.5)) ELSE (a * d) / (b * c) END AS odds_ratio FROM (SELECT label, journeys, converted, converted::float8 AS a, (journeys - converted)::float8 AS b, (t.c - converted)::float8 AS c, (t.n - journeys - t.c + converted)::float8 AS d FROM (SELECT label, count(*) AS journeys, count(*) FILTER (WHERE bought) AS converted FROM (SELECT DISTINCT customer_id, event AS label, f.buy IS NOT NULL AS bought FROM events JOIN ($drivers_first) f USING (customer_id) WHERE event <> 'purchase' AND (f.buy IS NULL OR ts <= f.buy)) l GROUP BY label) g, (SELECT count(*) AS n, count(buy) AS c FROM ($drivers_first) f) t) x"
)

# Retention by events over journeys labelled by event: the dense grid of
# weekly cohorts (Berlin) by the first product view, retained in a week
# with a purchase at or after it.  The plain SQL cuts the same local weeks
# with date_trunc and fills the same triangle up to the latest week of a
# cohort or a purchase.  No alias on events (the memory probe).
ret_zone="'Europe/Berlin'"
ret_week="(date_trunc('week', ts, $ret_zone) AT TIME ZONE $ret_zone)::date"
ret_cohorts="SELECT customer_id, min(ts) AS s, (date_trunc('week', min(ts), $ret_zone) AT TIME ZONE $ret_zone)::date AS c FROM events WHERE event = 'product_view' GROUP BY customer_id"
ret_buys="SELECT customer_id, ts, $ret_week AS p FROM events WHERE event = 'purchase'"
query+=(
	[activity_retention]="SELECT * FROM activity_retention((SELECT activity_counts(j, 'product_view', 'purchase', 'week', 'Europe/Berlin') FROM bench_journey_event))"
	[activity_retention_sql]="WITH c AS ($ret_cohorts), b AS ($ret_buys), r AS (SELECT DISTINCT c.c, b.customer_id, b.p FROM b JOIN c USING (customer_id) WHERE b.ts >= c.s), n AS (SELECT c, count(*) AS n FROM c GROUP BY c), k AS (SELECT c, p, count(*) AS k FROM r GROUP BY 1, 2), l AS (SELECT max(d) AS d FROM (SELECT c AS d FROM c UNION ALL SELECT p FROM b) x) SELECT n.c::timestamp AT TIME ZONE $ret_zone AS cohort, to_char(n.c, 'YYYY-MM-DD') AS cohort_label, n.n AS cohort_journeys, g AS period, coalesce(k.k, 0) AS journeys, coalesce(k.k, 0)::float8 / n.n AS share FROM n CROSS JOIN l CROSS JOIN generate_series(0, (l.d - n.c) / 7) g LEFT JOIN k ON k.c = n.c AND k.p = n.c + 7 * g"
)

# Funnel trends: monthly conversion of a four-step funnel by entry month,
# from one summary, against the same from each journey's funnel_timestamps
# grouped by its entry month (the way without the summary: the exact
# funnel itself has no plain SQL short of a self-join per step).
trend_steps="'{product_view,add_to_cart,checkout,purchase}'"
query+=(
	[funnel_trends]="SELECT period_start, step, journeys FROM funnel_trends((SELECT funnel_trend_counts(j, $trend_steps, '7 days', 'month') FROM bench_journey_event)) WHERE journeys > 0"
	[funnel_trends_sql]="SELECT date_trunc('month', t[1] AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS period_start, step, count(*) AS journeys FROM (SELECT funnel_timestamps(j, $trend_steps, '7 days') AS t FROM bench_journey_event) s, generate_series(1, cardinality(t)) step GROUP BY 1, 2"
)
# A funnel in any order (mode any_order; four steps that the sample
# journeys often take out of order): customers completing k of them within
# 7 days, from one funnel_counts summary, against plain
# SQL over the raw events: per event, the steps whose label occurs in the
# 7 days from it (a RANGE window per step; exact, the steps' labels being
# distinct), the most per customer, counted per step.
any_w="WINDOW w AS (PARTITION BY customer_id ORDER BY ts RANGE BETWEEN CURRENT ROW AND '7 days' FOLLOWING)"
any_steps="'{email_open,support_ticket,add_to_cart,purchase}'"
any_n="(bool_or(event = 'email_open') OVER w)::int + (bool_or(event = 'support_ticket') OVER w)::int + (bool_or(event = 'add_to_cart') OVER w)::int + (bool_or(event = 'purchase') OVER w)::int"
query+=(
	[funnel_any]="SELECT step, reached FROM funnel_report((SELECT funnel_counts(j, $any_steps, '7 days', NULL, NULL, '{any_order}') FROM bench_journey_event)) WHERE step > 0"
	[funnel_any_sql]="SELECT s.step, count(*) FILTER (WHERE l.level >= s.step) AS reached FROM (SELECT customer_id, max(n) AS level FROM (SELECT customer_id, $any_n AS n FROM events $any_w) e GROUP BY customer_id) l, generate_series(1, 4) s(step) GROUP BY s.step"
)

# Optional steps: the journeys reaching each step of the four-step funnel
# with checkout optional, from one summary, against window functions over
# the events (the latest view before each event, then the latest such
# start of a cart before it; at equal times in step order, S1).
opt_order="ORDER BY ts, array_position($trend_steps::text[], event) ROWS UNBOUNDED PRECEDING"
query+=(
	[funnel_optional]="SELECT step, reached FROM funnel_report((SELECT funnel_counts(j, $trend_steps, '7 days', NULL, NULL, '{optional=3}') FROM bench_journey_event)) WHERE step > 0"
	[funnel_optional_sql]="WITH o AS (SELECT customer_id, ts, event, max(ts) FILTER (WHERE event = 'product_view') OVER (PARTITION BY customer_id $opt_order) AS lv FROM events), c AS (SELECT customer_id, ts, event, lv, max(lv) FILTER (WHERE event = 'add_to_cart') OVER (PARTITION BY customer_id $opt_order) AS cs FROM o), r AS (SELECT customer_id, bool_or(event = 'product_view') AS r1, bool_or(event = 'add_to_cart' AND ts - lv <= '7 days') AS r2, bool_or(event = 'checkout' AND ts - cs <= '7 days') AS r3, bool_or(event = 'purchase' AND ts - cs <= '7 days') AS r4 FROM c GROUP BY customer_id) SELECT s AS step, count(*) FILTER (WHERE (ARRAY[r1, r2, r3, r4])[s]) AS reached FROM r, generate_series(1, 4) s GROUP BY s"
)

# Markov chain attribution of order 1..5 (no plain-SQL baseline: solving
# the absorbing chain is not a query).  With 7 channels the models have
# about 8, 50, 300, 1800 and 8000 states; markov_attribution solves systems
# of up to 1000 states densely and larger ones sparsely, so orders 4 and 5
# show both.  An order that fails (too many states, no convergence) is
# reported with its error.
for k in 1 2 3 4 5; do
	query[markov_$k]="SELECT * FROM markov_attribution((SELECT markov_counts(j, '{purchase}', $k) FROM bench_journey_conversion))"
done

# Shapley values and the bootstrap intervals of every model (no
# baseline): linear_intervals is linear attribution summed per channel
# with 200-sample bootstrap intervals over customers, to compare with
# attr_linear.
query+=(
	[shapley_exact]="SELECT * FROM shapley_attribution((SELECT shapley_counts(j, '{purchase}') FROM bench_journey_conversion))"
	[shapley_simplified]="SELECT * FROM shapley_attribution((SELECT shapley_counts(j, '{purchase}') FROM bench_journey_conversion), 'simplified')"
	[shapley_intervals]="SELECT * FROM shapley_attribution_intervals((SELECT shapley_counts(j, '{purchase}') FROM bench_journey_conversion))"
	[markov_intervals]="SELECT * FROM markov_attribution_intervals((SELECT markov_counts(j, '{purchase}', 2) FROM bench_journey_conversion))"
	[linear_intervals]="SELECT * FROM credit_intervals((SELECT credit_bootstrap(customer_id, a.label, a.credit) FROM bench_journey_conversion, journey_attribution(j, 'linear', '{purchase}') a))"
)

# Peers: journey's answers against DuckDB's (bench/duckdb/bench.mjs) and
# ClickHouse's (bench/clickhouse/bench.sh), the same events exported once
# per size, and against plain SQL where the sections above have it, each
# with a checksum of its result that must be the same for every engine
# (checksum[NAME] reads the result as r; the DuckDB and ClickHouse scripts
# compute the same text).  The stored forms read the journeys analytics.sql
# built; DuckDB's and ClickHouse's queries read their events tables.
funnel_steps="'{product_view,add_to_cart,checkout,purchase}'"
utc_day="(ts AT TIME ZONE 'UTC')::date"
query+=(
	[attr_first_touch]="SELECT label, sum(credit) AS credit FROM bench_journey_conversion, journey_attribution(j, 'first_touch', '{purchase}') GROUP BY label"
	[funnel_level]="SELECT customer_id, funnel_level(j, $funnel_steps, '7 days') AS level FROM bench_journey_event"
	[window_funnel]="SELECT customer_id, window_funnel('7 days', ts, event = 'product_view', event = 'add_to_cart', event = 'checkout', event = 'purchase') AS level FROM events GROUP BY customer_id"
	[attr_first_touch_sql]="SELECT label, count(*)::float8 AS credit FROM (SELECT label, conv, bool_or(conv) OVER g AS converted, row_number() OVER (g $conv_order) AS pos FROM ($conv_groups) t $conv_g) s WHERE converted AND NOT conv AND pos = 1 GROUP BY label"
	[retention_stored]="SELECT cohort_label, period, journeys FROM cohort_retention((SELECT retention_counts(j, '1 month') FROM bench_journey_event), dense => false)"
	[retention_sql]="SELECT to_char(cohort, 'YYYY-MM') AS cohort_label, ((extract(year FROM m) - extract(year FROM cohort)) * 12 + extract(month FROM m) - extract(month FROM cohort))::int AS period, count(*) AS journeys FROM (SELECT customer_id, m, min(m) OVER (PARTITION BY customer_id) AS cohort FROM (SELECT DISTINCT customer_id, date_trunc('month', ts AT TIME ZONE 'UTC') AS m FROM events) a) b GROUP BY 1, 2"
	[retention_raw]="SELECT customer_id, retention($utc_day = '2024-03-01', $utc_day = '2024-03-02', $utc_day = '2024-03-08') AS r FROM events GROUP BY customer_id"
	[retention_raw_sql]="SELECT customer_id, ARRAY[c1::int, (c1 AND c2)::int, (c1 AND c3)::int] AS r FROM (SELECT customer_id, bool_or($utc_day = '2024-03-01') AS c1, bool_or($utc_day = '2024-03-02') AS c2, bool_or($utc_day = '2024-03-08') AS c3 FROM events GROUP BY customer_id) s"
)
levels="SELECT string_agg(level || ':' || n, ' ' ORDER BY level) FROM (SELECT level, count(*) AS n FROM r GROUP BY level) s"
credits="SELECT string_agg(label || '=' || round(credit::numeric, 6), ' ' ORDER BY label COLLATE \"C\") FROM r"
sessions_sum="SELECT count(*) || ' rows, ' || sum(session) || ' session sum, ' || max(session) || ' max' FROM r"
paths_sum="SELECT count(*) || ' paths, ' || sum(journeys) || ' journeys, md5 ' || left(md5(string_agg(path || '=' || journeys, ';' ORDER BY journeys DESC, path COLLATE \"C\")), 12) FROM r"
cells_sum="SELECT count(*) || ' cells, ' || sum(journeys) || ' journey-months, md5 ' || left(md5(string_agg(cohort_label || ':' || period || ':' || journeys, ' ' ORDER BY cohort_label COLLATE \"C\", period)), 12) FROM r"
retention_sum="SELECT sum(r[1]) || ',' || sum(r[2]) || ',' || sum(r[3]) FROM r"
declare -A checksum=(
	[count]="SELECT count(*) || ' customers, ' || sum(count) || ' events' FROM r"
	[journey_agg]="SELECT count(*) || ' customers, ' || sum(journey_length(journey_agg)) || ' events' FROM r"
	[session_count]="SELECT sum::text FROM r"
	[session_count_sql]="SELECT sum::text FROM r"
	[session_number]=$sessions_sum
	[session_lag_sum]=$sessions_sum
	[funnel_level]=$levels
	[window_funnel]=$levels
	[top_paths]="${paths_sum/%FROM r/FROM r WHERE rank IS NOT NULL}"	# not (other)
	[top_paths_sql]=$paths_sum
	[attr_counts_first_touch]=$credits
	[attr_counts_last_touch]=$credits
	[attr_counts_linear]=$credits
	[attr_first_touch]=$credits
	[attr_first_touch_sql]=$credits
	[attr_last_touch]=$credits
	[attr_last_touch_sql]=$credits
	[attr_linear]=$credits
	[attr_linear_sql]=$credits
	[retention_stored]=$cells_sum
	[retention_sql]=$cells_sum
	[retention_raw]=$retention_sum
	[retention_raw_sql]=$retention_sum
)

analytics=(sessions identity paths attribution drivers trends retention markov models)
settings+=([sessions]="" [identity]="" [paths]="" [attribution]="" [drivers]="" [trends]="" [retention]="" [markov]="" [models]="" [peers]="")
section_names+=(
	[peers]="count journey_agg session_count session_count_sql session_number session_lag_sum funnel_level window_funnel top_paths top_paths_sql attr_counts_first_touch attr_first_touch_sql attr_counts_last_touch attr_last_touch_sql attr_counts_linear attr_linear_sql retention_stored retention_sql retention_raw retention_raw_sql"
	[sessions]="session_row_number session_number session_lag_sum session_count journey_sessions session_count_sql decode_header decode_all"
	[identity]="identity_resolve identity_cte"
	[paths]="top_paths top_paths_sql transitions transitions_sql"
	[attribution]="attr_linear attr_linear_sql attr_position_based attr_position_based_sql attr_time_decay attr_time_decay_sql attr_last_touch attr_last_touch_sql attr_first_touch attr_counts_linear attr_counts_position_based attr_counts_time_decay attr_counts_last_touch attr_counts_first_touch"
	[drivers]="conversion_drivers conversion_drivers_sql"
	[trends]="funnel_trends funnel_trends_sql funnel_any funnel_any_sql funnel_optional funnel_optional_sql"
	[retention]="activity_retention activity_retention_sql"
	[markov]="markov_1 markov_2 markov_3 markov_4 markov_5"
	[models]="shapley_exact shapley_simplified shapley_intervals markov_intervals linear_intervals"
)
# A failing query of these sections (a Markov model over the state limit,
# say) is reported with its error instead of stopping the run.
declare -A catch=([sessions]=true [identity]=true [paths]=true [attribution]=true [drivers]=true [trends]=true [retention]=true [markov]=true [models]=true [peers]=true)
# The peers section runs after the analytics ones, the incremental one
# (bench/incremental.sh --loaded: appending the newest 1% of the events to
# stored journeys, against rebuilding them) last; BENCH_SECTIONS may leave
# them out like any other.
all_sections=("${sections[@]}")
all_analytics=("${analytics[@]}")

# BENCH_SECTIONS="attribution markov models" runs only the sections named
# (of serial sorted parallel, the analytics above, peers and incremental),
# e.g. to time the models on 1M journeys without the rest; a size given as
# 30M:serial,parallel,incremental runs only those at that size.
select_sections() {
	local wanted=$1 s
	keep() {
		[[ -z $wanted ]] && return 0
		for s in $wanted; do [[ $s == "$1" ]] && return 0; done
		return 1
	}
	sections=() analytics=() peers=() incremental=()
	for s in "${all_sections[@]}"; do keep "$s" && sections+=("$s"); done
	for s in "${all_analytics[@]}"; do keep "$s" && analytics+=("$s"); done
	keep peers && peers=(peers)
	keep incremental && incremental=(incremental)
	return 0
}

# Queries whose memory is not probed (none so far).
declare -A probe_skip=()

# The tables a query reads; the memory probe's warm-up reads 1000 rows of each.
tables=(events bench_journey_event bench_journey_channel bench_journey_conversion bench_links)

# Times every query of a section: one warm-up run each, then $runs rounds
# that run each query once, so drift in the machine's load spreads over all
# queries instead of landing on one.  statement_timeout caps every run; a
# query whose warm-up is cancelled is not run again, and one whose warm-up
# takes longer than $slow_s gets a single timed run, so that a pathological
# case shows up in the report without eating the time budget.
# Planner settings of one query: its own if it has any, else its section's.
query_settings() {
	local section=$1 name=$2
	if [[ -v qsettings[$name] ]]; then
		echo "${qsettings[$name]}"
	else
		echo "${settings[$section]}"
	fi
}

time_section() {
	local size=$1 section=$2 run name ms line
	local -A todo=()
	for name in ${section_names[$section]}; do todo[$name]=$runs; done
	for ((run = 0; run <= runs; run++)); do
		line="$size $section run $run/$runs:"
		((run == 0)) && line="$size $section warm-up:"
		for name in ${section_names[$section]}; do
			((run <= todo[$name])) || continue
			ms=$(PGOPTIONS="-c statement_timeout=${timeout_s}s" sql "SELECT round(bench.time('$size',
				'$section', '$name', $run, \$q\$${query[$name]}\$q\$,
				'$(query_settings "$section" "$name")', ${catch[$section]:-false})::numeric)")
			if [[ -z $ms ]]; then	# failed; the error is in bench.runs
				todo[$name]=0
				line+=" $name ERROR"
				continue
			fi
			if ((ms < 0)); then
				todo[$name]=0
				line+=" $name TIMEOUT(>${timeout_s}s)"
				continue
			fi
			((run == 0 && ms > slow_s * 1000)) && todo[$name]=1
			line+=" $name ${ms}ms"
		done
		log "$line"
	done
}

# Peak memory of one query in a fresh backend.  A small warm-up on 1000 rows
# first loads the library and fills the caches, so the figure is the
# query's own memory, not the connection's.  Queries that timed out in
# time_section are skipped: they would only time out again.
probe_memory() {
	local size=$1 section=$2 name=$3 q small
	if [[ $(sql "SELECT bool_or(timed_out OR error IS NOT NULL) FROM bench.runs
			WHERE size = '$size' AND section = '$section' AND name = '$name'") == t ]]; then
		log "$size $section memory $name: skipped (timed out or failed above)"
		return
	fi
	q=${query[$name]}
	small=$(sed -E "s/FROM ($(IFS='|'; echo "${tables[*]}"))\b/FROM (TABLE \1 LIMIT 1000) \1/g" <<<"$q")
	PGOPTIONS="-c statement_timeout=${timeout_s}s" "${psql[@]}" -At \
		-v size="$size" -v section="$section" -v name="$name" \
		-v q="$q" -v small="$small" -v settings="$(query_settings "$section" "$name")" \
		-v dir="$tmp" -v watch="$here/memwatch.sh" <<-'EOF'
		SELECT pg_backend_pid() AS pid \gset
		\setenv BENCH_PID :pid
		\setenv BENCH_DIR :dir
		\setenv BENCH_WATCH :watch
		SELECT bench.explain(:'small', :'settings') IS NOT NULL AS ok \gset
		\! bash "$BENCH_WATCH" start "$BENCH_PID" "$BENCH_DIR"
		SELECT coalesce(bench.explain(:'q', :'settings')::text, '') AS plan \gset
		\set mem `bash "$BENCH_WATCH" stop "$BENCH_PID" "$BENCH_DIR"`
		SELECT split_part(:'mem', ' ', 1) AS anon, split_part(:'mem', ' ', 2) AS hwm \gset
		INSERT INTO bench.memory VALUES (:'size', :'section', :'name', :anon, :hwm,
			nullif(:'plan', '')::jsonb);
	EOF
	log "$size $section memory $name: $(sql "SELECT bench.mb(anon_kb) || ' anon peak, ' ||
		bench.mb(hwm_kb) || ' VmHWM growth' || CASE WHEN plan IS NULL THEN ' (timed out)' ELSE '' END
		FROM bench.memory WHERE size = '$size' AND section = '$section' AND name = '$name'")"
}

"${psql[@]}" -c "CREATE EXTENSION IF NOT EXISTS journey"
# Which journey.so the backends really load (run.sh points them at a
# snapshot).
loaded=$("${psql[@]}" -At -c "SELECT journey_length(journey_agg(now(), 'x'))" \
	-c "SELECT substring(pg_read_file('/proc/self/maps') FROM '\S*/journey\.so')" | tail -n 1)
echo "${BENCH_VERSION:-journey}, loaded from $loaded" >&3
echo "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg) at start" >&3
"${psql[@]}" -f "$here/bench.sql"

for spec in "$@"; do
	size=${spec%%=*}
	customers=${spec#*=}
	only=
	if [[ $customers == *:* ]]; then
		only=${customers#*:}
		only=${only//,/ }
		customers=${customers%%:*}
	fi
	select_sections "${only:-${BENCH_SECTIONS:-}}"

	log "$size: loading $customers customers"
	start=$SECONDS
	bash "$here/../data/load.sh" "$customers" >&2
	# Freeze and set hint bits now, so no timed run pays for them, and
	# checkpoint so no checkpoint of the load runs during the timings.
	"${psql[@]}" -c "VACUUM (FREEZE, ANALYZE) events" -c "CHECKPOINT"
	sql "INSERT INTO bench.sizes SELECT '$size', $customers, count(*),
		pg_total_relation_size('events'), $((SECONDS - start)) FROM events" >/dev/null

	for section in "${sections[@]}"; do
		time_section "$size" "$section"
	done
	for section in "${sections[@]}"; do
		[[ $section == parallel ]] && continue	# workers are other processes
		for name in ${section_names[$section]}; do
			probe_memory "$size" "$section" "$name"
		done
	done

	log "$size: storage"
	"${psql[@]}" -v size="$size" -f "$here/storage.sql"

	# Analytics: build the stored journeys and links once (storage.sql left
	# its event-labelled journeys for the sessions), check that each
	# journey function and its baseline agree, then time them.
	if ((${#analytics[@]} + ${#peers[@]})); then
		log "$size: building the analytics tables"
		"${psql[@]}" -v size="$size" -f "$here/analytics.sql"
	fi
	log "$size: checking journey functions against their baselines (untimed)"
	# A failed check is reported, not fatal: without ON_ERROR_STOP psql
	# logs the error and goes on with the next check.
	qvars=()
	for section in "${analytics[@]}"; do
		for name in ${section_names[$section]}; do
			qvars+=(-v "q_$name=${query[$name]}")
		done
	done
	((${#analytics[@]} == 0)) || PGOPTIONS="-c statement_timeout=${check_timeout_s}s" \
		psql -X -q -v size="$size" -v sections="${analytics[*]}" "${qvars[@]}" \
		-f "$here/checks.sql" >&2 || true
	for section in "${analytics[@]}"; do
		time_section "$size" "$section"
	done
	for section in "${analytics[@]}"; do
		for name in ${section_names[$section]}; do
			[[ -v probe_skip[$name] ]] || probe_memory "$size" "$section" "$name"
		done
	done

	# Peers: journey's queries first (timed like the sections above, then
	# each once more for its checksum), then DuckDB's, then ClickHouse's
	# over the same events, exported once, untimed; never at the same time,
	# and the load average is recorded around all three.
	if ((${#peers[@]})); then
		sql "INSERT INTO bench.peer_load VALUES ('$size', 'start', '$(cut -d' ' -f1-3 /proc/loadavg)')" >/dev/null
		time_section "$size" peers
		log "$size peers: checksums of journey's and plain SQL's results (untimed)"
		for name in ${section_names[peers]}; do
			sum=$(PGOPTIONS="-c statement_timeout=${check_timeout_s}s" "${psql[@]}" -At \
				-c "WITH r AS (${query[$name]}) ${checksum[$name]}" 2>&1) || sum="ERROR: $sum"
			"${psql[@]}" -v size="$size" -v name="$name" -v sum="$sum" \
				<<<"INSERT INTO bench.checksums VALUES (:'size', :'name', :'sum')"
		done
		log "$size peers: exporting the events for DuckDB and ClickHouse"
		"${psql[@]}" -c "\copy (SELECT customer_id, (extract(epoch FROM ts) * 1000000)::bigint, channel, event, value FROM events) TO '$tmp/events.csv' (FORMAT csv)"
		node "$here/duckdb/bench.mjs" "$tmp/events.csv" "$runs" | awk -v size="$size" '{print size "\t" $0}' >"$tmp/duckdb.tsv"
		"${psql[@]}" -c "\copy bench.duckdb FROM '$tmp/duckdb.tsv'"
		# ClickHouse's server starts after DuckDB is done and stops before
		# the next size, so no two engines run at once.
		bash "$here/clickhouse/bench.sh" "$tmp/events.csv" "$runs" | awk -v size="$size" '{print size "\t" $0}' >"$tmp/clickhouse.tsv"
		rm -f "$tmp/events.csv"
		"${psql[@]}" -c "\copy bench.clickhouse FROM '$tmp/clickhouse.tsv'"
		sql "INSERT INTO bench.peer_load VALUES ('$size', 'end', '$(cut -d' ' -f1-3 /proc/loadavg)')" >/dev/null
	fi
	if ((${#incremental[@]})); then
		log "$size incremental: appending the newest 1% to stored journeys, against rebuilding them"
		incremental_out=$(bash "$here/incremental.sh" --loaded)
	fi
	((${#sections[@]} == 0)) ||
		"${psql[@]}" -v size="$size" -v timeout="$timeout_s" -v slow="$slow_s" \
		-f "$here/report.sql" >&3
	((${#analytics[@]} == 0)) ||
		"${psql[@]}" -v size="$size" -v timeout="$timeout_s" -v slow="$slow_s" \
		-f "$here/report-analytics.sql" >&3
	if ((${#incremental[@]})); then
		printf '\n=== %s: keeping journeys current (bench/incremental.sh --loaded) ===\n%s\n' \
			"$size" "$incremental_out" >&3
	fi
	if ((${#peers[@]})); then
		"${psql[@]}" -v size="$size" -v timeout="$timeout_s" -f "$here/report-peers.sql" >&3
		differ=$(sql "SELECT string_agg(ord::text, ', ') FROM bench.peers('$size') WHERE NOT same")
		if [[ -n $differ ]]; then
			log "$size peers: CHECKSUMS DIFFER for question(s) $differ (see the report)"
			peers_failed=1
		fi
	fi
done

# Concurrent load: test/load.sh run longer, for its throughput and memory.
load_s=${BENCH_LOAD_SECONDS:-60}
((load_s > 0)) || exit "${peers_failed:-0}"
echo "=== load: 16 pgbench clients for $load_s s, the main functions on 2,000 generated customers (test/load.sh) ===" >&3
LOAD_SECONDS=$load_s bash "$here/../test/load.sh" 2>&1 | grep '^load:' >&3 ||
	echo "load: FAILED (see test/load.sh)" >&3
exit "${peers_failed:-0}"
