#!/usr/bin/env bash
# Installs the build into a fresh prefix and uses it as another project
# would: examples/embed through find_package(fcap), the same source through
# pkg-config, the programs and man pages in place; then the Debian package
# (cpack -G DEB): its files, its dependencies, and its fcc run from the
# unpacked tree.  Usage: install_test.sh BUILD_DIR SOURCE_DIR [CXXFLAGS]
# (CXXFLAGS: what a program using this build's library must be compiled
# with, e.g. -fsanitize=address,undefined for a sanitizer build.)
set -euo pipefail
build=$1 src=$2 cxxflags=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" || { cat "$tmp/install.log"; fail "cmake --install"; }
for f in bin/fcc bin/fcap bin/fxdp share/man/man1/fcc.1 share/man/man1/fxdp.1 share/man/man1/fcap.1 include/fcap/compiler.hpp \
         include/fcap/cbpf.hpp include/fcap/ebpf.hpp include/fcap/diagnostics.hpp; do
  [[ -e $prefix/$f ]] || fail "$f is not installed"
done
libdir=$(dirname "$(find "$prefix" -name 'libfcap.so' | head -1)")
[[ -n $libdir ]] || fail "libfcap.so is not installed"
[[ -f $libdir/cmake/fcap/fcapConfig.cmake ]] || fail "no CMake package"
[[ -f $libdir/pkgconfig/fcap.pc ]] || fail "no pkg-config file"
# Only the public API is exported: no Boost, libpcap or component symbols.
if nm -D --defined-only "$libdir/libfcap.so" | c++filt | grep -E 'boost::|fcap::(ir|opt|sema|parse)::' | head -3 | grep .; then
  fail "libfcap.so exports internal symbols"
fi

# find_package(fcap)
cmake -S "$src/examples/embed" -B "$tmp/embed" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$cxxflags" > "$tmp/cmake.log" 2>&1 \
  || { cat "$tmp/cmake.log"; fail "find_package(fcap) in examples/embed"; }
cmake --build "$tmp/embed" > "$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "building examples/embed"; }
LD_LIBRARY_PATH=$libdir "$tmp/embed/compile_filter" 'tcp and dst port 7070' "$tmp/filter.o" > "$tmp/out.txt"
"$prefix/bin/fcc" -d 'tcp and dst port 7070' > "$tmp/fcc.txt"
diff <(grep -v '^/\|XDP' "$tmp/out.txt") "$tmp/fcc.txt" || fail "the library's listing differs from fcc -d"
grep -q 'XDP, [0-9]* instructions' "$tmp/out.txt" || fail "no XDP object reported"
[[ $(head -c 4 "$tmp/filter.o" | od -An -c | tr -d ' ') == '177ELF' ]] || fail "filter.o is not an ELF object"
LD_LIBRARY_PATH=$libdir "$tmp/embed/compile_filter" 'tcp and dst port htp' "$tmp/bad.o" 2> "$tmp/err.txt" \
  && fail "a bad expression compiled"
grep -q "unknown port 'htp'" "$tmp/err.txt" || fail "the error message is not passed on: $(cat "$tmp/err.txt")"
[[ ! -e $tmp/bad.o ]] || fail "a failed compile left an object"

# pkg-config fcap
export PKG_CONFIG_PATH=$libdir/pkgconfig
# shellcheck disable=SC2086  # the flags are words
c++ $cxxflags "$src/examples/embed/compile_filter.cpp" $(pkg-config --cflags --libs fcap) -o "$tmp/pc_compile" \
  || fail "building with pkg-config fcap"
LD_LIBRARY_PATH=$libdir "$tmp/pc_compile" 'udp' "$tmp/udp.o" | grep -q '(000) ldh      \[12\]' || fail "pkg-config build"

# cpack -G DEB
(cd "$build" && cpack -G DEB -B "$tmp/deb" > "$tmp/cpack.log" 2>&1) || { cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$tmp"/deb/*.deb | head -1)
[[ -f $deb ]] || fail "no .deb"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libpcap libbpf libelf; do [[ $depends == *$d* ]] || fail "the package does not depend on $d: $depends"; done
dpkg-deb -c "$deb" > "$tmp/contents.txt"
for f in ./usr/bin/fcc ./usr/bin/fcap ./usr/bin/fxdp ./usr/include/fcap/compiler.hpp ./usr/share/man/man1/fxdp.1; do
  grep -q " $f\$" "$tmp/contents.txt" || fail "the package has no ${f#.}"
done
dpkg-deb -x "$deb" "$tmp/root"
"$tmp/root/usr/bin/fcc" -ddd 'tcp and dst port 7070' > "$tmp/ddd.txt" || fail "the packaged fcc does not run"
grep -qx '[0-9]*' <(head -1 "$tmp/ddd.txt") || fail "the packaged fcc printed no -ddd program"
echo "install: prefix, find_package, pkg-config and .deb ($(basename "$deb")) all work"
