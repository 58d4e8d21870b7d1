#!/usr/bin/env bash
# Runs every test: pg_regress (sql/ + expected/) and pgTAP (test/) against a
# throwaway PostgreSQL 15 cluster.  Installs what it needs; run as root on
# Debian 12.  Ends with "tests: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh
# the throwaway cluster must not inherit a connection of the caller's
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
# a port taken between pg_virtualenv's check and the server's start (another
# cluster starting at the same moment) makes it fail at once: try again then
rm -f results/.started
status=0
for attempt in 1 2 3; do
	pg_virtualenv -t -v 15 -o max_worker_processes=8 bash scripts/run-tests.sh && exit 0
	status=$?
	[ -f results/.started ] && exit $status
	echo "test cluster did not start (attempt $attempt); retrying" >&2
	sleep 2
done
exit $status
