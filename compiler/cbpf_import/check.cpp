// The kernel's classic BPF checker, restated (net/core/filter.c:
// bpf_check_basics_ok, bpf_check_classic, chk_code_allowed,
// check_load_and_stores), so that a program we accept is one the kernel
// would attach, and errors say which instruction breaks which rule.
// Two rules of ours: libpcap's protochain loop is accepted (protochain.hpp),
// and loads relative to SKF_NET_OFF / SKF_LL_OFF are refused.
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/liveness.hpp"
#include "cbpf_import/protochain.hpp"
#include "backend/cbpf/ops.hpp"

#include <cstdint>
#include <string>

namespace fcap::cbpf_import {

namespace {

using namespace cbpf;

// chk_code_allowed's table.
bool known_opcode(std::uint16_t c) {
    const std::uint16_t size = size_of(c), mode = mode_of(c), op = op_of(c);
    if (c > 0xff) return false;
    switch (class_of(c)) {
    case cls::ld:
        if (mode == mode::abs || mode == mode::ind) return size != 0x18;
        return size == size::w && (mode == mode::imm || mode == mode::mem || mode == mode::len);
    case cls::ldx:
        return c == (cls::ldx | mode::imm) || c == code::ldx_mem || c == code::ldx_len || c == code::ldx_msh;
    case cls::st:
    case cls::stx: return c == cls::st || c == cls::stx;
    case cls::alu:
        if (op == alu::neg) return c == (cls::alu | alu::neg);
        return (c & ~(0xf0 | src::x)) == cls::alu && op <= alu::xor_;
    case cls::jmp:
        if (op == jmp::ja) return c == code::ja;
        return (c & ~(0xf0 | src::x)) == cls::jmp && op <= jmp::jset;
    case cls::ret: return c == code::ret_k || c == code::ret_a;
    default: return c == code::tax || c == code::txa;
    }
}

// bpf_anc_helper: SKF_AD_PROTOCOL (0) .. SKF_AD_VLAN_TPID (60), in steps of 4.
bool known_ancillary(std::uint32_t k) {
    if (k < ancillary_base) return true;
    std::uint32_t a = k - ancillary_base;
    return a % 4 == 0 && a <= 60;
}

}  // namespace

bool check(const std::vector<cbpf::Insn>& input, diag::Sink& sink) {
    auto fail = [&](std::size_t pc, const std::string& why) {
        sink.error("instruction " + std::to_string(pc) + ": " + why);
        return false;
    };
    if (input.empty() || input.size() > cbpf::max_kernel_insns) {
        sink.error("a classic BPF program has 1 to 4096 instructions (BPF_MAXINSNS); this one has " +
                   std::to_string(input.size()));
        return false;
    }
    Folded folded = fold_protochain_loops(input);
    const auto& p = folded.program;
    std::size_t n = p.size();
    for (std::size_t pc = 0; pc < n; ++pc) {
        const auto& i = p[pc];
        if (i.code == protochain_pseudo_op) continue;
        if (!known_opcode(i.code)) return fail(pc, "unknown opcode " + std::to_string(i.code));
        std::uint16_t cls = class_of(i.code), op = op_of(i.code), mode = mode_of(i.code);
        if (cls == cls::alu && !x_operand(i.code)) {
            if ((op == alu::div || op == alu::mod) && i.k == 0) return fail(pc, "division or modulo by a constant 0");
            if ((op == alu::lsh || op == alu::rsh) && i.k >= 32) return fail(pc, "shift by 32 or more");
        }
        if ((i.code == code::ld_mem || i.code == code::ldx_mem || cls == cls::st || cls == cls::stx) &&
            i.k >= memwords)
            return fail(pc, "scratch memory slot " + std::to_string(i.k) + " (there are 16)");
        if (cls == cls::ld && mode == mode::abs && !known_ancillary(i.k))
            return fail(pc, "unknown ancillary load at SKF_AD_OFF + " + std::to_string(i.k - ancillary_base));
        // Ours: the IR has no loads relative to the network or link header,
        // and libpcap's bpf_filter would read these as offsets far past
        // the packet.
        if ((cls == cls::ld || cls == cls::ldx) && (mode == mode::abs || mode == mode::ind || mode == mode::msh) &&
            i.k >= link_layer_base && i.k < ancillary_base)
            return fail(pc, "loads relative to SKF_NET_OFF or SKF_LL_OFF are not supported");
        if (i.code == code::ja) {
            if (i.k >= 0x80000000u)
                return fail(pc, "jump backwards (ja " + std::to_string(std::int32_t(i.k)) +
                                    "): classic BPF jumps only forward; of the loops libpcap writes, only "
                                    "protochain's is recognised");
            if (i.k >= n - pc - 1) return fail(pc, "jump past the end of the program");
        } else if (cls == cls::jmp) {
            if (pc + i.jt + 1 >= n || pc + i.jf + 1 >= n) return fail(pc, "jump past the end of the program");
        }
    }
    if (p.back().code != code::ret_k && p.back().code != code::ret_a) return fail(n - 1, "the last instruction must be a ret");
    // Scratch memory must be stored before it is read, on every path.  As
    // in the kernel, a ret does not reset the valid set.
    std::vector<std::uint16_t> masks(n, 0xffff);
    std::uint16_t valid = 0;
    for (std::size_t pc = 0; pc < n; ++pc) {
        valid &= masks[pc];
        const auto& i = p[pc];
        std::uint16_t cls = class_of(i.code);
        if (i.code == protochain_pseudo_op) continue;
        if (cls == cls::st || cls == cls::stx) {
            valid |= std::uint16_t(1u << i.k);
        } else if (i.code == code::ld_mem || i.code == code::ldx_mem) {
            if (!(valid & (1u << i.k))) return fail(pc, "reads M[" + std::to_string(i.k) + "] before it is stored");
        } else if (i.code == code::ja) {
            masks[pc + 1 + i.k] &= valid;
            valid = 0xffff;
        } else if (cls == cls::jmp) {
            masks[pc + 1 + i.jt] &= valid;
            masks[pc + 1 + i.jf] &= valid;
            valid = 0xffff;
        }
    }
    // A folded loop gives A only; X and its scratch slot end as the walk
    // left them, which nothing may read.
    if (!folded.loops.empty()) {
        auto live = live_after(p);
        for (const auto& loop : folded.loops)
            if (live[loop.head] & (bit(reg_x) | bit(reg_m0 + loop.scratch)))
                return fail(loop.exit, "reads X or M[" + std::to_string(loop.scratch) +
                                           "] as libpcap's protochain loop left them, which is not supported");
    }
    return true;
}

}  // namespace fcap::cbpf_import
