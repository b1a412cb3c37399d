// Writes an eBPF program as an ELF object that libbpf 1.x, bpftool and
// `ip link set dev X xdp obj OUT.o sec xdp` load: the program in section
// "xdp" or "socket", its license, and the counter map as a BTF-defined map
// in ".maps".  Built with libbpf's BTF writer and libelf; no C compiler.
#pragma once

#include "fcap/ebpf.hpp"
#include "fcap/diagnostics.hpp"

#include <string>

namespace fcap::ebpf {

// Writes to a temporary file beside `path` and renames it into place, so an
// error never leaves a half-written object.
bool write_elf(const Program& program, const std::string& path, diag::Sink& sink);

}  // namespace fcap::ebpf
