// IR to classic BPF, first half: blocks in reverse post-order (so every
// jump goes forward), each evaluating its expressions into A and X.  What A
// and X hold is tracked at every block exit, and a block skips a load when
// every predecessor leaves the value in place (as libpcap's code does).
// Returned constants become one shared `ret` each, at the end.  layout.cpp
// then turns labels into offsets.
#include "backend/cbpf/emit.hpp"

#include "backend/cbpf/layout.hpp"
#include "backend/cbpf/ops.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace fcap::cbpf {

namespace {

using ir::ExprId;
using ir::ExprKind;

// What A and X are known to hold (an expression), or no_expr.
struct State {
    ExprId a = ir::no_expr;
    ExprId x = ir::no_expr;
};

class Emitter {
public:
    Emitter(const ir::Program& p, diag::Sink& sink)
        : p_(p), pool_(p.exprs), sink_(sink), facts_(p.exprs.size()) {}

    std::optional<std::vector<Insn>> run();

private:
    // ---- labels
    int block_label(ir::BlockId b);
    int ret_label(std::uint32_t value);
    bool is_shared_ret(ir::BlockId b, std::uint32_t& value) const;
    int new_label() { return code_.label_count++; }
    // A label for the next instruction put.
    int label_here() {
        int l = new_label();
        pending_labels_.push_back(l);
        return l;
    }

    // ---- code
    void put(Insn insn) { put_jump(insn, -1, -1); }
    void put_jump(Insn insn, int if_true, int if_false);

    // ---- expressions
    bool clobbers_x(ExprId e);
    std::uint32_t need(ExprId e);
    std::uint32_t pair_need(ExprId left, ExprId right);
    static bool direct_x(const ir::ExprNode& n);
    void gen_a(ExprId e);
    void gen_x(ExprId e);
    bool pair_is_cheap(ExprId left, ExprId right);
    bool better_swapped(ExprId left, ExprId right);
    bool contains(ExprId tree, ExprId part, int depth) const;
    void gen_pair(ExprId left, ExprId right);
    void gen_binary(const ir::ExprNode& n);
    void gen_protochain(const ir::ExprNode& n);
    std::uint32_t temp();
    void free_temp() { --temps_in_use_; }
    std::uint32_t free_slots() const;
    void forget_vars();

    // ---- blocks
    void gen_block(ir::BlockId b, const ir::Block& block);
    void gen_branch(const ir::Branch& br);
    void gen_goto(ir::BlockId target);

    const ir::Program& p_;
    const ir::ExprPool& pool_;
    diag::Sink& sink_;
    LabelledCode code_;
    State state_;
    std::vector<int> block_labels_;  // by block; -1: no label yet
    std::map<std::uint32_t, int> ret_labels_;
    std::vector<int> pending_labels_;
    std::uint32_t temps_in_use_ = 0;
    bool failed_ = false;

