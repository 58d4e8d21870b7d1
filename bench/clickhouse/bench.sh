#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The ClickHouse side of bench/measure.sh's peers section: the same
# questions as journey's and DuckDB's, over the same exported events, in
# the best SQL found for Debian's ClickHouse 18.16 (no window functions,
# DateTime in whole seconds: so time is kept as Int64 microseconds and
# every question is asked with groupArray, arraySort and the array
# functions, or an aggregate of ClickHouse's own).
#
#   bash bench/clickhouse/bench.sh EVENTS_CSV [RUNS]
#
# EVENTS_CSV is what measure.sh exports for DuckDB (no header; customer_id,
# microseconds since the Unix epoch, channel, event, value, empty = NULL).
# It starts clickhouse-server in a temporary directory on 127.0.0.1, port
# BENCH_CLICKHOUSE_PORT (default 19000), with a max_memory_usage of
# BENCH_CLICKHOUSE_MEMORY bytes (default 8 GB, as DuckDB's memory_limit) and
# its default threads (one per core), loads the events into a MergeTree
# ordered by (customer_id, us), and stops the server when done.  Every query
# runs once to warm up, then RUNS times (default 5), each as CREATE TABLE r
# ENGINE = Memory AS <query>, so that every row and column is made and kept;
# the figure is the best run (the client's --time: the query's time, not
# the client's start).  Then the checksum is computed from r, server-side,
# untimed, in the same text as measure.sh's and DuckDB's.
#
# Prints one line per query, tab-separated: name, best ms, timed runs,
# checksum, every timed run's ms (comma-separated); a query that fails has
# \N for its times and 'ERROR: message' for its checksum.  Progress goes to
# stderr.  Run as root (or as a user who may start clickhouse-server).
set -euo pipefail

csv=${1:?usage: bench.sh EVENTS_CSV [RUNS]}
runs=${2:-5}
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "bench.sh: RUNS must be a positive integer, not $runs" >&2; exit 2; }
port=${BENCH_CLICKHOUSE_PORT:-19000}
memory=${BENCH_CLICKHOUSE_MEMORY:-8000000000}
log() { printf '[%(%H:%M:%S)T] clickhouse: %s\n' -1 "$*" >&2; }

# shellcheck source=server.sh
source "$(dirname "${BASH_SOURCE[0]}")/server.sh"
clickhouse_start "$port" "$memory"

start=$SECONDS
# CSV's empty field would be 0 in a Nullable(Float64), not NULL: read the
# value as text, then toFloat64OrNull.
ch -q 'CREATE TABLE events_csv (customer_id UInt64, us Int64, channel String, event String, value String) ENGINE = Memory'
ch -q 'INSERT INTO events_csv FORMAT CSV' <"$csv"
ch -q 'CREATE TABLE events (customer_id UInt64, us Int64, channel String, event String, value Nullable(Float64))
	ENGINE = MergeTree ORDER BY (customer_id, us)'
ch -q 'INSERT INTO events SELECT customer_id, us, channel, event, toFloat64OrNull(value) FROM events_csv'
ch -q 'DROP TABLE events_csv'
ch -q 'OPTIMIZE TABLE events FINAL'
log "$(ch -q 'SELECT count() FROM events') events loaded in $((SECONDS - start)) s, ClickHouse $(ch -q 'SELECT version()'), $(ch -q "SELECT value FROM system.settings WHERE name = 'max_threads'") threads"

# --- The questions -------------------------------------------------------
min30=1800000000			# 30 minutes in microseconds
# A customer's events as one array sorted by time (and label, as a journey
# sorts equal timestamps; ClickHouse compares strings bytewise).
sorted_us="arraySort(groupArray(us))"
# Attribution: the touchpoints labelled by channel, or 'purchase' for a
# purchase (the conversions), in journey order.  Equal (time, label) pairs
# are both conversions or both not, so the order among them changes no
# credit and value need not break ties.  cs[i] = conversions up to i: a
# touchpoint's group is the conversions before it, and the group is
# converted if any conversion follows (cs < total).
conv="arraySort(groupArray((us, if(event = 'purchase', 'purchase', channel), event = 'purchase'))) AS e,
	arrayMap(x -> x.2, e) AS l, arrayMap(x -> x.3, e) AS c, arrayCumSum(c) AS cs, arraySum(c) AS total"
