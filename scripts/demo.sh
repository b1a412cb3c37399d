#!/usr/bin/env bash
# Installs what is missing (needs root), builds, and runs fcc on a bundled
# example: compile a filter, then prove on a bundled capture what it matches.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
expr='tcp and dst port 7070'
echo "\$ build/bin/fcc -d -- '$expr'"
build/bin/fcc -d -- "$expr"
echo
echo "\$ build/bin/fcc -r tests/pcaps/ethernet.pcap --expect -- 'tcp[tcpflags] & tcp-syn != 0'"
build/bin/fcc -r tests/pcaps/ethernet.pcap --expect -- 'tcp[tcpflags] & tcp-syn != 0'
echo
echo "\$ build/bin/fcc 'tcp and dst port htp'"
build/bin/fcc 'tcp and dst port htp' || true
echo
echo "\$ build/bin/fcap -r tests/pcaps/ethernet.pcap -c 5 -n -- 'tcp or vlan'"
build/bin/fcap -r tests/pcaps/ethernet.pcap -c 5 -n -- 'tcp or vlan'
