#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Load the deterministic CRM sample data set into PostgreSQL.
#
#   data/load.sh N_CUSTOMERS [SEED]     (SEED defaults to 42)
#
# Connection settings come from the usual libpq variables (PGHOST, PGPORT,
# PGDATABASE, PGUSER, ...).  Drops and recreates the customers and events
# tables (see schema.sql), streams the generator's CSV straight into COPY
# and ANALYZEs the result.  About 20 events are generated per customer.

set -euo pipefail

usage() { echo "usage: $0 N_CUSTOMERS [SEED]" >&2; exit 2; }

[[ $# -ge 1 && $# -le 2 ]] || usage
n=$1
seed=${2:-42}
[[ $n =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ ]] || usage

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin=$here/gen_crm

# Build next to the source (ignored by git); go through a temporary name so
# that a concurrent run never executes a half-written binary.
cc -O2 -std=c11 -Wall -Wextra -Werror -o "$bin.tmp.$$" "$here/gen_crm.c" -lm
mv -f "$bin.tmp.$$" "$bin"

psql=(psql -X -q -v ON_ERROR_STOP=1)

"${psql[@]}" -f "$here/schema.sql"
"$bin" customers "$n" "$seed" |
	"${psql[@]}" -c "COPY customers (customer_id, signup_at, segment, country) FROM STDIN (FORMAT csv)"
"$bin" events "$n" "$seed" |
	"${psql[@]}" -c "COPY events (customer_id, device_id, ts, channel, event, value) FROM STDIN (FORMAT csv)"
"${psql[@]}" -c "ANALYZE customers" -c "ANALYZE events"

counts=$("${psql[@]}" -At -c "SELECT (SELECT count(*) FROM customers) || ' customers, ' || (SELECT count(*) FROM events) || ' events'")
echo "journey sample data loaded (seed $seed): $counts"
