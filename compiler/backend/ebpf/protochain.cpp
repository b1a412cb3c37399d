// libpcap's protochain walk (ir::ExprKind::protochain), as a loop: from
// next-header `a` at offset `b` of the network header at k, step over IPv6
// extension headers (hop-by-hop 0, destination options 60, routing 43,
// fragment 44: offset += (length + 1) * 8) and AH (51: offset = (length +
// 2) * 4, the AH length alone, as libpcap's code has it) until protocol
// k2, "no next header" (59) or anything else.  Both header bytes must be in
// the packet, or it is rejected.
//
// libpcap's loop has no bound; the verifier wants one: protochain_steps
// covers a chain of the smallest headers (8 bytes) across a 4 KiB frame,
// and a longer chain rejects.  The verifier checks such a loop step by
// step, so the code keeps the offset out of its reasoning (no comparison
// or pointer arithmetic on it: XDP reads the two bytes with
// bpf_xdp_load_bytes, sockets with LD_IND); then the states of one step
// prune each other and the check stays linear in the bound.  The first
// step is emitted apart, with what the offset it starts from may need.
//
// Every branch whose two ways are both possible leaves a state on the
// verifier's stack until the walk ends, and the walks of a filter nest
// (the second protochain is checked from inside the first's last step):
// past 8192 such states the verifier gives up ("The sequence of 8193 jumps
// is too complex").  So a step branches once: whether to go on is computed
// without jumps (`p != k2` and `p` one of the headers to step over), and
// so is the next offset, AH's or an extension header's.  And the way out of
// the walk (to `done`, or to reject when XDP's load helper fails) is the
// fall-through, which the verifier checks first: the step after it waits
// alone on the stack, so the stack does not grow with the walk, however
// many protochains follow.
#include "backend/ebpf/lowering.hpp"