    // Per expression, computed on first use: does putting it in A go
    // through X, and how many scratch slots does it need.
    struct Facts {
        std::int8_t clobbers_x = -1;
        std::int32_t need = -1;
    };
    std::vector<Facts> facts_;
};

void Emitter::put_jump(Insn insn, int if_true, int if_false) {
    Item item;
    item.insn = insn;
    item.target_true = if_true;
    item.target_false = if_false;
    item.labels = std::move(pending_labels_);
    pending_labels_.clear();
    code_.items.push_back(std::move(item));
}

bool Emitter::is_shared_ret(ir::BlockId b, std::uint32_t& value) const {
    const auto& block = p_.blocks[b];
    const auto* r = std::get_if<ir::Return>(&block.end);
    if (!r || !block.assigns.empty() || !pool_.is_constant(r->value)) return false;
    value = pool_[r->value].k;
    return true;
}

int Emitter::block_label(ir::BlockId b) {
    std::uint32_t value;
    if (is_shared_ret(b, value)) return ret_label(value);
    if (block_labels_.size() <= b) block_labels_.resize(p_.blocks.size(), -1);
    if (block_labels_[b] < 0) block_labels_[b] = new_label();
    return block_labels_[b];
}

int Emitter::ret_label(std::uint32_t value) {
    auto it = ret_labels_.find(value);
    if (it == ret_labels_.end()) it = ret_labels_.emplace(value, new_label()).first;
    return it->second;
}

// ---------------------------------------------------------------- expressions

// Values that load straight into X (`ldx #k`, `ldx M[k]`, `ldxb 4*([k]&0xf)`).
// Not `len`: `ldx len` (0x81) runs in bpf_filter and the kernel, but
// libpcap's bpf_image, hence tcpdump -d, lists it as `unimp`.
bool Emitter::direct_x(const ir::ExprNode& n) {
    return n.kind == ExprKind::constant || n.kind == ExprKind::var || n.kind == ExprKind::ip_header_len;
}

// Does putting e in A go through X?
bool Emitter::clobbers_x(ExprId e) {
    if (facts_[e].clobbers_x >= 0) return facts_[e].clobbers_x;
    const auto& n = pool_[e];
    bool r = true;
    switch (n.kind) {
    case ExprKind::constant:
    case ExprKind::packet_len:
    case ExprKind::var:
    case ExprKind::ancillary: r = false; break;
    case ExprKind::ip_header_len:
    case ExprKind::protochain: r = true; break;
    case ExprKind::load: r = n.a != ir::no_expr && !pool_.is_constant(n.a); break;
    case ExprKind::neg: r = clobbers_x(n.a); break;
    case ExprKind::binary: r = !pool_.is_constant(n.b) || clobbers_x(n.a); break;
    }
    facts_[e].clobbers_x = r;
    return r;
}

// Scratch slots that evaluating e into A needs: a Sethi-Ullman number for a
// machine whose second operand must be in X.
std::uint32_t Emitter::need(ExprId e) {
    if (facts_[e].need >= 0) return std::uint32_t(facts_[e].need);
    const auto& n = pool_[e];
    std::uint32_t r = 0;
    switch (n.kind) {
    case ExprKind::load:
        if (n.a != ir::no_expr && !pool_.is_constant(n.a) && !direct_x(pool_[n.a])) r = need(n.a);
        break;
    case ExprKind::neg: r = need(n.a); break;
    case ExprKind::binary: r = pool_.is_constant(n.b) ? need(n.a) : pair_need(n.a, n.b); break;
    case ExprKind::protochain: r = std::max(pair_need(n.a, n.b), 1u); break;
    default: break;
    }
    facts_[e].need = std::int32_t(r);
    return r;
}

// Slots needed to leave `left` in A and `right` in X (see gen_pair).
std::uint32_t Emitter::pair_need(ExprId left, ExprId right) {
    if (direct_x(pool_[right])) return need(left);
    if (!clobbers_x(left)) return need(right);
    std::uint32_t l = need(left), r = need(right);
    return std::min(std::max(r, l + 1), std::max(l, r + 1));
}

std::uint32_t Emitter::free_slots() const {
    std::uint32_t used = p_.var_count + temps_in_use_;
    return used >= memwords ? 0 : memwords - used;
}

// Variables own slots 0 .. var_count-1; temporaries stack above them.
std::uint32_t Emitter::temp() {
    std::uint32_t slot = p_.var_count + temps_in_use_++;
    if (slot >= memwords && !failed_) {
        sink_.error("expression too complex: needs more than 16 scratch registers",
                    "classic BPF has 16; simplify the arithmetic, or use an eBPF target");
        failed_ = true;
    }
    return slot % memwords;
}

void Emitter::forget_vars() {
    if (state_.a != ir::no_expr && pool_.reads_var(state_.a)) state_.a = ir::no_expr;
    if (state_.x != ir::no_expr && pool_.reads_var(state_.x)) state_.x = ir::no_expr;
}

void Emitter::gen_x(ExprId e) {
    if (state_.x == e) return;
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: put(stmt(cls::ldx | size::w | mode::imm, n.k)); break;
    case ExprKind::var: put(stmt(cls::ldx | size::w | mode::mem, n.k)); break;
    case ExprKind::ip_header_len: put(stmt(cls::ldx | size::b | mode::msh, n.k)); break;
    default:
        gen_a(e);
        put(stmt(cls::misc | miscop::tax));
        break;
    }
    state_.x = e;
}

