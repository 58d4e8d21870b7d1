#!/usr/bin/env bash
# Upgrades: values stored under the first version (0.1.0) read back the same
# after ALTER EXTENSION journey UPDATE, and the upgraded extension has the
# same catalogue objects, declared the same way, as a fresh install of the
# default version.  Run by scripts/run-tests.sh inside the test cluster;
# prints "ok" or what differs, exits non-zero on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."

default=$(sed -n "s/^default_version = '\(.*\)'/\1/p" journey.control)
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS journey_upgraded' \
	-c 'DROP DATABASE IF EXISTS journey_fresh' -c 'CREATE DATABASE journey_upgraded' \
	-c 'CREATE DATABASE journey_fresh'
psql -X -q -v ON_ERROR_STOP=1 -d journey_upgraded <<'SQL'
CREATE EXTENSION journey VERSION '0.1.0';
\i test/stored_values.psql
SQL

# the stored values, and what the readers make of them
values() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d journey_upgraded -c "
		SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
			SELECT id || ':' || j::text || ':' || journey_hash_extended(j, 0) || ':' ||
				   funnel_level(j, '{search,email,purchase}', '1 day') || ':' ||
				   pattern_count(j, 'search .* purchase') AS x FROM j
			UNION ALL SELECT g::text FROM g
			UNION ALL SELECT kind || ':' || c::text FROM c
			UNION ALL SELECT 'top:' || t::text FROM top_paths((SELECT c FROM c WHERE kind = 'paths'), 5) t
			UNION ALL SELECT 'markov:' || m::text FROM markov_attribution((SELECT c FROM c WHERE kind = 'markov')) m
			UNION ALL SELECT 'shapley:' || s::text FROM shapley_attribution((SELECT c FROM c WHERE kind = 'shapley')) s) v"
}
before=$(values)
psql -X -q -v ON_ERROR_STOP=1 -d journey_upgraded -c 'ALTER EXTENSION journey UPDATE'
version=$(psql -X -A -t -v ON_ERROR_STOP=1 -d journey_upgraded -c "SELECT extversion FROM pg_extension WHERE extname = 'journey'")
if [[ $version != "$default" ]]; then
	echo "upgrade: at version $version, not $default"
	exit 1
fi
after=$(values)
if [[ $before != "$after" ]]; then
	echo "upgrade: stored values read differently after the update ($before vs $after)"
	exit 1
fi
# what the new version added works on the old values
psql -X -q -v ON_ERROR_STOP=1 -d journey_upgraded -c "
	SELECT count(*) FROM credit_intervals((SELECT credit_bootstrap(id, a.label, a.credit) FROM j,
		journey_attribution(j, 'linear', '{purchase}') a)) HAVING count(*) > 0" >/dev/null

psql -X -q -v ON_ERROR_STOP=1 -d journey_fresh -c 'CREATE EXTENSION journey'
# every member object with how it is declared: signature, result,
# volatility, parallel safety, strictness, rows, C symbol, aggregate
# support functions, and comment
catalogue() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
		SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ' | ' ||
			   coalesce(obj_description(d.objid, c.relname), '') || ' | ' ||
			   coalesce((SELECT concat_ws(' ', pg_get_function_result(p.oid), p.prokind, p.provolatile,
										  p.proparallel, p.proisstrict, p.proretset, p.prorows, p.prosrc,
										  pg_get_function_arguments(p.oid))
						 FROM pg_proc p WHERE d.classid = 'pg_proc'::regclass AND p.oid = d.objid), '') || ' | ' ||
			   coalesce((SELECT concat_ws(' ', a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggtranstype::regtype)
						 FROM pg_aggregate a WHERE d.classid = 'pg_proc'::regclass AND a.aggfnoid = d.objid), '')
		FROM pg_depend d
		JOIN pg_class c ON c.oid = d.classid
		JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'journey'
		WHERE d.deptype = 'e'
		ORDER BY 1"
}
if ! diff <(catalogue journey_fresh) <(catalogue journey_upgraded); then
	echo "upgrade: the upgraded catalogue differs from a fresh install (< fresh, > upgraded)"
	exit 1
fi
objects=$(catalogue journey_fresh | wc -l)
echo "upgrade 0.1.0 -> $default: ok (stored values read back the same; $objects catalogue objects as in a fresh install)"
