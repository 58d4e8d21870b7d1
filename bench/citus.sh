#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# journey through a real Citus cluster against one node, same data, same
# run: building journeys, a funnel report, top paths and Markov
# attribution.
#
#   bash bench/citus.sh [N_CUSTOMERS]      (default 500000, ~10M events)
#
# A coordinator and two workers on loopback (scripts/citus-cluster.sh, all
# three on this machine), the sample data distributed by customer (32
# shards), and a plain database on the coordinator's server holding the
# same data.  Every node runs the benchmark's settings (work_mem 256MB,
# jit off, no parallel workers per query: Citus already runs one task per
# shard in parallel, up to the cores there are).  Each query runs BENCH_RUNS
# times (default 3) on each side; the report gives the fastest, the ratio
# Citus / single node, a checksum of each side's result (they must agree),
# and the bytes of partial states the coordinator receives: the text form
# of one state per shard, measured by building those states (EXPLAIN
# ANALYZE cannot: Citus 13 fails on worker_partial_agg's cstring result).
# Run as root.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here/.."
customers=${1:-500000}
runs=${BENCH_RUNS:-3}

bash scripts/install-deps.sh
make -s WERROR=1 >/dev/null
bash scripts/install-citus.sh

dir=$(mktemp -d /tmp/journey-citus-bench.XXXXXX)
trap 'bash scripts/citus-cluster.sh stop "$dir"; rm -rf "$dir"' EXIT
# the nodes load the journey this tree just built, from a snapshot
# (extension_destdir, a Debian patch, as bench/run.sh uses): nothing is
# installed, and a make install elsewhere during the run changes nothing
snap=$dir/snapshot
install -D -m 644 journey.so "$snap$(pg_config --pkglibdir)/journey.so"
install -D -m 644 -t "$snap$(pg_config --sharedir)/extension" journey.control sql/extension/journey--*.sql
chmod -R a+rX "$dir"
CITUS_CLUSTER_CONF="extension_destdir = '$snap'
shared_buffers = 1GB
work_mem = 256MB
hash_mem_multiplier = 2
maintenance_work_mem = 1GB
max_parallel_workers_per_gather = 0
jit = off
autovacuum = off
max_wal_size = 8GB
checkpoint_timeout = 1h" bash scripts/citus-cluster.sh start "$dir"
read -r coordinator _ <"$dir/ports"
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
export PGHOST=$dir PGUSER=postgres PGPORT=$coordinator
psql=(psql -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d journey_citus -c 'CREATE EXTENSION journey'
"${psql[@]}" -d postgres -c 'CREATE DATABASE journey_plain'
"${psql[@]}" -d journey_plain -c 'CREATE EXTENSION journey'

echo "loading $customers customers into both databases" >&2
PGDATABASE=journey_citus data/load.sh "$customers" >&2
PGDATABASE=journey_plain data/load.sh "$customers" >&2
"${psql[@]}" -d journey_citus -c 'SET client_min_messages = warning' \
	-c "SELECT create_distributed_table('events', 'customer_id')" \
	-c "SELECT truncate_local_data_after_distributing_table('public.events')" >/dev/null
for db in journey_citus journey_plain; do
	"${psql[@]}" -d "$db" -c 'CREATE TABLE customer_journeys (customer_id bigint PRIMARY KEY, j journey)' \
		-c 'CREATE TABLE channel_purchase_journeys (customer_id bigint PRIMARY KEY, j journey)'
done
"${psql[@]}" -d journey_citus \
	-c "SELECT create_distributed_table('customer_journeys', 'customer_id', colocate_with => 'events')" \
	-c "SELECT create_distributed_table('channel_purchase_journeys', 'customer_id', colocate_with => 'events')" >/dev/null
events=$("${psql[@]}" -d journey_plain -At -c 'SELECT count(*) FROM events')

# fastest of $runs runs of a query in db, in ms
fastest() {
	local db=$1 query=$2 setup=${3:-}
	for _ in $(seq "$runs"); do
		"${psql[@]}" -d "$db" -c "$setup" -c '\timing on' -c '\o /dev/null' -c "$query" |
			sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n 1
	done | sort -g | head -n 1
}
checksum() { "${psql[@]}" -d "$1" -At -c "$2" | md5sum | cut -c1-12; }

build="INSERT INTO customer_journeys SELECT customer_id, journey_agg(ts, event, value) FROM events GROUP BY customer_id"
build_channels="INSERT INTO channel_purchase_journeys
	SELECT customer_id, journey_agg(ts, CASE WHEN event = 'purchase' THEN 'purchase' ELSE channel END, value)
	FROM events GROUP BY customer_id"
declare -A queries=(
	[funnel_report]="SELECT * FROM funnel_report((SELECT funnel_counts(j, '{product_view,add_to_cart,checkout,purchase}', '7 days') FROM customer_journeys))"
	[top_paths]="SELECT * FROM top_paths((SELECT path_counts(j) FROM channel_purchase_journeys), 20)"
	[markov_attribution]="SELECT * FROM markov_attribution((SELECT markov_counts(j, '{purchase}', 2) FROM channel_purchase_journeys))"
)
# the state each query ships per shard, and its table
declare -A states=(
	[funnel_report]="funnel_counts(j, '{product_view,add_to_cart,checkout,purchase}', '7 days')|customer_journeys"
	[top_paths]="path_counts(j)|channel_purchase_journeys"
	[markov_attribution]="markov_counts(j, '{purchase}', 2)|channel_purchase_journeys"
)

report=()
row() { report+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s |' "$@")"); }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

parallel="SET max_parallel_workers_per_gather = 2"
echo "timing the journey build" >&2
single=$(fastest journey_plain "$build" 'TRUNCATE customer_journeys')
single2=$(fastest journey_plain "$build" "TRUNCATE customer_journeys; $parallel")
distributed=$(fastest journey_citus "$build" 'TRUNCATE customer_journeys')
for db in journey_citus journey_plain; do
	"${psql[@]}" -d "$db" -c 'TRUNCATE customer_journeys' -c "$build" -c "$build_channels" -c 'ANALYZE'
done
sum_j='SELECT customer_id, md5(j::text) FROM customer_journeys ORDER BY 1'
c1=$(checksum journey_plain "$sum_j")
c2=$(checksum journey_citus "$sum_j")
row "build journey_agg ... GROUP BY customer_id ($events events)" "$single" "$single2" "$distributed" \
	"$(ratio "$distributed" "$single")" "$(ratio "$distributed" "$single2")" "$c1 / $c2" "0 (runs on the workers)"
[[ $c1 == "$c2" ]] || echo "citus bench: journeys differ" >&2

for name in funnel_report top_paths markov_attribution; do
	echo "timing $name" >&2
	q=${queries[$name]}
	single=$(fastest journey_plain "$q")
	single2=$(fastest journey_plain "$q" "$parallel")
	distributed=$(fastest journey_citus "$q")
	c1=$(checksum journey_plain "$q")
	c2=$(checksum journey_citus "$q")
	[[ $c1 == "$c2" ]] || echo "citus bench: $name differs" >&2
	state=${states[$name]%|*}
	table=${states[$name]#*|}
	bytes=$("${psql[@]}" -d journey_citus -At -c "
		SELECT sum(octet_length(part)) || ' bytes in ' || count(*) || ' states'
		FROM (SELECT get_shard_id_for_distribution_column('$table', customer_id) AS shard, ($state)::text AS part
			  FROM $table GROUP BY 1) s")
	row "$name" "$single" "$single2" "$distributed" "$(ratio "$distributed" "$single")" \
		"$(ratio "$distributed" "$single2")" "$c1 / $c2" "$bytes"
done

echo "journey $(git rev-parse --short HEAD), Citus $("${psql[@]}" -d journey_citus -At -c "SELECT extversion FROM pg_extension WHERE extname = 'citus'"), $customers customers, $events events, $(nproc) cores, fastest of $runs runs"
echo
echo "| query | single node, serial ms | single node, 2 parallel workers ms | Citus (coordinator + 2 workers) ms | Citus / serial | Citus / parallel | checksums (single / Citus) | coordinator receives |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${report[@]}"
