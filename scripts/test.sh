#!/usr/bin/env bash
# Installs what is missing (as root), builds, and runs the whole test suite
# through ctest.  Kernel tests (BPF_PROG_RUN, XDP, veth namespaces) need
# root; without it they skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