# (A lambda sees a column of an outer query only if that query reads the
# column outside the lambda too: 18.16 prunes it from the subquery first.
# So each query below works at the level of its GROUP BY customer_id.)
# The window funnel: windowFunnel takes UInt32 or DateTime (whole seconds),
# and keeps its chains' starts as Int32 (-1 for none), so its times must
# stay below 2^31: milliseconds (the events' precision) from the epoch do
# not fit.  Bucket k holds the events in [kB, kB + B + 7 days) for B = 17
# days, less than 2^31 milliseconds (24.8 days) from kB; every chain (at
# most 7 days from its start) lies whole in the bucket of its start, and a
# bucket's other chains are real chains too, so the maximum over a
# customer's buckets is its level.  An event lands in one bucket, or in two
# when it is within 7 days of its bucket's start.
bucket=1468800000			# 17 days in milliseconds
week=604800000				# the funnel's window, 7 days in milliseconds
funnel="SELECT customer_id, max(level) AS level FROM (
		SELECT customer_id, windowFunnel($week)(toUInt32(ms - b * $bucket),
			event = 'product_view', event = 'add_to_cart', event = 'checkout', event = 'purchase') AS level
		FROM (SELECT customer_id, event, intDiv(us, 1000) AS ms FROM events)
		ARRAY JOIN if(ms % $bucket < $week, [intDiv(ms, $bucket), intDiv(ms, $bucket) - 1], [intDiv(ms, $bucket)]) AS b
		GROUP BY customer_id, b)
	GROUP BY customer_id"
day() { echo "us >= $(date -u -d "$1" +%s)000000 AND us < $(date -u -d "$1 + 1 day" +%s)000000"; }

# Checksums: the same text as measure.sh's (credits to 6 decimals, as
# round(numeric, 6) prints them; paths and cells as the md5 of the ordered
# rows).
levels="SELECT arrayStringConcat(arrayMap(x -> concat(toString(x.1), ':', toString(x.2)),
	arraySort(groupArray((level, n)))), ' ') FROM (SELECT level, count() AS n FROM r GROUP BY level)"
credits="SELECT arrayStringConcat(arrayMap(x -> concat(x.1, '=', toString(intDiv(x.2, 1000000)), '.',
	substring(toString(1000000 + x.2 % 1000000), 2)), arraySort(groupArray((label, toInt64(round(credit * 1000000)))))), ' ') FROM r"

