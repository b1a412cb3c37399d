#include "cbpf_import/liveness.hpp"

#include "cbpf_import/protochain.hpp"

namespace fcap::cbpf_import {

namespace {
constexpr std::uint32_t skf_ad_alu_xor_x = 0xfffff000 + 40;  // SKF_AD_OFF + SKF_AD_ALU_XOR_X: A ^= X
}

UseDef use_def(const cbpf::Insn& i) {
    std::uint16_t mode = i.code & 0xe0;
    bool x_operand = (i.code & 0x08) != 0;
    if (i.code == protochain_pseudo_op) return {bit(reg_a) | bit(reg_x), bit(reg_a)};
    switch (i.code & 0x07) {
    case 0x00:  // ld
        if (mode == 0x40) return {bit(reg_x), bit(reg_a)};
        if (mode == 0x60) return {bit(reg_m0 + i.k), bit(reg_a)};
        if (mode == 0x20 && i.k == skf_ad_alu_xor_x) return {bit(reg_a) | bit(reg_x), bit(reg_a)};
        return {0, bit(reg_a)};
    case 0x01:  // ldx
        return {mode == 0x60 ? bit(reg_m0 + i.k) : 0, bit(reg_x)};
    case 0x02: return {bit(reg_a), bit(reg_m0 + i.k)};
    case 0x03: return {bit(reg_x), bit(reg_m0 + i.k)};
    case 0x04: return {bit(reg_a) | (x_operand ? bit(reg_x) : 0), bit(reg_a)};
    case 0x05: return {i.code == 0x05 ? 0 : bit(reg_a) | (x_operand ? bit(reg_x) : 0), 0};
    case 0x06: return {i.code == 0x16 ? bit(reg_a) : 0, 0};
    default: return i.code == 0x07 ? UseDef{bit(reg_a), bit(reg_x)} : UseDef{bit(reg_x), bit(reg_a)};
    }
}

std::vector<RegisterSet> live_after(const std::vector<cbpf::Insn>& p) {
    std::size_t n = p.size();
    std::vector<RegisterSet> live_in(n + 1, 0), live_out(n, 0);
    // Jumps go forward, so one backward sweep settles it.
    for (std::size_t pc = n; pc-- > 0;) {
        const auto& i = p[pc];
        if ((i.code & 0x07) == 0x06) live_out[pc] = 0;
        else if (i.code == 0x05) live_out[pc] = live_in[pc + 1 + i.k];
        else if ((i.code & 0x07) == 0x05) live_out[pc] = live_in[pc + 1 + i.jt] | live_in[pc + 1 + i.jf];
        else live_out[pc] = live_in[pc + 1];
        UseDef ud = use_def(i);
        live_in[pc] = ud.use | (live_out[pc] & ~ud.def);
    }
    return live_out;
}

}  // namespace fcap::cbpf_import
