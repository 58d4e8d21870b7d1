#!/usr/bin/env bash
# The pg_regress suite and most pgTAP suites with every backend under
# valgrind memcheck; passes when they pass and no memcheck error has a
# frame in the extension (journey.so or src/*.c).  Run as root on
# Debian 12:  bash scripts/valgrind.sh
#
# Debian's postgres is not built with USE_VALGRIND, so memcheck sees
# uninitialised values and memory malloc never handed out, not overruns
# inside one palloc'd chunk.  jit=off: the JIT's dlopen trips a known
# false positive in ld.so.  The suppressions are the uninitialised padding
# PostgreSQL writes to files and sockets (as its own valgrind.supp).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/install-deps.sh valgrind
bin=$(pg_config --bindir)
make -s clean
make -s COPT="-g -O1" >/dev/null
make -s install >/dev/null

work=$(mktemp -d /tmp/journey-valgrind.XXXXXX)
mkdir "$work/logs" "$work/data" "$work/out"
cat >"$work/pg.supp" <<'EOF'
{
   pg_padding_write
   Memcheck:Param
   write(buf)
   ...
   fun:*
}
{
   pg_padding_pwrite
   Memcheck:Param
   pwrite64(buf)
   ...
   fun:*
}
{
   pg_padding_pwritev
   Memcheck:Param
   pwritev(vector[...])
   ...
   fun:*
}
{
   pg_padding_sendto
   Memcheck:Param
   sendto(msg)
   ...
   fun:*
}
{
   pg_padding_send
   Memcheck:Param
   send(msg)
   ...
   fun:*
}
EOF
chown -R postgres "$work"
chmod 755 "$work"
port=6611
as_pg() { su postgres -s /bin/bash -c "$*"; }
stop() { as_pg "$bin/pg_ctl -D $work/data -m immediate stop" >/dev/null 2>&1 || true; }
trap 'stop; make -s clean >/dev/null' EXIT

as_pg "$bin/initdb -D $work/data -A trust -U postgres" >/dev/null
as_pg "valgrind --tool=memcheck --trace-children=yes --track-origins=yes \
	--read-var-info=no --error-limit=no --leak-check=no --num-callers=30 \
	--suppressions=$work/pg.supp --log-file=$work/logs/%p.log \
	$bin/postgres -D $work/data -p $port -k $work -c listen_addresses= \
	-c shared_buffers=16MB -c autovacuum=off -c jit=off" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
	pg_isready -q -h "$work" -p "$port" && break
	kill -0 "$server" 2>/dev/null || { cat "$work"/server.log "$work"/logs/*; exit 1; }
	sleep 1
done

status=0
# not memory: it reads the backend's peak memory, which valgrind multiplies
as_pg "cd $PWD && PGHOST=$work PGPORT=$port PGUSER=postgres \
	$(pg_config --pgxs | sed 's|src/makefiles/pgxs.mk|src/test/regress/pg_regress|') \
	--inputdir=. --bindir=$bin --load-extension=journey --outputdir=$work/out \
	$(ls sql/*.sql | xargs -n1 basename | sed 's/\.sql$//' | grep -vx memory | tr '\n' ' ')" || status=$?
# The pgTAP suites too, but for the five whose size is the point (a
# million touchpoints, thousands of fuzz cases, a PL/pgSQL reference
# solver, window_funnel against funnel_level and brute force on thousands
# of journeys, patterns against a PL/pgSQL backtracking reference): under
# valgrind they would take most of an hour.  The pg_regress files of the
# same functions run under valgrind above.
tap=$(ls test/*.sql | grep -v -e limits -e fuzz -e markov -e funnel -e pattern | tr '\n' ' ')
as_pg "cd $PWD && export PGHOST=$work PGPORT=$port PGUSER=postgres && \
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE journey_tap' && \
	psql -X -q -v ON_ERROR_STOP=1 -d journey_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION journey' && \
	pg_prove -d journey_tap $tap" >"$work/pgtap.out" 2>&1 || { status=1; cat "$work/pgtap.out"; }
tail -n 2 "$work/pgtap.out"
stop

ours=$(grep -l 'journey\.so\|/src/[a-z_]*\.c:' "$work"/logs/*.log || true)
errors=$(cat "$work"/logs/*.log | grep -c '^==[0-9]*== [A-Z][a-z]* .*\(read\|write\|uninitialised\|free\|overlap\)' || true)
echo "valgrind: $(ls "$work"/logs | wc -l) backend logs, $errors memcheck errors in all, $(echo -n "$ours" | grep -c . || true) logs with journey frames"
if [[ -n $ours ]]; then
	for f in $ours; do
		echo "== $f"
		cat "$f"
	done
	status=1
fi
((status == 0)) && echo "valgrind: ok" || echo "valgrind: FAILED (logs in $work/logs)"
if ((status == 0)); then rm -rf "$work"; fi
exit "$status"
