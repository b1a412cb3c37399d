#include "backend/ebpf/assembler.hpp"

namespace fcap::ebpf {

Label Assembler::new_label() {
    at_.push_back(-1);
    uses_.push_back(0);
    return Label(at_.size() - 1);
}

void Assembler::place(Label label) { pending_.push_back(label); }

void Assembler::put(Insn insn) {
    for (Label l : pending_) at_[std::size_t(l)] = int(code_.size());
    pending_.clear();
    code_.push_back({insn, -1});
}

void Assembler::jump(std::uint8_t cls_op, Reg dst, std::int32_t imm, Label target) {
    put(Insn{std::uint8_t(cls_op | src::k), dst, 0, 0, imm});
    code_.back().target = target;
    ++uses_[std::size_t(target)];
}

void Assembler::jump(std::uint8_t cls_op, Reg dst, Reg s, Label target) {
    put(Insn{std::uint8_t(cls_op | src::x), dst, s, 0, 0});
    code_.back().target = target;
    ++uses_[std::size_t(target)];
}

void Assembler::goto_(Label target) { jump(cls::jmp | jop::ja, r0, 0, target); }

void Assembler::load_map(Reg dst, std::uint32_t map) {
    map_refs_.push_back({code_.size(), map});
    put(Insn{std::uint8_t(cls::ld | sz::dw | mode::imm), dst, pseudo_map_fd, 0, 0});
    put(Insn{});
}

std::optional<Program> Assembler::finish(Target target, diag::Sink& sink) const {
    Program out;
    out.target = target;
    out.map_refs = map_refs_;
    out.insns.reserve(code_.size());
    for (std::size_t i = 0; i < code_.size(); ++i) {
        Insn insn = code_[i].insn;
        if (code_[i].target >= 0) {
            int at = at_[std::size_t(code_[i].target)];
            long off = long(at) - long(i) - 1;
            if (at < 0) {
                sink.error("internal error: the eBPF backend jumps to a label it never placed");
                return std::nullopt;
            }
            if (off < -32768 || off > 32767) {
                sink.error("the eBPF program is too long for 16-bit jump offsets");
                return std::nullopt;
            }
            insn.off = std::int16_t(off);
        }
        out.insns.push_back(insn);
    }
    return out;
}

}  // namespace fcap::ebpf
