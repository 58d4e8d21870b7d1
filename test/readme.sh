#!/usr/bin/env bash
# The README is a contract: every ```sql block of README.md runs as printed
# on the sample data (data/load.sh, 1,000 customers, seed 42) with the
# tables the showcase builds (scripts/showcase-tables.sql), and every output
# it states is the real one.  Run by scripts/run-tests.sh inside the test
# cluster; prints "readme: ok (...)" or what failed, exits non-zero then.
#
# The convention, as README's Reference intro states it:
#   - a statement ends with the line whose code (before a trailing
#     "-- remark") ends in ";";
#   - the comment lines right under that line, with no blank line between,
#     are its stated output: each is "-- " and one row as
#     psql -A -t -F ' | ' prints it (unaligned, no header, fields separated
#     by " | ", NULL as nothing), compared exactly but for trailing blanks;
#     a statement without such lines states no output and only has to run,
#     and, if it returns rows, not rows of NULLs alone;
#   - other comments (before a statement, after a blank line, or on the
#     statement's own line) are remarks and are not checked.
# Each block runs in one session in a transaction that is rolled back, so
# blocks see the same data and the objects one creates never meet another's;
# each statement runs in a savepoint, so every failing statement is reported.
# The blocks run under TimeZone America/St_Johns (UTC-03:30), so that a
# block whose output depends on TimeZone and does not set it fails.  The
# block that sets up Citus (it has CREATE EXTENSION citus) runs in a
# database of its own with only the sample data, as its first statements
# expect; its statements that call Citus (CREATE EXTENSION citus, citus_*(),
# create_distributed_table, create_reference_table) need a cluster and are
# skipped here (scripts/citus-cluster.sh and test/citus-setup.psql make the
# same calls on test/citus.sh's real cluster); they may not state an output.
set -euo pipefail
cd "$(dirname "$0")/.."

customers=1000
db=journey_readme
psql=(psql -X -q -v ON_ERROR_STOP=1)
work=$(mktemp -d /tmp/journey-readme.XXXXXX)
trap 'rm -rf "$work"' EXIT

PGOPTIONS='-c client_min_messages=warning' "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS ${db}_citus" \
	-c "CREATE DATABASE $db"
PGDATABASE=$db data/load.sh $customers 42 >/dev/null
# the Citus set-up starts from the sample data alone
"${psql[@]}" -d postgres -c "CREATE DATABASE ${db}_citus TEMPLATE $db"
"${psql[@]}" -d $db -c 'CREATE EXTENSION journey' -f scripts/showcase-tables.sql

# One directory per block, and per statement NNN.sql (its text), NNN.line
# (its README line) and NNN.expected (its stated output, if any).
awk -v out="$work" '
	function strip_remark(s) { sub(/[ \t]+--([ \t].*)?$/, "", s); return s }
	!inblock && /^```sql[ \t]*$/ {
		inblock = 1; nb++; ns = 0; state = "idle"
		dir = sprintf("%s/%03d", out, nb)
		system("mkdir -p " dir); print NR > (dir "/line"); close(dir "/line")
		next
	}
	inblock && /^```[ \t]*$/ {
		if (state == "stmt") print "README line " start ": a statement without a closing ;" > (out "/errors")
		inblock = 0; next
	}
	!inblock { next }
	/^[ \t]*$/ {
		if (state == "stmt") print > f
		else state = "idle"
		next
	}
	/^[ \t]*--/ {
		if (state == "after") {
			row = $0; sub(/^[ \t]*--( )?/, "", row); print row > (base ".expected")
		} else if (state == "stmt")
			print > f
		next
	}
	{
		if (state != "stmt") {
			ns++; state = "stmt"; start = NR
			base = sprintf("%s/%03d", dir, ns); f = base ".sql"
			print NR > (base ".line")
		}
		print > f
		if (strip_remark($0) ~ /;[ \t]*$/) state = "after"
	}
	END { if (inblock) print "README: a ```sql block is not closed" > (out "/errors") }
