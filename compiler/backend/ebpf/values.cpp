// IR expressions into eBPF registers.  Values stay in registers: a value a
// register still holds (in this block, or in every predecessor) is used
// again instead of recomputed; operands are evaluated bigger first
// (Sethi-Ullman numbers), and one is spilled to the stack only when the
// other needs every register.  Arithmetic is 32-bit, as the IR's is.
#include "backend/ebpf/ancillary.hpp"
#include "backend/ebpf/lowering.hpp"

#include <algorithm>
#include <bit>

namespace fcap::ebpf::detail {

using ir::ExprId;
using ir::ExprKind;

namespace {

constexpr std::uint64_t unknown = 0xffffffffu;

}  // namespace

int Lowering::find(Key k) const {
    for (int r = 0; r < 10; ++r)
        if (allocatable_ >> r & 1)
            for (Key h : state_.held[std::size_t(r)])
                if (h == k) return r;
    return -1;
}

int Lowering::free_count() const { return std::popcount(allocatable_ & ~owned_); }

// A free register, preferring one that holds nothing worth keeping.
Reg Lowering::alloc() {
    int pick = -1;
    for (int r = 0; r < 10; ++r) {
        if (!(allocatable_ >> r & 1) || owned(Reg(r))) continue;
        if (pick < 0 || (state_.held[std::size_t(r)].empty() && !state_.held[std::size_t(pick)].empty())) pick = r;
    }
    if (pick < 0) {
        fail("internal error: the eBPF backend ran out of registers");
        return r0;
    }
    owned_ |= 1u << pick;
    clobber(Reg(pick));
    return Reg(pick);
}

void Lowering::take(Reg r) { owned_ |= 1u << r; }

void Lowering::clobber_scratch() {
    for (int r = 0; r <= 5; ++r) state_.held[std::size_t(r)].clear();
}

void Lowering::forget_var_readers() {
    for (auto& keys : state_.held)
        std::erase_if(keys, [&](Key k) { return pool_.reads_var(ExprId(k & 0xffffffffu)); });
}

std::int16_t Lowering::spill_slot() {
    if (spills_ >= spill_slots) fail("the expression is too deep for the eBPF backend's registers and spill slots");
    return slot(first_spill() + spills_++);
}

// Registers a caller holds among r0-r5 survive a helper call on the stack.
void Lowering::call_helper(std::int32_t id, Reg dst) {
    std::vector<std::pair<Reg, std::int16_t>> saved;
    for (int r = 0; r <= 5; ++r)
        if (owned(Reg(r)) && Reg(r) != dst) {
            saved.emplace_back(Reg(r), spill_slot());
            as_.put(store_reg(sz::dw, r10, saved.back().second, Reg(r)));
        }
    as_.put(call(id));
    clobber_scratch();
    if (dst != r0) as_.put(mov64(dst, r0));
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
        as_.put(load(sz::dw, it->first, r10, it->second));
        free_spill_slot();
    }
}

// How many registers evaluating `e` holds at once, at most.
int Lowering::need(ExprId e) {
    if (need_.size() < pool_.size()) need_.resize(pool_.size(), 0);
    if (need_[e]) return need_[e];
    const auto& n = pool_[e];
    int out = 1;
    switch (n.kind) {
    case ExprKind::load:
        out = n.a == ir::no_expr ? 1 : std::max(need(n.a), 2);
        break;
    case ExprKind::neg: out = need(n.a); break;
    case ExprKind::binary:
        if (pool_.is_constant(n.b)) {
            out = need(n.a);
        } else {
            int a = need(n.a), b = need(n.b);
            out = a == b ? a + 1 : std::max(a, b);
        }
        break;
    case ExprKind::protochain: {
        int a = need(n.a), b = need(n.b);
        out = std::max(a == b ? a + 1 : std::max(a, b), target_ == Target::xdp ? 5 : 3);
        break;
    }
    default: break;
    }
    need_[e] = std::uint8_t(std::min(out, 200));
    return need_[e];
}

// An upper bound of the value that the verifier can see too (it tracks
// byte loads, masks, constant shifts and sums; a byte swap it cannot).
std::uint64_t Lowering::max_value(ExprId e) {
    if (max_.size() < pool_.size()) max_.resize(pool_.size(), 0);
    if (max_[e]) return max_[e] - 1;
    const auto& n = pool_[e];
    std::uint64_t out = unknown;
    switch (n.kind) {
    case ExprKind::constant: out = n.k; break;
    case ExprKind::ip_header_len: out = 60; break;
    case ExprKind::load:
        // A socket's LD_IND bound is ours alone; XDP's swapped loads the verifier cannot bound.
        if (n.size == 1 || target_ == Target::socket) out = (std::uint64_t(1) << (8 * n.size)) - 1;
        break;
    case ExprKind::binary: {
        std::uint64_t a = max_value(n.a), b = max_value(n.b);
        bool kb = pool_.is_constant(n.b);
        std::uint32_t k = kb ? pool_[n.b].k : 0;
        switch (n.op) {
        case ir::BinOp::add: out = a + b <= unknown ? a + b : unknown; break;
        case ir::BinOp::mul: out = a <= 0xffff && b <= 0xffff ? a * b : unknown; break;
        case ir::BinOp::band: out = std::min(a, b); break;
        case ir::BinOp::lsh: out = kb && k < 31 && a < (std::uint64_t(1) << (31 - k)) ? a << k : unknown; break;
        case ir::BinOp::rsh: out = kb && k < 32 ? a >> k : unknown; break;
        default: break;
        }
        break;
    }
    default: break;
    }
    max_[e] = out + 1;
    return out;
}

