// Existing classic BPF in, IR out: tcpdump's -ddd (or -dd) text is read,
// checked as the kernel's classic checker checks it, and translated so that
// every backend can run it (`fcc --from-cbpf FILE --target xdp`).
#pragma once

#include "fcap/cbpf.hpp"
#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace fcap::cbpf_import {

// -ddd: a count, then `code jt jf k` lines; -dd: `{ 0x28, 0, 0, 0x0000000c },`
// lines.  Errors name the line and column and show the line with a caret.
std::optional<std::vector<cbpf::Insn>> read(std::string_view text, diag::Sink& sink);

// The kernel's rules (net/core/filter.c, bpf_check_classic and
// check_load_and_stores): 1 to 4096 instructions, known opcodes, jumps
// forward and inside the program, no division by a constant 0, constant
// shifts below 32, scratch slots below 16 and stored before they are read on
// every path, known SKF_AD_* codes, a ret at the end.  One rule of ours: no
// loads relative to SKF_NET_OFF / SKF_LL_OFF.  Errors name the instruction.
bool check(const std::vector<cbpf::Insn>& program, diag::Sink& sink);

// A program check() accepted, as IR.  Registers A, X and M[0..15] are
// variables 0, 1 and 2..17; SKF_AD_* loads are ancillary expressions, except
// SKF_AD_ALU_XOR_X, which is A ^= X.  `straight` (-O0): one assignment per
// instruction, the kernel's own converter's shape.  Otherwise values are
// carried through each block, only live registers are written back, and the
// optimizer's passes that move no load run (thread_jumps, merge_blocks,
// remove_unreachable): the reference is bpf_filter on this very program.
ir::Program translate(const std::vector<cbpf::Insn>& program, bool straight);

}  // namespace fcap::cbpf_import
