#include "backend/ebpf/frame.hpp"

#include "backend/ebpf/ancillary.hpp"

namespace fcap::ebpf::detail {

using namespace ctx;  // xdp_md's fields

Frame::Frame(Assembler& as, Target target, const LowerOptions& options, diag::Sink& sink)
    : as_(as), target_(target), sink_(sink) {
    match_ = target == Target::xdp ? (options.invert ? xdp_pass : xdp_drop) : 0;
    miss_ = target == Target::xdp ? (options.invert ? xdp_drop : xdp_pass) : 0;
    reject_ = as_.new_label();
}

void Frame::enter() { as_.put(mov64(r6, r1)); }

void Frame::xdp_length(Reg len, bool whole, Reg data, Reg data_end) {
    if (whole) {
        // The test runner splits frames past about 3,500 bytes into
        // fragments, even for a program that does not say it handles them.
        as_.put(mov64(r1, r6));
        as_.put(call(helper::xdp_get_buff_len));
        if (len != r0) as_.put(mov64(len, r0));
    } else {
        if (len != data_end) as_.put(mov64(len, data_end));
        as_.put(alu64_reg(op::sub, len, data));
    }
}

void Frame::reject_always(Reg scratch) {
    as_.put(mov32_imm(scratch, 0));
    as_.jump(cls::jmp | jop::jeq, scratch, 0, reject_);
}

template <class Rhs>
void Frame::two_way(std::uint8_t o, Reg lhs, Rhs rhs, Label if_true, Label if_false, Label next) {
    if (if_true == if_false) {
        if (if_true != next) as_.goto_(if_true);
        return;
    }
    if (if_true == next && o != jop::jset) {  // jset has no inverse
        as_.jump(cls::jmp32 | inverse_jump(o), lhs, rhs, if_false);
        return;
    }
    as_.jump(cls::jmp32 | o, lhs, rhs, if_true);
    if (if_false != next) as_.goto_(if_false);
}

void Frame::branch(std::uint8_t o, Reg lhs, Reg rhs, Label t, Label f, Label next) { two_way(o, lhs, rhs, t, f, next); }
void Frame::branch(std::uint8_t o, Reg lhs, std::int32_t rhs, Label t, Label f, Label next) {
    two_way(o, lhs, rhs, t, f, next);
}

void Frame::fail(const std::string& message) {
    if (!failed_) sink_.error(message);
    failed_ = true;
}

std::optional<Program> Frame::finish() {
    if (failed_) return std::nullopt;
    if (as_.jumped_to(reject_)) {
        as_.place(reject_);
        as_.put(mov32_imm(r0, std::uint32_t(miss_)));
        as_.put(exit_insn());
    }
    return as_.finish(target_, sink_);
}

}  // namespace fcap::ebpf::detail
