#!/usr/bin/env bash
# Next best action in real time (examples/nba/nba.sql, printed in the
# README): on the sample data, nba_event appends each event to the stored
# journey and returns what markov_next_best ranks for the journey it
# stored, without the actions already taken; 16 pgbench clients sending
# events for one new customer at once lose none of them, and a run over
# many customers adds exactly as many touchpoints as it committed events.
# Run by scripts/run-tests.sh inside the test cluster; prints "nba: ok" or
# what failed, exits non-zero then.
set -euo pipefail
cd "$(dirname "$0")/.."
db=journey_nba
psql=(psql -X -q -A -t -v ON_ERROR_STOP=1 -d $db)
work=$(mktemp -d /tmp/journey-nba.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "nba: FAILED: $*"; exit 1; }

# the README prints the pattern as it is in the file
awk '/^```sql$/ { inblock = 1; block = ""; next } inblock && /^```$/ { inblock = 0; print block > (out "/" ++n); next }
	inblock { block = block $0 "\n" }' out="$work" README.md
found=no
for b in "$work"/[0-9]*; do
	if grep -qxF -- "-- Next best action in real time: each new event is appended to the" "$b" &&
		[[ $(head -c "$(wc -c <examples/nba/nba.sql)" "$b") == "$(cat examples/nba/nba.sql)" ]]; then
		found=yes
	fi
done
[[ $found == yes ]] || fail "README.md does not print examples/nba/nba.sql as it is"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
PGDATABASE=$db data/load.sh 1000 42 >/dev/null
"${psql[@]}" -c 'CREATE EXTENSION journey' -f scripts/showcase-tables.sql -f examples/nba/nba.sql >/dev/null

# the ranking is markov_next_best's for the journey after the event, and
# leaves out what the journey already has
result=$("${psql[@]}" <<'SQL'
CREATE TEMP TABLE before AS SELECT j FROM nba_journeys WHERE customer_id = 42;
CREATE TEMP TABLE ranked AS SELECT * FROM nba_event(42, '2025-01-01 10:00:00+00', 'email');
SELECT (SELECT count(*) FROM ranked) > 0,
	   (SELECT j FROM nba_journeys WHERE customer_id = 42) = journey_append((SELECT j FROM before), '2025-01-01 10:00:00+00', 'email'),
	   (SELECT array_agg(action ORDER BY rank) FROM ranked) =
	   (SELECT array_agg(candidate) FROM nba_model m, nba_journeys s,
			markov_next_best(m.model, s.j, ARRAY(SELECT a FROM unnest('{email,display,social,affiliate,search,referral}'::text[]) a
												 WHERE NOT s.j ? a)) WHERE s.customer_id = 42),
	   NOT EXISTS (SELECT FROM ranked r, nba_journeys s WHERE s.customer_id = 42 AND s.j ? r.action),
	   (SELECT bool_and(conversion_probability IS NOT NULL) FROM ranked);
SQL
)
[[ $result == "t|t|t|t|t" ]] || fail "nba_event on customer 42: $result"

# 16 clients, 50 events each, all for one customer who has no journey yet
echo "SELECT count(*) FROM nba_event(5000001, clock_timestamp(), 'client ' || :client_id);" >"$work/hot.sql"
pgbench -n -d $db -c 16 -j 2 -t 50 -f "$work/hot.sql" >"$work/hot.out" 2>&1 || fail "pgbench: $(cat "$work/hot.out")"
result=$("${psql[@]}" -c "SELECT journey_length(j), (SELECT count(DISTINCT label) || ' ' || min(n) || ' ' || max(n)
	FROM (SELECT label, count(*) AS n FROM journey_unnest(j) GROUP BY label) c) FROM nba_journeys WHERE customer_id = 5000001")
[[ $result == "800|16 50 50" ]] || fail "one customer, 16 clients x 50 events: got $result, want 800|16 50 50"

# many customers: every committed event is in some journey
before=$("${psql[@]}" -c "SELECT sum(journey_length(j)) FROM nba_journeys")
printf '%s\n' '\set c random(1, 1200)' "SELECT count(*) FROM nba_event(:c, clock_timestamp(), 'email');" >"$work/mix.sql"
pgbench -n -d $db -c 16 -j 2 -T 3 -f "$work/mix.sql" >"$work/mix.out" 2>&1 || fail "pgbench: $(cat "$work/mix.out")"
events=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/mix.out")
after=$("${psql[@]}" -c "SELECT sum(journey_length(j)) FROM nba_journeys")
((after - before == events && events > 0)) || fail "$events events committed, journeys grew by $((after - before))"

psql -X -q -d postgres -c "DROP DATABASE $db"
echo "nba: ok (the ranking equals markov_next_best's without the actions taken; 16 clients x 50 events on one customer: 800 kept; $events events over 1,200 customers: all kept)"
