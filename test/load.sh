#!/usr/bin/env bash
# Load: the main functions from 16 concurrent pgbench clients for a bounded
# time (LOAD_SECONDS, default 20) on generated data, reads and writes mixed.
# Passes when no transaction fails, the server stays up, and the clients'
# backends do not keep growing: their total RssAnon at the end is within
# 20 MB or 25% of what it was a third of the way in (no memory kept across
# transactions).  Prints the throughput.  Run by scripts/run-tests.sh inside
# the test cluster; bench/run.sh runs it longer.
set -euo pipefail

seconds=${LOAD_SECONDS:-20}
clients=${LOAD_CLIENTS:-16}
db=journey_load
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
CREATE EXTENSION journey;
CREATE TABLE ev AS
SELECT c AS id,
	   '2024-01-01 00:00:00+00'::timestamptz + (c * 7919 + i * 104729) % 2000000 * interval '1 second' AS ts,
	   CASE WHEN (c * 31 + i * 17) % 11 = 0 THEN 'purchase'
			ELSE (ARRAY['search', 'email', 'social', 'direct', 'display', 'affiliate'])[1 + (c + i * i) % 6] END AS label,
	   CASE WHEN (c * 31 + i * 17) % 11 = 0 THEN (c % 200) + 0.5 END AS value
FROM generate_series(1, 2000) c, generate_series(1, 20) i;
CREATE INDEX ON ev (id);
CREATE TABLE cj AS SELECT id, journey_agg(ts, label, value) AS j FROM ev GROUP BY id;
ALTER TABLE cj ADD PRIMARY KEY (id);
CREATE TABLE links AS SELECT 'dev' || i AS a, 'crm:' || (i % 700) AS b FROM generate_series(1, 2000) i;
SQL

cat >"$work/load.sql" <<'SQL'
\set c random(1, 1700)
SELECT journey_agg(ts, label, value) FROM ev WHERE id = :c;
SELECT journey_length(j), journey_path(j, ' > ', true), j ? 'purchase' FROM cj WHERE id = :c;
SELECT count(*), sum(touchpoints) FROM cj, journey_sessions(j, '1 day') WHERE id BETWEEN :c AND :c + 20;
SELECT funnel_level(j, '{search,email,purchase}', '7 days') FROM cj WHERE id BETWEEN :c AND :c + 50;
SELECT * FROM top_paths((SELECT path_counts(j) FROM cj WHERE id BETWEEN :c AND :c + 200), 5);
SELECT label, sum(credit) FROM cj, journey_attribution(j, 'time_decay', '{purchase}') WHERE id BETWEEN :c AND :c + 100 GROUP BY label;
SELECT count(*) FROM markov_attribution((SELECT markov_counts(j, '{purchase}', 2) FROM cj WHERE id BETWEEN :c AND :c + 300));
SELECT count(*) FROM identity_resolve((SELECT identity_links(a, b) FROM links WHERE b < 'crm:' || :c));
UPDATE cj SET j = j || journey(ARRAY['2024-02-01 00:00:00+00'::timestamptz + :c * interval '1 minute'], ARRAY['load']) WHERE id = :c;
SQL

rss_of_clients() {
	local total=0 pid kb
	for pid in $(psql -X -A -t -d postgres -c \
		"SELECT pid FROM pg_stat_activity WHERE datname = '$db' AND application_name = 'pgbench'"); do
		kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		total=$((total + ${kb:-0}))
	done
	echo "$total"
}

pgbench -n -c "$clients" -j 2 -T "$seconds" -f "$work/load.sql" "$db" >"$work/out" 2>&1 &
bench=$!
sleep $((seconds / 3))
early=$(rss_of_clients)
sleep $((seconds - seconds / 3 - 2))
late=$(rss_of_clients)
status=0
wait "$bench" || status=$?

tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$work/out")
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/out")
done=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out")
echo "load: $clients clients, ${seconds} s: ${done:-0} transactions, ${tps:-?} tps, ${failed:-?} failed;" \
	"client backends RssAnon $((early / 1024)) MB at 1/3, $((late / 1024)) MB near the end"
if ((status != 0)) || [[ ${failed:-1} != 0 || ${done:-0} == 0 ]]; then
	cat "$work/out"
	echo "load: FAILED (pgbench exit $status)"
	exit 1
fi
if ((late > early + 20480 && late * 4 > early * 5)); then
	echo "load: FAILED (client backends grew from $((early / 1024)) MB to $((late / 1024)) MB)"
	exit 1
fi
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'SELECT 1' >/dev/null
psql -X -q -d postgres -c "DROP DATABASE $db"
echo "load: ok"