' README.md
if [[ -s $work/errors ]]; then
	sed 's/^/readme: /' "$work/errors"
	exit 1
fi

citus_call='^[[:space:]]*create[[:space:]]+extension[[:space:]]+citus|citus_[a-z_]*[[:space:]]*\(|create_(distributed|reference)_table'
blocks=0 statements=0 outputs=0 skipped=0 failures=0 failed_blocks=0
for dir in "$work"/[0-9]*/; do
	dir=${dir%/}
	blocks=$((blocks + 1))
	failed_before=$failures
	target=$db
	if grep -qiE '^[[:space:]]*create[[:space:]]+extension[[:space:]]+citus' "$dir"/*.sql; then
		target=${db}_citus
	fi
	{
		# each statement in a savepoint, so that one that fails is reported
		# and the block goes on; the markers on stderr tell whose error it is
		echo '\set ON_ERROR_ROLLBACK on'
		echo 'BEGIN;'
		for s in "$dir"/*.sql; do
			n=${s%.sql}
			if [[ $target == "${db}_citus" ]] && sed 's/[[:space:]]--[[:space:]].*$//' "$s" | grep -qiE "$citus_call"; then
				skipped=$((skipped + 1))
				if [[ -f $n.expected ]]; then
					echo "readme: README line $(cat "$n.line"): states an output of a Citus call, which this check cannot run" >&2
				fi
				continue
			fi
			statements=$((statements + 1))
			echo "\\warn '@@ $n'"
			echo "\\o $n.out"
			cat "$s"
		done
		echo '\o'
		echo 'ROLLBACK;'
	} >"$dir/run.psql" 2>"$dir/skip-errors"
	if [[ -s $dir/skip-errors ]]; then
		cat "$dir/skip-errors"
		failures=$((failures + 1))
	fi
	if ! PGTZ=America/St_Johns psql -X -q -A -t -F ' | ' -P null= -d "$target" \
		-f "$dir/run.psql" >"$dir/stdout" 2>"$dir/stderr"; then
		echo "readme: README block at line $(cat "$dir/line"): psql failed (the connection was lost?):"
		sed 's/^/    /' "$dir/stderr"
		failures=$((failures + 1))
		failed_blocks=$((failed_blocks + 1))
		continue
	fi
	awk '/^@@ / { f = $2 ".err"; next } f { print > f }' "$dir/stderr"
	for s in "$dir"/*.sql; do
		n=${s%.sql}
		[[ -f $n.out ]] || continue	# a skipped Citus call, reported above
		if [[ -f $n.err ]] && grep -q 'ERROR:' "$n.err"; then
			echo "readme: README line $(cat "$n.line") failed:"
			sed 's/^/    /' "$n.err"
			failures=$((failures + 1))
			continue
		fi
		if [[ ! -f $n.expected ]]; then
			# rows, every one of them NULL: an example that runs on data it does not fit
			if [[ -s $n.out ]] && ! grep -q '[^[:space:]|]' "$n.out"; then
				echo "readme: README line $(cat "$n.line"): returns $(wc -l <"$n.out") rows of nothing but NULLs"
				failures=$((failures + 1))
			fi
			continue
		fi
		outputs=$((outputs + 1))
		if ! diff <(sed 's/[[:space:]]*$//' "$n.expected") <(sed 's/[[:space:]]*$//' "$n.out") >"$n.diff"; then
			echo "readme: README line $(cat "$n.line"): the output differs from the stated one (< README, > actual):"
			sed 's/^/    /' "$n.diff"
			failures=$((failures + 1))
		fi
	done
	((failures == failed_before)) || failed_blocks=$((failed_blocks + 1))
done

if ((failures > 0)); then
	echo "readme: FAILED: $failed_blocks of $blocks blocks ($failures failures: statements that failed, outputs that differ)"
	exit 1
fi
echo "readme: ok ($blocks blocks, $statements statements run, $outputs stated outputs as printed, $skipped Citus calls skipped: test/citus.sh makes them on a real cluster)"