namespace fcap::ebpf::detail {

namespace {
constexpr std::int32_t most_per_step = 2048;   // (255 + 1) * 8
}  // namespace

// The header's next-header byte into r0, its length byte into `length`
// (socket) or both into the walk's stack bytes (XDP).
void Lowering::walk_header(const ir::ExprNode& n, bool first, Reg offset, Reg length) {
    std::uint32_t k = n.k;
    as_.put(load(sz::dw, r1, r10, walk_slot(0)));
    as_.jump(cls::jmp | jop::jge, r1, std::int32_t(protochain_steps), reject_);
    as_.put(alu64_imm(op::add, r1, 1));
    as_.put(store_reg(sz::dw, r10, walk_slot(0), r1));
    // The first offset comes from the expression; later ones grow by at
    // most most_per_step a step, so bounding the first bounds them all.
    std::uint64_t room = std::uint64_t(protochain_steps) * most_per_step + k + 2;
    if (target_ == Target::xdp) {
        if (first && max_value(n.b) > 0xffff) {
            as_.put(load(sz::dw, r2, r10, walk_slot(2)));
            as_.jump(cls::jmp | jop::jgt, r2, 0xffff, reject_);  // past any XDP frame
        }
        as_.put(mov64(r1, r6));
        as_.put(load(sz::dw, r2, r10, walk_slot(2)));
        as_.put(alu32_imm(op::add, r2, std::int32_t(k)));
        as_.put(mov64(r3, r10));
        as_.put(alu64_imm(op::add, r3, walk_slot(3)));
        as_.put(mov32_imm(r4, 2));
        as_.put(call(helper::xdp_load_bytes));  // (ctx, offset, buf, len)
        // Not both bytes in the frame: reject.  The verifier follows the
        // fall-through first, so the exit goes there and the walk waits
        // on its stack for one instruction, not for the rest of the walk.
        Label loaded = as_.new_label();
        as_.jump(cls::jmp | jop::jeq, r0, 0, loaded);
        as_.goto_(reject_);
        as_.place(loaded);
        as_.put(load(sz::b, r0, r10, walk_slot(3)));
        return;
    }
    if (first && max_value(n.b) > 0x7fffffff - room)
        as_.jump(cls::jmp | jop::jgt, offset, std::int32_t(0x7fffffff - room), reject_);
    // After a step the offset is 8 or more, so with k >= 8 the bytes lie
    // past a VLAN tag the kernel holds in metadata.
    bool past_tag = !first && k >= 8;
    socket_load_r0(1, k + 1, offset, past_tag);
    as_.put(mov64(length, r0));
    socket_load_r0(1, k, offset, past_tag);
}

namespace {

// t = (p != v) as 0 or 1, through u, without a jump: x | -x has its top
// bit set exactly when x is not 0.
void not_equal(Assembler& as, Reg t, Reg p, std::uint32_t v, Reg u) {
    as.put(alu32_reg(op::mov, t, p));
    as.put(alu32_imm(op::xor_, t, std::int32_t(v)));
    as.put(mov32_imm(u, 0));
    as.put(alu32_reg(op::sub, u, t));
    as.put(alu32_reg(op::or_, t, u));
    as.put(alu32_imm(op::rsh, t, 31));
}

// t = (p == v) as 0 or 1.
void equal(Assembler& as, Reg t, Reg p, std::uint32_t v, Reg u) {
    not_equal(as, t, p, v, u);
    as.put(alu32_imm(op::xor_, t, 1));
}

// r1 = 1 when the walk steps over the header `p` names: not the protocol
// sought, and AH (51) or, for IPv6, an extension header (hop-by-hop 0,
// destination options 60, routing 43, fragment 44).  Uses r2 and r3.
void goes_on(Assembler& as, const ir::ExprNode& n, Reg p) {
    equal(as, r1, p, 51, r3);
    if (n.size == 6)
        for (std::uint32_t h : {0u, 60u, 43u, 44u}) {
            equal(as, r2, p, h, r3);
            as.put(alu32_reg(op::or_, r1, r2));
        }
    not_equal(as, r2, p, n.k2, r3);
    as.put(alu32_reg(op::and_, r1, r2));
}

// offset = AH ? (length + 2) * 4 : offset + (length + 1) * 8, without a
// jump: `ah` (0 or 1) picks one of the two through a mask.  `ah` becomes
// the mask, `length` the AH offset; `scratch` is lost.
void next_offset(Assembler& as, Reg offset, Reg length, Reg ah, Reg scratch) {
    as.put(alu32_reg(op::mov, scratch, length));
    as.put(alu32_imm(op::add, scratch, 1));
    as.put(alu32_imm(op::lsh, scratch, 3));
    as.put(alu32_reg(op::add, offset, scratch));  // the extension header's
    as.put(alu32_imm(op::add, length, 2));
    as.put(alu32_imm(op::lsh, length, 2));  // AH's
    as.put(alu32_imm(op::neg, ah, 0));      // 0 or all ones
    as.put(alu32_reg(op::xor_, length, offset));
    as.put(alu32_reg(op::and_, length, ah));
    as.put(alu32_reg(op::xor_, offset, length));
}

}  // namespace

Reg Lowering::protochain(const ir::ExprNode& n) {
    bool xdp = target_ == Target::xdp;
    const auto [proto_reg, offset_reg] = gen_pair(n.a, n.b);
    Reg proto = proto_reg, offset = offset_reg;  // named: lambdas below capture them
    clobber(proto);
    clobber(offset);
    as_.put(store_imm(sz::dw, r10, walk_slot(0), 0));
    // XDP's helper calls clobber r0-r5, where its values live: the walk
    // keeps its state on the stack, and what callers hold waits there too.
    std::vector<std::pair<Reg, std::int16_t>> saved;
    Reg length = r0;
    if (xdp) {
        as_.put(store_reg(sz::dw, r10, walk_slot(1), proto));
        as_.put(store_reg(sz::dw, r10, walk_slot(2), offset));
        release(proto);
        release(offset);
        for (int r = 0; r <= 5; ++r)
            if (owned(Reg(r))) {
                saved.emplace_back(Reg(r), spill_slot());
                as_.put(store_reg(sz::dw, r10, saved.back().second, Reg(r)));
            }
    } else {
        length = alloc();
    }
    Label done = as_.new_label();
    auto step = [&](bool first) {
        if (xdp) as_.put(load(sz::dw, r4, r10, walk_slot(1)));
        goes_on(as_, n, xdp ? r4 : proto);
        // The end of the walk is the fall-through, checked first: the
        // states that reach `done` from later steps then prune against it.
        Label walk = as_.new_label();
        as_.jump(cls::jmp32 | jop::jne, r1, 0, walk);
        as_.goto_(done);
        as_.place(walk);
        walk_header(n, first, offset, length);  // next header in r0
        if (xdp) {
            // r0 next header; the old protocol says AH or not.
            as_.put(load(sz::dw, r4, r10, walk_slot(1)));
            equal(as_, r1, r4, 51, r3);
            as_.put(load(sz::b, r2, r10, std::int16_t(walk_slot(3) + 1)));
            as_.put(load(sz::dw, r5, r10, walk_slot(2)));
            next_offset(as_, r5, r2, r1, r3);
            as_.put(store_reg(sz::dw, r10, walk_slot(2), r5));
            as_.put(store_reg(sz::dw, r10, walk_slot(1), r0));
        } else {
            equal(as_, r1, proto, 51, r3);
            next_offset(as_, offset, length, r1, r3);
            as_.put(alu32_reg(op::mov, proto, r0));
        }
        as_.goto_(loop_);
    };
    Label outer_loop = loop_;
    loop_ = as_.new_label();
    step(true);
    as_.place(loop_);
    step(false);
    loop_ = outer_loop;
    as_.place(done);
    clobber_scratch();
    clobber(proto);
    clobber(offset);
    if (!xdp) {
        release(offset);
        release(length);
        clobber(length);
        return proto;
    }
    for (auto it = saved.rbegin(); it != saved.rend(); ++it) {
        as_.put(load(sz::dw, it->first, r10, it->second));
        free_spill_slot();
    }
    Reg out = alloc();
    as_.put(load(sz::dw, out, r10, walk_slot(1)));
    return out;
}

}  // namespace fcap::ebpf::detail
