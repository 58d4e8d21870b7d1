#!/usr/bin/env bash
# Upgrades: from every earlier version, values stored under it read back
# the same through the readers after ALTER EXTENSION journey UPDATE (from
# 0.4.0 on, through the cast to each kind's own type), and the upgraded
# extension has the same catalogue objects, declared the same way, as a
# fresh install of the default version.  Run by scripts/run-tests.sh inside
# the test cluster; prints "ok" or what differs, exits non-zero on a
# difference.
set -euo pipefail
cd "$(dirname "$0")/.."

default=$(sed -n "s/^default_version = '\(.*\)'/\1/p" journey.control)
# every version a script installs or updates to, but the default
mapfile -t versions < <(ls sql/extension | sed -n 's/^journey--\(.*--\)\?\([0-9.]*\)\.sql$/\2/p' |
	sort -uV | grep -vx "$default")

# The stored values in database $2, and what the readers of every kind
# make of them.  $1 follows the subquery that fetches the stored value of a
# kind, given the kind's type: "%.0s" before 0.4.0, "::%s" after, when each
# kind has its own type that a cast gives; $3 is cohort_retention's
# further arguments (0.4.0's dense grid is off for the cells 0.1.0 gave).
# Only the columns that 0.1.0's readers had are compared.
values() {
	local c="(SELECT c FROM c WHERE kind = '%s')$1"
	# shellcheck disable=SC2059
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$2" -c "
		SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
			SELECT id || ':' || j::text || ':' || journey_hash_extended(j, 0) || ':' ||
				   funnel_level(j, '{search,email,purchase}', '1 day') || ':' ||
				   pattern_count(j, 'search .* purchase') AS x FROM j
			UNION ALL SELECT g::text FROM g
			UNION ALL SELECT kind || ':' || c::text FROM c
			UNION ALL SELECT 'top:' || t::text FROM top_paths($(printf "$c" paths path_counts), 5) t
			UNION ALL SELECT 'sketch:' || t::text FROM top_paths($(printf "$c" sketch path_counts_approx), 5) t
			UNION ALL SELECT 'transitions:' || t::text FROM transitions($(printf "$c" transitions transition_counts)) t
			UNION ALL SELECT 'ngrams:' || t::text FROM ngrams($(printf "$c" ngrams ngram_counts)) t
			UNION ALL SELECT 'steps:' || t::text FROM path_steps($(printf "$c" steps step_counts)) t
			UNION ALL SELECT 'flows:' || concat_ws(',', depth, from_label, to_label, journeys)
				FROM flows($(printf "$c" flows flow_counts)) t
			UNION ALL SELECT 'health:' || concat_ws(',', label, journeys, touchpoints, exits, exit_rate, avg_value,
												   median_time_to_next, dropouts)
				FROM touchpoint_health($(printf "$c" health health_counts)) t
			UNION ALL SELECT 'reentries:' || t::text FROM reentries($(printf "$c" health health_counts)) t
			UNION ALL SELECT 'funnel:' || concat_ws(',', step, label, entered, reached, dropped, drop_rate,
												   conversion_from_previous, conversion_from_start, ci_low, ci_high,
												   median_time_from_previous, p90_time_from_previous,
												   median_time_from_start, p90_time_from_start)
				FROM funnel_report($(printf "$c" funnel funnel_counts)) t WHERE step > 0
			UNION ALL SELECT 'cohorts:' || t::text FROM cohort_retention($(printf "$c" cohorts retention_counts)$3) t
			UNION ALL SELECT 'markov:' || m::text FROM markov_attribution($(printf "$c" markov markov_counts)) m
			UNION ALL SELECT 'markov transitions:' || m::text FROM markov_transitions($(printf "$c" markov markov_counts)) m
			UNION ALL SELECT 'shapley:' || s::text FROM shapley_attribution($(printf "$c" shapley shapley_counts)) s) v"
}


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
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS journey_fresh' \
	-c 'CREATE DATABASE journey_fresh'
psql -X -q -v ON_ERROR_STOP=1 -d journey_fresh -c 'CREATE EXTENSION journey'
fresh=$(catalogue journey_fresh)

for from in "${versions[@]}"; do
	db=journey_from_${from//./_}
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION journey VERSION '$from'" \
		-f test/stored_values.psql
	before=$(values '%.0s' "$db" '')
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'ALTER EXTENSION journey UPDATE'
	version=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'journey'")
	if [[ $version != "$default" ]]; then
		echo "upgrade from $from: at version $version, not $default"
		exit 1
	fi
	after=$(values '::%s' "$db" ', dense => false')
	if [[ $before != "$after" ]]; then
		echo "upgrade from $from: stored values read differently after the update ($before vs $after)"
		exit 1
	fi
	# what later versions added works on the old values
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "
		SELECT count(*) FROM credit_intervals((SELECT credit_bootstrap(id, a.label, a.credit) FROM j,
			journey_attribution(j, 'linear', '{purchase}') a)) HAVING count(*) > 0" >/dev/null
	if ! diff <(echo "$fresh") <(catalogue "$db"); then
		echo "upgrade from $from: the upgraded catalogue differs from a fresh install (< fresh, > upgraded)"
		exit 1
	fi
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $db"
done
echo "upgrade ${versions[*]} -> $default: ok (stored values of every kind read back the same; $(wc -l <<<"$fresh") catalogue objects as in a fresh install)"
