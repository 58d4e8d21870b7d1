#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The measurements behind the COST declarations of the functions that read
# a stored journey per row (sql/extension/journey--0.3.0--0.4.0.sql), and
# their effect on the README's queries.  Run inside a throwaway cluster:
#
#   pg_virtualenv -t -v 15 bash bench/costs.sh [N_CUSTOMERS ...]   (default 20000)
#
# For each size: loads data/load.sh N and the showcase tables; at the first
# size, unless COSTS_RUNS=0, bench/costs.sql (each function's time per call next to int4pl's);
# at every size, bench/costs-plans.sql with every COST set by the extension
# put back to 1 (before) and as declared (after), twice each, alternating,
# then bench/costs-groups.sql (the funnel_level query's group estimate).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# -gt 0 ]] || set -- 20000
psql=(psql -X -q -v ON_ERROR_STOP=1 -P pager=off)
script=sql/extension/journey--0.3.0--0.4.0.sql
set_costs=$(sed -n 's/^\(ALTER FUNCTION .* COST [0-9]*;\).*/\1/p' "$script")
reset_costs=$(sed -E 's/COST [0-9]+;/COST 1;/' <<<"$set_costs")
"${psql[@]}" -c 'DROP EXTENSION IF EXISTS journey CASCADE' -c 'CREATE EXTENSION journey'
first=1
for n in "$@"; do
	bash data/load.sh "$n" >&2
	"${psql[@]}" -c 'DROP TABLE IF EXISTS customer_journeys, channel_journeys, channel_purchase_journeys' \
		-f scripts/showcase-tables.sql -c 'VACUUM ANALYZE customer_journeys, channel_journeys, channel_purchase_journeys'
	echo "== $n customers, max_parallel_workers_per_gather = $("${psql[@]}" -At -c 'SHOW max_parallel_workers_per_gather')"
	if ((first && ${COSTS_RUNS:-5} > 0)); then "${psql[@]}" -v runs="${COSTS_RUNS:-5}" -f bench/costs.sql; fi
	first=0
	# twice each, alternating, as another process may load the machine
	for round in 1 2; do
		"${psql[@]}" -c "$reset_costs" -v state="before $round" -f bench/costs-plans.sql
		"${psql[@]}" -c "$set_costs" -v state="after $round" -f bench/costs-plans.sql
	done
	"${psql[@]}" -v state=groups -f bench/costs-plans.sql -f bench/costs-groups.sql
done
