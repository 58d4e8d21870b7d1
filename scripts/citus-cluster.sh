#!/usr/bin/env bash
# A throwaway Citus cluster on loopback: a coordinator and two workers, each
# its own PostgreSQL 15 server on a free port of 127.0.0.1, with citus
# preloaded.  Used by test/citus.sh and bench/citus.sh.
#
#   scripts/citus-cluster.sh start DIR    creates and starts the nodes under
#                                         DIR, and a database journey_citus
#                                         with citus on every node, the
#                                         workers added; writes DIR/ports
#                                         ("coordinator worker1 worker2")
#   scripts/citus-cluster.sh stop DIR     stops them (DIR stays for the logs)
#   scripts/citus-cluster.sh crashes DIR  prints every log line that reports
#                                         a server process ended by a signal
#                                         (or any abnormal exit); exits 1 if any
#
# Node logs are DIR/<node>.log.  As root the servers run as user postgres.
# CITUS_CLUSTER_CONF: more postgresql.conf lines for every node.
set -euo pipefail

bindir=$(pg_config --bindir)
nodes=(coordinator worker1 worker2)

as_owner() {
	if ((EUID == 0)); then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
	local dir=$1 port=$((20000 + RANDOM % 20000)) ports=() node
	mkdir -p "$dir"
	dir=$(realpath "$dir")
	((EUID != 0)) || chown postgres: "$dir"
	for node in "${nodes[@]}"; do
		while ! port_free "$port"; do port=$((port + 1)); done
		ports+=("$port")
		as_owner "$bindir/initdb" -D "$dir/$node" -A trust -E UTF8 --locale=C.UTF-8 \
			-U postgres >"$dir/$node.initdb.log"
		cat >>"$dir/$node/postgresql.conf" <<-EOF
			port = $port
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$dir'
			shared_preload_libraries = 'citus'
			max_connections = 200
			max_worker_processes = 16
			shared_buffers = 128MB
			fsync = off
			synchronous_commit = off
			full_page_writes = off
			log_min_messages = warning
			citus.log_remote_commands = off
			${CITUS_CLUSTER_CONF:-}
		EOF
		as_owner "$bindir/pg_ctl" -D "$dir/$node" -l "$dir/$node.log" -w -t 60 start >/dev/null
		port=$((port + 1))
	done
	echo "${ports[*]}" >"$dir/ports"
	for port in "${ports[@]}"; do
		psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "$port" -d postgres \
			-c 'CREATE DATABASE journey_citus'
		psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "$port" -d journey_citus \
			-c 'CREATE EXTENSION citus'
	done
	psql -X -q -v ON_ERROR_STOP=1 -h "$dir" -U postgres -p "${ports[0]}" -d journey_citus \
		-c "SELECT citus_set_coordinator_host('127.0.0.1', ${ports[0]})" \
		-c "SELECT citus_add_node('127.0.0.1', ${ports[1]})" \
		-c "SELECT citus_add_node('127.0.0.1', ${ports[2]})" >/dev/null
}

stop() {
	local dir=$1 node
	for node in "${nodes[@]}"; do
		[[ -f $dir/$node/postmaster.pid ]] || continue
		as_owner "$bindir/pg_ctl" -D "$dir/$node" -m fast -w -t 60 stop >/dev/null || true
	done
}

crashes() {
	local dir=$1
	! grep -HE 'terminated by signal|was terminated by|exited with exit code [^0]|server process .* exited|all server processes terminated' \
		"$dir"/*.log
}

case ${1:-} in
start | stop | crashes) "$1" "${2:?usage: $0 start|stop|crashes DIR}" ;;
*) echo "usage: $0 start|stop|crashes DIR" >&2; exit 2 ;;
esac
