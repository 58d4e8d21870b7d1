#!/usr/bin/env bash
# Builds the worked Evidence dashboard (examples/dashboard) over the sample
# data: installs what it needs (Debian packages, Node.js 18 or later, the
# npm packages pinned by package-lock.json), builds and installs journey,
# starts a throwaway PostgreSQL 15 cluster, loads the sample CRM data and
# the showcase tables, runs Evidence's sources and build against it, and
# checks that every page's queries returned rows.  Run as root on Debian 12.
#
#   bash examples/dashboard/build.sh [--deps-only]
#
# --deps-only stops after installing Node.js and the npm packages.
# DASHBOARD_CUSTOMERS sets the number of customers (default 20000).  The
# site is left in examples/dashboard/build (serve it with any static file
# server, or `npm run preview` there).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

# Evidence's own telemetry would try to reach the network at every step
export SEND_ANONYMOUS_USAGE_STATS=no

# Inside the cluster (libpq variables set by pg_virtualenv): data, sources,
# build, check.
if [[ ${1:-} == --in-cluster ]]; then
	cd "$root"
	data/load.sh "${DASHBOARD_CUSTOMERS:-20000}"
	psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION journey' -f scripts/showcase-tables.sql
	export EVIDENCE_SOURCE__journey__host=$PGHOST
	export EVIDENCE_SOURCE__journey__port=$PGPORT
	export EVIDENCE_SOURCE__journey__database=$PGDATABASE
	export EVIDENCE_SOURCE__journey__user=$PGUSER
	export EVIDENCE_SOURCE__journey__password=$PGPASSWORD
	cd "$here"
	# each source query first through psql: PostgreSQL's own message if
	# one fails (Evidence's sources step goes on past a failed query with a
	# message of its own), and none may come back empty
	for q in sources/journey/*.sql; do
		rows=$(psql -X -At -v ON_ERROR_STOP=1 -c "SELECT count(*) FROM ($(cat "$q")
) q") || { echo "dashboard: source query $q failed" >&2; exit 1; }
		((rows > 0)) || { echo "dashboard: source query $q returned no rows" >&2; exit 1; }
		echo "dashboard: $q: $rows rows"
	done
	rm -rf build .evidence/template/static/data
	# (after a failed query, evidence sources 39.1.13 prints "Done!" and
	# then never exits: bounded by timeout)
	timeout 600 npm run --silent sources 2>&1 | tee sources.log
	if grep -q '✖' sources.log; then
		echo "dashboard: Evidence's sources step reported a failed query (above)" >&2
		exit 1
	fi
	timeout 1200 npm run --silent build:strict
	node check.mjs
	exit 0
fi

# Node.js 18 or later and npm (Evidence 39.1.13 asks for node >= 18): the
# machine's if it has them, else Debian 12's (nodejs 18, npm 9).
node_ok() {
	command -v node >/dev/null && command -v npm >/dev/null &&
		node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'
}
if ! node_ok; then
	bash "$root/scripts/install-deps.sh" nodejs npm
	node_ok || { echo "build.sh: no Node.js 18 or later with npm, even after installing Debian's" >&2; exit 1; }
fi

# The npm packages, exactly as locked; skipped when node_modules was
# installed from this very lockfile.
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.journey-dashboard-lock"; then
	(cd "$here" && npm ci --no-audit --no-fund)
	cp "$here/package-lock.json" "$here/node_modules/.journey-dashboard-lock"
fi
[[ ${1:-} == --deps-only ]] && exit 0

cd "$root"
bash scripts/install-deps.sh
bash scripts/build.sh
# the throwaway cluster must not inherit a connection of the caller's
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
start=$SECONDS
pg_virtualenv -t -v 15 bash "$here/build.sh" --in-cluster
echo "dashboard: built in examples/dashboard/build ($((SECONDS - start)) s with the cluster)"
