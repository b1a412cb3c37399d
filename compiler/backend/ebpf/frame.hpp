// The frame both eBPF emitters build, the IR lowering (lower.cpp) and the
// one-to-one classic converter (convert.cpp), so that what the kernel and
// the counters need is written once:
//   * the stack: 8-byte slots from the frame pointer down; slots 0 and 1
//     are the counters' (the map entry's address, the map key), an
//     emitter's own start at `first_free_slot`;
//   * the prologue: r6 = the context; XDP's frame length;
//   * the answers: a match and a miss per target (XDP_DROP / XDP_PASS,
//     swapped by `invert`; a socket program's snaplen or 0);
//   * the reject block: every load past the end jumps to it (libpcap's
//     rule: the packet is rejected, even under `not`), emitted only when
//     something jumps there (the verifier refuses unreachable code);
//   * a two-way branch that falls through to the block placed next.
#pragma once

#include "backend/ebpf/assembler.hpp"
#include "backend/ebpf/counting.hpp"
#include "backend/ebpf/lower.hpp"

#include <cstdint>
#include <string>

namespace fcap::ebpf::detail {

class Frame {
public:
    Frame(Assembler& as, Target target, const LowerOptions& options, diag::Sink& sink);

    static constexpr std::int16_t slot(std::uint32_t i) { return std::int16_t(-8 * std::int32_t(i + 1)); }
    static constexpr std::uint32_t first_free_slot = 2;
    static constexpr CounterSlots counter_slots() { return {slot(0), slot(1)}; }

    // r6 = the context.
    void enter();
    // XDP: the frame's length into `len`; the whole frame, fragments
    // included (bpf_xdp_get_buff_len, ~8 ns: only for programs that read
    // `len`), when `whole`, else data_end - data from the registers given.
    void xdp_length(Reg len, bool whole, Reg data, Reg data_end);

    std::int32_t match() const { return match_; }  // XDP's action on a match (a socket's is its return value)
    std::int32_t miss() const { return miss_; }

    // Where a rejected packet goes; `reject_always` makes a jump there the
    // verifier sees as always taken, so that nothing after it counts as
    // unreachable.
    Label reject() const { return reject_; }
    void reject_always(Reg scratch);

    // if (lhs op rhs) goto if_true else goto if_false, with no jump to
    // `next` (the block placed after this one), as a 32-bit comparison.
    void branch(std::uint8_t op, Reg lhs, Reg rhs, Label if_true, Label if_false, Label next);
    void branch(std::uint8_t op, Reg lhs, std::int32_t rhs, Label if_true, Label if_false, Label next);

    // The first error only: later ones follow from it.
    void fail(const std::string& message);
    bool failed() const { return failed_; }

    // The reject block (if anything jumps there), then the program.
    std::optional<Program> finish();

private:
    template <class Rhs>
    void two_way(std::uint8_t op, Reg lhs, Rhs rhs, Label if_true, Label if_false, Label next);

    Assembler& as_;
    Target target_;
    diag::Sink& sink_;
    std::int32_t match_, miss_;
    Label reject_;
    bool failed_ = false;
};

}  // namespace fcap::ebpf::detail
