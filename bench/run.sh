#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# journey benchmark: journey_agg against count(*) and ordered array_agg,
# storage per touchpoint, backend memory, and sessions, identity stitching,
# paths and attribution against plain SQL, in one throwaway cluster.
#
#   bash bench/run.sh [SIZE ...]      SIZE = events, e.g. 100k 1M 10M
#                                     (default: 1M 10M); SIZE:A,B runs
#                                     only sections A and B at that size
#
# About 20.5 events are generated per customer, so a size of N events loads
# N/20 customers (1M = 50000, 10M = 500000).  Run as root: it installs
# packages, installs the extension and runs pg_virtualenv.  The report goes
# to stdout and to bench/results/ (ignored by git), progress to stderr.
# Knobs (see README.md): BENCH_RUNS, BENCH_TIMEOUT, BENCH_SLOW, BENCH_NO_BUILD,
# BENCH_CHECK_TIMEOUT, BENCH_LOAD_SECONDS, BENCH_SECTIONS, BENCH_DUCKDB_THREADS,
# BENCH_CLICKHOUSE_PORT, BENCH_INCREMENTAL_LONG_MAX.
# PG_CONFIG=/path/to/pg_config measures that PostgreSQL installation instead
# of the system's: the extension is built and installed there, and a
# throwaway cluster of it runs on BENCH_PORT (default 5499) in a temporary
# directory, so no system-wide install is needed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	echo "usage: $0 [SIZE[:SECTION,...] ...]   SIZE = number of events, e.g. 100k 1M 10M 30M:serial,incremental" >&2
	exit 2
}

((EUID == 0)) || { echo "$0: run as root (apt, make install, pg_virtualenv)" >&2; exit 1; }

(($#)) || set -- 1M 10M
specs=()
for size in "$@"; do
	[[ $size =~ ^([0-9]+)([kKmM]?)(:[a-z,]+)?$ ]] || usage
	n=${BASH_REMATCH[1]}
	only=${BASH_REMATCH[3]}
	case ${BASH_REMATCH[2]} in
	k | K) n=$((n * 1000)) ;;
	m | M) n=$((n * 1000000)) ;;
	esac
	((n >= 20)) || usage
	specs+=("${size%%:*}=$((n / 20))$only")
done

bash "$here/../scripts/install-deps.sh"
# The DuckDB side of the peers section (node and the pinned npm packages)
# and the ClickHouse side (Debian's clickhouse-server and -client).
if [[ -z ${BENCH_SECTIONS:-} || " $BENCH_SECTIONS " == *" peers "* ]]; then
	bash "$here/duckdb/install.sh"
	command -v clickhouse-server >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
fi
pg_config=${PG_CONFIG:-pg_config}
# BENCH_NO_BUILD=1 measures the journey.so already installed, e.g. while the
# working tree is half-edited; the report says so.
if [[ ${BENCH_NO_BUILD:-} != 1 ]]; then
	if [[ -n ${PG_CONFIG:-} ]]; then
		make -s -C "$here/.." -j2 WERROR=1 PG_CONFIG="$PG_CONFIG" >/dev/null
		make -s -C "$here/.." install PG_CONFIG="$PG_CONFIG" >/dev/null
	else
		bash "$here/../scripts/build.sh"
	fi
fi

# Which code is measured: a snapshot of what build.sh just installed.
# Every backend loads journey.so afresh, so a make install by someone else
# during the run would otherwise mix versions.  extension_destdir (a Debian
# patch) makes the cluster look in the snapshot first.
export BENCH_VERSION
BENCH_VERSION="journey $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ ${BENCH_NO_BUILD:-} == 1 ]]; then
	BENCH_VERSION+=" (NOT rebuilt: installed journey.so of $(date -r "$("$pg_config" --pkglibdir)/journey.so" '+%F %T'))"
elif [[ -n $(git -C "$here/.." status --porcelain -- src include sql Makefile 2>/dev/null) ]]; then
	BENCH_VERSION+=" + uncommitted changes"
fi
snap=$(mktemp -d /tmp/journey-bench.XXXXXX)
trap 'rm -rf "$snap"' EXIT
chmod 755 "$snap"	# the server runs as postgres
for f in "$("$pg_config" --pkglibdir)/journey.so" "$("$pg_config" --sharedir)"/extension/journey{.control,--*.sql}; do
	install -D -m 644 "$f" "$snap$f"
done

# Settings for this 2-core, 24 GiB machine.  Serial by default, so the
# comparison is one process against one process (the parallel section sets
# 2 workers itself).  jit=off: JIT compile time would add noise to every
# query alike.  autovacuum=off and large WAL: nothing but the queries
# should run during the timings (measure.sh vacuums after loading).
gucs=(
	shared_buffers=1GB
	work_mem=256MB
	hash_mem_multiplier=2
	maintenance_work_mem=1GB
	max_parallel_workers_per_gather=0
	max_worker_processes=8
	max_parallel_workers=8
	jit=off
	autovacuum=off
	max_wal_size=8GB
	checkpoint_timeout=1h
	synchronous_commit=off
	extension_destdir="$snap"
)
opts=()
for g in "${gucs[@]}"; do opts+=(-o "$g"); done

mkdir -p "$here/results"
out=$here/results/run-$(date +%Y%m%d-%H%M%S).txt
start=$SECONDS
# -t: cluster in a temporary directory, so it never collides with a
# "regress" cluster somebody else's pg_virtualenv has open.  measure.sh
# writes the report to fd 3; everything else (pg_virtualenv's chatter,
# progress) goes to stderr.
if [[ -z ${PG_CONFIG:-} ]]; then
	pg_virtualenv -t -v 15 "${opts[@]}" bash "$here/measure.sh" "${specs[@]}" 3>&1 >&2 |
		tee "$out"
	status=${PIPESTATUS[0]}
else
	# The same settings in a throwaway cluster of that installation, owned
	# by postgres, the bench connecting as the superuser root.
	bindir=$("$PG_CONFIG" --bindir)
	port=${BENCH_PORT:-5499}
	chown postgres "$snap"
	su postgres -c "$bindir/initdb -D '$snap/data' -A trust -U root" >/dev/null
	pgopts="-p $port -k '$snap' -c fsync=off"
	for g in "${gucs[@]}"; do pgopts+=" -c ${g//\"/}"; done	# no value has a space
	su postgres -c "$bindir/pg_ctl -D '$snap/data' -o \"$pgopts\" -l '$snap/server.log' -w start" >/dev/null
	trap 'su postgres -c "$bindir/pg_ctl -D \"$snap/data\" -m fast stop" >/dev/null || true; rm -rf "$snap"' EXIT
	PGHOST=$snap PGPORT=$port PGUSER=root PGDATABASE=postgres \
		bash "$here/measure.sh" "${specs[@]}" 3>&1 >&2 | tee "$out"
	status=${PIPESTATUS[0]}
fi
echo "total $((SECONDS - start)) s; report saved in ${out#"$here/../"}" >&2
exit "$status"
