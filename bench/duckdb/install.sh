#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Installs what bench/duckdb/bench.mjs needs: Node.js 18 or later with npm
# (the machine's if it has them, else Debian 12's) and the npm packages
# exactly as package-lock.json pins them (DuckDB's native library ships
# inside @duckdb/node-bindings-*).  Skips npm when node_modules was
# installed from this very lockfile.  Run as root if Node.js is missing.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

node_ok() {
	command -v node >/dev/null && command -v npm >/dev/null &&
		node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)'
}
if ! node_ok; then
	bash "$here/../../scripts/install-deps.sh" nodejs npm
	node_ok || { echo "$0: no Node.js 18 or later with npm, even after installing Debian's" >&2; exit 1; }
fi
if ! cmp -s "$here/package-lock.json" "$here/node_modules/.journey-bench-lock"; then
	(cd "$here" && npm ci --no-audit --no-fund >&2)
	cp "$here/package-lock.json" "$here/node_modules/.journey-bench-lock"
fi
