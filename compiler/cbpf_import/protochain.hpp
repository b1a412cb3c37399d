// libpcap's `protochain` is the one classic BPF loop anyone ships: its code
// walks IPv6 extension headers and AH with a backward `ja` (libpcap's
// bpf_filter sign-extends ja's k for it; the kernel refuses it).  The loop
// is recognised exactly, instruction by instruction, and folded into one
// pseudo-instruction, A = protochain(A, X), that the IR has as an
// expression (ir::ExprKind::protochain, the walk sema builds for the same
// words).  Anything else that jumps backwards stays refused.
#pragma once

#include "fcap/cbpf.hpp"

#include <cstdint>
#include <vector>

namespace fcap::cbpf_import {

struct ProtochainLoop {
    std::size_t head = 0;  // the first `jeq #wanted`; the loop's ja's target
    std::size_t exit = 0;  // where every way out of the loop goes
    bool ipv6 = false;
    std::uint32_t network = 0;  // ldb [x + network]: the network header's offset
    std::uint32_t wanted = 0;   // the protocol looked for
    std::uint32_t scratch = 0;  // M[scratch] holds the next header inside the loop
};

// Internal opcode, never valid cBPF: A = protochain walk of loops[k],
// starting with next header A at offset X.  It reads A and X, writes A.
inline constexpr std::uint16_t protochain_pseudo_op = 0xff00;

// The program with every recognised loop folded: at its head the pseudo
// instruction, then `ja` to the exit, then `ret #0` in place of the rest of
// the loop (no longer reachable), so that instruction numbers stay those of
// the input.  Backward jumps that are not such a loop are left as they are.
struct Folded {
    std::vector<cbpf::Insn> program;
    std::vector<ProtochainLoop> loops;
};
Folded fold_protochain_loops(const std::vector<cbpf::Insn>& program);

}  // namespace fcap::cbpf_import
