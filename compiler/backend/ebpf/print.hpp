// Readable eBPF assembly, for `fcc --target xdp`.
#pragma once

#include "backend/ebpf/program.hpp"

#include <string>

namespace fcap::ebpf {
std::string print(const Program& program);
}
