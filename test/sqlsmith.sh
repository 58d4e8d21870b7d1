#!/usr/bin/env bash
# sqlsmith against journey: random queries over the sample data and every
# function in the catalogue, sent by a role that is not a superuser, with
# fixed seeds and a time budget.  Fails if any server process ends by a
# signal (the server log is read) or the server stops answering.  sqlsmith
# never calls set-returning functions; test/fuzz.sql covers the readers.
# Run by scripts/run-tests.sh inside the test cluster (pg_virtualenv).
#
#   SQLSMITH_SECONDS  time budget (default 120)
#   SQLSMITH_QUERIES  queries per seed (default 2000)
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh sqlsmith || { echo "sqlsmith: could not install sqlsmith"; exit 1; }
budget=${SQLSMITH_SECONDS:-120}
per_seed=${SQLSMITH_QUERIES:-2000}
log=$(pg_lsclusters -h | awk '{print $7}' | head -n 1)
[[ -f $log ]] || { echo "sqlsmith: cannot find the server log"; exit 1; }
before=$(wc -l <"$log")
psql=(psql -X -q -v ON_ERROR_STOP=1)

"${psql[@]}" -d postgres -c 'DROP DATABASE IF EXISTS journey_smith' -c 'DROP ROLE IF EXISTS journey_smith' \
	-c "CREATE ROLE journey_smith LOGIN NOSUPERUSER PASSWORD 'smith'" -c 'CREATE DATABASE journey_smith'
PGDATABASE=journey_smith data/load.sh 300 >/dev/null
"${psql[@]}" -d journey_smith -c 'CREATE EXTENSION journey' -v citus=off -f test/citus-setup.psql >/dev/null
"${psql[@]}" -d journey_smith -c 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO journey_smith' \
	-c "ALTER ROLE journey_smith SET statement_timeout = '2s'" \
	-c "ALTER ROLE journey_smith SET work_mem = '16MB'"

target="host=${PGHOST:-localhost} port=${PGPORT:-5432} dbname=journey_smith user=journey_smith password=smith"
start=$SECONDS
seed=0
runs=0
while ((SECONDS - start < budget)); do
	seed=$((seed + 1))
	timeout $((budget - (SECONDS - start) + 5)) \
		sqlsmith --target="$target" --seed="$seed" --max-queries="$per_seed" --exclude-catalog \
		>/dev/null 2>"$log.sqlsmith.$seed" || true
	runs=$((runs + 1))
	if ! "${psql[@]}" -d journey_smith -At -c 'SELECT 1' >/dev/null 2>&1; then
		sleep 5	# crash recovery
		"${psql[@]}" -d journey_smith -At -c 'SELECT 1' >/dev/null 2>&1 ||
			{ echo "sqlsmith: the server stopped answering (seed $seed)"; exit 1; }
	fi
done
crashes=$(tail -n +"$((before + 1))" "$log" | grep -E 'terminated by signal|was terminated by|all server processes terminated')
"${psql[@]}" -d postgres -c 'DROP DATABASE journey_smith' -c 'DROP ROLE journey_smith'
if [[ -n $crashes ]]; then
	echo "sqlsmith: a server process ended by a signal:"
	head -n 5 <<<"$crashes"
	for f in "$log".sqlsmith.*; do tail -n 3 "$f"; done | head -n 20
	exit 1
fi
rm -f "$log".sqlsmith.*
echo "sqlsmith: ok ($runs seeds of up to $per_seed queries in $((SECONDS - start)) s as a non-superuser; no server process ended by a signal)"
