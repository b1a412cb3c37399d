// Instructions with symbolic jump targets, as cilium/ebpf's asm keeps them:
// a jump names a label, and offsets exist only once the program is
// finished.  Labels are placed before the next instruction put.
#pragma once

#include "backend/ebpf/ops.hpp"
#include "fcap/diagnostics.hpp"

#include <optional>
#include <vector>

namespace fcap::ebpf {

using Label = int;

class Assembler {
public:
    Label new_label();
    // The label names the next instruction put.
    void place(Label label);
    void put(Insn insn);
    // Conditional jumps: `cls_op` is a class and a jump operation
    // (cls::jmp32 | jop::jeq); the comparison is with `imm` or with `s`.
    void jump(std::uint8_t cls_op, Reg dst, std::int32_t imm, Label target);
    void jump(std::uint8_t cls_op, Reg dst, Reg s, Label target);
    void goto_(Label target);
    // An instruction that loads a map's address (ld_imm64 with
    // BPF_PSEUDO_MAP_FD), recorded as a map reference: map 0 is the counter
    // map, i > 0 the lookup set i - 1.
    void load_map(Reg dst, std::uint32_t map = 0);

    bool jumped_to(Label label) const { return uses_[std::size_t(label)] > 0; }
    std::size_t size() const { return code_.size(); }

    // The program's instructions with every jump resolved; nullopt (and an
    // error) when an offset does not fit in 16 bits.
    std::optional<Program> finish(Target target, diag::Sink& sink) const;

private:
    struct Item {
        Insn insn;
        Label target = -1;
    };
    std::vector<Item> code_;
    std::vector<int> at_;    // per label: its instruction index, -1 until placed
    std::vector<int> uses_;  // per label: jumps to it
    std::vector<Label> pending_;
    std::vector<MapRef> map_refs_;
};

}  // namespace fcap::ebpf
