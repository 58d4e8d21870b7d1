#!/usr/bin/env bash
# journey on a real Citus cluster: a coordinator and two workers on
# loopback ports (scripts/citus-cluster.sh), the sample CRM data
# distributed by customer, and every case of test/citus-cases.psql run
# through the coordinator and on a plain single-node database, outputs
# compared.  Also: CREATE EXTENSION and ALTER EXTENSION UPDATE propagate
# from the coordinator and keep stored values; INSERT ... SELECT between
# co-located tables runs on the workers; every aggregate signature runs as
# worker_partial_agg; no node's log shows a server process ended by a
# signal.  Prints "citus: ok" or what failed; exits 77 when Citus can be
# neither found nor built (scripts/install-citus.sh).
#
#   CITUS_CUSTOMERS  customers of sample data (default 2000, ~40,000 events)
#   CITUS_REQUIRED=1 fail instead of skipping when Citus is not to be had
#                    (CI sets it)
#   CITUS_KEEP=1     keep the cluster directory (logs, data) afterwards
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-citus.sh
status=$?
if ((status == 77)) && [[ ${CITUS_REQUIRED:-0} != 1 ]]; then
	echo "citus: skipped (no Citus installed and no tarball to build it from)"
	exit 77
elif ((status != 0)); then
	echo "citus: could not build Citus"
	exit 1
fi
set -e

customers=${CITUS_CUSTOMERS:-2000}
dir=$(mktemp -d /tmp/journey-citus.XXXXXX)
cleanup() {
	bash scripts/citus-cluster.sh stop "$dir"
	[[ ${CITUS_KEEP:-0} == 1 ]] || rm -rf "$dir"
}
trap cleanup EXIT
bash scripts/citus-cluster.sh start "$dir"
read -r coordinator worker1 worker2 <"$dir/ports"
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSERVICE
export PGHOST=$dir PGUSER=postgres
psql=(psql -X -q -v ON_ERROR_STOP=1)
failures=0
fail() {
	echo "citus: FAILED: $*"
	failures=$((failures + 1))
}

"${psql[@]}" -p "$coordinator" -d postgres -c 'CREATE DATABASE journey_plain'
"${psql[@]}" -p "$coordinator" -d journey_plain -c 'CREATE EXTENSION journey'

on_citus() { "${psql[@]}" -p "$coordinator" -d journey_citus "$@"; }
on_plain() { "${psql[@]}" -p "$coordinator" -d journey_plain "$@"; }
worker_versions() {
	for port in "$worker1" "$worker2"; do
		"${psql[@]}" -p "$port" -d journey_citus -At \
			-c "SELECT coalesce((SELECT extversion FROM pg_extension WHERE extname = 'journey'), 'none')"
	done | paste -sd' '
}

# CREATE EXTENSION and ALTER EXTENSION UPDATE propagate; a value stored
# under the old version reads back the same under the new one
latest=$(sed -n "s/^default_version = '\(.*\)'/\1/p" journey.control)
on_citus -c "CREATE EXTENSION journey VERSION '0.1.0'"
[[ $(worker_versions) == "0.1.0 0.1.0" ]] ||
	fail "CREATE EXTENSION did not reach the workers: $(worker_versions)"
on_citus >/dev/null <<-'SQL'
	CREATE TABLE stored_before_update (id int, j journey, c path_counts);
	SELECT create_distributed_table('stored_before_update', 'id');
	INSERT INTO stored_before_update
	SELECT i, j, (SELECT transition_counts(x) FROM (VALUES (j)) v(x))
	FROM (SELECT i, journey_agg(t, l, v) AS j
		  FROM (VALUES (1, '2024-01-01 00:00+00'::timestamptz, 'a', 1.5), (1, '2024-01-02 00:00+00', 'b', NULL),
					   (2, '2024-01-01 00:00+00', 'b', NULL), (3, '2024-02-01 00:00+00', 'a', -2)) v(i, t, l, v)
		  GROUP BY i) g;
SQL
before=$(on_citus -At -c "SELECT id, j, c, journey_path(j, ' > ', false), (SELECT array_agg(t::text) FROM transitions(c) t) FROM stored_before_update ORDER BY id")
on_citus -c 'ALTER EXTENSION journey UPDATE'
[[ $(worker_versions) == "$latest $latest" ]] ||
	fail "ALTER EXTENSION UPDATE did not reach the workers: $(worker_versions), want $latest on both"
# 0.4.0 gave transition counts their own type, read through a cast
after=$(on_citus -At -c "SELECT id, j, c, journey_path(j, ' > ', false), (SELECT array_agg(t::text) FROM transitions(c::transition_counts) t) FROM stored_before_update ORDER BY id")
[[ -n $before && $before == "$after" ]] ||
	fail "values stored under 0.1.0 read back differently after the update"

# the same sample data in both databases, distributed by customer in one
PGPORT=$coordinator PGDATABASE=journey_citus data/load.sh "$customers" >/dev/null
PGPORT=$coordinator PGDATABASE=journey_plain data/load.sh "$customers" >/dev/null
on_citus -v citus=on -f test/citus-setup.psql >/dev/null
on_plain -v citus=off -f test/citus-setup.psql >/dev/null

