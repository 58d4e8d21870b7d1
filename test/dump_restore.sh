#!/usr/bin/env bash
# pg_dump and pg_restore, and binary COPY, keep every stored value exactly:
# journeys, identity graphs and path counts of every kind.  Run by scripts/run-tests.sh
# inside the test cluster; prints "ok" or what differs, exits non-zero on a
# difference.
set -euo pipefail

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS journey_dump' \
	-c 'DROP DATABASE IF EXISTS journey_restored' -c 'CREATE DATABASE journey_dump' \
	-c 'CREATE DATABASE journey_restored'
psql -X -q -v ON_ERROR_STOP=1 -d journey_dump <<'SQL'
CREATE EXTENSION journey;
CREATE TABLE j AS
SELECT i % 50 AS id, journey_agg('2024-01-01 00:00:00+00'::timestamptz + (i * 7919 % 100000) * interval '1.25 seconds',
								 (ARRAY['search', 'email', 'say "hi"', '→ ✓', '', 'purchase'])[1 + i % 6],
								 CASE WHEN i % 4 = 0 THEN i / 7.0 END) AS j
FROM generate_series(1, 3000) i GROUP BY 1;
INSERT INTO j VALUES (50, '[]'), (51, '[4714-11-24 00:00:00+00 BC first, 294276-12-31 23:59:59.999999+00 last -0.5]');
CREATE TABLE g AS SELECT identity_links('c' || (i % 97), 'crm:' || (i % 13)) AS g FROM generate_series(1, 500) i;
CREATE TABLE c (kind text, c path_counts);
INSERT INTO c
SELECT 'paths', path_counts(j) FROM j UNION ALL
SELECT 'transitions', transition_counts(j, false) FROM j UNION ALL
SELECT 'ngrams', ngram_counts(j, 3) FROM j UNION ALL
SELECT 'steps', step_counts(j, 'email', 2) FROM j UNION ALL
SELECT 'flows', flow_counts(j, 3, 'email', true) FROM j UNION ALL
SELECT 'markov', markov_counts(j, '{purchase}', 2) FROM j UNION ALL
SELECT 'sketch', path_counts_approx(j, 32) FROM j UNION ALL
SELECT 'health', health_counts(j) FROM j UNION ALL
SELECT 'funnel', funnel_counts(j, '{search,email,purchase}', '1 day') FROM j UNION ALL
SELECT 'cohorts', retention_counts(j, '1 day') FROM j UNION ALL
SELECT 'shapley', shapley_counts(j, '{purchase}') FROM j UNION ALL
SELECT 'credits', credit_bootstrap(id, u.label, coalesce(u.value, -1), 20, 3) FROM j, journey_unnest(j) u;
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
			UNION ALL SELECT kind || ':' || c::text FROM c) s"
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
psql -X -q -v ON_ERROR_STOP=1 -d journey_restored -c 'TRUNCATE j, g, c'
for t in j g c; do
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
