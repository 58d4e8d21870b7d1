#!/usr/bin/env bash
# Builds and installs the extension (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s WERROR=1 >/dev/null
make -s install >/dev/null