// Can gen_pair do without a scratch slot?
bool Emitter::pair_is_cheap(ExprId left, ExprId right) {
    return direct_x(pool_[right]) || state_.x == right || !clobbers_x(left);
}

bool Emitter::contains(ExprId tree, ExprId part, int depth) const {
    if (tree == part) return true;
    if (tree == ir::no_expr || depth == 0) return false;
    const auto& n = pool_[tree];
    return contains(n.a, part, depth - 1) || contains(n.b, part, depth - 1);
}

// Would gen_pair(right, left) do better than gen_pair(left, right)?  When
// it needs no slot and the other does; unless the right operand is in A
// already or reappears inside the left one (geneve's `P[v0+22] ... +
// (v0+22)`): then the slot order computes it once and the other twice.
bool Emitter::better_swapped(ExprId left, ExprId right) {
    if (pair_is_cheap(left, right) || !pair_is_cheap(right, left)) return false;
    return state_.a != right && !contains(left, right, 8);
}

// Leaves `left` in A and `right` in X, for an X-form operation or jump.
void Emitter::gen_pair(ExprId left, ExprId right) {
    if (direct_x(pool_[right]) || (state_.x == right && !clobbers_x(left))) {
        gen_a(left);
        gen_x(right);
        return;
    }
    if (!clobbers_x(left)) {
        gen_x(right);  // through A, then `tax`
        gen_a(left);
        return;
    }
    // Both sides need X: one waits in a scratch slot.  Right first costs
    // one instruction less (`st`, `ldx M[]` against `st`, `tax`, `ld M[]`);
    // left first needs fewer slots when the left side is the deeper.
    std::uint32_t l = need(left), r = need(right), slots = free_slots();
    bool right_first = std::max(r, l + 1) <= slots || std::max(l, r + 1) > slots;
    std::uint32_t t;
    if (right_first) {
        gen_a(right);
        t = temp();
        put(stmt(cls::st, t));
        gen_a(left);
        put(stmt(cls::ldx | size::w | mode::mem, t));
        state_.x = right;
    } else {
        gen_a(left);
        t = temp();
        put(stmt(cls::st, t));
        gen_a(right);
        put(stmt(cls::misc | miscop::tax));
        state_.x = right;
        put(stmt(cls::ld | size::w | mode::mem, t));
        state_.a = left;
    }
    free_temp();
}

std::uint16_t alu_op(ir::BinOp op) {
    switch (op) {
    case ir::BinOp::add: return alu::add;
    case ir::BinOp::sub: return alu::sub;
    case ir::BinOp::mul: return alu::mul;
    case ir::BinOp::div: return alu::div;
    case ir::BinOp::mod: return alu::mod;
    case ir::BinOp::band: return alu::and_;
    case ir::BinOp::bor: return alu::or_;
    case ir::BinOp::bxor: return alu::xor_;
    case ir::BinOp::lsh: return alu::lsh;
    case ir::BinOp::rsh: return alu::rsh;
    }
    return alu::add;
}

