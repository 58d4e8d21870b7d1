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

# Times every query of a section: one warm-up run each, then $runs rounds
# that run each query once, so drift in the machine's load spreads over all
# queries instead of landing on one.  statement_timeout caps every run; a
# query whose warm-up is cancelled is not run again, and one whose warm-up
# takes longer than $slow_s gets a single timed run, so that a pathological
# case shows up in the report without eating the time budget.
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
				'$section', '$name', $run, \$q\$${query[$name]}\$q\$, '${settings[$section]}')::numeric)")
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
	if [[ $(sql "SELECT bool_or(timed_out) FROM bench.runs WHERE size = '$size'
			AND section = '$section' AND name = '$name'") == t ]]; then
		log "$size $section memory $name: skipped (timed out above)"
		return
	fi
	q=${query[$name]}
	small=${q/FROM events/FROM (TABLE events LIMIT 1000) events}
	PGOPTIONS="-c statement_timeout=${timeout_s}s" "${psql[@]}" -At \
		-v size="$size" -v section="$section" -v name="$name" \
		-v q="$q" -v small="$small" -v settings="${settings[$section]}" \
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

	"${psql[@]}" -v size="$size" -v timeout="$timeout_s" -v slow="$slow_s" \
		-f "$here/report.sql" >&3
done
