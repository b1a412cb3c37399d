// The kernel's classic BPF checker, restated (net/core/filter.c:
// bpf_check_basics_ok, bpf_check_classic, chk_code_allowed,
// check_load_and_stores), so that a program we accept is one the kernel
// would attach, and errors say which instruction breaks which rule.
// Two rules of ours: libpcap's protochain loop is accepted (protochain.hpp),
// and loads relative to SKF_NET_OFF / SKF_LL_OFF are refused.
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/liveness.hpp"
#include "cbpf_import/protochain.hpp"

#include <cstdint>
#include <string>

namespace fcap::cbpf_import {

namespace {

constexpr std::uint32_t skf_ad_off = 0xfffff000;
constexpr std::uint32_t skf_ll_off = 0xffe00000;  // SKF_LL_OFF; SKF_NET_OFF is 0xfff00000

// chk_code_allowed's table.
bool known_opcode(std::uint16_t code) {
    switch (code) {
    case 0x00: case 0x20: case 0x28: case 0x30: case 0x40: case 0x48: case 0x50: case 0x60: case 0x80:  // ld
    case 0x01: case 0x61: case 0x81: case 0xb1:                                                          // ldx
    case 0x02: case 0x03:                                                                                // st, stx
    case 0x04: case 0x0c: case 0x14: case 0x1c: case 0x24: case 0x2c: case 0x34: case 0x3c:              // alu
    case 0x44: case 0x4c: case 0x54: case 0x5c: case 0x64: case 0x6c: case 0x74: case 0x7c:
    case 0x84: case 0x94: case 0x9c: case 0xa4: case 0xac:
    case 0x05: case 0x15: case 0x1d: case 0x25: case 0x2d: case 0x35: case 0x3d: case 0x45: case 0x4d:  // jmp
    case 0x06: case 0x16:                                                                                // ret
    case 0x07: case 0x87:                                                                                // tax, txa
        return true;
    default: return false;
    }
}

// bpf_anc_helper: SKF_AD_PROTOCOL (0) .. SKF_AD_VLAN_TPID (60), in steps of 4.
bool known_ancillary(std::uint32_t k) {
    if (k < skf_ad_off) return true;
    std::uint32_t a = k - skf_ad_off;
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
        std::uint16_t cls = i.code & 0x07, op = i.code & 0xf0, mode = i.code & 0xe0;
        if (cls == 0x04 && (i.code & 0x08) == 0) {
            if ((op == 0x30 || op == 0x90) && i.k == 0) return fail(pc, "division or modulo by a constant 0");
            if ((op == 0x60 || op == 0x70) && i.k >= 32) return fail(pc, "shift by 32 or more");
        }
        if ((i.code == 0x60 || i.code == 0x61 || cls == 0x02 || cls == 0x03) && i.k >= 16)
            return fail(pc, "scratch memory slot " + std::to_string(i.k) + " (there are 16)");
        if ((i.code == 0x20 || i.code == 0x28 || i.code == 0x30) && !known_ancillary(i.k))
            return fail(pc, "unknown ancillary load at SKF_AD_OFF + " + std::to_string(i.k - skf_ad_off));
        // Ours: the IR has no loads relative to the network or link header,
        // and libpcap's bpf_filter would read these as offsets far past
        // the packet.
        if ((cls == 0x00 || cls == 0x01) && (mode == 0x20 || mode == 0x40 || mode == 0xa0) && i.k >= skf_ll_off &&
            i.k < skf_ad_off)
            return fail(pc, "loads relative to SKF_NET_OFF or SKF_LL_OFF are not supported");
        if (i.code == 0x05) {
            if (i.k >= 0x80000000u)
                return fail(pc, "jump backwards (ja " + std::to_string(std::int32_t(i.k)) +
                                    "): classic BPF jumps only forward; of the loops libpcap writes, only "
                                    "protochain's is recognised");
            if (i.k >= n - pc - 1) return fail(pc, "jump past the end of the program");
        } else if (cls == 0x05) {
            if (pc + i.jt + 1 >= n || pc + i.jf + 1 >= n) return fail(pc, "jump past the end of the program");
        }
    }
    if (p.back().code != 0x06 && p.back().code != 0x16) return fail(n - 1, "the last instruction must be a ret");
    // Scratch memory must be stored before it is read, on every path.  As
    // in the kernel, a ret does not reset the valid set.
    std::vector<std::uint16_t> masks(n, 0xffff);
    std::uint16_t valid = 0;
    for (std::size_t pc = 0; pc < n; ++pc) {
        valid &= masks[pc];
        const auto& i = p[pc];
        std::uint16_t cls = i.code & 0x07;
        if (i.code == protochain_pseudo_op) continue;
        if (cls == 0x02 || cls == 0x03) {
            valid |= std::uint16_t(1u << i.k);
        } else if (i.code == 0x60 || i.code == 0x61) {
            if (!(valid & (1u << i.k))) return fail(pc, "reads M[" + std::to_string(i.k) + "] before it is stored");
        } else if (i.code == 0x05) {
            masks[pc + 1 + i.k] &= valid;
            valid = 0xffff;
        } else if (cls == 0x05) {
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
