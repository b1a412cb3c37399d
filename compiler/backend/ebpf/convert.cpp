// One classic instruction at a time (convert.hpp).  Registers: r6 the
// context, r7 X, r8 A, r9 XDP's frame length (with direct loads: the
// frame's start, the length on the stack); r0-r5 are scratch inside one
// instruction's sequence (a helper call or LD_ABS clobbers them).
#include "backend/ebpf/convert.hpp"

#include "backend/cbpf/ops.hpp"

#include "backend/ebpf/ancillary.hpp"
#include "backend/ebpf/assembler.hpp"
#include "backend/ebpf/counting.hpp"
#include "backend/ebpf/frame.hpp"

#include <string>

namespace fcap::ebpf {

namespace {

constexpr Reg reg_x = r7, reg_a = r8, reg_len = r9, reg_data = r9;
// The classic program's opcode fields and names (eBPF's own are cls::, op::, jop::).
namespace classic = cbpf;
using classic::ancillary_base;
namespace ccode = cbpf::code;
// A sum past this is past any packet (the kernel reads the low 32 bits of
// an LD_IND offset as signed; bpf_xdp_load_bytes takes 32 bits).
constexpr std::uint64_t max_end = 0x7fffffff;
// Direct access: XDP's linear data is at most a page, and the verifier
// refuses packet offsets past MAX_PACKET_OFF (0xffff).
constexpr std::uint64_t xdp_max_end = 0x7fff;
using namespace detail::ctx;  // __sk_buff and xdp_md fields

// Stack, after the frame's counter slots (frame.hpp): XDP's load buffer,
// the frame's length (direct loads), then M[0..15], 4 bytes each.
using detail::Frame;
constexpr std::int16_t buffer_slot = Frame::slot(Frame::first_free_slot);
constexpr std::int16_t length_slot = Frame::slot(Frame::first_free_slot + 1);
constexpr std::int16_t memory_slot(std::uint32_t i) { return std::int16_t(length_slot - 4 * std::int32_t(i + 1)); }

std::uint16_t cls_of(const cbpf::Insn& i) { return classic::class_of(i.code); }

std::uint8_t alu_op(std::uint16_t code) {
    switch (classic::op_of(code)) {
    case classic::alu::add: return op::add;
    case classic::alu::sub: return op::sub;
    case classic::alu::mul: return op::mul;
    case classic::alu::div: return op::div;
    case classic::alu::or_: return op::or_;
    case classic::alu::and_: return op::and_;
    case classic::alu::lsh: return op::lsh;
    case classic::alu::rsh: return op::rsh;
    case classic::alu::mod: return op::mod;
    default: return op::xor_;  // classic::alu::xor_; neg is handled apart
    }
}

std::uint8_t jump_op(std::uint16_t code) {
    switch (classic::op_of(code)) {
    case classic::jmp::jeq: return jop::jeq;
    case classic::jmp::jgt: return jop::jgt;
    case classic::jmp::jge: return jop::jge;
    default: return jop::jset;
    }
}

class Converter {
public:
    Converter(const std::vector<cbpf::Insn>& code, Target target, const LowerOptions& options, diag::Sink& sink,
              XdpLoads loads)
        : code_(code), target_(target), options_(options), sink_(sink),
          direct_(target == Target::xdp && loads == XdpLoads::direct) {
    }

    std::optional<Program> run();

private:
    void prologue();
    void instruction(std::size_t pc);
    void packet_load(unsigned size, std::uint32_t k, bool indexed, Reg dst);
    void direct_load(unsigned size, std::uint32_t k, bool indexed, Reg dst);
    void ancillary(std::uint32_t code, Reg dst);
    void alu(const cbpf::Insn& i);
    void branch(std::size_t pc, const cbpf::Insn& i);
    void ret(const cbpf::Insn& i);
    void count_match();
    Reg length_into(Reg scratch);
    Label at(std::size_t pc) const { return labels_[pc]; }
    // A branch the verifier sees is always taken, so nothing after it is
    // unreachable in its eyes.
    void reject_always() { frame_.reject_always(r0); }
    void fail(const std::string& message) { frame_.fail(message); }
    bool reads_length() const;

