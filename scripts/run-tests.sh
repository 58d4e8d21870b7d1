#!/usr/bin/env bash
# The test run proper, inside the cluster that scripts/test.sh provides
# (libpq environment variables set by pg_virtualenv).
set -uo pipefail
cd "$(dirname "$0")/.."

mkdir -p results && touch results/.started	# the cluster is up: no retry
regress_total=$(find sql -maxdepth 1 -name '*.sql' | wc -l)
regress_failed=0
rm -rf regression.diffs regression.out results/*.out
if ! make -s installcheck; then
	[ -f regression.diffs ] && cat regression.diffs
	regress_failed=$(grep -cE '^(not ok|test .* FAILED)' regression.out || true)
	((regress_failed > 0)) || regress_failed=$regress_total
fi

psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'DROP DATABASE IF EXISTS journey_tap' \
	-c 'CREATE DATABASE journey_tap'
psql -X -q -v ON_ERROR_STOP=1 -d journey_tap \
	-c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION journey'
tap_out=$(pg_prove -d journey_tap --ext .sql -r test/ 2>&1)
tap_status=$?
echo "$tap_out"
tap_total=$(sed -n 's/^Files=[0-9]*, Tests=\([0-9]*\),.*/\1/p' <<<"$tap_out")
tap_failed=$(sed -n 's/^Failed \([0-9]*\)\/[0-9]* subtests.*/\1/p' <<<"$tap_out" |
	awk '{s += $1} END {print s + 0}')
if ((tap_status != 0 && tap_failed == 0)); then
	tap_failed=1
fi
tap_total=${tap_total:-0}

# scripted checks: one test each; exit status 77 means skipped (test/citus.sh
# where Citus can be neither found nor built)
script_total=0
script_failed=0
script_skipped=0
for t in test/*.sh; do
	bash "$t"
	case $? in
	0) script_total=$((script_total + 1)) ;;
	77) script_skipped=$((script_skipped + 1)) ;;
	*) script_total=$((script_total + 1)) script_failed=$((script_failed + 1)) ;;
	esac
done

passed=$((regress_total - regress_failed + tap_total - tap_failed + script_total - script_failed))
failed=$((regress_failed + tap_failed + script_failed))
echo "pg_regress: $((regress_total - regress_failed)) of $regress_total files passed; pgTAP: $((tap_total - tap_failed)) of $tap_total assertions passed; scripts: $((script_total - script_failed)) of $script_total passed"
if ((script_skipped > 0)); then
	echo "tests: $passed passed, $failed failed, $script_skipped skipped"
else
	echo "tests: $passed passed, $failed failed"
fi
((failed == 0))
