// Classic BPF to IR.  A, X and M[0..15] are variables 0, 1 and 2..17;
// cBPF's basic blocks become IR blocks, conditional jumps Branches, `ja` and
// fall-through into a jump target Jumps, `ret` Returns.
//
// Straight (-O0): every instruction is one assignment, as the kernel's own
// converter (net/core/filter.c, bpf_convert_filter) maps every instruction to
// a few eBPF ones.
//
// Otherwise values are carried: inside a block a register holds an
// expression over the values the registers had at the block's entry, so
// that `ldh [12]; jeq #0x800` becomes the branch `ldh [12] == 0x800` that our
// optimizer knows.  At the end of a block only the registers still live are
// written back; then the optimizer's strict passes run.
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/liveness.hpp"
#include "cbpf_import/protochain.hpp"
#include "backend/cbpf/ops.hpp"

#include "opt/merge_blocks.hpp"
#include "opt/remove_unreachable.hpp"
#include "opt/thread_jumps.hpp"

#include <array>
#include <unordered_map>

namespace fcap::cbpf_import {

namespace {

using namespace cbpf;  // opcode fields and names (backend/cbpf/ops.hpp)

constexpr ir::VarId var_a = reg_a, var_x = reg_x, var_m0 = reg_m0;
// A never-read variable that receives a load whose value nobody uses, so
// that it still rejects a short packet as it did in the original.
constexpr ir::VarId var_discard = register_count;
constexpr ir::VarId first_temp = register_count + 1;
// Carried expressions larger than this (as trees) are written back first,
// so that no expression grows without bound (`add a` doubles it).
constexpr std::uint32_t max_tree_size = 24;

std::uint16_t cls_of(const cbpf::Insn& i) { return class_of(i.code); }
bool is_jump(const cbpf::Insn& i) { return cls_of(i) == cls::jmp && i.code != protochain_pseudo_op; }
bool uses_x_operand(const cbpf::Insn& i) { return x_operand(i.code); }

ir::BinOp alu_op(std::uint16_t op) {
    switch (op) {
    case alu::add: return ir::BinOp::add;
    case alu::sub: return ir::BinOp::sub;
    case alu::mul: return ir::BinOp::mul;
    case alu::div: return ir::BinOp::div;
    case alu::or_: return ir::BinOp::bor;
    case alu::and_: return ir::BinOp::band;
    case alu::lsh: return ir::BinOp::lsh;
    case alu::rsh: return ir::BinOp::rsh;
    case alu::mod: return ir::BinOp::mod;
    default: return ir::BinOp::bxor;  // alu::xor_, the only opcode left after check()
    }
}

ir::CmpOp comparison(std::uint16_t op) {
    switch (op) {
    case jmp::jeq: return ir::CmpOp::eq;
    case jmp::jgt: return ir::CmpOp::gt;
    case jmp::jge: return ir::CmpOp::ge;
    default: return ir::CmpOp::set;
    }
}

class Translator {
public:
    Translator(const std::vector<cbpf::Insn>& code, bool straight)
        : folded_(fold_protochain_loops(code)), code_(folded_.program), straight_(straight),
          live_(live_after(code_)) {}

    ir::Program run();

private:
    void block_at(std::size_t pc, ir::Block& block);
    ir::ExprId value(ir::VarId r) const { return reg_[r]; }
    void set(ir::VarId r, ir::ExprId e);
    void flush(RegisterSet live, std::vector<ir::ExprId> extra_reads, std::vector<ir::ExprId>* extra_out);
    void keep_evaluated(ir::ExprId e);
    bool contains(ir::ExprId e, ir::ExprId part, int depth) const;
    ir::ExprId arithmetic(ir::BinOp op, ir::ExprId a, ir::ExprId b);
    RegisterSet reads(ir::ExprId e);
    std::uint32_t tree_size(ir::ExprId e);

