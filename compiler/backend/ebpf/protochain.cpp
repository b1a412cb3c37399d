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
        as_.jump(cls::jmp | jop::jne, r0, 0, reject_);  // not both bytes in the frame
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
        Label extension = as_.new_label();
        Reg p = xdp ? r1 : proto;
        if (xdp) as_.put(load(sz::dw, r1, r10, walk_slot(1)));
        as_.jump(cls::jmp32 | jop::jeq, p, std::int32_t(n.k2), done);
        as_.jump(cls::jmp32 | jop::jeq, p, 59, done);
        if (n.size == 6)
            for (std::int32_t h : {0, 60, 43, 44}) as_.jump(cls::jmp32 | jop::jeq, p, h, extension);
        as_.jump(cls::jmp32 | jop::jne, p, 51, done);
        // Extension headers and AH take separate paths, so that no later
        // instruction reads which protocol it was.
        for (bool ah : {true, false}) {
            if (!ah) {
                if (n.size != 6) break;
                as_.place(extension);
            }
            walk_header(n, first, offset, length);  // next header in r0
            Reg len = xdp ? r2 : length;
            if (xdp) as_.put(load(sz::b, r2, r10, std::int16_t(walk_slot(3) + 1)));
            as_.put(alu32_imm(op::add, len, ah ? 2 : 1));
            as_.put(alu32_imm(op::lsh, len, ah ? 2 : 3));
            if (xdp) {
                if (!ah) {
                    as_.put(load(sz::dw, r3, r10, walk_slot(2)));
                    as_.put(alu32_reg(op::add, len, r3));
                }
                as_.put(store_reg(sz::dw, r10, walk_slot(2), len));
                as_.put(store_reg(sz::dw, r10, walk_slot(1), r0));
            } else {
                if (ah) as_.put(alu32_reg(op::mov, offset, len));
                else as_.put(alu32_reg(op::add, offset, len));
                as_.put(alu32_reg(op::mov, proto, r0));
            }
            as_.goto_(loop_);
        }
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
