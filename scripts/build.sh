#!/usr/bin/env bash
# Configures and builds fcap into build/ (programs in build/bin/).
set -euo pipefail
cd "$(dirname "$0")/.."
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# CI (CI=true) builds with warnings as errors, LTO's ODR notes included.
strict=()
[[ ${CI:-} == true ]] && strict=(-DFCAP_WERROR=ON)
if [[ ! -f build/CMakeCache.txt ]]; then
  cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "${strict[@]}" "$@"
fi
cmake --build build -j "$(nproc)"
