// IR to eBPF for XDP.  Named steps:
//   1. prologue: r7 = data, r8 = data_end, r9 = length; variables (stack
//      slots) start at 0, as the IR says (and the verifier wants);
//   2. expressions into registers, 32-bit arithmetic (the IR's), 64-bit
//      offsets (an offset never wraps, as the IR says);
//   3. every packet load: offset bounded for the verifier (<= 0xffff, an
//      XDP frame is smaller), then `data + offset + size > data_end` goes
//      to the reject label: libpcap's "a load past the end rejects";
//   4. division or modulo by zero and shifts past 31 behave as in
//      bpf_filter (reject; 0);
//   5. blocks in topological order, jumps to labels, offsets at the end.
#include "backend/ebpf/lower.hpp"

#include "backend/ebpf/ops.hpp"

#include <algorithm>
#include <vector>

namespace fcap::ebpf {

namespace {

using ir::ExprId;
using ir::ExprKind;

struct Item {
    Insn insn;
    int target = -1;  // label of a jump
};

class Lowering {
public:
    Lowering(const ir::Program& p, Target target, const LowerOptions& o, diag::Sink& sink)
        : p_(p), pool_(p.exprs), sink_(sink), target_(target) {
        if (target == Target::xdp) {
            match_ = o.invert ? xdp_pass : xdp_drop;
            miss_ = o.invert ? xdp_drop : xdp_pass;
        } else {
            match_ = std::int32_t(p.snaplen);
            miss_ = 0;
        }
    }

    std::optional<Program> run();

private:
    int new_label() {
        label_at_.push_back(-1);
        return next_label_++;
    }
    void place(int label) { pending_.push_back(label); }
    void put(Insn insn, int target = -1) {
        for (int l : pending_) label_at_[std::size_t(l)] = int(code_.size());
        pending_.clear();
        code_.push_back({insn, target});
    }
    void jump(std::uint8_t cls_op, Reg dst, std::int32_t imm, int target) {
        put(Insn{std::uint8_t(cls_op | src::k), dst, 0, 0, imm}, target);
    }
    void jump_reg(std::uint8_t cls_op, Reg dst, Reg s, int target) {
        put(Insn{std::uint8_t(cls_op | src::x), dst, s, 0, 0}, target);
    }
    void ja(int target) { put(Insn{std::uint8_t(cls::jmp | jop::ja), 0, 0, 0, 0}, target); }

    Reg alloc();
    void release(Reg r) { free_.push_back(r); }
    Reg gen(ExprId e);
    Reg packet_load(std::uint8_t size, std::uint32_t k, ExprId index);
    void reject_always(Reg r);
    std::int16_t slot(std::uint32_t var) const { return std::int16_t(-8 * std::int32_t(var + 1)); }
    // The counters' value pointer and the map key live after the variables.
    std::int16_t counters_slot() const { return slot(p_.var_count); }
    std::int16_t key_slot() const { return slot(p_.var_count + 1); }
    void count_packet(Reg ctx);
    void count_match();
    std::vector<MapRef> map_refs_;
    // Bytes this path has shown to be in the packet (XDP: a check of
    // data + N against data_end passed); loads below need no new check.
    std::uint32_t proven_ = 0;

