#!/usr/bin/env bash
# pg_dump and pg_restore, and binary COPY, keep every stored value exactly:
# journeys, identity graphs, every summary type, and path counts of every
# kind as stored before 0.4.0.  Run by scripts/run-tests.sh
# inside the test cluster; prints "ok" or what differs, exits non-zero on a
# difference.
set -euo pipefail
cd "$(dirname "$0")/.."

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS journey_dump' \
	-c 'DROP DATABASE IF EXISTS journey_restored' -c 'CREATE DATABASE journey_dump' \
	-c 'CREATE DATABASE journey_restored'
psql -X -q -v ON_ERROR_STOP=1 -d journey_dump <<'SQL'
CREATE EXTENSION journey;
\i test/stored_values.psql
INSERT INTO c
SELECT 'credits', credit_bootstrap(id, u.label, coalesce(u.value, -1), 20, 3)::text::path_counts FROM j, journey_unnest(j) u;
-- every summary in its own type
CREATE TABLE s AS
SELECT path_counts(j) AS paths, transition_counts(j, false) AS transitions, ngram_counts(j, 3) AS ngrams,
	   step_counts(j, 'email', 2) AS steps, flow_counts(j, 3, 'email', true) AS flows,
	   markov_counts(j, '{purchase}', 2) AS markov, path_counts_approx(j, 32) AS sketch,
	   health_counts(j) AS health, funnel_counts(j, '{search,email,purchase}', '1 day') AS funnel,
	   retention_counts(j, '1 day') AS cohorts, shapley_counts(j, '{purchase}') AS shapley,
	   (SELECT credit_bootstrap(id, u.label, coalesce(u.value, -1), 20, 3) FROM j, journey_unnest(j) u) AS credits,
	   driver_counts(j, '{purchase}', true) AS drivers,
	   activity_counts(j, 'search', 'purchase', 'week', 'Europe/Paris') AS activity,
	   funnel_trend_counts(j, '{search,email,purchase}', '1 day', 'week') AS trends,
	   attribution_counts(j, 'position_based', '{purchase}') AS attribution
FROM j;
INSERT INTO c
SELECT 'trends', funnel_trend_counts(j, '{search,email,purchase}', '1 day', '1 hour')::text::path_counts FROM j;
SQL
dump=$(mktemp)
trap 'rm -f "$dump"' EXIT
pg_dump -Fc -d journey_dump -f "$dump"
pg_restore -d journey_restored "$dump"

fingerprint() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
		SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
			SELECT id || ':' || j::text || ':' || journey_hash_extended(j, 0) AS x FROM j
			UNION ALL SELECT g::text FROM g
			UNION ALL SELECT kind || ':' || c::text FROM c
			UNION ALL SELECT s::text FROM s) s"
}
before=$(fingerprint journey_dump)
after=$(fingerprint journey_restored)
if [[ $before == "$after" ]]; then
	echo "dump and restore: ok"
else
	echo "dump and restore: values differ ($before vs $after)"
	exit 1
fi

# binary COPY out of the original and into the emptied copy (send, recv)
psql -X -q -v ON_ERROR_STOP=1 -d journey_restored -c 'TRUNCATE j, g, c, s'
for t in j g c s; do
	psql -X -q -v ON_ERROR_STOP=1 -d journey_dump -c "COPY $t TO STDOUT (FORMAT binary)" |
		psql -X -q -v ON_ERROR_STOP=1 -d journey_restored -c "COPY $t FROM STDIN (FORMAT binary)"
done
after=$(fingerprint journey_restored)
if [[ $before == "$after" ]]; then
	echo "binary COPY: ok"
else
	echo "binary COPY: values differ ($before vs $after)"
	exit 1
fi
