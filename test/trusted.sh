#!/usr/bin/env bash
# The extension is trusted: a role that is not a superuser, with CREATE on a
# database, installs it, updates it from 0.1.0 and uses it (as on managed
# services).  Run by scripts/run-tests.sh inside the test cluster; prints
# "ok" or what failed, exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

psql -X -q -v ON_ERROR_STOP=1 -d postgres \
	-c 'DROP DATABASE IF EXISTS journey_trusted' -c 'DROP ROLE IF EXISTS journey_app' \
	-c 'CREATE ROLE journey_app NOSUPERUSER' -c 'CREATE DATABASE journey_trusted' \
	-c 'GRANT CREATE ON DATABASE journey_trusted TO journey_app'
# SET ROLE: the privileges checked are journey_app's, as for a login
result=$(psql -X -q -A -t -v ON_ERROR_STOP=1 -d journey_trusted 2>&1 <<'SQL'
SET ROLE journey_app;
CREATE SCHEMA app;
CREATE EXTENSION journey SCHEMA app VERSION '0.1.0';
ALTER EXTENSION journey UPDATE;
SET search_path = app;
SELECT extversion || ' ' || pg_get_userbyid(extowner) FROM pg_extension WHERE extname = 'journey';
SELECT journey_length(journey_agg(ts, label)) FROM (VALUES (now(), 'a'), (now(), 'b')) v(ts, label);
DROP EXTENSION journey;
SQL
) || true
expected=$(printf '%s journey_app\n2' "$(sed -n "s/^default_version = '\(.*\)'/\1/p" journey.control)")
psql -X -q -d postgres -c 'DROP DATABASE journey_trusted' -c 'DROP ROLE journey_app'
if [[ $result != "$expected" ]]; then
	echo "trusted: a non-superuser could not install, update and use the extension:"
	echo "$result"
	exit 1
fi
echo "trusted: ok (a non-superuser with CREATE installs 0.1.0, updates it and uses it)"
