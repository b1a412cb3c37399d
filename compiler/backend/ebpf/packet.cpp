// Packet loads.  libpcap's rule everywhere: a load whose bytes are not all
// in the packet rejects it, whatever the surrounding logic ("even under
// `not`"); offsets are computed without wrapping.
//
// XDP reads the frame directly.  The verifier wants every access proven
// inside [data, data_end): a constant load is checked once per path for the
// farthest byte needed so far (`proven`), a load at a variable offset is
// checked on its own pointer (the verifier forgets ranges when a variable
// is added to a packet pointer) after bounding the offset, unless the
// verifier can already bound it (MAX_PACKET_OFF is 0xffff).  XDP's linear
// data is at most a page, so an offset past 0x7fff is past the end.
//
// Socket programs use LD_ABS/LD_IND: the kernel checks the bounds and ends
// the program with 0 past the end, exactly "reject".  The kernel adds the
// index and the constant in 64 bits and uses the low 32 as a signed
// offset, so the index is bounded first: a sum past 2^31 is past any skb.
#include "backend/ebpf/lowering.hpp"

namespace fcap::ebpf::detail {

namespace {
constexpr std::uint64_t xdp_max_end = 0x7fff;
constexpr std::uint64_t skb_max_end = 0x7fffffff;
}  // namespace

// A value that cannot be computed (a load always past the end): the packet
// is rejected.  Written as a branch the verifier sees is taken, so no
// instruction is unreachable.
void Lowering::reject_always(Reg r) { frame_.reject_always(r); }

Reg Lowering::packet_load(unsigned size, std::uint32_t k, ir::ExprId index, bool raw) {
    return target_ == Target::xdp ? xdp_load(size, k, index, raw) : socket_load(size, k, index);
}

Reg Lowering::xdp_load(unsigned size, std::uint32_t k, ir::ExprId index, bool raw) {
    std::uint8_t bits = sz::of(size);
    if (std::uint64_t(k) + size > xdp_max_end) {
        Reg r = alloc();
        reject_always(r);
        return r;
    }
    if (index == ir::no_expr) {
        Reg out = alloc();
        std::uint32_t end = k + size;
        if (end > state_.proven) {  // what this path has not yet shown to be there
            as_.put(mov64(out, r7));
            as_.put(alu64_imm(op::add, out, std::int32_t(end)));
            as_.jump(cls::jmp | jop::jgt, out, r8, reject_);
            state_.proven = end;
        }
        as_.put(load(bits, out, r7, std::int16_t(k)));
        if (size > 1 && !raw) as_.put(to_big_endian(out, std::int32_t(size * 8)));
        return out;
    }
    Reg idx = gen(index);  // zero-extended 32 bits
    std::uint64_t limit = xdp_max_end - k - size;
    if (max_value(index) > limit) as_.jump(cls::jmp | jop::jgt, idx, std::int32_t(limit), reject_);
    Reg at = alloc();
    as_.put(mov64(at, r7));
    as_.put(alu64_reg(op::add, at, idx));
    release(idx);
    Reg end = alloc();
    as_.put(mov64(end, at));
    as_.put(alu64_imm(op::add, end, std::int32_t(k + size)));
    as_.jump(cls::jmp | jop::jgt, end, r8, reject_);
    release(end);
    as_.put(load(bits, at, at, std::int16_t(k)));
    if (size > 1 && !raw) as_.put(to_big_endian(at, std::int32_t(size * 8)));
    return at;
}

Reg Lowering::socket_load(unsigned size, std::uint32_t k, ir::ExprId index) {
    if (std::uint64_t(k) + size > skb_max_end) {
        Reg r = alloc();
        reject_always(r);
        return r;
    }
    int idx = -1;
    if (index != ir::no_expr) {
        Reg r = gen(index);
        std::uint64_t limit = skb_max_end - k - size;
        if (max_value(index) > limit) as_.jump(cls::jmp | jop::jgt, r, std::int32_t(limit), reject_);
        idx = r;
    }
    socket_load_r0(size, k, idx);
    if (idx >= 0) release(Reg(idx));
    Reg out = alloc();
    as_.put(mov64(out, r0));
    return out;
}

void Lowering::socket_load_r0(unsigned size, std::uint32_t k, int index, bool past_tag) {
    bool straight = !variant_.vlan_meta || k >= 16 || past_tag;
    std::int32_t shift = variant_.vlan_meta && straight ? 4 : 0;  // the tag is not in the skb's data
    if (straight) {
        if (index < 0) as_.put(load_abs(size, std::int32_t(k) - shift));
        else as_.put(load_ind(size, Reg(index), std::int32_t(k) - shift));
        clobber_scratch();
        return;
    }
    socket_vlan_bytes_r0(size, k, index);
}

// The packet as if its tag were inline, for a load that may touch bytes
// 12..15 (k < 16): before 12 the skb's own bytes, 12..15 the tag (on the
// stack), from 16 on the skb's bytes 4 earlier.  A load that straddles is
// put together byte by byte in a stack word (LD_ABS clobbers r1-r5).
void Lowering::socket_vlan_bytes_r0(unsigned size, std::uint32_t k, int index) {
    auto whole = [&](std::uint32_t at) {  // a load that does not straddle, at a constant offset
        if (at + size <= 12) as_.put(load_abs(size, std::int32_t(at)));
        else if (at >= 16) as_.put(load_abs(size, std::int32_t(at) - 4));
        else {
            as_.put(load(sz::dw, r0, r10, tag_slot()));
            as_.put(alu64_imm(op::rsh, r0, std::int32_t(8 * (16 - at - size))));
            if (size < 4) as_.put(alu32_imm(op::and_, r0, (1 << (8 * size)) - 1));
        }
        clobber_scratch();
    };
    if (index < 0 && (k + size <= 12 || (k >= 12 && k + size <= 16))) {
        whole(k);
        return;
    }
    if (index >= 0) {
        Label done = as_.new_label();
        // Offsets idx + k that do not straddle take one load.
        Reg idx = Reg(index);
        Label high = as_.new_label(), slow = as_.new_label();
        as_.jump(cls::jmp | jop::jge, idx, std::int32_t(16 - k), high);
        if (k + size <= 12) {
            as_.jump(cls::jmp | jop::jgt, idx, std::int32_t(12 - k - size), slow);
            as_.put(load_ind(size, idx, std::int32_t(k)));
            as_.goto_(done);
        }
        as_.place(slow);
        // Byte by byte (rare: a variable offset inside 12..15).
        as_.put(store_imm(sz::dw, r10, scratch_slot(), 0));
        for (unsigned i = 0; i < size; ++i) {
            std::int32_t j = std::int32_t(k + i);
            Label got = as_.new_label(), tag = as_.new_label(), hi = as_.new_label();
            if (j >= 16) {
                as_.put(load_ind(1, idx, j - 4));
            } else {
                as_.jump(cls::jmp | jop::jge, idx, 16 - j, hi);
                if (j < 12) {
                    as_.jump(cls::jmp | jop::jge, idx, 12 - j, tag);
                    as_.put(load_ind(1, idx, j));
                    as_.goto_(got);
                }
                as_.place(tag);
                as_.put(mov64(r1, idx));
                as_.put(alu64_imm(op::mul, r1, -8));
                as_.put(alu64_imm(op::add, r1, 8 * (15 - j)));  // (15 - j - idx) * 8
                as_.put(load(sz::dw, r0, r10, tag_slot()));
                as_.put(alu64_reg(op::rsh, r0, r1));
                as_.put(alu64_imm(op::and_, r0, 0xff));
                as_.goto_(got);
                as_.place(hi);
                as_.put(load_ind(1, idx, j - 4));
            }
            as_.place(got);
            as_.put(load(sz::dw, r1, r10, scratch_slot()));
            as_.put(alu64_imm(op::lsh, r1, 8));
            as_.put(alu64_reg(op::or_, r1, r0));
            as_.put(store_reg(sz::dw, r10, scratch_slot(), r1));
        }
        as_.put(load(sz::dw, r0, r10, scratch_slot()));
        as_.goto_(done);
        as_.place(high);
        as_.put(load_ind(size, idx, std::int32_t(k) - 4));
        as_.place(done);
        clobber_scratch();
        return;
    }
    // A constant offset that straddles byte 12 or byte 16.
    as_.put(store_imm(sz::dw, r10, scratch_slot(), 0));
    for (unsigned i = 0; i < size; ++i) {
        std::uint32_t j = k + i;
        if (j < 12) as_.put(load_abs(1, std::int32_t(j)));
        else if (j >= 16) as_.put(load_abs(1, std::int32_t(j) - 4));
        else {
            as_.put(load(sz::dw, r0, r10, tag_slot()));
            as_.put(alu64_imm(op::rsh, r0, std::int32_t(8 * (15 - j))));
            as_.put(alu64_imm(op::and_, r0, 0xff));
        }
        as_.put(load(sz::dw, r1, r10, scratch_slot()));
        as_.put(alu64_imm(op::lsh, r1, 8));
        as_.put(alu64_reg(op::or_, r1, r0));
        as_.put(store_reg(sz::dw, r10, scratch_slot(), r1));
    }
    as_.put(load(sz::dw, r0, r10, scratch_slot()));
    clobber_scratch();
}

}  // namespace fcap::ebpf::detail
