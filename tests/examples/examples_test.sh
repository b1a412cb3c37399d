#!/usr/bin/env bash
# The examples under examples/ run as their first lines say.
# Usage: examples_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1 src=$2
tmp=$(mktemp -d)
ns=fcap-examples-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
root=no
[[ $(id -u) -eq 0 ]] && root=yes

# A capture filter in a file: fcap prints exactly the frames fcc (held to
# libpcap by --expect) says match.
pcap=$src/tests/pcaps/ethernet_mix.pcap
filter=$src/examples/capture/web_and_dns.filter
"$bin/fcap" -r "$pcap" -n -F "$filter" > "$tmp/printed.txt" || fail "fcap -F the capture example"
"$bin/fcc" -r "$pcap" --expect -F "$filter" > "$tmp/replay.txt" || fail "fcc --expect -F the capture example"
matched=$(sed -n 's/.* packets, \([0-9]*\) matched.*/\1/p' "$tmp/replay.txt")
[[ -n $matched && $matched -gt 0 ]] || fail "the capture example matches nothing: $(cat "$tmp/replay.txt")"
[[ $(grep -c '^[0-9]' "$tmp/printed.txt") -eq $matched ]] || fail "fcap printed $(grep -c '^[0-9]' "$tmp/printed.txt") frames, fcc says $matched"

# SO_ATTACH_FILTER from C with fcc's -dd output.
"$bin/fcc" -dd 'udp dst port 53' > "$tmp/filter.inc"
cc -O2 -Wall -Werror -o "$tmp/attach" "$src/examples/so_attach_filter/attach.c" -I"$tmp" || fail "attach.c does not build"
if [[ $root == yes ]] && command -v ip > /dev/null; then
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip netns exec "$ns" timeout 10 "$tmp/attach" lo 1 > "$tmp/attach.txt" &
  sleep 0.5
  # Something the filter refuses first, then what it takes.
  ip netns exec "$ns" bash -c 'echo no > /dev/udp/127.0.0.1/54; echo yes > /dev/udp/127.0.0.1/53' || true
  wait $! || fail "attach saw no matching frame"
  grep -qx 'frame of 46 bytes' "$tmp/attach.txt" || fail "attach printed: $(cat "$tmp/attach.txt")"
else
  echo "skip: running attach needs root (CAP_NET_RAW) and iproute2"
fi

# An fxdp blocklist: it compiles and passes the verifier.
if [[ $root == yes && -x $bin/fxdp ]]; then
  "$bin/fxdp" check -F "$src/examples/fxdp/blocklist.filter" > "$tmp/check.txt" 2>&1 \
    || fail "fxdp check of the blocklist example: $(cat "$tmp/check.txt")"
else
  echo "skip: fxdp check needs root (CAP_BPF)"
fi
echo "examples: the capture filter, the SO_ATTACH_FILTER program and the fxdp blocklist work as documented"
