#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The build against its floor, on a cluster that already holds the events
# (data/load.sh, vacuumed): journey_agg next to count(*), to count_cols
# (count(ts), count(event), count(value): the same three columns read
# through three cheap by-value transition functions) and to ordered
# array_agg, GROUP BY customer_id, in one run, so that the ratios hold
# whatever else the machine is doing.  Quicker than bench/run.sh when only
# the build is being worked on.
#
#   bash bench/build.sh DATABASE ...       libpq variables for the rest
#
# Per database, four plans (BENCH_PLANS to run fewer): "hash" (the
# planner's choice: HashAggregate), "sorted" (enable_hashagg = off: Sort +
# GroupAggregate), "index" (GroupAggregate over an index on (customer_id,
# ts), created if missing, the input already in journey order) and
# "parallel" (2 workers).  Server settings come from the cluster, or from
# PGOPTIONS (bench/run.sh's: -c work_mem=256MB -c jit=off).  Each
# query runs under EXPLAIN (ANALYZE, TIMING OFF): once to warm up, then
# BENCH_RUNS (5) rounds that run every query once, interleaved; the best
# run counts.  The load average is printed beside every plan, since the
# machine is shared, and so is the best CPU time of the backend
# (/proc/PID/schedstat, so run as root or as the server's user): time
# taken by other processes does not count there, which makes serial
# ratios steadier on a busy machine (it leaves out parallel workers, so
# the parallel plan shows none).
set -euo pipefail

runs=${BENCH_RUNS:-5}
psql=(psql -X -q -v ON_ERROR_STOP=1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

declare -A query=(
	[count]="SELECT customer_id, count(*) FROM events GROUP BY 1"
	[count_cols]="SELECT customer_id, count(ts), count(event), count(value) FROM events GROUP BY 1"
	[journey_agg]="SELECT customer_id, journey_agg(ts, event, value) FROM events GROUP BY 1"
	[array_agg]="SELECT customer_id, array_agg(event ORDER BY ts) FROM events GROUP BY 1"
)
names=(count count_cols journey_agg array_agg)
read -ra plans <<<"${BENCH_PLANS:-hash sorted index parallel}"
noindex="SET enable_indexscan = off; SET enable_indexonlyscan = off; SET enable_bitmapscan = off;"
declare -A settings=(
	[hash]="SET max_parallel_workers_per_gather = 0; $noindex"
	[sorted]="SET max_parallel_workers_per_gather = 0; SET enable_hashagg = off; $noindex"
	[index]="SET max_parallel_workers_per_gather = 0; SET enable_hashagg = off; SET enable_sort = off; SET enable_seqscan = off;"
	[parallel]="SET max_parallel_workers_per_gather = 2; $noindex"
)

# One run: its execution time (ms), the plan's shape (its nodes down to
# the scan) and the backend's CPU time during the statement (ms).
run() {
	local db=$1 plan=$2 name=$3 line
	line=$("${psql[@]}" -At -d "$db" <<-EOF
		${settings[$plan]}
		SELECT pg_backend_pid() AS pid \gset
		\setenv BENCH_PID :pid
		\! cut -d' ' -f1 /proc/\$BENCH_PID/schedstat > $tmp/cpu0
		WITH RECURSIVE plan(p) AS (SELECT bench_explain(\$\$EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${query[$name]}\$\$)),
		n(node, depth) AS (SELECT p->0->'Plan', 0 FROM plan UNION ALL
			SELECT node->'Plans'->0, depth + 1 FROM n WHERE node->'Plans' IS NOT NULL)
		SELECT (SELECT p->0->>'Execution Time' FROM plan),
			string_agg(concat_ws(' ', node->>'Partial Mode',
				CASE node->>'Strategy' WHEN 'Hashed' THEN 'Hash' WHEN 'Sorted' THEN 'Group' ELSE '' END || (node->>'Node Type'),
				'batches=' || (node->>'HashAgg Batches')), ' < ' ORDER BY depth)
		FROM n;
		\! cut -d' ' -f1 /proc/\$BENCH_PID/schedstat > $tmp/cpu1
	EOF
	)
	echo "$line|$((($(cat "$tmp/cpu1") - $(cat "$tmp/cpu0")) / 1000))"
}

for db in "$@"; do
	"${psql[@]}" -d "$db" <<-'EOF'
		CREATE OR REPLACE FUNCTION bench_explain(q text) RETURNS json LANGUAGE plpgsql AS
		$$DECLARE p json; BEGIN EXECUTE q INTO p; RETURN p; END$$;
		CREATE INDEX IF NOT EXISTS events_customer_ts ON events (customer_id, ts);
	EOF
	events=$("${psql[@]}" -At -d "$db" -c "SELECT count(*) FROM events")
	echo "== $db: $events events, $("${psql[@]}" -At -d "$db" -c "SELECT count(DISTINCT customer_id) FROM events") customers"
	for plan in "${plans[@]}"; do
		declare -A best=() cpu=() node=()
		for ((r = 0; r <= runs; r++)); do
			for name in "${names[@]}"; do
				IFS='|' read -r ms what us < <(run "$db" "$plan" "$name")
				node[$name]=$what
				((r == 0)) && continue
				if [[ -z ${best[$name]:-} ]] || (($(echo "$ms < ${best[$name]}" | bc))); then
					best[$name]=$ms
				fi
				if [[ -z ${cpu[$name]:-} ]] || ((us < cpu[$name])); then
					cpu[$name]=$us
				fi
			done
		done
		printf '%-8s load %s\n' "$plan" "$(cut -d' ' -f1-3 /proc/loadavg)"
		for name in "${names[@]}"; do
			printf '  %-12s %9.1f ms %5.0f ns/event %5.2f x count | cpu %9.1f ms %5.0f ns/event %5.2f x count | %s\n' "$name" \
				"${best[$name]}" "$(echo "${best[$name]} * 1000000 / $events" | bc -l)" \
				"$(echo "${best[$name]} / ${best[count]}" | bc -l)" \
				"$(echo "${cpu[$name]} / 1000" | bc -l)" "$(echo "${cpu[$name]} * 1000 / $events" | bc -l)" \
				"$(echo "${cpu[$name]} / ${cpu[count]}" | bc -l)" "${node[$name]}"
		done
		unset best cpu node
	done
done
