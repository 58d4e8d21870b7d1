# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the ClickHouse benchmarks (bench/clickhouse.sh and
# bench/clickhouse/bench.sh): clickhouse_start PORT [MAX_MEMORY_BYTES]
# installs Debian's ClickHouse if needed, starts clickhouse-server on
# 127.0.0.1:PORT in a temporary directory ($work, readable by the server,
# which runs as whoever calls), with max_memory_usage MAX_MEMORY_BYTES
# (default 0: no limit), waits until it answers, and stops it and removes
# $work on exit.  ch runs clickhouse-client against it.

clickhouse_start() {
	local memory=${2:-0}

	ch_port=$1
	command -v clickhouse-server >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clickhouse-server clickhouse-client >/dev/null
	work=$(mktemp -d /tmp/journey-ch.XXXXXX)
	chmod 755 "$work"
	cat >"$work/config.xml" <<XML
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <tcp_port>$ch_port</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <timezone>UTC</timezone>
  <path>$work/data/</path>
  <tmp_path>$work/tmp/</tmp_path>
  <users_config>$work/users.xml</users_config>
  <mark_cache_size>5368709120</mark_cache_size>
</yandex>
XML
	cat >"$work/users.xml" <<XML
<yandex>
  <profiles><default><max_memory_usage>$memory</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
XML
	clickhouse-server --config-file="$work/config.xml" >"$work/server.log" 2>&1 &
	ch_server=$!
	trap 'kill $ch_server 2>/dev/null || true; wait $ch_server 2>/dev/null || true; rm -rf "$work"' EXIT
	for _ in $(seq 100); do ch -q 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
	kill -0 $ch_server 2>/dev/null || {
		cat "$work/server.log" >&2
		echo "ClickHouse did not start (is port $ch_port taken?)" >&2
		exit 1
	}
}

ch() { clickhouse-client --host 127.0.0.1 --port "$ch_port" "$@"; }
