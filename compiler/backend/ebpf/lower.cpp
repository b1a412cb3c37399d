// IR to eBPF: the program's shape.  Named steps:
//   1. prologue: r6 = the context; XDP also keeps r7 = data, r8 = data_end,
//      r9 = the length; the packet is counted; variables that some path
//      reads before it writes them start at 0 (the IR's rule);
//   2. copies of the body: XDP's fast copy for packets of at least
//      `fast_bytes` (the one check the verifier needs for its constant
//      loads is made once), a careful copy for shorter ones; a socket
//      program's copy for a VLAN tag held in skb metadata;
//   3. blocks in topological order; what a block's predecessors all
//      established (bytes proven, values in registers) carries into it;
//   4. branches jump to the successor that does not follow, so the next
//      block is reached by falling through;
//   5. returns count matches and give XDP's action or the socket's length.
#include "backend/ebpf/ancillary.hpp"
#include "backend/ebpf/counting.hpp"
#include "backend/ebpf/lowering.hpp"

#include <algorithm>

namespace fcap::ebpf {

namespace detail {

namespace {

// A minimum Ethernet frame (without its FCS): every well-formed frame
// takes XDP's fast copy, whose constant loads below this need no check.
constexpr std::uint32_t fast_limit = 60;

using namespace ctx;  // __sk_buff and xdp_md fields

std::uint8_t jump_op(ir::CmpOp op) {
    switch (op) {
    case ir::CmpOp::eq: return jop::jeq;
    case ir::CmpOp::gt: return jop::jgt;
    case ir::CmpOp::ge: return jop::jge;
    case ir::CmpOp::set: return jop::jset;
    }
    return jop::jeq;
}

bool compare(std::uint8_t o, std::uint32_t a, std::uint32_t b) {
    switch (o) {
    case jop::jeq: return a == b;
    case jop::jgt: return a > b;
    case jop::jge: return a >= b;
    case jop::jlt: return a < b;
    case jop::jle: return a <= b;
    case jop::jset: return (a & b) != 0;
    }
    return false;
}

std::uint32_t swap_bytes(std::uint32_t k, unsigned size) {
    if (size == 2) return ((k & 0xff) << 8) | ((k >> 8) & 0xff);
    return __builtin_bswap32(k);
}

}  // namespace

Lowering::Lowering(const ir::Program& program, Target target, const LowerOptions& options, diag::Sink& sink)
    : p_(program), pool_(program.exprs), sink_(sink), target_(target), options_(options) {
    if (target == Target::xdp) {
        allocatable_ = 0x3f;  // r0-r5: an XDP program calls no helper after its prologue
    } else {
        allocatable_ = 1u << r7 | 1u << r8 | 1u << r9;  // LD_ABS/LD_IND clobber r0-r5
    }
}

void Lowering::fail(const std::string& message) { frame_.fail(message); }

void Lowering::length_into(Reg dst) {
    if (target_ == Target::xdp) {
        as_.put(mov64(dst, r9));
        return;
    }
    as_.put(load(sz::w, dst, r6, skb_len));
    if (variant_.vlan_meta) as_.put(alu64_imm(op::add, dst, 4));  // the tag, as the capture holds it
}

// Per-CPU counters (counting.hpp).  XDP keeps the length in r9; a socket
// program counts the packet as the capture holds it, its tag included.
void Lowering::count_packet() {
    detail::count_packet(as_, {counters_slot(), key_slot()}, [&](Reg scratch) {
        if (target_ == Target::xdp) return r9;
        length_into(scratch);
        if (options_.vlan_metadata) {
            Label inline_tag = as_.new_label();
            as_.put(load(sz::w, r3, r6, skb_vlan_present));
            as_.jump(cls::jmp | jop::jeq, r3, 0, inline_tag);
            as_.put(alu64_imm(op::add, scratch, 4));
            as_.place(inline_tag);
        }
        return scratch;
    });
    clobber_scratch();
}

void Lowering::count_match() {
    detail::count_match(as_, {counters_slot(), key_slot()}, [&](Reg scratch) {
        if (target_ == Target::xdp) return r9;
        length_into(scratch);
        return scratch;
    });
    clobber_scratch();
}

// Variables some path may read before writing: the IR says they read 0.
// A forward pass over the DAG finds the ones written on every way in.
static std::vector<std::uint32_t> read_before_written(const ir::Program& p, const std::vector<ir::BlockId>& order) {
    std::vector<std::uint32_t> out;
    std::size_t words = (p.var_count + 63) / 64;
    if (words == 0) return out;
    std::vector<std::vector<std::uint64_t>> written(p.blocks.size());
    std::vector<bool> reached(p.blocks.size(), false);
    std::vector<std::uint64_t> needs_zero(words, 0);
    const auto& pool = p.exprs;
    std::vector<std::uint64_t> now;
    auto note_reads = [&](ir::ExprId e, auto& self) -> void {
        if (e == ir::no_expr || !pool.reads_var(e)) return;
        const auto& n = pool[e];
        if (n.kind == ir::ExprKind::var) {
            if (!(now[n.k / 64] >> (n.k % 64) & 1)) needs_zero[n.k / 64] |= std::uint64_t(1) << (n.k % 64);
            return;
        }
        self(n.a, self);
        self(n.b, self);
    };
    for (ir::BlockId b : order) {
        now = reached[b] ? written[b] : std::vector<std::uint64_t>(words, 0);
        const auto& block = p.blocks[b];
        for (const auto& a : block.assigns) {
            note_reads(a.value, note_reads);
            now[a.var / 64] |= std::uint64_t(1) << (a.var % 64);
        }
        if (const auto* br = std::get_if<ir::Branch>(&block.end)) {
            note_reads(br->lhs, note_reads);
            note_reads(br->rhs, note_reads);
        } else if (const auto* r = std::get_if<ir::Return>(&block.end)) {
            note_reads(r->value, note_reads);
        }
        for (ir::BlockId s : ir::successors(block)) {
            if (!reached[s]) {
                written[s] = now;
                reached[s] = true;
            } else {
                for (std::size_t w = 0; w < words; ++w) written[s][w] &= now[w];
            }
        }
    }
    for (std::uint32_t v = 0; v < p.var_count; ++v)
        if (needs_zero[v / 64] >> (v % 64) & 1) out.push_back(v);
    return out;
}

void Lowering::prologue() {
    frame_.enter();
    if (target_ == Target::xdp) {  // r7 data, r8 data_end, r9 the frame's length
        as_.put(load(sz::w, r7, r6, xdp_data));
        as_.put(load(sz::w, r8, r6, xdp_data_end));
        frame_.xdp_length(r9, reads_length_, r7, r8);
    }
    count_packet();
    for (std::uint32_t v : read_before_written(p_, p_.topological_order()))
        as_.put(store_imm(sz::w, r10, var_slot(v), 0));
}

void Lowering::ret(const ir::Return& r) {
    if (pool_.is_constant(r.value)) {
        std::uint32_t k = pool_[r.value].k;
        if (k != 0) count_match();
        std::int32_t action = target_ == Target::xdp ? (k ? frame_.match() : frame_.miss()) : std::int32_t(k);
        as_.put(mov32_imm(r0, std::uint32_t(action)));
        as_.put(exit_insn());
        return;
    }
    Reg v = gen(r.value);
    Label miss = as_.new_label();
    as_.jump(cls::jmp32 | jop::jeq, v, 0, miss);
    release(v);
    if (target_ == Target::xdp) {
        count_match();
        as_.put(mov32_imm(r0, std::uint32_t(frame_.match())));
    } else {
        count_match();  // v is in r7-r9, which the count leaves alone
        as_.put(alu32_reg(op::mov, r0, v));
    }
    as_.put(exit_insn());
    as_.place(miss);
    as_.put(mov32_imm(r0, std::uint32_t(frame_.miss())));
    as_.put(exit_insn());
}

// key = v (an LPM trie's: { 32, v in network order }); r0 =
// bpf_map_lookup_elem(set, &key); found when r0 != NULL.
// Nothing is owned at a branch (assignments are stored), so the call
// loses only cached values, which clobber_scratch forgets.
void Lowering::lookup(std::size_t chain, ir::BlockId next, const std::vector<Label>& labels) {
    const SetChain& c = chains_[chain];
    incoming_[c.found].push_back(current_);
    incoming_[c.missed].push_back(current_);
    Reg v = gen(c.value);
    if (c.prefix_lengths.empty()) {
        as_.put(store_reg(sz::w, r10, key_slot(), v));
    } else {
        as_.put(store_imm(sz::w, r10, key_slot(), 32));
        as_.put(to_big_endian(v, 32));
        clobber(v);  // it no longer holds the value
        as_.put(store_reg(sz::w, r10, std::int16_t(key_slot() + 4), v));
    }
    release(v);
    as_.load_map(r1, set_of_[chain] + 1);
    as_.put(mov64(r2, r10));
    as_.put(alu64_imm(op::add, r2, key_slot()));
    as_.put(call(helper::map_lookup_elem));
    clobber_scratch();
    if (c.found == next) {
        as_.jump(cls::jmp | jop::jeq, r0, 0, labels[c.missed]);
    } else {
        as_.jump(cls::jmp | jop::jne, r0, 0, labels[c.found]);
        if (c.missed != next) as_.goto_(labels[c.missed]);
    }
}

void Lowering::branch(const ir::Branch& br, ir::BlockId next, const std::vector<Label>& labels) {
    if (!chain_at_.empty() && chain_at_[current_] >= 0) {
        lookup(std::size_t(chain_at_[current_]), next, labels);
        return;
    }
    ir::ExprId lhs = br.lhs, rhs = br.rhs;
    std::uint8_t o = jump_op(br.op);
    if (pool_.is_constant(lhs) && !pool_.is_constant(rhs)) {  // k op e: e op' k
        std::swap(lhs, rhs);
        o = o == jop::jgt ? jop::jlt : o == jop::jge ? jop::jle : o;
    }
    Label if_true = labels[br.if_true], if_false = labels[br.if_false];
    if (pool_.is_constant(lhs)) {  // both constant: the optimizer usually folds these
        bool taken = compare(o, pool_[lhs].k, pool_[rhs].k);
        ir::BlockId to = taken ? br.if_true : br.if_false;
        if (to != next) as_.goto_(labels[to]);
        incoming_[to].push_back(current_);
        return;
    }
    incoming_[br.if_true].push_back(current_);
    incoming_[br.if_false].push_back(current_);
    Reg l, r = r0;
    std::int32_t imm = 0;
    bool with_imm = pool_.is_constant(rhs);
    if (with_imm) {
        std::uint32_t k = pool_[rhs].k;
        const auto& n = pool_[lhs];
        // XDP: a 2- or 4-byte field compared for equality or masked needs no
        // conversion to host order; the constant is swapped instead.
        bool raw = target_ == Target::xdp && n.kind == ir::ExprKind::load && n.size > 1 &&
                   (o == jop::jeq || o == jop::jset) && find(key_of(lhs)) < 0 &&
                   (o == jop::jset || n.size == 4 || k <= 0xffff);
        if (raw) {
            l = gen_raw(lhs);
            if (n.size == 2) k &= 0xffff;
            k = swap_bytes(k, n.size);
        } else {
            l = gen(lhs);
        }
        imm = std::int32_t(k);
    } else {
        std::tie(l, r) = gen_pair(lhs, rhs);
    }
    Label next_label = next == ir::no_block ? Label(-1) : labels[next];
    if (with_imm) frame_.branch(o, l, imm, if_true, if_false, next_label);
    else frame_.branch(o, l, r, if_true, if_false, next_label);
    release(l);
    if (!with_imm) release(r);
}

void Lowering::block(ir::BlockId b, ir::BlockId next, const std::vector<Label>& labels) {
    const auto& blk = p_.blocks[b];
    for (const auto& a : blk.assigns) {
        Reg r = gen(a.value);
        as_.put(store_reg(sz::w, r10, var_slot(a.var), r));
        forget_var_readers();
        if (var_expr_[a.var] != ir::no_expr) holds(r, key_of(var_expr_[a.var]));
        release(r);
    }
    if (const auto* r = std::get_if<ir::Return>(&blk.end)) {
        ret(*r);
    } else if (const auto* j = std::get_if<ir::Jump>(&blk.end)) {
        if (j->target != next) as_.goto_(labels[j->target]);
        incoming_[j->target].push_back(current_);
    } else {
        branch(std::get<ir::Branch>(blk.end), next, labels);
    }
}

void Lowering::body(const Variant& variant, Label entry) {
    variant_ = variant;
    std::vector<Label> labels(p_.blocks.size(), -1);
    for (ir::BlockId b : order_) labels[b] = as_.new_label();
    exit_state_.assign(p_.blocks.size(), PathState{});
    incoming_.assign(p_.blocks.size(), {});
    as_.place(entry);
    for (std::size_t i = 0; i < order_.size() && !frame_.failed(); ++i) {
        ir::BlockId b = order_[i];
        // A block only branches that both sides are constant leave behind
        // is not emitted: the verifier refuses unreachable instructions.
        const auto& in = incoming_[b];
        if (in.empty() && b != p_.entry) continue;
        as_.place(labels[b]);
        // What every way in has established; the entry starts afresh.
        state_ = PathState{};
        state_.proven = variant.proven_at_entry;
        if (!in.empty()) {
            state_ = exit_state_[in[0]];
            for (std::size_t j = 1; j < in.size(); ++j) {
                const PathState& other = exit_state_[in[j]];
                state_.proven = std::min(state_.proven, other.proven);
                for (std::size_t r = 0; r < state_.held.size(); ++r) {
                    auto& keys = state_.held[r];
                    std::erase_if(keys, [&](Key k) {
                        return std::find(other.held[r].begin(), other.held[r].end(), k) == other.held[r].end();
                    });
                }
            }
        }
        current_ = b;
        owned_ = 0;
        block(b, i + 1 < order_.size() ? order_[i + 1] : ir::no_block, labels);
        exit_state_[b] = state_;
    }
}

// What the blocks' expressions need: the farthest constant load below
// fast_limit (XDP's fast copy), and whether `len` is read.
void Lowering::survey() {
    std::vector<bool> seen(pool_.size(), false);
    auto visit = [&](ir::ExprId e, auto& self) -> void {
        if (e == ir::no_expr || seen[e]) return;
        seen[e] = true;
        const auto& n = pool_[e];
        std::uint64_t end = n.kind == ir::ExprKind::load && n.a == ir::no_expr ? std::uint64_t(n.k) + n.size
                            : n.kind == ir::ExprKind::ip_header_len       ? std::uint64_t(n.k) + 1
                                                                          : 0;
        if (end <= fast_limit) fast_bytes_ = std::max(fast_bytes_, std::uint32_t(end));
        reads_length_ |= n.kind == ir::ExprKind::packet_len;
        self(n.a, self);
        self(n.b, self);
    };
    for (ir::BlockId b : order_) {
        ir::for_each_use(p_.blocks[b], [&](ir::ExprId e) { visit(e, visit); });
    }
}

std::optional<Program> Lowering::run() {
    if (p_.entry == ir::no_block || p_.entry >= p_.blocks.size()) {
        sink_.error("internal error: the IR program has no entry block");
        return std::nullopt;
    }
    if (stack_size() > max_stack) {
        sink_.error("the program has too many variables (" + std::to_string(p_.var_count) +
                    ") for the eBPF stack of 512 bytes (at most 96)");
        return std::nullopt;
    }
    order_ = p_.topological_order();
    var_expr_.assign(p_.var_count, ir::no_expr);
    for (ir::ExprId e = 0; e < pool_.size(); ++e)
        if (pool_[e].kind == ir::ExprKind::var && pool_[e].k < p_.var_count) var_expr_[pool_[e].k] = e;
    survey();
    chains_ = find_set_chains(p_, options_.lookup_sets);
    if (!chains_.empty()) {
        chain_at_.assign(p_.blocks.size(), -1);
        for (std::size_t i = 0; i < chains_.size(); ++i) chain_at_[chains_[i].members.front()] = int(i);
        // Chains with the same keys (`src host` tests IPv4's and ARP's
        // sender) share one map.
        for (const auto& c : chains_) {
            LookupSet set{c.keys, c.prefix_lengths};
            auto same = std::find(sets_.begin(), sets_.end(), set);
            set_of_.push_back(std::uint32_t(same - sets_.begin()));
            if (same == sets_.end()) sets_.push_back(std::move(set));
        }
    }
    prologue();
    Label first = as_.new_label(), second = as_.new_label();
    if (target_ == Target::xdp) {
        std::uint32_t fast = fast_bytes_;
        if (fast > 0) {
            as_.put(mov64(r1, r7));
            as_.put(alu64_imm(op::add, r1, std::int32_t(fast)));
            as_.jump(cls::jmp | jop::jgt, r1, r8, second);
            body({fast, false}, first);
            body({0, false}, second);
        } else {
            body({0, false}, first);
        }
    } else if (options_.vlan_metadata) {
        // A tag in skb metadata (a live socket): bytes 12..15 of the packet
        // as the capture holds it are vlan_proto (network order in the skb)
        // and vlan_tci, kept on the stack as one host-order word.
        as_.put(load(sz::w, r1, r6, skb_vlan_present));
        as_.jump(cls::jmp | jop::jne, r1, 0, second);
        body({0, false}, first);
        as_.place(second);
        as_.put(load(sz::w, r1, r6, skb_vlan_proto));
        as_.put(to_big_endian(r1, 16));
        as_.put(alu32_imm(op::lsh, r1, 16));
        as_.put(load(sz::w, r2, r6, skb_vlan_tci));
        as_.put(alu32_imm(op::and_, r2, 0xffff));
        as_.put(alu32_reg(op::or_, r1, r2));
        as_.put(store_reg(sz::dw, r10, tag_slot(), r1));
        Label meta_body = as_.new_label();
        body({0, true}, meta_body);
    } else {
        body({0, false}, first);
    }
    auto out = frame_.finish();
    if (out) out->sets = sets_;
    return out;
}

}  // namespace detail

std::optional<Program> lower(const ir::Program& program, Target target, const LowerOptions& options,
                             diag::Sink& sink) {
    return detail::Lowering(program, target, options, sink).run();
}

}  // namespace fcap::ebpf
