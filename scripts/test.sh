#!/usr/bin/env bash
# Runs every test: pg_regress (sql/ + expected/) and pgTAP (test/) against a
# throwaway PostgreSQL 15 cluster.  Installs what it needs; run as root on
# Debian 12.  Ends with "tests: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
bash scripts/build.sh
exec pg_virtualenv -t -v 15 -o max_worker_processes=8 bash scripts/run-tests.sh