# building journeys between co-located tables runs on the workers
plan=$(on_citus -c 'EXPLAIN (VERBOSE, COSTS OFF) INSERT INTO customer_journeys SELECT customer_id, journey_agg(ts, event, value) FROM events GROUP BY customer_id')
grep -q 'Query: INSERT INTO public.customer_journeys_[0-9]* ' <<<"$plan" &&
	! grep -q 'coord_combine_agg\|pull to coordinator\|repartition' <<<"$plan" ||
	fail "INSERT ... SELECT journey_agg ... GROUP BY customer_id does not run on the workers: $plan"

# every case through the coordinator and on the plain database
cases=$dir/cases
mkdir -p "$cases"
awk -v out="$cases" '
	/^-- (partial|pushdown|any|error): / { n++; f = sprintf("%s/%03d.sql", out, n); print substr($0, 4) > (f ".header"); next }
	n > 0 { print > f }' test/citus-cases.psql
total=0
for f in "$cases"/*.sql; do
	total=$((total + 1))
	header=$(cat "$f.header")
	kind=${header%%:*}
	name=${header#*: }
	if [[ $kind == error ]]; then
		# both fail, with the same SQLSTATE, and no node goes down
		on_citus -v VERBOSITY=sqlstate -A -f "$f" >"$f.citus" 2>&1 &&
			{ fail "$name: no error through Citus"; continue; }
		on_plain -v VERBOSITY=sqlstate -A -f "$f" >"$f.plain" 2>&1 &&
			{ fail "$name: no error on a single node"; continue; }
		[[ $(grep -o 'ERROR: .*' "$f.citus") == "$(grep -o 'ERROR: .*' "$f.plain")" ]] ||
			fail "$name: errors differ: $(cat "$f.plain") / $(cat "$f.citus")"
		continue
	fi
	if ! on_citus -A -f "$f" >"$f.citus" 2>&1; then
		fail "$name: through Citus: $(head -c 600 "$f.citus")"
		continue
	fi
	if ! on_plain -A -f "$f" >"$f.plain" 2>&1; then
		fail "$name: single node: $(head -c 600 "$f.plain")"
		continue
	fi
	[[ $(wc -l <"$f.plain") -gt 2 ]] || fail "$name: no rows: $(cat "$f.plain")"
	cmp -s "$f.citus" "$f.plain" ||
		fail "$name: differs from single node: $(diff "$f.plain" "$f.citus" | head -c 600)"
	# the plan of the query itself (settings before it stay settings)
	{ grep -E '^SET ' "$f" || true; echo 'EXPLAIN (VERBOSE, COSTS OFF)'; grep -vE '^SET ' "$f"; } >"$f.explain"
	on_citus -f "$f.explain" >"$f.plan" 2>&1 || { fail "$name: EXPLAIN: $(head -c 600 "$f.plan")"; continue; }
	case $kind in
	partial)
		grep -q 'worker_partial_agg' "$f.plan" && grep -q 'coord_combine_agg' "$f.plan" ||
			fail "$name: no partial aggregation on the workers in the plan"
		;;
	pushdown)
		grep -q 'Task Count: [0-9]' "$f.plan" && ! grep -q 'coord_combine_agg' "$f.plan" ||
			fail "$name: not pushed down whole to the workers"
		;;
	esac
done

# every aggregate signature ran as worker_partial_agg in some case, but
# those with a polymorphic argument: Citus refuses to push them down
# ("could not confirm type correctness"), and they have overloads that it
# pushes down
catalogue() {
	on_plain -At -c "SET search_path = ''" -c "
		SELECT p.oid::regprocedure::text
		FROM pg_proc p
		JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
		WHERE $1 ORDER BY 1"
}
pushed=$(cat "$cases"/*.plan | grep -o "worker_partial_agg('[^']*'::regprocedure" |
	sed "s/^worker_partial_agg('//; s/'::regprocedure$//" | sort -u)
concrete="p.prokind = 'a' AND NOT EXISTS (SELECT FROM unnest(p.proargtypes) a JOIN pg_type t ON t.oid = a WHERE t.typtype = 'p')"
missing=$(comm -23 <(catalogue "$concrete") <(echo "$pushed"))
[[ -z $missing ]] || fail "aggregates never run as worker_partial_agg: $(paste -sd' ' <<<"$missing")"
aggregates=$(catalogue "$concrete" | wc -l)

# every function but type and aggregate support is called in some case
functions=$(catalogue "p.prokind IN ('f', 'w')
	AND NOT EXISTS (SELECT FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
	AND NOT EXISTS (SELECT FROM pg_aggregate a WHERE p.oid IN (a.aggtransfn, a.aggcombinefn, a.aggfinalfn))
	AND NOT EXISTS (SELECT FROM pg_amproc ap WHERE ap.amproc = p.oid)" | sed 's/^public\.//; s/(.*//' | sort -u)
uncalled=$(for fn in $functions; do grep -qw "$fn" test/citus-cases.psql || echo "$fn"; done)
[[ -z $uncalled ]] || fail "functions no case calls: $(paste -sd' ' <<<"$uncalled")"

if ! crashed=$(bash scripts/citus-cluster.sh crashes "$dir"); then
	fail "a server process ended abnormally: $(head -n 5 <<<"$crashed")"
fi
if ((failures > 0)); then
	echo "citus: $failures failures (cluster logs in $dir with CITUS_KEEP=1)"
	exit 1
fi
echo "citus: ok ($total cases equal to single node through a coordinator and two workers; all $aggregates aggregate signatures without polymorphic arguments ran as worker_partial_agg; no node crashed)"
