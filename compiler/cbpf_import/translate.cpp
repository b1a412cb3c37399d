// Classic BPF to IR.  A, X and M[0..15] are variables 0, 1 and 2..17, and
// every instruction becomes an assignment, as the kernel's own converter
// does; basic blocks become IR blocks.  (Carrying values through a block as
// expressions, so that the optimizer sees the loads a test compares, needs
// a parallel copy at block ends and is left for later: `straight` is
// accepted but the translation is always one to one.)
#include "cbpf_import/cbpf_import.hpp"

#include <map>

namespace fcap::cbpf_import {

namespace {

constexpr ir::VarId var_a = 0, var_x = 1, var_m0 = 2;
constexpr std::uint32_t skf_ad_off = 0xfffff000;

ir::BinOp alu(std::uint16_t op) {
    switch (op) {
    case 0x00: return ir::BinOp::add;
    case 0x10: return ir::BinOp::sub;
    case 0x20: return ir::BinOp::mul;
    case 0x30: return ir::BinOp::div;
    case 0x40: return ir::BinOp::bor;
    case 0x50: return ir::BinOp::band;
    case 0x60: return ir::BinOp::lsh;
    case 0x70: return ir::BinOp::rsh;
    case 0x90: return ir::BinOp::mod;
    default: return ir::BinOp::bxor;
    }
}

}  // namespace

ir::Program translate(const std::vector<cbpf::Insn>& p, bool /*straight*/) {
    const bool straight = true;
    ir::Program out;
    out.var_count = 18;
    auto& pool = out.exprs;
    std::size_t n = p.size();
    // Basic blocks start at 0, at jump targets and after jumps and rets.
    std::vector<bool> leader(n + 1, false);
    leader[0] = true;
    for (std::size_t pc = 0; pc < n; ++pc) {
        const auto& i = p[pc];
        if ((i.code & 0x07) == 0x05) {
            if (i.code == 0x05) leader[pc + 1 + i.k] = true;
            else leader[pc + 1 + i.jt] = leader[pc + 1 + i.jf] = true;
            leader[pc + 1] = true;
        } else if ((i.code & 0x07) == 0x06) {
            leader[pc + 1] = true;
        }
    }
    std::map<std::size_t, ir::BlockId> block_of;
    for (std::size_t pc = 0; pc < n; ++pc)
        if (leader[pc]) block_of[pc] = out.add_block(ir::Block{{}, ir::Return{pool.constant(0)}});
    out.entry = block_of[0];

    for (auto it = block_of.begin(); it != block_of.end(); ++it) {
        std::size_t pc = it->first;
        ir::Block block;
        // Current value of each register: its variable, or an expression.
        ir::ExprId reg[18];
        for (ir::VarId v = 0; v < 18; ++v) reg[v] = pool.var(v);
        auto set = [&](ir::VarId v, ir::ExprId e) {
            // A load nobody read would vanish with its value, and with it a
            // reject: keep it evaluated.
            if (!straight && reg[v] != pool.var(v) && pool.can_fail(reg[v])) block.assigns.push_back({v, reg[v]});
            if (straight) {
                block.assigns.push_back({v, e});
                reg[v] = pool.var(v);
            } else {
                reg[v] = e;
            }
        };
        auto flush = [&] {
            if (straight) return;
            for (ir::VarId v = 0; v < 18; ++v)
                if (reg[v] != pool.var(v)) block.assigns.push_back({v, reg[v]});
        };
        auto a = [&] { return reg[var_a]; };
        auto x = [&] { return reg[var_x]; };
        for (;; ++pc) {
            const auto& i = p[pc];
            std::uint16_t cls = i.code & 0x07, size = i.code & 0x18, mode = i.code & 0xe0;
            std::uint8_t bytes = size == 0x10 ? 1 : size == 0x08 ? 2 : 4;
            if (cls == 0x00) {  // ld
                if (mode == 0x00) set(var_a, pool.constant(i.k));
                else if (mode == 0x80) set(var_a, pool.packet_len());
                else if (mode == 0x60) set(var_a, reg[var_m0 + i.k]);
                else if (mode == 0x20 && i.k >= skf_ad_off) set(var_a, pool.ancillary(i.k - skf_ad_off));
                else if (mode == 0x20) set(var_a, pool.load(bytes, i.k));
                else set(var_a, pool.load(bytes, i.k, x()));
            } else if (cls == 0x01) {  // ldx
                if (mode == 0x00) set(var_x, pool.constant(i.k));
                else if (mode == 0x80) set(var_x, pool.packet_len());
                else if (mode == 0x60) set(var_x, reg[var_m0 + i.k]);
                else set(var_x, pool.ip_header_len(i.k));
            } else if (cls == 0x02) {
                set(var_m0 + i.k, a());
            } else if (cls == 0x03) {
                set(var_m0 + i.k, x());
            } else if (cls == 0x04) {
                std::uint16_t op = i.code & 0xf0;
                if (op == 0x80) set(var_a, pool.neg(a()));
                else set(var_a, pool.binary(alu(op), a(), (i.code & 0x08) ? x() : pool.constant(i.k)));
            } else if (cls == 0x07) {
                if (i.code == 0x07) set(var_x, a());
                else set(var_a, x());
            } else if (cls == 0x06) {
                flush();
                block.end = ir::Return{i.code == 0x16 ? a() : pool.constant(i.k)};
                break;
            } else {  // jmp
                if (i.code == 0x05) {
                    flush();
                    block.end = ir::Jump{block_of[pc + 1 + i.k]};
                    break;
                }
                ir::ExprId lhs = a(), rhs = (i.code & 0x08) ? x() : pool.constant(i.k);
                flush();
                // The test reads the values as they are now; after a flush
                // they are in the variables, which say the same.
                std::uint16_t op = i.code & 0xf0;
                ir::CmpOp cmp = op == 0x10 ? ir::CmpOp::eq : op == 0x20 ? ir::CmpOp::gt : op == 0x30 ? ir::CmpOp::ge
                                                                                                      : ir::CmpOp::set;
                if (!straight) {
                    // Compare the variables: the flushed assignments ran first.
                    lhs = pool.var(var_a);
                    if (i.code & 0x08) rhs = pool.var(var_x);
                }
                block.end = ir::Branch{cmp, lhs, rhs, block_of[pc + 1 + i.jt], block_of[pc + 1 + i.jf]};
                break;
            }
            if (leader[pc + 1]) {
                flush();
                block.end = ir::Jump{block_of[pc + 1]};
                break;
            }
        }
        out.blocks[it->second] = std::move(block);
    }
    return out;
}

}  // namespace fcap::cbpf_import