void Emitter::gen_binary(const ir::ExprNode& n) {
    std::uint16_t op = cls::alu | alu_op(n.op);
    if (!pool_.is_constant(n.b)) {
        // A commutative operation takes its operands in the order that
        // needs no scratch slot: `P[1] * 3 + P[x+16]` is computed as
        // `ldxb; ldh [x+16]; tax; ldb [1]; mul #3; add x`.
        bool commutes = n.op == ir::BinOp::add || n.op == ir::BinOp::mul || n.op == ir::BinOp::band ||
                        n.op == ir::BinOp::bor || n.op == ir::BinOp::bxor;
        if (commutes && better_swapped(n.a, n.b)) {
            gen_pair(n.b, n.a);
            put(stmt(op | src::x));
            return;
        }
        gen_pair(n.a, n.b);
        put(stmt(op | src::x));
        return;
    }
    std::uint32_t k = pool_[n.b].k;
    bool by_zero = (n.op == ir::BinOp::div || n.op == ir::BinOp::mod) && k == 0;
    bool shifted_out = (n.op == ir::BinOp::lsh || n.op == ir::BinOp::rsh) && k >= 32;
    if (by_zero) {
        // Folding refuses these; should one come through, `div x` with X = 0
        // rejects the packet as the IR says ( `div #0` would trap in
        // bpf_filter and is refused by the kernel).
        gen_a(n.a);
        gen_x(n.b);
        put(stmt(op | src::x));
    } else if (shifted_out) {
        // The IR's shift by 32 or more gives 0 (bpf_filter's X form); `lsh
        // #40` would shift by 8 on x86, and the kernel refuses it.
        if (pool_.can_fail(n.a)) gen_a(n.a);
        put(stmt(cls::ld | size::w | mode::imm, 0));
    } else {
        gen_a(n.a);
        put(stmt(op | src::k, k));
    }
}

void Emitter::gen_a(ExprId e) {
    if (state_.a == e) return;
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: put(stmt(cls::ld | size::w | mode::imm, n.k)); break;
    case ExprKind::packet_len: put(stmt(cls::ld | size::w | mode::len)); break;
    case ExprKind::var: put(stmt(cls::ld | size::w | mode::mem, n.k)); break;
    case ExprKind::ancillary:
        // The packet type is a half-word, as libpcap loads it.
        put(stmt(cls::ld | (n.k == 4 ? size::h : size::w) | mode::abs, ancillary_base + n.k));
        break;
    case ExprKind::ip_header_len:
        gen_x(e);
        put(stmt(cls::misc | miscop::txa));
        break;
    case ExprKind::load: {
        std::uint16_t sz = size_bits(n.size);
        if (n.a == ir::no_expr) {
            put(stmt(cls::ld | sz | mode::abs, n.k));
        } else if (pool_.is_constant(n.a) && std::uint64_t(n.k) + pool_[n.a].k <= 0xffffffffu) {
            put(stmt(cls::ld | sz | mode::abs, n.k + pool_[n.a].k));
        } else {
            // An address past 2^32 stays indexed: bpf_filter's bounds check
            // does not wrap, so the load rejects as the IR says.
            gen_x(n.a);
            put(stmt(cls::ld | sz | mode::ind, n.k));
        }
        break;
    }
    case ExprKind::neg:
        gen_a(n.a);
        put(stmt(cls::alu | alu::neg));
        break;
    case ExprKind::protochain: gen_protochain(n); break;
    case ExprKind::binary: gen_binary(n); break;
    }
    state_.a = e;
}