    const std::vector<cbpf::Insn>& code_;
    Target target_;
    LowerOptions options_;
    diag::Sink& sink_;
    Assembler as_;
    std::vector<Label> labels_;
    Frame frame_{as_, target_, options_, sink_};
    const Label miss_ = frame_.reject();
    bool direct_;
};

bool Converter::reads_length() const {
    for (const auto& i : code_)
        if (i.code == ccode::ld_len || i.code == ccode::ldx_len) return true;
    return false;
}

void Converter::prologue() {
    frame_.enter();
    if (target_ == Target::xdp) {
        if (!reads_length()) {  // else the whole frame, as the IR lowering counts it
            as_.put(load(sz::w, r0, r6, xdp_data_end));
            as_.put(load(sz::w, r1, r6, xdp_data));
        }
        frame_.xdp_length(r0, reads_length(), r1, r0);
        if (direct_) {
            as_.put(store_reg(sz::dw, r10, length_slot, r0));
            as_.put(load(sz::w, reg_data, r6, xdp_data));
        } else {
            as_.put(mov64(reg_len, r0));
        }
    }
    detail::count_packet(as_, Frame::counter_slots(), [&](Reg scratch) { return length_into(scratch); });
    as_.put(mov32_imm(reg_a, 0));  // bpf_filter starts with A = X = 0
    as_.put(mov32_imm(reg_x, 0));
}

// The packet's length: in a register, or put into `scratch`.
Reg Converter::length_into(Reg scratch) {
    if (target_ == Target::socket) {
        as_.put(load(sz::w, scratch, r6, skb_len));
        return scratch;
    }
    if (!direct_) return reg_len;
    as_.put(load(sz::dw, scratch, r10, length_slot));
    return scratch;
}

void Converter::count_match() {
    detail::count_match(as_, Frame::counter_slots(), [&](Reg scratch) { return length_into(scratch); });
}

// `size` bytes at k (+ X) into dst, in host order; past the end, reject.
void Converter::packet_load(unsigned size, std::uint32_t k, bool indexed, Reg dst) {
    if (std::uint64_t(k) + size > max_end) {
        reject_always();
        return;
    }
    std::int32_t limit = std::int32_t(max_end - k - size);
    if (target_ == Target::socket) {
        if (indexed) {
            as_.jump(cls::jmp | jop::jgt, reg_x, limit, miss_);
            as_.put(load_ind(size, reg_x, std::int32_t(k)));
        } else {
            as_.put(load_abs(size, std::int32_t(k)));
        }
        as_.put(mov64(dst, r0));
        return;
    }
    if (direct_) {
        direct_load(size, k, indexed, dst);
        return;
    }
    // XDP: bpf_xdp_load_bytes(ctx, offset, buffer, size), 0 or an error.
    if (indexed) {
        as_.jump(cls::jmp | jop::jgt, reg_x, limit, miss_);
        as_.put(mov64(r2, reg_x));
        if (k) as_.put(alu64_imm(op::add, r2, std::int32_t(k)));
    } else {
        as_.put(mov32_imm(r2, k));
    }
    as_.put(mov64(r1, r6));
    as_.put(mov64(r3, r10));
    as_.put(alu64_imm(op::add, r3, buffer_slot));
    as_.put(mov32_imm(r4, size));
    as_.put(call(helper::xdp_load_bytes));
    as_.jump(cls::jmp | jop::jne, r0, 0, miss_);
    as_.put(load(sz::of(size), dst, r10, buffer_slot));
    if (size > 1) as_.put(to_big_endian(dst, std::int32_t(8 * size)));
}

// XDP, direct access: data (+ X) + k + size against data_end, then the load.
void Converter::direct_load(unsigned size, std::uint32_t k, bool indexed, Reg dst) {
    if (std::uint64_t(k) + size > xdp_max_end) {
        reject_always();
        return;
    }
    as_.put(mov64(r1, reg_data));
    if (indexed) {
        as_.jump(cls::jmp | jop::jgt, reg_x, std::int32_t(xdp_max_end - k - size), miss_);
        as_.put(alu64_reg(op::add, r1, reg_x));
    }
    as_.put(mov64(r2, r1));
    as_.put(alu64_imm(op::add, r2, std::int32_t(k + size)));
    as_.put(load(sz::w, r3, r6, xdp_data_end));
    as_.jump(cls::jmp | jop::jgt, r2, r3, miss_);
    as_.put(load(sz::of(size), dst, r1, std::int16_t(k)));
    if (size > 1) as_.put(to_big_endian(dst, std::int32_t(8 * size)));
}

void Converter::ancillary(std::uint32_t code, Reg dst) {
    using namespace detail;
    if (code == classic::ancillary_alu_xor_x) {
        as_.put(alu32_reg(op::xor_, reg_a, reg_x));
        return;
    }
    if (!options_.ancillary) {  // bpf_filter: an offset past the packet
        reject_always();
        return;
    }
    AncillarySource from = ancillary_source(code, target_);
    switch (from.kind) {
    case AncillarySource::helper:
        as_.put(call(from.helper_id));
        as_.put(alu32_reg(op::mov, dst, r0));
        break;
    case AncillarySource::zero: as_.put(mov32_imm(dst, 0)); break;
    case AncillarySource::context:
        as_.put(load(sz::w, dst, r6, from.field.offset));
        if (from.field.swap) as_.put(to_big_endian(dst, 16));
        break;
    case AncillarySource::none: fail(ancillary_unavailable(code, target_)); break;
    }
}

void Converter::alu(const cbpf::Insn& i) {
    if (classic::op_of(i.code) == classic::alu::neg) {
        as_.put(alu32_imm(op::neg, reg_a, 0));
        return;
    }
    std::uint8_t e = alu_op(i.code);
    if (!classic::x_operand(i.code)) {  // check() refused division by 0 and shifts past 31
        as_.put(alu32_imm(e, reg_a, std::int32_t(i.k)));
        return;
    }
    if (e == op::div || e == op::mod) {
        as_.jump(cls::jmp32 | jop::jeq, reg_x, 0, miss_);  // bpf_filter returns 0
    } else if (e == op::lsh || e == op::rsh) {
        // eBPF masks the count; bpf_filter (libpcap 1.10) gives 0 from 32 on.
        Label small = as_.new_label(), done = as_.new_label();
        as_.jump(cls::jmp32 | jop::jle, reg_x, 31, small);
        as_.put(mov32_imm(reg_a, 0));
        as_.goto_(done);
        as_.place(small);
        as_.put(alu32_reg(e, reg_a, reg_x));
        as_.place(done);
        return;
    }
    as_.put(alu32_reg(e, reg_a, reg_x));
}

void Converter::branch(std::size_t pc, const cbpf::Insn& i) {
    if (i.code == ccode::ja) {
        as_.goto_(at(pc + 1 + i.k));
        return;
    }
    Label t = at(pc + 1 + i.jt), f = at(pc + 1 + i.jf), next = at(pc + 1);
    if (classic::x_operand(i.code)) frame_.branch(jump_op(i.code), reg_a, reg_x, t, f, next);
    else frame_.branch(jump_op(i.code), reg_a, std::int32_t(i.k), t, f, next);
}

void Converter::ret(const cbpf::Insn& i) {
    if (i.code == ccode::ret_k && i.k == 0) {
        as_.goto_(miss_);
        return;
    }
    if (i.code == ccode::ret_a) as_.jump(cls::jmp32 | jop::jeq, reg_a, 0, miss_);
    count_match();
    if (target_ == Target::xdp) as_.put(mov32_imm(r0, std::uint32_t(frame_.match())));
    else if (i.code == ccode::ret_a) as_.put(alu32_reg(op::mov, r0, reg_a));
    else as_.put(mov32_imm(r0, i.k));
    as_.put(exit_insn());
}

void Converter::instruction(std::size_t pc) {
    const cbpf::Insn& i = code_[pc];
    std::uint16_t cls = cls_of(i), mode = classic::mode_of(i.code);
    unsigned bytes = classic::size_bytes(i.code);
    switch (cls) {
    case classic::cls::ld:
    case classic::cls::ldx: {
        Reg dst = cls == classic::cls::ld ? reg_a : reg_x;
        if (mode == classic::mode::imm) {
            as_.put(mov32_imm(dst, i.k));
        } else if (mode == classic::mode::len) {
            as_.put(alu32_reg(op::mov, dst, length_into(dst)));
        } else if (mode == classic::mode::mem) {
            as_.put(load(sz::w, dst, r10, memory_slot(i.k)));
        } else if (mode == classic::mode::msh) {  // ldx 4*([k]&0xf)
            packet_load(1, i.k, false, dst);
            as_.put(alu32_imm(op::and_, dst, 0xf));
            as_.put(alu32_imm(op::lsh, dst, 2));
        } else if (mode == classic::mode::abs && i.k >= ancillary_base) {
            ancillary(i.k - ancillary_base, dst);
        } else {
            packet_load(bytes, i.k, mode == classic::mode::ind, dst);
        }
        return;
    }
    case classic::cls::st: as_.put(store_reg(sz::w, r10, memory_slot(i.k), reg_a)); return;
    case classic::cls::stx: as_.put(store_reg(sz::w, r10, memory_slot(i.k), reg_x)); return;
    case classic::cls::alu: alu(i); return;
    case classic::cls::jmp: branch(pc, i); return;
    case classic::cls::ret: ret(i); return;
    default:  // misc: tax, txa
        if (i.code == ccode::tax) as_.put(alu32_reg(op::mov, reg_x, reg_a));
        else as_.put(alu32_reg(op::mov, reg_a, reg_x));
        return;
    }
}

std::optional<Program> Converter::run() {
    std::size_t n = code_.size();
    // Instructions no path reaches are left out: the verifier refuses them.
    std::vector<bool> reached(n, false);
    if (n) reached[0] = true;
    for (std::size_t pc = 0; pc < n; ++pc) {
        if (!reached[pc]) continue;
        const auto& i = code_[pc];
        auto reach = [&](std::uint64_t to) {
            if (to <= pc || to >= n) {
                fail("instruction " + std::to_string(pc) +
                     " jumps backwards or out of the program: not convertible one to one");
                return;
            }
            reached[to] = true;
        };
        if (i.code == ccode::ja) reach(pc + 1 + std::uint64_t(i.k));
        else if (cls_of(i) == classic::cls::jmp) reach(pc + 1 + i.jt), reach(pc + 1 + i.jf);
        else if (cls_of(i) != classic::cls::ret) reach(pc + 1);
    }
    if (frame_.failed()) return std::nullopt;
    labels_.resize(n);
    for (auto& l : labels_) l = as_.new_label();
    prologue();
    for (std::size_t pc = 0; pc < n && !frame_.failed(); ++pc) {
        if (!reached[pc]) continue;
        as_.place(at(pc));
        instruction(pc);
    }
    return frame_.finish();
}

}  // namespace

std::optional<Program> convert_cbpf(const std::vector<cbpf::Insn>& program, Target target,
                                    const LowerOptions& options, diag::Sink& sink, XdpLoads loads) {
    return Converter(program, target, options, sink, loads).run();
}

}  // namespace fcap::ebpf
