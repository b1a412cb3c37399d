#!/usr/bin/env bash
# Installs the Debian packages fcap needs to build and test, only those
# missing.  Needs root (apt-get); does nothing when everything is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libpcap-dev libbpf-dev libelf-dev zlib1g-dev libboost-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtomlplusplus-dev                      # fcc test: suite files (file:line:col errors, positions for --update)
  clang llvm libclang-rt-14-dev            # BPF C reference filters in benchmarks, fuzzers
  tcpdump bpftool iproute2 netbase          # tests: reference captures, loading objects, veth pairs
  xdp-tools                                 # bench/xdp_drop_bench: xdp-filter as the peer to beat
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root (sudo $0) to install them" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