    Folded folded_;
    const std::vector<cbpf::Insn>& code_;
    bool straight_;
    std::vector<RegisterSet> live_;
    ir::Program out_;
    std::vector<ir::BlockId> block_of_;  // by pc; no_block inside a block
    std::array<ir::ExprId, register_count> reg_{};
    ir::Block* block_ = nullptr;
    std::unordered_map<ir::ExprId, RegisterSet> reads_memo_;
    std::unordered_map<ir::ExprId, std::uint32_t> size_memo_;
    ir::VarId temps_used_ = 0;
};

RegisterSet Translator::reads(ir::ExprId e) {
    if (e == ir::no_expr || !out_.exprs.reads_var(e)) return 0;
    if (auto it = reads_memo_.find(e); it != reads_memo_.end()) return it->second;
    const auto& n = out_.exprs[e];
    RegisterSet r = n.kind == ir::ExprKind::var ? (n.k < register_count ? bit(n.k) : 0) : reads(n.a) | reads(n.b);
    reads_memo_.emplace(e, r);
    return r;
}

std::uint32_t Translator::tree_size(ir::ExprId e) {
    if (e == ir::no_expr) return 0;
    if (auto it = size_memo_.find(e); it != size_memo_.end()) return it->second;
    const auto& n = out_.exprs[e];
    std::uint32_t s = std::min<std::uint32_t>(1 + tree_size(n.a) + tree_size(n.b), 1u << 20);
    size_memo_.emplace(e, s);
    return s;
}

// A carried value about to be lost must still be evaluated when it could
// reject the packet: "libpcap: a load past the captured end rejects the
// packet", used or not.  Assignments emitted between write-backs never
// write a register, so the expression still means what it says.
void Translator::keep_evaluated(ir::ExprId e) {
    if (out_.exprs.can_fail(e)) block_->assigns.push_back({var_discard, e});
}

void Translator::set(ir::VarId r, ir::ExprId e) {
    if (straight_) {
        block_->assigns.push_back({r, e});
        return;
    }
    ir::ExprId old = reg_[r];
    reg_[r] = e;
    if (old == out_.exprs.var(r)) return;
    for (ir::ExprId held : reg_)
        if (held == old) return;  // still carried by another register
    if (contains(e, old, 3)) return;  // evaluated with its successor (`and #0xf`)
    keep_evaluated(old);
}

// `add #0`, which libpcap writes after protochain, and the like: the
// identities that drop no load (fold_constants also drops `x & 0`, and
// with it a load that may reject).
ir::ExprId Translator::arithmetic(ir::BinOp op, ir::ExprId a, ir::ExprId b) {
    auto& pool = out_.exprs;
    if (!straight_ && pool.is_constant(b)) {
        std::uint32_t k = pool[b].k;
        bool zero_is_identity = op == ir::BinOp::add || op == ir::BinOp::sub || op == ir::BinOp::bor ||
                                op == ir::BinOp::bxor || op == ir::BinOp::lsh || op == ir::BinOp::rsh;
        bool one_is_identity = op == ir::BinOp::mul || op == ir::BinOp::div;
        if ((k == 0 && zero_is_identity) || (k == 1 && one_is_identity)) return a;
    }
    return pool.binary(op, a, b);
}

bool Translator::contains(ir::ExprId e, ir::ExprId part, int depth) const {
    if (e == part) return true;
    if (e == ir::no_expr || depth == 0) return false;
    const auto& n = out_.exprs[e];
    return contains(n.a, part, depth - 1) || contains(n.b, part, depth - 1);
}

// Writes back the carried registers in `live`, as a parallel copy: a
// register is written only once no pending value still reads its old
// contents; a cycle (A and X swapped) goes through a temporary.  Each of
// `extra_reads` (a branch operand) is first copied to a temporary if the
// write-back would change what it reads; `extra_out` gets what to use
// instead.  Carried values not written back are kept evaluated.
void Translator::flush(RegisterSet live, std::vector<ir::ExprId> extra_reads, std::vector<ir::ExprId>* extra_out) {
    auto& pool = out_.exprs;
    struct Pending {
        ir::VarId var;
        ir::ExprId value;
        int extra = -1;  // index in extra_reads when this is an operand's copy
    };
    std::vector<Pending> pending;
    RegisterSet written = 0;
    for (ir::VarId r = 0; r < register_count; ++r) {
        if (reg_[r] == pool.var(r)) continue;
        if (live & bit(r)) {
            pending.push_back({r, reg_[r]});
            written |= bit(r);
        }
    }
    ir::VarId next_temp = first_temp;
    if (extra_out) *extra_out = extra_reads;
    for (std::size_t i = 0; i < extra_reads.size(); ++i)
        if (reads(extra_reads[i]) & written) pending.push_back({next_temp++, extra_reads[i], int(i)});
    // Lost values that could reject: evaluate them before anything changes.
    for (ir::VarId r = 0; r < register_count; ++r) {
        if (reg_[r] == pool.var(r) || (live & bit(r))) continue;
        bool kept = false;
        for (const auto& p : pending) kept = kept || p.value == reg_[r];
        for (ir::ExprId e : extra_reads) kept = kept || e == reg_[r];
        for (ir::VarId s = 0; s < r; ++s) kept = kept || (reg_[s] == reg_[r] && !(live & bit(s)));
        if (!kept) keep_evaluated(reg_[r]);
    }
    while (!pending.empty()) {
        bool progress = false;
        for (std::size_t i = 0; i < pending.size(); ++i) {
            RegisterSet read_by_others = 0;
            for (std::size_t j = 0; j < pending.size(); ++j)
                if (j != i) read_by_others |= reads(pending[j].value);
            if (pending[i].var < register_count && (read_by_others & bit(pending[i].var))) continue;
            block_->assigns.push_back({pending[i].var, pending[i].value});
            if (pending[i].extra >= 0) (*extra_out)[std::size_t(pending[i].extra)] = pool.var(pending[i].var);
            pending.erase(pending.begin() + std::ptrdiff_t(i));
            progress = true;
            break;
        }
        if (progress) continue;
        // Every pending register is still read by another: a cycle.  Park
        // one value in a temporary, which nobody else reads.
        RegisterSet pending_vars = 0;
        for (const auto& p : pending) pending_vars |= p.var < register_count ? bit(p.var) : 0;
        for (auto& p : pending)
            if (p.var < register_count && (reads(p.value) & pending_vars)) {
                ir::VarId t = next_temp++;
                block_->assigns.push_back({t, p.value});
                p.value = pool.var(t);
                break;
            }
    }
    temps_used_ = std::max(temps_used_, next_temp - first_temp);
    for (ir::VarId r = 0; r < register_count; ++r) reg_[r] = pool.var(r);
}

void Translator::block_at(std::size_t pc, ir::Block& block) {
    auto& pool = out_.exprs;
    block_ = &block;
    for (ir::VarId r = 0; r < register_count; ++r) reg_[r] = pool.var(r);
    for (;; ++pc) {
        const auto& i = code_[pc];
        if (!straight_ && (tree_size(value(var_a)) > max_tree_size || tree_size(value(var_x)) > max_tree_size)) {
            UseDef ud = use_def(i);
            flush(ud.use | (live_[pc] & ~ud.def), {}, nullptr);  // live before pc
        }
        std::uint16_t cls = cls_of(i), mode = mode_of(i.code);
        std::uint8_t bytes = std::uint8_t(size_bytes(i.code));
        ir::ExprId a = value(var_a), x = value(var_x);
        auto operand = [&] { return uses_x_operand(i) ? x : pool.constant(i.k); };
        if (i.code == protochain_pseudo_op) {
            const ProtochainLoop& loop = folded_.loops[i.k];
            set(var_a, pool.protochain(loop.ipv6, loop.network, loop.wanted, a, x));
        } else if (cls == cls::ld || cls == cls::ldx) {
            ir::VarId dst = cls == cls::ld ? var_a : var_x;
            ir::ExprId e;
            if (mode == mode::imm) e = pool.constant(i.k);
            else if (mode == mode::len) e = pool.packet_len();
            else if (mode == mode::mem) e = value(var_m0 + i.k);
            else if (mode == mode::msh) e = pool.ip_header_len(i.k);
            else if (mode == mode::abs && i.k == ancillary_base + ancillary_alu_xor_x)
                e = pool.binary(ir::BinOp::bxor, a, x);
            else if (mode == mode::abs && i.k >= ancillary_base) e = pool.ancillary(i.k - ancillary_base);
            else if (mode == mode::abs) e = pool.load(bytes, i.k);
            else e = pool.load(bytes, i.k, x);
            set(dst, e);
        } else if (cls == cls::st || cls == cls::stx) {
            set(var_m0 + i.k, cls == cls::st ? a : x);
        } else if (cls == cls::alu) {
            std::uint16_t op = op_of(i.code);
            set(var_a, op == alu::neg ? pool.neg(a) : arithmetic(alu_op(op), a, operand()));
        } else if (cls == cls::misc) {
            if (i.code == code::tax) set(var_x, a);
            else set(var_a, x);
        } else if (cls == cls::ret) {
            ir::ExprId result = i.code == code::ret_a ? a : pool.constant(i.k);
            if (!straight_) flush(0, {result}, nullptr);
            block.end = ir::Return{result};
            return;
        } else if (i.code == code::ja) {
            if (!straight_) flush(live_[pc], {}, nullptr);
            block.end = ir::Jump{block_of_[pc + 1 + i.k]};
            return;
        } else {
            std::vector<ir::ExprId> operands = {a, operand()};
            if (!straight_) flush(live_[pc], operands, &operands);
            block.end = ir::Branch{comparison(op_of(i.code)), operands[0], operands[1], block_of_[pc + 1 + i.jt],
                                   block_of_[pc + 1 + i.jf]};
            return;
        }
        if (block_of_[pc + 1] != ir::no_block) {
            if (!straight_) flush(live_[pc], {}, nullptr);
            block.end = ir::Jump{block_of_[pc + 1]};
            return;
        }
    }
}

ir::Program Translator::run() {
    std::size_t n = code_.size();
    // Blocks start at 0, at jump targets and after jumps and rets.
    std::vector<bool> leader(n + 1, false);
    leader[0] = true;
    for (std::size_t pc = 0; pc < n; ++pc) {
        const auto& i = code_[pc];
        if (i.code == code::ja) leader[pc + 1 + i.k] = true;
        else if (is_jump(i)) leader[pc + 1 + i.jt] = leader[pc + 1 + i.jf] = true;
        if (is_jump(i) || cls_of(i) == cls::ret) leader[pc + 1] = true;
    }
    block_of_.assign(n + 1, ir::no_block);
    for (std::size_t pc = 0; pc < n; ++pc)
        if (leader[pc]) block_of_[pc] = out_.add_block(ir::Block{{}, ir::Return{out_.exprs.constant(0)}});
    out_.entry = block_of_[0];
    for (std::size_t pc = 0; pc < n; ++pc)
        if (leader[pc]) {
            ir::Block block;
            block_at(pc, block);
            out_.blocks[block_of_[pc]] = std::move(block);
        }
    out_.var_count = straight_ ? register_count : first_temp + temps_used_;
    return std::move(out_);
}


// The optimizer's passes that keep every load a packet is subject to.
// The others (pullup, constant folding, dropping a branch whose targets
// agree) reproduce libpcap's optimizer, which moves and drops loads: right
// when the reference is libpcap's optimized code for an expression, wrong
// when the reference is the very program imported (bpf_filter on libpcap
// -O0 code for `host A or B` rejects an IPv4 packet cut at byte 30 that
// pullup's order accepts).
void optimize_strictly(ir::Program& program) {
    static constexpr bool (*passes[])(ir::Program&) = {opt::thread_jumps, opt::merge_blocks, opt::remove_unreachable};
    for (int round = 0; round < 16; ++round) {
        bool changed = false;
        for (auto pass : passes) changed = pass(program) || changed;
        if (!changed) break;
    }
}

}  // namespace

ir::Program translate(const std::vector<cbpf::Insn>& program, bool straight) {
    ir::Program out = Translator(program, straight).run();
    if (!straight) optimize_strictly(out);
    return out;
}

}  // namespace fcap::cbpf_import
