#include "cbpf_import/liveness.hpp"

#include "backend/cbpf/ops.hpp"
#include "cbpf_import/protochain.hpp"

namespace fcap::cbpf_import {

using namespace cbpf;  // opcode fields and names

UseDef use_def(const Insn& i) {
    std::uint16_t mode = mode_of(i.code);
    const RegisterSet reads_x = x_operand(i.code) ? bit(reg_x) : 0;
    if (i.code == protochain_pseudo_op) return {bit(reg_a) | bit(reg_x), bit(reg_a)};
    switch (class_of(i.code)) {
    case cls::ld:
        if (mode == mode::ind) return {bit(reg_x), bit(reg_a)};
        if (mode == mode::mem) return {bit(reg_m0 + i.k), bit(reg_a)};
        if (mode == mode::abs && i.k == ancillary_base + ancillary_alu_xor_x)  // A ^= X, spelt as a load
            return {bit(reg_a) | bit(reg_x), bit(reg_a)};
        return {0, bit(reg_a)};
    case cls::ldx: return {mode == mode::mem ? bit(reg_m0 + i.k) : 0, bit(reg_x)};
    case cls::st: return {bit(reg_a), bit(reg_m0 + i.k)};
    case cls::stx: return {bit(reg_x), bit(reg_m0 + i.k)};
    case cls::alu: return {bit(reg_a) | reads_x, bit(reg_a)};
    case cls::jmp: return {i.code == code::ja ? 0 : bit(reg_a) | reads_x, 0};
    case cls::ret: return {i.code == code::ret_a ? bit(reg_a) : 0, 0};
    default: return i.code == code::tax ? UseDef{bit(reg_a), bit(reg_x)} : UseDef{bit(reg_x), bit(reg_a)};
    }
}

std::vector<RegisterSet> live_after(const std::vector<cbpf::Insn>& p) {
    std::size_t n = p.size();
    std::vector<RegisterSet> live_in(n + 1, 0), live_out(n, 0);
    // Jumps go forward, so one backward sweep settles it.
    for (std::size_t pc = n; pc-- > 0;) {
        const auto& i = p[pc];
        if (class_of(i.code) == cls::ret) live_out[pc] = 0;
        else if (i.code == code::ja) live_out[pc] = live_in[pc + 1 + i.k];
        else if (class_of(i.code) == cls::jmp) live_out[pc] = live_in[pc + 1 + i.jt] | live_in[pc + 1 + i.jf];
        else live_out[pc] = live_in[pc + 1];
        UseDef ud = use_def(i);
        live_in[pc] = ud.use | (live_out[pc] & ~ud.def);
    }
    return live_out;
}

}  // namespace fcap::cbpf_import
