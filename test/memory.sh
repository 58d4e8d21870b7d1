#!/usr/bin/env bash
# The memory budget, tested: every case of test/memory-cases.psql runs in a
# fresh backend over the adversarial values of test/memory-setup.psql, and
# the growth of that backend's peak resident memory (VmHWM in
# /proc/PID/status, read by the backend itself) must stay under the bound.
# A case must finish within its statement timeout; a "cancel" case is
# meant to run into it, and must stop within a second of it.  Every function of the
# extension must be called by some case.  Run by scripts/run-tests.sh inside
# the test cluster.  Prints "memory: ok" or what failed.
#
#   MEMORY_BOUND_MB   the bound on peak growth per case (default 512: the
#                     README's budget of 256 MB of working memory, plus
#                     the output and the shared buffers a case touches)
#   MEMORY_TIMEOUT    statement_timeout per case in seconds (default 10)
set -uo pipefail
cd "$(dirname "$0")/.."

bound=${MEMORY_BOUND_MB:-512}
timeout=${MEMORY_TIMEOUT:-10}
psql=(psql -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c 'DROP DATABASE IF EXISTS journey_memory' -c 'CREATE DATABASE journey_memory' || exit 1
"${psql[@]}" -d journey_memory -c 'CREATE EXTENSION journey' -f test/memory-setup.psql >/dev/null || exit 1

cases=$(mktemp -d /tmp/journey-memory.XXXXXX)
trap 'rm -rf "$cases"' EXIT
awk -v out="$cases" '/^-- (case|cancel): / { n++; f = sprintf("%s/%03d.sql", out, n); print $0 > (f ".name"); next }
	n > 0 { print > f }' test/memory-cases.psql
failures=0
total=0
worst=0
worst_name=
for f in "$cases"/*.sql; do
	total=$((total + 1))
	name=$(sed 's/^-- [a-z]*: //' "$f.name")
	kind=$(sed 's/^-- \([a-z]*\): .*/\1/' "$f.name")
	# the case's own output is thrown away; errors are kept
	out=$({
		echo "SET statement_timeout = '${timeout}s';"
		echo "SELECT (regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\\s+(\\d+)'))[1]::bigint AS before, clock_timestamp() AS started \\gset"
		echo '\o /dev/null'
		cat "$f"
		echo '\o'
		echo "SET statement_timeout = 0;"
		echo "SELECT 'growth ' || ((regexp_match(pg_read_file('/proc/self/status'), 'VmHWM:\\s+(\\d+)'))[1]::bigint - :before) / 1024;"
		echo "SELECT 'seconds ' || extract(epoch FROM clock_timestamp() - :'started')::numeric(10, 1);"
	} | psql -X -q -At -v VERBOSITY=sqlstate -d journey_memory 2>&1)
	growth=$(sed -n 's/^growth \([0-9-]*\)$/\1/p' <<<"$out")
	if [[ -z $growth ]]; then
		echo "memory: FAILED: $name: the backend did not survive: $out"
		failures=$((failures + 1))
		continue
	fi
	seconds=$(sed -n 's/^seconds \([0-9.]*\)$/\1/p' <<<"$out")
	if [[ $kind == cancel ]]; then
		if ! grep -q 'ERROR:  57014' <<<"$out"; then
			echo "memory: FAILED: $name: meant to run into statement_timeout, it ended in $seconds s"
			failures=$((failures + 1))
		elif awk -v s="$seconds" -v t="$timeout" 'BEGIN { exit !(s > t + 1) }'; then
			echo "memory: FAILED: $name: stopped $seconds s after its start, more than a second after statement_timeout (${timeout} s)"
			failures=$((failures + 1))
		fi
	elif grep -q 'ERROR:  57014' <<<"$out"; then
		echo "memory: FAILED: $name: did not finish within ${timeout} s"
		failures=$((failures + 1))
	fi
	errors=$(grep -o 'ERROR:  [0-9A-Z]*' <<<"$out" | sort -u | paste -sd' ')
	if ((growth > bound)); then
		echo "memory: FAILED: $name: peak grew by $growth MB (bound $bound MB) $errors"
		failures=$((failures + 1))
	fi
	((growth > worst)) && { worst=$growth; worst_name=$name; }
	[[ -n ${MEMORY_VERBOSE:-} ]] && echo "memory: $name: $growth MB, $seconds s $errors"
done

# every function but type I/O and aggregate support is called by some case
functions=$(psql -X -At -d journey_memory -c "
	SELECT DISTINCT p.proname FROM pg_proc p
	JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
	WHERE p.prokind IN ('f', 'w', 'a')
	  AND NOT EXISTS (SELECT FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
	  AND NOT EXISTS (SELECT FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn))")
uncalled=$(for fn in $functions; do grep -qw "$fn" test/memory-setup.psql test/memory-cases.psql || echo "$fn"; done)
if [[ -n $uncalled ]]; then
	echo "memory: FAILED: functions no case calls: $(paste -sd' ' <<<"$uncalled")"
	failures=$((failures + 1))
fi
psql -X -q -d postgres -c 'DROP DATABASE journey_memory'
if ((failures > 0)); then
	echo "memory: $failures failures"
	exit 1
fi
echo "memory: ok ($total cases, peak growth at most $worst MB, in: $worst_name; bound $bound MB)"
