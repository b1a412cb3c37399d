// One classic instruction at a time (convert.hpp).  Registers: r6 the
// context, r7 X, r8 A, r9 XDP's frame length (with direct loads: the
// frame's start, the length on the stack); r0-r5 are scratch inside one
// instruction's sequence (a helper call or LD_ABS clobbers them).
#include "backend/ebpf/convert.hpp"

#include "backend/ebpf/ancillary.hpp"
#include "backend/ebpf/assembler.hpp"
#include "backend/ebpf/counting.hpp"

#include <string>

namespace fcap::ebpf {

namespace {

constexpr Reg reg_x = r7, reg_a = r8, reg_len = r9, reg_data = r9;
constexpr std::uint32_t skf_ad_off = 0xfffff000, skf_ad_alu_xor_x = 40;
// A sum past this is past any packet (the kernel reads the low 32 bits of
// an LD_IND offset as signed; bpf_xdp_load_bytes takes 32 bits).
constexpr std::uint64_t max_end = 0x7fffffff;
// Direct access: XDP's linear data is at most a page, and the verifier
// refuses packet offsets past MAX_PACKET_OFF (0xffff).
constexpr std::uint64_t xdp_max_end = 0x7fff;
using namespace detail::ctx;  // __sk_buff and xdp_md fields

// Stack: the counters' address, the map key, XDP's load buffer, the
// frame's length (direct loads), M[0..15].
constexpr std::int16_t counters_slot = -8, key_slot = -16, buffer_slot = -24, length_slot = -32;
constexpr std::int16_t memory_slot(std::uint32_t i) { return std::int16_t(-36 - 4 * std::int32_t(i)); }

std::uint16_t cls_of(const cbpf::Insn& i) { return i.code & 0x07; }

std::uint8_t alu_op(std::uint16_t code) {
    switch (code & 0xf0) {
    case 0x00: return op::add;
    case 0x10: return op::sub;
    case 0x20: return op::mul;
    case 0x30: return op::div;
    case 0x40: return op::or_;
    case 0x50: return op::and_;
    case 0x60: return op::lsh;
    case 0x70: return op::rsh;
    case 0x90: return op::mod;
    default: return op::xor_;  // 0xa0; neg (0x80) is handled apart
    }
}

std::uint8_t jump_op(std::uint16_t code) {
    switch (code & 0xf0) {
    case 0x10: return jop::jeq;
    case 0x20: return jop::jgt;
    case 0x30: return jop::jge;
    default: return jop::jset;
    }
}

class Converter {
public:
    Converter(const std::vector<cbpf::Insn>& code, Target target, const LowerOptions& options, diag::Sink& sink,
              XdpLoads loads)
        : code_(code), target_(target), options_(options), sink_(sink),
          direct_(target == Target::xdp && loads == XdpLoads::direct) {
        match_ = options.invert ? xdp_pass : xdp_drop;
        miss_value_ = target == Target::xdp ? (options.invert ? xdp_drop : xdp_pass) : 0;
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
    void reject_always() {
        as_.put(mov32_imm(r0, 0));
        as_.jump(cls::jmp | jop::jeq, r0, 0, miss_);
    }
    void fail(const std::string& message) {
        if (!failed_) sink_.error(message);
        failed_ = true;
    }
    bool reads_length() const;

    const std::vector<cbpf::Insn>& code_;
    Target target_;
    LowerOptions options_;
    diag::Sink& sink_;
    Assembler as_;
    std::vector<Label> labels_;
    Label miss_ = -1;
    std::int32_t match_ = 0, miss_value_ = 0;
    bool direct_;
    bool failed_ = false;
};

bool Converter::reads_length() const {
    for (const auto& i : code_)
        if (i.code == 0x80 || i.code == 0x81) return true;  // ld len, ldx len
    return false;
}

void Converter::prologue() {
    as_.put(mov64(r6, r1));
    if (target_ == Target::xdp) {
        if (reads_length()) {  // the whole frame, as the IR lowering counts it
            as_.put(mov64(r1, r6));
            as_.put(call(helper::xdp_get_buff_len));
        } else {
            as_.put(load(sz::w, r0, r6, xdp_data_end));
            as_.put(load(sz::w, r1, r6, xdp_data));
            as_.put(alu64_reg(op::sub, r0, r1));
        }
        if (direct_) {
            as_.put(store_reg(sz::dw, r10, length_slot, r0));
            as_.put(load(sz::w, reg_data, r6, xdp_data));
        } else {
            as_.put(mov64(reg_len, r0));
        }
    }
    detail::count_packet(as_, {counters_slot, key_slot}, [&](Reg scratch) { return length_into(scratch); });
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
    detail::count_match(as_, {counters_slot, key_slot}, [&](Reg scratch) { return length_into(scratch); });
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
    if (code == skf_ad_alu_xor_x) {
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
    std::uint16_t o = i.code & 0xf0;
    if (o == 0x80) {
        as_.put(alu32_imm(op::neg, reg_a, 0));
        return;
    }
    std::uint8_t e = alu_op(i.code);
    if (!(i.code & 0x08)) {  // check() refused division by 0 and shifts past 31
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
    if (i.code == 0x05) {
        as_.goto_(at(pc + 1 + i.k));
        return;
    }
    std::size_t t = pc + 1 + i.jt, f = pc + 1 + i.jf;
    if (t == f) {
        if (t != pc + 1) as_.goto_(at(t));
        return;
    }
    std::uint8_t o = jump_op(i.code);
    auto emit = [&](std::uint8_t jo, std::size_t to) {
        if (i.code & 0x08) as_.jump(cls::jmp32 | jo, reg_a, reg_x, at(to));
        else as_.jump(cls::jmp32 | jo, reg_a, std::int32_t(i.k), at(to));
    };
    if (t == pc + 1 && o != jop::jset) {
        emit(inverse_jump(o), f);
        return;
    }
    emit(o, t);
    if (f != pc + 1) as_.goto_(at(f));
}

void Converter::ret(const cbpf::Insn& i) {
    if (i.code == 0x06 && i.k == 0) {
        as_.goto_(miss_);
        return;
    }
    if (i.code == 0x16) as_.jump(cls::jmp32 | jop::jeq, reg_a, 0, miss_);  // ret a
    count_match();
    if (target_ == Target::xdp) as_.put(mov32_imm(r0, std::uint32_t(match_)));
    else if (i.code == 0x16) as_.put(alu32_reg(op::mov, r0, reg_a));
    else as_.put(mov32_imm(r0, i.k));
    as_.put(exit_insn());
}

void Converter::instruction(std::size_t pc) {
    const cbpf::Insn& i = code_[pc];
    std::uint16_t cls = cls_of(i), size = i.code & 0x18, mode = i.code & 0xe0;
    unsigned bytes = size == 0x10 ? 1 : size == 0x08 ? 2 : 4;
    switch (cls) {
    case 0x00:    // ld
    case 0x01: {  // ldx
        Reg dst = cls == 0x00 ? reg_a : reg_x;
        if (mode == 0x00) {
            as_.put(mov32_imm(dst, i.k));
        } else if (mode == 0x80) {
            as_.put(alu32_reg(op::mov, dst, length_into(dst)));
        } else if (mode == 0x60) {
            as_.put(load(sz::w, dst, r10, memory_slot(i.k)));
        } else if (mode == 0xa0) {  // ldx 4*([k]&0xf)
            packet_load(1, i.k, false, dst);
            as_.put(alu32_imm(op::and_, dst, 0xf));
            as_.put(alu32_imm(op::lsh, dst, 2));
        } else if (mode == 0x20 && i.k >= skf_ad_off) {
            ancillary(i.k - skf_ad_off, dst);
        } else {
            packet_load(bytes, i.k, mode == 0x40, dst);
        }
        return;
    }
    case 0x02: as_.put(store_reg(sz::w, r10, memory_slot(i.k), reg_a)); return;
    case 0x03: as_.put(store_reg(sz::w, r10, memory_slot(i.k), reg_x)); return;
    case 0x04: alu(i); return;
    case 0x05: branch(pc, i); return;
    case 0x06: ret(i); return;
    default:  // misc: tax, txa
        if (i.code == 0x07) as_.put(alu32_reg(op::mov, reg_x, reg_a));
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
        if (i.code == 0x05) reach(pc + 1 + std::uint64_t(i.k));
        else if (cls_of(i) == 0x05) reach(pc + 1 + i.jt), reach(pc + 1 + i.jf);
        else if (cls_of(i) != 0x06) reach(pc + 1);
    }
    if (failed_) return std::nullopt;
    miss_ = as_.new_label();
    labels_.resize(n);
    for (auto& l : labels_) l = as_.new_label();
    prologue();
    for (std::size_t pc = 0; pc < n && !failed_; ++pc) {
        if (!reached[pc]) continue;
        as_.place(at(pc));
        instruction(pc);
    }
    if (failed_) return std::nullopt;
    if (as_.jumped_to(miss_)) {
        as_.place(miss_);
        as_.put(mov32_imm(r0, std::uint32_t(miss_value_)));
        as_.put(exit_insn());
    }
    return as_.finish(target_, sink_);
}

}  // namespace

std::optional<Program> convert_cbpf(const std::vector<cbpf::Insn>& program, Target target,
                                    const LowerOptions& options, diag::Sink& sink, XdpLoads loads) {
    return Converter(program, target, options, sink, loads).run();
}

}  // namespace fcap::ebpf
