#!/bin/sh
# Writes tcpdump's output for the project's test captures as the goldens
# fcap's printer is held to (tests/capture/tcpdump_golden_test.cpp):
#
#   tests/capture/golden/tcpdump/FILE.FLAGS.out   standard output of
#       TZ=UTC tcpdump -r tests/pcaps/FILE FLAGS   (FLAGS with spaces as _)
#   tests/capture/golden/tcpdump/bad/NAME.pcap    a broken input, and
#   tests/capture/golden/tcpdump/bad/NAME.out     tcpdump -n's output on it
#   tests/capture/golden/tcpdump/bad/NAME.status  tcpdump's exit status
#   tests/capture/golden/tcpdump/VERSION          which tcpdump wrote them
#
# Run from the top of the checkout after changing a capture or when moving
# to another tcpdump; read the diff before committing it.
#   scripts/make-decode-goldens.sh [TCPDUMP]
set -eu
tcpdump=${1:-tcpdump}
out=tests/capture/golden/tcpdump
[ -d tests/pcaps ] || { echo "run from the top of the checkout" >&2; exit 1; }
# README.md and FLOORS (the test's record of fcap's progress) are kept.
rm -rf "$out/bad" "$out"/*.out "$out/VERSION"
mkdir -p "$out/bad"
"$tcpdump" --version 2>&1 | head -2 > "$out/VERSION"

for pcap in tests/pcaps/*.pcap; do
    name=$(basename "$pcap")
    for flags in "-n" "-n -e" "-n -v" "-n -x" "-n -X" "-q -n" "-n -tttt" "-# -n" "--count"; do
        slug=$(printf '%s' "$flags" | tr ' ' '_')
        # shellcheck disable=SC2086  # the flags are words
        TZ=UTC "$tcpdump" -r "$pcap" $flags > "$out/$name.$slug.out" 2>/dev/null || true
    done
done

# Broken inputs, made from tests/pcaps/icmp.pcap (24-byte file header,
# 16-byte record headers): tcpdump prints what it read and exits 1.
src=tests/pcaps/icmp.pcap
size=$(wc -c < "$src")
head -c $((size - 7)) "$src" > "$out/bad/cut_in_packet.pcap"
first=$(od -An -tu4 -j 32 -N 4 "$src" | tr -d ' ')  # first record's caplen
head -c $((24 + 16 + first + 5)) "$src" > "$out/bad/cut_in_record_header.pcap"
head -c 13 "$src" > "$out/bad/cut_in_file_header.pcap"
{ head -c $((24 + 16 + first)) "$src"
  # a record header: time 0, caplen 0x7fffffff, len 0x7fffffff (little-endian)
  printf '\000\000\000\000\000\000\000\000\377\377\377\177\377\377\377\177'
} > "$out/bad/huge_caplen.pcap"
: > "$out/bad/empty.pcap"
for bad in "$out"/bad/*.pcap; do
    base=${bad%.pcap}
    status=0
    TZ=UTC "$tcpdump" -r "$bad" -n > "$base.out" 2>/dev/null || status=$?
    echo "$status" > "$base.status"
done
echo "goldens written under $out by $(head -1 "$out/VERSION")"