Reg Lowering::gen(ExprId e) {
    Key key = key_of(e);
    int held = find(key);
    if (held >= 0) {
        Reg r = Reg(held);
        if (!owned(r)) {
            take(r);
            return r;
        }
        Reg copy = alloc();
        as_.put(mov64(copy, r));
        holds(copy, key);
        return copy;
    }
    Reg out = gen_uncached(e);
    clobber(out);
    const auto& n = pool_[e];
    if (!(n.kind == ExprKind::ancillary && n.k == ad_random)) holds(out, key);
    return out;
}

// A 2- or 4-byte load as it lies in the packet,
// before its conversion to host order (XDP).
Reg Lowering::gen_raw(ExprId e) {
    Key key = key_of(e, true);
    int held = find(key);
    if (held >= 0 && !owned(Reg(held))) {
        take(Reg(held));
        return Reg(held);
    }
    const auto& n = pool_[e];
    Reg out = xdp_load(n.size, n.k, n.a, true);
    clobber(out);
    holds(out, key);
    return out;
}

std::pair<Reg, Reg> Lowering::gen_pair(ExprId a, ExprId b) {
    bool b_first = need(b) > need(a);
    ExprId first = b_first ? b : a, second = b_first ? a : b;
    Reg r1 = gen(first), r2;
    if (find(key_of(second)) < 0 && free_count() < need(second)) {
        std::int16_t at = spill_slot();
        as_.put(store_reg(sz::dw, r10, at, r1));
        release(r1);
        r2 = gen(second);
        const auto& keys = state_.held[r1];
        if (!owned(r1) && std::find(keys.begin(), keys.end(), key_of(first)) != keys.end()) {
            take(r1);  // still there
        } else {
            r1 = alloc();
            as_.put(load(sz::dw, r1, r10, at));
        }
        free_spill_slot();
    } else {
        r2 = gen(second);
    }
    return b_first ? std::pair{r2, r1} : std::pair{r1, r2};
}

Reg Lowering::binary(const ir::ExprNode& n) {
    static const std::uint8_t ops[] = {op::add, op::sub, op::mul, op::div, op::mod,
                                       op::and_, op::or_, op::xor_, op::lsh, op::rsh};
    std::uint8_t o = ops[int(n.op)];
    bool divides = n.op == ir::BinOp::div || n.op == ir::BinOp::mod;
    bool shifts = n.op == ir::BinOp::lsh || n.op == ir::BinOp::rsh;
    if (pool_.is_constant(n.b)) {
        Reg a = gen(n.a);
        clobber(a);
        std::uint32_t k = pool_[n.b].k;
        if (divides && k == 0) reject_always(a);                 // bpf_filter: division by zero rejects
        else if (shifts && k > 31) as_.put(mov32_imm(a, 0));    // bpf_filter (libpcap 1.10): gives 0
        else as_.put(alu32_imm(o, a, std::int32_t(k)));
        return a;
    }
    auto [a, b] = gen_pair(n.a, n.b);
    clobber(a);
    if (divides) as_.jump(cls::jmp32 | jop::jeq, b, 0, reject_);
    if (shifts) {
        // eBPF masks the shift count; bpf_filter gives 0 for 32 and more.
        Label big = as_.new_label(), done = as_.new_label();
        as_.jump(cls::jmp32 | jop::jgt, b, 31, big);
        as_.put(alu32_reg(o, a, b));
        as_.goto_(done);
        as_.place(big);
        as_.put(mov32_imm(a, 0));
        as_.place(done);
    } else {
        as_.put(alu32_reg(o, a, b));
    }
    release(b);
    return a;
}

// Linux's SKF_AD_* loads, where the target has the data (the kernel's
// classic-to-eBPF converter reads the same skb fields).
Reg Lowering::ancillary(std::uint32_t code) {
    Reg r = alloc();
    if (!options_.ancillary) {  // bpf_filter: an offset past the packet
        reject_always(r);
        return r;
    }
    AncillarySource from = ancillary_source(code, target_);
    switch (from.kind) {
    case AncillarySource::helper: call_helper(from.helper_id, r); break;
    case AncillarySource::zero: as_.put(mov32_imm(r, 0)); break;
    case AncillarySource::context:
        as_.put(load(sz::w, r, r6, from.field.offset));
        if (from.field.swap) as_.put(to_big_endian(r, 16));
        break;
    case AncillarySource::none: fail(ancillary_unavailable(code, target_)); break;
    }
    return r;
}

Reg Lowering::gen_uncached(ExprId e) {
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: {
        Reg r = alloc();
        as_.put(mov32_imm(r, n.k));
        return r;
    }
    case ExprKind::packet_len: {
        Reg r = alloc();
        length_into(r);
        return r;
    }
    case ExprKind::var: {
        Reg r = alloc();
        as_.put(load(sz::w, r, r10, var_slot(n.k)));
        return r;
    }
    case ExprKind::ancillary: return ancillary(n.k);
    case ExprKind::ip_header_len: {
        Reg r = packet_load(1, n.k, ir::no_expr);
        as_.put(alu32_imm(op::and_, r, 0xf));
        as_.put(alu32_imm(op::lsh, r, 2));
        return r;
    }
    case ExprKind::load: return packet_load(n.size, n.k, n.a);
    case ExprKind::neg: {
        Reg r = gen(n.a);
        clobber(r);
        as_.put(alu32_imm(op::neg, r, 0));
        return r;
    }
    case ExprKind::binary: return binary(n);
    case ExprKind::protochain: return protochain(n);
    }
    fail("internal error: an IR expression the eBPF backend does not know");
    return alloc();
}

}  // namespace fcap::ebpf::detail