// libpcap's protochain loop: A holds the protocol, X the offset of the
// header from the network header; extension headers and AH loop back.  The
// backward `ja` runs in libpcap's interpreter; the kernel's classic checker
// refuses it, as it refuses libpcap's own protochain code.
void Emitter::gen_protochain(const ir::ExprNode& n) {
    gen_pair(n.a, n.b);
    std::uint32_t slot = temp();
    int exit = new_label(), extension = new_label(), ah = new_label();
    int loop = label_here();
    // Compare A with k: go to `match` when equal, else on to the next test.
    auto test = [&](std::uint32_t k, int match) {
        int next = new_label();
        put_jump(stmt(cls::jmp | jmp::jeq | src::k, k), match, next);
        pending_labels_.push_back(next);
    };
    test(n.k2, exit);
    test(59, exit);  // no next header
    if (n.size == 6)
        for (std::uint32_t h : {0u, 60u, 43u, 44u}) test(h, extension);  // hop-by-hop, dest opts, routing, fragment
    put_jump(stmt(cls::jmp | jmp::jeq | src::k, 51), ah, exit);
    auto step = [&](int label, std::uint32_t plus, std::uint32_t times, bool add_offset) {
        pending_labels_.push_back(label);
        put(stmt(cls::ld | size::b | mode::ind, n.k));
        put(stmt(cls::st, slot));
        put(stmt(cls::ld | size::b | mode::ind, n.k + 1));
        put(stmt(cls::alu | alu::add | src::k, plus));
        put(stmt(cls::alu | alu::mul | src::k, times));
        if (add_offset) put(stmt(cls::alu | alu::add | src::x));
        put(stmt(cls::misc | miscop::tax));
        put(stmt(cls::ld | size::w | mode::mem, slot));
        put_jump(stmt(cls::jmp | jmp::ja), loop, -1);
    };
    if (n.size == 6) step(extension, 1, 8, true);
    step(ah, 2, 4, false);
    pending_labels_.push_back(exit);
    free_temp();
    state_.x = ir::no_expr;
}

// ---------------------------------------------------------------- blocks

std::uint16_t jump_op(ir::CmpOp op) {
    switch (op) {
    case ir::CmpOp::eq: return jmp::jeq;
    case ir::CmpOp::gt: return jmp::jgt;
    case ir::CmpOp::ge: return jmp::jge;
    case ir::CmpOp::set: return jmp::jset;
    }
    return jmp::jeq;
}

// A jump to `target`: a copy of its `ret` when it is a shared one, else a
// `ja` (dropped at layout when the target comes next).
void Emitter::gen_goto(ir::BlockId target) {
    std::uint32_t v;
    if (is_shared_ret(target, v))
        put(stmt(cls::ret | rval::k, v));
    else
        put_jump(stmt(cls::jmp | jmp::ja), block_label(target), -1);
}

void Emitter::gen_branch(const ir::Branch& in) {
    ir::Branch br = in;
    if (block_label(br.if_true) == block_label(br.if_false)) {
        // Both ways lead to the same place: only the operands' power to
        // reject the packet is left.
        for (ExprId e : {br.lhs, br.rhs})
            if (pool_.can_fail(e)) gen_a(e);
        gen_goto(br.if_true);
        return;
    }
    // k op e: put the constant on the right.
    if (pool_.is_constant(br.lhs) && !pool_.is_constant(br.rhs)) {
        std::swap(br.lhs, br.rhs);
        if (br.op == ir::CmpOp::gt) {  // k > e  <=>  !(e >= k)
            br.op = ir::CmpOp::ge;
            std::swap(br.if_true, br.if_false);
        } else if (br.op == ir::CmpOp::ge) {  // k >= e  <=>  !(e > k)
            br.op = ir::CmpOp::gt;
            std::swap(br.if_true, br.if_false);
        }
    }
    // libpcap's peephole forms: (x & k) == 0 is `jset #k` with the
    // targets swapped; (x + c) == d, (x - c) == d and (x ^ c) == d compare
    // x with the constant solved for.
    std::optional<std::uint32_t> k;  // the constant compared with, when there is one
    if (pool_.is_constant(br.rhs)) k = pool_[br.rhs].k;
    for (int rounds = 0; rounds < 8 && br.op == ir::CmpOp::eq && k; ++rounds) {
        const auto& l = pool_[br.lhs];
        if (l.kind != ExprKind::binary || !pool_.is_constant(l.b)) break;
        std::uint32_t c = pool_[l.b].k, d = *k;
        if (l.op == ir::BinOp::band && d == 0) {
            br = ir::Branch{ir::CmpOp::set, l.a, l.b, br.if_false, br.if_true};
            k = c;
            break;
        }
        if (l.op == ir::BinOp::add) k = d - c;
        else if (l.op == ir::BinOp::sub) k = d + c;
        else if (l.op == ir::BinOp::bxor) k = d ^ c;
        else break;
        br.lhs = l.a;
    }
    int t = block_label(br.if_true), f = block_label(br.if_false);
    std::uint16_t op = cls::jmp | jump_op(br.op);
    if (k) {
        gen_a(br.lhs);
        put_jump(stmt(op | src::k, *k), t, f);
    } else {
        if (better_swapped(br.lhs, br.rhs)) {
            // The operands the other way round: l > r is !(r >= l), l >= r
            // is !(r > l); == and jset do not care.
            std::swap(br.lhs, br.rhs);
            if (br.op == ir::CmpOp::gt || br.op == ir::CmpOp::ge) {
                br.op = br.op == ir::CmpOp::gt ? ir::CmpOp::ge : ir::CmpOp::gt;
                std::swap(t, f);
                op = cls::jmp | jump_op(br.op);
            }
        }
        gen_pair(br.lhs, br.rhs);
        put_jump(stmt(op | src::x), t, f);
    }
}

