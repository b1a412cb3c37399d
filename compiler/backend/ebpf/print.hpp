// Readable eBPF assembly, for `fcc --target xdp`.
#pragma once

#include "fcap/ebpf.hpp"

#include <string>

namespace fcap::ebpf {
std::string print(const Program& program);
}
