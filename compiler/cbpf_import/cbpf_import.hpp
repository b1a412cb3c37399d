// Existing classic BPF in, IR out: tcpdump's -ddd (or -dd) text is read,
// checked as the kernel's classic checker checks it, and translated so that
// every backend can run it (`fcc --from-cbpf FILE --target xdp`).
#pragma once

#include "backend/cbpf/insn.hpp"
#include "diag/diagnostics.hpp"
#include "ir/ir.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace fcap::cbpf_import {

// -ddd: a count, then `code jt jf k` lines; -dd: `{ 0x28, 0, 0, 0x0000000c },` lines.
// Errors name the line and column.
std::optional<std::vector<cbpf::Insn>> read(std::string_view text, diag::Sink& sink);

// The kernel's rules (net/core/filter.c, bpf_check_classic): 1 to 4096
// instructions, known opcodes, jumps forward and inside the program, no
// division by a constant 0, scratch slots below 16 and stored before they
// are read on every path, a ret at the end.
bool check(const std::vector<cbpf::Insn>& program, diag::Sink& sink);

// Registers A, X and M[0..15] become IR variables, one assignment per
// instruction (the kernel's converter's shape; `straight` is for a later,
// value-carrying translation).
ir::Program translate(const std::vector<cbpf::Insn>& program, bool straight);

}  // namespace fcap::cbpf_import
