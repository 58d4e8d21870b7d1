#!/usr/bin/env bash
# Builds and installs Citus from its source tarball for the real-cluster
# test (test/citus.sh) and the Citus benchmark; Debian does not package it.
# Users install Citus from its own package repository instead.
#
#   scripts/install-citus.sh          (CITUS_TARBALL, default
#                                      ../shared/vendor/citus-13.2.2.tar.gz)
#
# Does nothing when citus.so is already installed for this server.  Exits 77
# when there is neither an installed Citus nor a tarball to build it from.
set -euo pipefail
cd "$(dirname "$0")/.."

libdir=$(pg_config --pkglibdir)
if [[ -f $libdir/citus.so ]]; then
	exit 0
fi
tarball=${CITUS_TARBALL:-../shared/vendor/citus-13.2.2.tar.gz}
if [[ ! -f $tarball ]]; then
	echo "install-citus: no Citus installed and no tarball at $tarball" >&2
	exit 77
fi
tarball=$(realpath "$tarball")
patchfile=${CITUS_PATCH:-$(dirname "$tarball")/citus-13.2.2-pg15.20.patch}

bash scripts/install-deps.sh liblz4-dev libzstd-dev libkrb5-dev libcurl4-openssl-dev

build=$(mktemp -d)
trap 'rm -rf "$build"' EXIT
tar xzf "$tarball" -C "$build"
src=$(find "$build" -mindepth 1 -maxdepth 1 -type d | head -n 1)
# PostgreSQL 15.20 and later declare have_createdb_privilege() themselves
if grep -q have_createdb_privilege "$(pg_config --includedir-server)/commands/dbcommands.h"; then
	patch -s -d "$src" -p1 <"$patchfile"
fi
echo "install-citus: building $(basename "$tarball") (a few minutes)" >&2
(
	cd "$src"
	./configure --without-libcurl >configure.log 2>&1 || { tail -30 configure.log; exit 1; }
	make -s -j"$(nproc)" >make.log 2>&1 || { tail -30 make.log; exit 1; }
	make -s install >install.log 2>&1 || { tail -30 install.log; exit 1; }
)
echo "install-citus: installed $(basename "$tarball")" >&2
