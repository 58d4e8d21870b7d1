#!/usr/bin/env bash
# Upgrades: from every earlier version, values stored under it stay the
# same through ALTER EXTENSION journey UPDATE, and the readers (through the
# cast to each kind's own type, from 0.4.0 on) make of them what they make
# of the same summaries built again from the stored journeys; before the
# update, a reader whose columns changed refuses to run under its old
# declaration; the upgraded extension has the same catalogue objects,
# declared the same way, as a fresh install of the default version.  Run by scripts/run-tests.sh inside
# the test cluster; prints "ok" or what differs, exits non-zero on a
# difference.
set -euo pipefail
cd "$(dirname "$0")/.."

default=$(sed -n "s/^default_version = '\(.*\)'/\1/p" journey.control)
# every version a script installs or updates to, but the default
mapfile -t versions < <(ls sql/extension | sed -n 's/^journey--\(.*--\)\?\([0-9.]*\)\.sql$/\2/p' |
	sort -uV | grep -vx "$default")

# The stored values of database $1: their text forms (and a hash and two
# readers of each journey).
stored() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
		SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
			SELECT id || ':' || j::text || ':' || journey_hash_extended(j, 0) || ':' ||
				   funnel_level(j, '{search,email,purchase}', '1 day') || ':' ||
				   pattern_count(j, 'search .* purchase') AS x FROM j
			UNION ALL SELECT g::text FROM g
			UNION ALL SELECT kind || ':' || c::text FROM c) v"
}

# Each kind's summary type and the aggregate test/stored_values.psql built
# its stored value with.
declare -A type=([paths]=path_counts [sketch]=path_counts_approx [transitions]=transition_counts
	[ngrams]=ngram_counts [steps]=step_counts [flows]=flow_counts [health]=health_counts
	[funnel]=funnel_counts [cohorts]=retention_counts [markov]=markov_counts [shapley]=shapley_counts)
declare -A built=([paths]='path_counts(j)' [sketch]='path_counts_approx(j, 32)'
	[transitions]='transition_counts(j, false)' [ngrams]='ngram_counts(j, 3)'
	[steps]="step_counts(j, 'email', 2)" [flows]="flow_counts(j, 3, 'email', true)"
	[health]='health_counts(j)' [funnel]="funnel_counts(j, '{search,email,purchase}', '1 day')"
	[cohorts]="retention_counts(j, '1 day')" [markov]="markov_counts(j, '{purchase}', 2)"
	[shapley]="shapley_counts(j, '{purchase}')")

# Everything the readers make of each kind's summary in database $1, the
# summary being the stored value read through the cast to its type ($2 =
# stored) or built again from the stored journeys ($2 = built).  The
# cohort grid is not dense: the journey spanning the whole timestamptz
# range makes the dense grid too large.
readers() {
	local -A s
	local k
	for k in "${!type[@]}"; do
		if [[ $2 == stored ]]; then
			s[$k]="(SELECT c FROM c WHERE kind = '$k')::${type[$k]}"
		else
			s[$k]="(SELECT ${built[$k]} FROM j)"
		fi
	done
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
		SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
			SELECT 'top:' || t::text AS x FROM top_paths(${s[paths]}, 5) t
			UNION ALL SELECT 'sketch:' || t::text FROM top_paths(${s[sketch]}, 5) t
			UNION ALL SELECT 'transitions:' || t::text FROM transitions(${s[transitions]}) t
			UNION ALL SELECT 'ngrams:' || t::text FROM ngrams(${s[ngrams]}) t
			UNION ALL SELECT 'steps:' || t::text FROM path_steps(${s[steps]}) t
			UNION ALL SELECT 'flows:' || t::text FROM flows(${s[flows]}) t
			UNION ALL SELECT 'health:' || t::text FROM touchpoint_health(${s[health]}) t
			UNION ALL SELECT 'reentries:' || t::text FROM reentries(${s[health]}) t
			UNION ALL SELECT 'funnel:' || t::text FROM funnel_report(${s[funnel]}) t
			UNION ALL SELECT 'cohorts:' || t::text FROM cohort_retention(${s[cohorts]}, dense => false) t
			UNION ALL SELECT 'markov:' || m::text FROM markov_attribution(${s[markov]}) m
			UNION ALL SELECT 'markov transitions:' || m::text FROM markov_transitions(${s[markov]}) m
			UNION ALL SELECT 'shapley:' || s::text FROM shapley_attribution(${s[shapley]}) s) v"
}

# every member object with how it is declared: signature, result,
# volatility, parallel safety, strictness, rows, cost, C symbol, aggregate
# support functions, and comment
catalogue() {
	psql -X -A -t -v ON_ERROR_STOP=1 -d "$1" -c "
		SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ' | ' ||
			   coalesce(obj_description(d.objid, c.relname), '') || ' | ' ||
			   coalesce((SELECT concat_ws(' ', pg_get_function_result(p.oid), p.prokind, p.provolatile,
										  p.proparallel, p.proisstrict, p.proretset, p.prorows, p.procost, p.prosrc,
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
	before=$(stored "$db")
	# until the update, a reader whose result columns changed since refuses
	# to run (the library is newer than its declaration) instead of filling
	# columns of other types: funnel_report's changed in 0.4.0
	if [[ $(printf '%s\n' "$from" 0.4.0 | sort -V | head -1) != 0.4.0 ]]; then
		err=$(psql -X -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$db" \
			-c "SELECT * FROM funnel_report((SELECT c FROM c WHERE kind = 'funnel'))" 2>&1 >/dev/null || true)
		grep -q '55000' <<<"$err" ||
			{ echo "upgrade from $from: funnel_report under its old declaration did not refuse with 55000: $err"; exit 1; }
	fi
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'ALTER EXTENSION journey UPDATE'
	version=$(psql -X -A -t -v ON_ERROR_STOP=1 -d "$db" -c "SELECT extversion FROM pg_extension WHERE extname = 'journey'")
	if [[ $version != "$default" ]]; then
		echo "upgrade from $from: at version $version, not $default"
		exit 1
	fi
	after=$(stored "$db")
	if [[ $before != "$after" ]]; then
		echo "upgrade from $from: stored values changed in the update ($before vs $after)"
		exit 1
	fi
	if [[ $(readers "$db" stored) != "$(readers "$db" built)" ]]; then
		echo "upgrade from $from: the readers make something else of the stored values than of the same summaries built again"
		exit 1
	fi
	# what later versions added works on the old values
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "
		SELECT count(*) FROM credit_intervals((SELECT credit_bootstrap(id, a.label, a.credit) FROM j,
			journey_attribution(j, 'linear', '{purchase}') a)) HAVING count(*) > 0" >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "
		SELECT count(*) FROM funnel_trends((SELECT funnel_trend_counts(j, '{search,email,purchase}', '1 day', 'week',
			NULL, NULL, '{strict_order,strict_once}') FROM j)) HAVING count(*) > 0" >/dev/null
	if ! diff <(echo "$fresh") <(catalogue "$db"); then
		echo "upgrade from $from: the upgraded catalogue differs from a fresh install (< fresh, > upgraded)"
		exit 1
	fi
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE $db"
done
echo "upgrade ${versions[*]} -> $default: ok (stored values of every kind unchanged, and read through their casts as the same summaries built again; $(wc -l <<<"$fresh") catalogue objects as in a fresh install)"
