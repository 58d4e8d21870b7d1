#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Peak memory of one PostgreSQL backend, for bench/measure.sh (run as root,
# next to the server).  Called from psql with \! and backticks:
#
#   memwatch.sh start PID DIR   resets the backend's VmHWM (clear_refs 5),
#                               records RSS now and starts a sampler that
#                               keeps the largest RssAnon seen (every 5 ms)
#   memwatch.sh stop PID DIR    stops the sampler and prints
#                               "ANON_KB HWM_KB": peak RssAnon and VmHWM,
#                               each minus its value at start
#
# RssAnon is the backend's private memory (palloc'd memory contexts, hash
# tables, sort space): what a query costs.  VmHWM is the peak of the whole
# RSS, which also counts shared buffers the backend touches for the first
# time and mapped files, so it overstates; both are reported.
set -euo pipefail

cmd=$1 pid=$2 dir=$3

# Sets kb to one field of /proc/PID/status in kB; no forks, so the sampler
# stays cheap next to the query it watches.
kb=0
field() {
	local key val
	kb=0
	while IFS=: read -r key val; do
		if [[ $key == "$1" ]]; then
			val=${val//[[:space:]]/}
			kb=${val%kB}
			return
		fi
	done <"/proc/$pid/status"
}

case $cmd in
start)
	rm -f "$dir/stop" "$dir/peak" "$dir/done"
	echo 5 >"/proc/$pid/clear_refs"
	field RssAnon
	echo "$kb" >"$dir/anon0"
	field VmRSS
	echo "$kb" >"$dir/rss0"
	# A FIFO nobody writes to: read -t on it sleeps without forking sleep.
	[[ -p $dir/tick ]] || mkfifo "$dir/tick"
	(
		exec 3<>"$dir/tick"
		peak=0
		while [[ ! -e $dir/stop && -e /proc/$pid ]]; do
			field RssAnon
			((kb > peak)) && peak=$kb
			read -r -t 0.005 -u 3 _ || true
		done
		echo "$peak" >"$dir/peak"
		touch "$dir/done"
	) </dev/null >/dev/null 2>&1 &
	;;
stop)
	field RssAnon
	last=$kb
	touch "$dir/stop"
	while [[ ! -e $dir/done ]]; do sleep 0.01; done
	peak=$(<"$dir/peak")
	((last > peak)) && peak=$last
	field VmHWM
	echo "$((peak - $(<"$dir/anon0"))) $((kb - $(<"$dir/rss0")))"
	;;
*)
	echo "usage: $0 start|stop PID DIR" >&2
	exit 2
	;;
esac
