#!/usr/bin/env bash
# Journeys that stay current: on the sample data, stored journeys built
# from the oldest 80% of the events and brought up to date in five
# increments, by the README's INSERT ... ON CONFLICT DO UPDATE SET j = j ||
# excluded.j and by the dbt model examples/dbt/customer_journeys.sql
# (rendered for its first and its incremental runs, and run as dbt's
# delete+insert runs it), equal the journeys rebuilt from all events; a
# window applied twice is undone by journey_dedup when the data has no
# exact duplicates.  Run by scripts/run-tests.sh inside the test cluster;
# prints "incremental: ok" or what failed, exits non-zero then.
set -euo pipefail
cd "$(dirname "$0")/.."
db=journey_incremental
psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db)
fail() { echo "incremental: FAILED: $*"; exit 1; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
PGDATABASE=$db data/load.sh 1000 42 >/dev/null
"${psql[@]}" -c 'CREATE EXTENSION journey'

# the dbt model, rendered: {{ this }} and {{ ref('events') }} replaced, the
# is_incremental() branches kept or dropped, the config line removed
render() {
	awk -v inc="$1" '
		/{{ config/ { next }
		/{% if is_incremental\(\) %}/ { depth = 1; keep = inc; next }
		/{% else %}/ && depth { keep = !keep; next }
		/{% endif %}/ && depth { depth = 0; next }
		depth && !keep { next }
		{ gsub(/{{ this }}/, "dbt_journeys"); gsub(/{{ ref\(.events.\) }}/, "events"); print }
	' examples/dbt/customer_journeys.sql
}
grep -q '{{\|{%' <(render 0; render 1) && fail "the dbt model did not render: $(render 1)"
# the README prints the model as it is in the file
[[ $(cat README.md) == *"$(cat examples/dbt/customer_journeys.sql)"* ]] ||
	fail "README.md does not print examples/dbt/customer_journeys.sql as it is"

result=$("${psql[@]}" <<SQL
CREATE TABLE cuts AS
SELECT g AS step, percentile_disc(0.75 + 0.05 * g) WITHIN GROUP (ORDER BY ts) AS cut FROM events, generate_series(1, 4) g GROUP BY g
UNION ALL SELECT 5, max(ts) + interval '1 microsecond' FROM events;
-- the README's pattern: journeys of the events before the first cut, then
-- each window's events appended
CREATE TABLE stored (customer_id bigint PRIMARY KEY, j journey NOT NULL);
INSERT INTO stored SELECT customer_id, journey_agg(ts, event, value) FROM events
WHERE ts < (SELECT cut FROM cuts WHERE step = 1) GROUP BY customer_id;
CREATE FUNCTION append_window(since timestamptz, until timestamptz) RETURNS void LANGUAGE sql AS \$\$
	INSERT INTO stored AS s (customer_id, j)
	SELECT customer_id, journey_agg(ts, event, value) FROM events
	WHERE ts >= since AND ts < until GROUP BY customer_id
	ON CONFLICT (customer_id) DO UPDATE SET j = s.j || excluded.j
\$\$;
SELECT count(*) FROM (SELECT append_window(a.cut, b.cut) FROM cuts a JOIN cuts b ON b.step = a.step + 1) w;
CREATE TABLE rebuilt AS SELECT customer_id, journey_agg(ts, event, value) AS j FROM events GROUP BY customer_id;
SELECT 'pattern ' || count(*) FILTER (WHERE r.j IS DISTINCT FROM s.j) || ' of ' || count(*)
FROM rebuilt r FULL JOIN stored s USING (customer_id);

-- the dbt model: its first run on the events before the first cut, then an
-- incremental run per window, each as delete+insert
CREATE TABLE all_events AS TABLE events;
DELETE FROM events WHERE ts >= (SELECT cut FROM cuts WHERE step = 1);
CREATE TABLE dbt_journeys AS $(render 0);
CREATE FUNCTION dbt_run(until timestamptz) RETURNS void LANGUAGE plpgsql AS \$\$
BEGIN
	INSERT INTO events SELECT * FROM all_events WHERE ts >= (SELECT max(ts) FROM events) AND ts < until
		EXCEPT ALL SELECT * FROM events WHERE ts >= (SELECT max(ts) FROM events);
	CREATE TEMP TABLE dbt_new AS $(render 1);
	DELETE FROM dbt_journeys t USING dbt_new n WHERE t.customer_id = n.customer_id;
	INSERT INTO dbt_journeys SELECT * FROM dbt_new;
	DROP TABLE dbt_new;
END \$\$;
SELECT count(*) FROM (SELECT dbt_run(cut) FROM cuts WHERE step > 1 ORDER BY step) w;
SELECT 'dbt ' || count(*) FILTER (WHERE r.j IS DISTINCT FROM s.j) || ' of ' || count(*)
FROM rebuilt r FULL JOIN dbt_journeys s USING (customer_id);

-- a window appended twice: journey_dedup takes the copies out again
-- (this data has no exact duplicate events to lose)
SELECT 'dedup ' || (SELECT count(*) FROM (SELECT customer_id, ts, event, value FROM all_events GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d);
SELECT count(*) FROM (SELECT append_window(a.cut, b.cut) FROM cuts a JOIN cuts b ON b.step = a.step + 1 WHERE a.step = 4) w;
SELECT 'twice ' || count(*) FILTER (WHERE r.j IS DISTINCT FROM s.j) || ' ' ||
	   count(*) FILTER (WHERE r.j IS DISTINCT FROM journey_dedup(s.j))
FROM rebuilt r JOIN stored s USING (customer_id);
SQL
)
expected="4
pattern 0 of 1000
4
dbt 0 of 1000
dedup 0
1"
[[ $(head -6 <<<"$result") == "$expected" ]] || fail "$result"
changed=$(sed -n 's/^twice \([0-9]*\) 0$/\1/p' <<<"$result")
[[ -n $changed && $changed -gt 0 ]] || fail "appending a window twice: $result"
psql -X -q -d postgres -c "DROP DATABASE $db"
echo "incremental: ok (5 windows appended, by the README's pattern and by the dbt model, equal a rebuild of all 1,000 journeys; a window appended twice changed $changed journeys, and journey_dedup took the copies out)"