void Emitter::gen_block(ir::BlockId b, const ir::Block& block) {
    for (const auto& a : block.assigns) {
        gen_a(a.value);
        put(stmt(cls::st, a.var));
        forget_vars();
        if (!pool_.reads_var(a.value)) state_.a = a.value;
    }
    if (const auto* r = std::get_if<ir::Return>(&block.end)) {
        if (pool_.is_constant(r->value)) {
            put(stmt(cls::ret | rval::k, pool_[r->value].k));
        } else {
            gen_a(r->value);
            put(stmt(cls::ret | rval::a));
        }
    } else if (const auto* j = std::get_if<ir::Jump>(&block.end)) {
        gen_goto(j->target);
    } else {
        gen_branch(std::get<ir::Branch>(block.end));
    }
}

std::optional<std::vector<Insn>> Emitter::run() {
    if (p_.var_count > memwords) {
        sink_.error("the program keeps " + std::to_string(p_.var_count) +
                        " values, more than classic BPF's 16 scratch registers",
                    "use an eBPF target");
        return std::nullopt;
    }
    auto order = p_.topological_order();
    // The entry may itself be a shared `ret` (a filter that accepts all):
    // then the shared rets are the whole program, with that one first.
    block_label(p_.entry);
    ir::Predecessors preds_of(p_, order);
    std::vector<State> exit_state(p_.blocks.size());
    for (ir::BlockId b : order) {
        std::uint32_t ret_value;
        if (is_shared_ret(b, ret_value)) continue;
        // Entry state: what every predecessor agrees on.
        state_ = {};
        auto preds = preds_of.of(b);
        if (!preds.empty()) {
            state_ = exit_state[preds[0]];
            for (ir::BlockId pb : preds) {
                if (exit_state[pb].a != state_.a) state_.a = ir::no_expr;
                if (exit_state[pb].x != state_.x) state_.x = ir::no_expr;
            }
        }
        std::size_t first = code_.items.size();
        pending_labels_.push_back(block_label(b));
        gen_block(b, p_.blocks[b]);
        code_.blocks.push_back(first);
        exit_state[b] = state_;
    }
    code_.rets_start = code_.items.size();
    // Accepting returns first, `ret #0` last, as libpcap lays them out.
    for (auto it = ret_labels_.rbegin(); it != ret_labels_.rend(); ++it) {
        pending_labels_.push_back(it->second);
        put(stmt(cls::ret | rval::k, it->first));
    }
    if (failed_) return std::nullopt;
    return lay_out(std::move(code_));
}

}  // namespace

std::optional<std::vector<Insn>> emit(const ir::Program& program, diag::Sink& sink) {
    return Emitter(program, sink).run();
}

}  // namespace fcap::cbpf