    const ir::Program& p_;
    const ir::ExprPool& pool_;
    diag::Sink& sink_;
    Target target_;
    std::int32_t match_ = xdp_drop, miss_ = xdp_pass;
    std::vector<Item> code_;
    std::vector<int> label_at_;
    std::vector<int> pending_;
    int next_label_ = 0;
    int reject_ = -1;
    std::vector<Reg> free_;
    bool failed_ = false;
};

// Per-CPU counters (ebpf::Counters): look the entry up once, keep its
// address on the stack, add to it.  The entry is this CPU's, so plain adds
// are enough.  Counting never changes a verdict: a failed lookup skips it.
void Lowering::count_packet(Reg ctx) {
    put(store_imm(sz::w, r10, key_slot(), 0));
    map_refs_.push_back({code_.size()});
    put(Insn{std::uint8_t(cls::ld | sz::dw | mode::imm), r1, 1 /* BPF_PSEUDO_MAP_FD */, 0, 0});
    put(Insn{0, 0, 0, 0, 0});
    put(alu64_reg(op::mov, r2, r10));
    put(alu64_imm(op::add, r2, key_slot()));
    put(Insn{std::uint8_t(cls::jmp | 0x80 /* call */), 0, 0, 0, 1 /* bpf_map_lookup_elem */});
    put(store_reg(sz::dw, r10, counters_slot(), r0));
    int skip = new_label();
    jump(cls::jmp | jop::jeq, r0, 0, skip);
    // packets += 1; bytes += length
    put(ebpf::load(sz::dw, r1, r0, 0));
    put(alu64_imm(op::add, r1, 1));
    put(store_reg(sz::dw, r0, 0, r1));
    if (target_ == Target::xdp) {
        put(ebpf::load(sz::w, r2, ctx, 4));  // data_end
        put(ebpf::load(sz::w, r3, ctx, 0));  // data
        put(alu64_reg(op::sub, r2, r3));
    } else {
        put(ebpf::load(sz::w, r2, ctx, 0));  // __sk_buff.len
    }
    put(ebpf::load(sz::dw, r1, r0, 8));
    put(alu64_reg(op::add, r1, r2));
    put(store_reg(sz::dw, r0, 8, r1));
    place(skip);
}

void Lowering::count_match() {
    put(ebpf::load(sz::dw, r1, r10, counters_slot()));
    int skip = new_label();
    jump(cls::jmp | jop::jeq, r1, 0, skip);
    put(ebpf::load(sz::dw, r2, r1, 16));
    put(alu64_imm(op::add, r2, 1));
    put(store_reg(sz::dw, r1, 16, r2));
    if (target_ == Target::xdp) put(alu64_reg(op::mov, r3, r9));
    else put(ebpf::load(sz::w, r3, r6, 0));
    put(ebpf::load(sz::dw, r2, r1, 24));
    put(alu64_reg(op::add, r2, r3));
    put(store_reg(sz::dw, r1, 24, r2));
    place(skip);
}

Reg Lowering::alloc() {
    if (free_.empty()) {
        if (!failed_) sink_.error("the expression is too deep for the eBPF backend's registers");
        failed_ = true;
        return r0;
    }
    Reg r = free_.back();
    free_.pop_back();
    return r;
}

// A value that cannot be computed (ancillary data XDP does not have, a load
// always past the end): the packet is rejected.  Written as a branch that
// the verifier can see is taken, so no instruction is unreachable.
void Lowering::reject_always(Reg r) {
    put(alu64_imm(op::mov, r, 0));
    jump(cls::jmp | jop::jeq, r, 0, reject_);
}

Reg Lowering::packet_load(std::uint8_t size, std::uint32_t k, ExprId index) {
    std::uint8_t bits = size == 1 ? sz::b : size == 2 ? sz::h : sz::w;
    if (target_ == Target::socket) {
        // LD_ABS / LD_IND: r6 is the skb, the value lands in r0 in host
        // order, r1-r5 are clobbered, and a load past the end ends the
        // program with 0.  Offsets are kept below 64 KiB so that the
        // kernel's signed offset arithmetic cannot see a negative one.
        Reg out = alloc();
        if (index == ir::no_expr) {
            if (std::uint64_t(k) + size > 0xffff) {
                reject_always(out);
                return out;
            }
            put(Insn{std::uint8_t(cls::ld | 0x20 | bits), 0, 0, 0, std::int32_t(k)});
        } else {
            if (k > 0xffff) {
                reject_always(out);
                return out;
            }
            Reg off = gen(index);
            jump(cls::jmp32 | jop::jgt, off, 0xffff, reject_);
            put(Insn{std::uint8_t(cls::ld | 0x40 | bits), 0, std::uint8_t(off), 0, std::int32_t(k)});
            release(off);
        }
        put(alu64_reg(op::mov, out, r0));
        return out;
    }
    Reg at = alloc();
    if (index == ir::no_expr) {
        if (std::uint64_t(k) + size > 0x7fff) {
            reject_always(at);
            return at;
        }
        // A constant offset: check only what this path has not already
        // shown to be there (the verifier carries the same fact), then load
        // with the offset in the instruction.
        std::uint32_t end = k + size;
        if (end > proven_) {
            Reg t = alloc();
            put(alu64_reg(op::mov, t, r7));
            put(alu64_imm(op::add, t, std::int32_t(end)));
            jump_reg(cls::jmp | jop::jgt, t, r8, reject_);
            release(t);
            proven_ = end;
        }
        put(ebpf::load(bits, at, r7, std::int16_t(k)));
        if (size > 1) put(to_big_endian(at, size * 8));
        return at;
    } else {
        Reg off = gen(index);  // zero-extended 32 bits
        if (k <= 0x7fffffff) {
            put(alu64_imm(op::add, off, std::int32_t(k)));
        } else {
            Reg t = alloc();
            put(alu32_imm(op::mov, t, std::int32_t(k)));  // zero-extends
            put(alu64_reg(op::add, off, t));
            release(t);
        }
        jump(cls::jmp | jop::jgt, off, 0xffff, reject_);  // bounds the offset for the verifier
        put(alu64_reg(op::mov, at, r7));
        put(alu64_reg(op::add, at, off));
        release(off);
    }
    Reg end = alloc();
    put(alu64_reg(op::mov, end, at));
    put(alu64_imm(op::add, end, size));
    jump_reg(cls::jmp | jop::jgt, end, r8, reject_);
    release(end);
    put(ebpf::load(bits, at, at, 0));
    if (size > 1) put(to_big_endian(at, size * 8));
    return at;
}

Reg Lowering::gen(ExprId e) {
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: {
        Reg r = alloc();
        put(alu32_imm(op::mov, r, std::int32_t(n.k)));
        return r;
    }
    case ExprKind::packet_len: {
        Reg r = alloc();
        if (target_ == Target::socket) put(ebpf::load(sz::w, r, r6, 0));  // __sk_buff.len
        else put(alu32_reg(op::mov, r, r9));
        return r;
    }
    case ExprKind::var: {
        Reg r = alloc();
        put(ebpf::load(sz::dw, r, r10, slot(n.k)));
        return r;
    }
    case ExprKind::ancillary: {
        Reg r = alloc();
        reject_always(r);  // XDP has no socket metadata
        return r;
    }
    case ExprKind::ip_header_len: {
        Reg r = packet_load(1, n.k, ir::no_expr);
        put(alu32_imm(op::and_, r, 0xf));
        put(alu32_imm(op::lsh, r, 2));
        return r;
    }
    case ExprKind::load: return packet_load(n.size, n.k, n.a);
    case ExprKind::neg: {
        Reg r = gen(n.a);
        put(alu32_imm(op::neg, r, 0));
        return r;
    }
    case ExprKind::protochain: {
        if (!failed_) sink_.error("'protochain' is not supported by the eBPF backends yet");
        failed_ = true;
        return alloc();
    }
    case ExprKind::binary: {
        static const std::uint8_t ops[] = {op::add, op::sub, op::mul, op::div, op::mod,
                                           op::and_, op::or_, op::xor_, op::lsh, op::rsh};
        std::uint8_t o = ops[int(n.op)];
        bool divides = n.op == ir::BinOp::div || n.op == ir::BinOp::mod;
        bool shifts = n.op == ir::BinOp::lsh || n.op == ir::BinOp::rsh;
        Reg a = gen(n.a);
        if (pool_.is_constant(n.b)) {
            std::uint32_t k = pool_[n.b].k;
            if (divides && k == 0) reject_always(a);
            else if (shifts && k > 31) put(alu32_imm(op::mov, a, 0));
            else put(alu32_imm(o, a, std::int32_t(k)));
            return a;
        }
        Reg b = gen(n.b);
        if (divides) jump(cls::jmp32 | jop::jeq, b, 0, reject_);  // bpf_filter: division by zero rejects
        if (shifts) {
            // bpf_filter (libpcap 1.10): a shift of 32 or more gives 0.
            int big = new_label(), done = new_label();
            jump(cls::jmp32 | jop::jgt, b, 31, big);
            put(alu32_reg(o, a, b));
            ja(done);
            place(big);
            put(alu32_imm(op::mov, a, 0));
            place(done);
        } else {
            put(alu32_reg(o, a, b));
        }
        release(b);
        return a;
    }
    }
    return r0;
}

std::optional<Program> Lowering::run() {
    auto order = p_.topological_order();
    label_at_.assign(p_.blocks.size(), -1);
    next_label_ = int(p_.blocks.size());  // labels 0..n-1 are blocks
    reject_ = new_label();
    // 1. Prologue: r6 is the context (xdp_md or __sk_buff), counted first.
    put(alu64_reg(op::mov, r6, r1));
    count_packet(r6);
    if (target_ == Target::xdp) {
        free_ = {r5, r4, r3, r2, r1, r0};
        put(ebpf::load(sz::w, r7, r6, 0));  // data
        put(ebpf::load(sz::w, r8, r6, 4));  // data_end
        put(alu64_reg(op::mov, r9, r8));
        put(alu64_reg(op::sub, r9, r7));
    } else {
        // LD_ABS wants the skb in r6 and clobbers r0-r5: values live in r7-r9.
        free_ = {r9, r8, r7};
    }
    for (std::uint32_t v = 0; v < p_.var_count; ++v) put(store_imm(sz::dw, r10, slot(v), 0));

    ir::Predecessors preds(p_, order);
    std::vector<std::uint32_t> proven_at_exit(p_.blocks.size(), 0);
    for (std::size_t i = 0; i < order.size(); ++i) {
        ir::BlockId b = order[i];
        const auto& block = p_.blocks[b];
        place(int(b));
        // What every way into this block has shown (a jump target's state
        // is the weakest of its predecessors').
        auto in = preds.of(b);
        proven_ = in.empty() ? 0 : 0xffffffffu;
        for (ir::BlockId q : in) proven_ = std::min(proven_, proven_at_exit[q]);
        for (const auto& a : block.assigns) {
            Reg r = gen(a.value);
            put(store_reg(sz::dw, r10, slot(a.var), r));
            release(r);
        }
        ir::BlockId next = i + 1 < order.size() ? order[i + 1] : ir::no_block;
        if (const auto* ret = std::get_if<ir::Return>(&block.end)) {
            if (pool_.is_constant(ret->value)) {
                bool matched = pool_[ret->value].k != 0;
                if (matched) count_match();
                put(alu64_imm(op::mov, r0, matched ? match_ : miss_));
                put(exit_insn());
            } else {
                Reg r = gen(ret->value);
                int miss = new_label();
                jump(cls::jmp32 | jop::jeq, r, 0, miss);
                release(r);
                count_match();
                put(alu64_imm(op::mov, r0, match_));
                put(exit_insn());
                place(miss);
                put(alu64_imm(op::mov, r0, miss_));
                put(exit_insn());
            }
        } else if (const auto* j = std::get_if<ir::Jump>(&block.end)) {
            if (j->target != next) ja(int(j->target));
        } else {
            const auto& br = std::get<ir::Branch>(block.end);
            static const std::uint8_t jops[] = {jop::jeq, jop::jgt, jop::jge, jop::jset};
            std::uint8_t jo = std::uint8_t(cls::jmp32 | jops[int(br.op)]);
            Reg l = gen(br.lhs);
            if (pool_.is_constant(br.rhs)) {
                jump(jo, l, std::int32_t(pool_[br.rhs].k), int(br.if_true));
            } else {
                Reg r = gen(br.rhs);
                jump_reg(jo, l, r, int(br.if_true));
                release(r);
            }
            release(l);
            if (br.if_false != next) ja(int(br.if_false));
        }
        proven_at_exit[b] = proven_;
        if (failed_) return std::nullopt;
    }
    // The reject block, if anything jumps there (the verifier refuses
    // unreachable instructions).
    bool rejects = false;
    for (const auto& item : code_) rejects |= item.target == reject_;
    if (rejects) {
        place(reject_);
        put(alu64_imm(op::mov, r0, miss_));
        put(exit_insn());
    }

    Program out;
    out.target = target_;
    out.map_refs = map_refs_;
    out.insns.reserve(code_.size());
    for (std::size_t i = 0; i < code_.size(); ++i) {
        Insn insn = code_[i].insn;
        if (code_[i].target >= 0) {
            long off = long(label_at_[std::size_t(code_[i].target)]) - long(i) - 1;
            if (off < -32768 || off > 32767) {
                sink_.error("the eBPF program is too long for 16-bit jump offsets");
                return std::nullopt;
            }
            insn.off = std::int16_t(off);
        }
        out.insns.push_back(insn);
    }
    return out;
}

}  // namespace

std::optional<Program> lower_xdp(const ir::Program& program, const LowerOptions& options, diag::Sink& sink) {
    return Lowering(program, Target::xdp, options, sink).run();
}

std::optional<Program> lower_socket(const ir::Program& program, diag::Sink& sink) {
    return Lowering(program, Target::socket, {}, sink).run();
}

}  // namespace fcap::ebpf
