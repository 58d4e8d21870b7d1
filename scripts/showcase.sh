#!/usr/bin/env bash
# The main job: install dependencies, build and install journey, start a
# throwaway PostgreSQL 15 cluster, load the sample CRM data set and run the
# showcase analyses.  Run as root on Debian 12.  Optional argument: number
# of customers (default 20000, about 400,000 events).
set -euo pipefail
cd "$(dirname "$0")/.."

customers=${1:-20000}
bash scripts/install-deps.sh
bash scripts/build.sh
# the throwaway cluster must not inherit a connection of the caller's
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
exec pg_virtualenv -t -v 15 bash -c "
	set -euo pipefail
	data/load.sh $customers
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION journey' -f scripts/showcase.sql
"