names=(${BENCH_CLICKHOUSE_QUERIES:-count list sessions session_number funnel top_paths first_touch last_touch linear retention retention_raw})
declare -A query=(
	[count]="SELECT customer_id, count() AS n FROM events GROUP BY customer_id"
	# the same lists as DuckDB's list_sort(list({ts, label, value}))
	[list]="SELECT customer_id, arraySort(groupArray((us, event, value))) AS j FROM events GROUP BY customer_id"
	# a session starts at a customer's first event and after every gap over
	# 30 minutes
	[sessions]="SELECT sum(n) AS sessions FROM (
			SELECT 1 + arrayCount(d -> d > $min30, arrayDifference($sorted_us)) AS n FROM events GROUP BY customer_id)"
	[session_number]="SELECT customer_id, t AS us, s AS session FROM (
			SELECT customer_id, $sorted_us AS ts,
				arrayMap(x -> x + 1, arrayCumSum(arrayMap(d -> d > $min30, arrayDifference(ts)))) AS ss
			FROM events GROUP BY customer_id)
		ARRAY JOIN ts AS t, ss AS s"
	[funnel]=$funnel
	# channels in journey order, a repeat of the one before dropped
	[top_paths]="SELECT path, count() AS journeys FROM (
			SELECT arrayMap(x -> x.2, arraySort(groupArray((us, channel)))) AS chs,
				arrayStringConcat(arrayFilter((ch, prev) -> ch != prev, chs, arrayPushFront(arrayPopBack(chs), '')), ' > ') AS path
			FROM events GROUP BY customer_id)
		GROUP BY path ORDER BY journeys DESC, path LIMIT 20"
	# the first touchpoint of a converted group: not a conversion, and
	# first or after one
	[first_touch]="SELECT label, toFloat64(count()) AS credit FROM (
			SELECT $conv, arrayJoin(arrayFilter((lab, cv, prev, n) -> NOT cv AND prev AND n < total,
				l, c, arrayPushFront(arrayPopBack(c), 1), cs)) AS label
			FROM events GROUP BY customer_id)
		GROUP BY label"
	# the touchpoint just before a conversion
	[last_touch]="SELECT label, toFloat64(count()) AS credit FROM (
			SELECT $conv, arrayJoin(arrayFilter((lab, cv, next) -> NOT cv AND next,
				l, c, arrayPushBack(arrayPopFront(c), 0))) AS label
			FROM events GROUP BY customer_id)
		GROUP BY label"
	# 1 / the touchpoints of its converted group; group g ends at the
	# (g + 1)th conversion, at p[g + 2] (p: 0, then the conversions' places)
	[linear]="SELECT t.1 AS label, sum(t.2) AS credit FROM (
			SELECT $conv, arrayPushFront(arrayFilter((i, cv) -> cv, arrayEnumerate(c), c), 0) AS p,
				arrayJoin(arrayFilter(x -> x.2 > 0, arrayMap((lab, cv, n) ->
					(lab, if(cv OR n >= total, 0., 1 / (p[n + 2] - p[n + 1] - 1))), l, c, cs))) AS t
			FROM events GROUP BY customer_id)
		GROUP BY label"
	# months in UTC (the server's time zone), numbered year * 12 + month
	[retention]="SELECT concat(toString(intDiv(cohort - 1, 12)), '-', substring(toString(101 + (cohort - 1) % 12), 2)) AS cohort_label,
			m - cohort AS period, count() AS journeys
		FROM (SELECT groupUniqArray(toRelativeMonthNum(toDateTime(intDiv(us, 1000000)))) AS ms, arrayReduce('min', ms) AS cohort
			FROM events GROUP BY customer_id)
		ARRAY JOIN ms AS m
		GROUP BY cohort_label, period"
	# ClickHouse's own retention(): [c1, c1 and c2, c1 and c3]
	[retention_raw]="SELECT customer_id, retention($(day 2024-03-01), $(day 2024-03-02), $(day 2024-03-08)) AS r
		FROM events GROUP BY customer_id"
)
declare -A checksum=(
	[count]="SELECT concat(toString(count()), ' customers, ', toString(sum(n)), ' events') FROM r"
	[list]="SELECT concat(toString(count()), ' customers, ', toString(sum(length(j))), ' events') FROM r"
	[sessions]="SELECT toString(sessions) FROM r"
	[session_number]="SELECT concat(toString(count()), ' rows, ', toString(sum(session)), ' session sum, ', toString(max(session)), ' max') FROM r"
	[funnel]=$levels
	[top_paths]="SELECT concat(toString(count()), ' paths, ', toString(sum(journeys)), ' journeys, md5 ',
		substring(lower(hex(MD5(arrayStringConcat(arrayMap(x -> concat(x.2, '=', toString(-x.1)),
			arraySort(groupArray((-toInt64(journeys), path)))), ';')))), 1, 12)) FROM r"
	[first_touch]=$credits
	[last_touch]=$credits
	[linear]=$credits
	[retention]="SELECT concat(toString(count()), ' cells, ', toString(sum(journeys)), ' journey-months, md5 ',
		substring(lower(hex(MD5(arrayStringConcat(arrayMap(x -> concat(x.1, ':', toString(x.2), ':', toString(x.3)),
			arraySort(groupArray((cohort_label, period, journeys)))), ' ')))), 1, 12)) FROM r"
	[retention_raw]="SELECT concat(toString(sum(r[1])), ',', toString(sum(r[2])), ',', toString(sum(r[3]))) FROM r"
)
for name in "${names[@]}"; do
	times=()
	err=
	for ((run = 0; run <= runs; run++)); do
		ch -q 'DROP TABLE IF EXISTS r'
		if ! s=$(ch --time -q "CREATE TABLE r ENGINE = Memory AS ${query[$name]}" 2>&1); then
			err=$(tr -s '[:space:]' ' ' <<<"$s" | cut -c1-300)
			break
		fi
		((run == 0)) || times+=("$(awk '{printf "%.1f", $NF * 1000}' <<<"${s##*$'\n'}")")
	done
	if [[ -z $err ]] && ! sum=$(ch -q "${checksum[$name]}" 2>&1); then
		err=$(tr -s '[:space:]' ' ' <<<"$sum" | cut -c1-300)
	fi
	if [[ -n $err ]]; then
		log "$name: FAILED: $err"
		printf '%s\t\\N\t0\tERROR: %s\t\\N\n' "$name" "$err"
		continue
	fi
	best=$(printf '%s\n' "${times[@]}" | sort -g | head -1)
	log "$name: best $best ms of $runs; $sum"
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$best" "$runs" "$sum" "$(IFS=,; echo "${times[*]}")"
done
ch -q 'DROP TABLE IF EXISTS r'
