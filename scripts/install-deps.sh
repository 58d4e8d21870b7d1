#!/usr/bin/env bash
# Installs what building, running and testing journey needs on Debian 12,
# or the Debian packages named as arguments instead (scripts/install-citus.sh
# names what building Citus needs).  Idempotent; run as root.  Skips apt
# when everything is already there.
set -euo pipefail

packages=(build-essential postgresql-15 postgresql-server-dev-15 libgsl-dev
	postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl)
(($#)) && packages=("$@")

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if ((${#missing[@]})); then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
