#include "backend/ebpf/print.hpp"

#include "backend/ebpf/ops.hpp"

#include <cstdio>

namespace fcap::ebpf {

namespace {

const char* alu_name(std::uint8_t o) {
    switch (o & 0xf0) {
    case op::add: return "+=";
    case op::sub: return "-=";
    case op::mul: return "*=";
    case op::div: return "/=";
    case op::or_: return "|=";
    case op::and_: return "&=";
    case op::lsh: return "<<=";
    case op::rsh: return ">>=";
    case op::mod: return "%=";
    case op::xor_: return "^=";
    case op::mov: return "=";
    default: return "?=";
    }
}

const char* jmp_name(std::uint8_t o) {
    switch (o & 0xf0) {
    case jop::jeq: return "==";
    case jop::jgt: return ">";
    case jop::jge: return ">=";
    case jop::jset: return "&";
    case jop::jne: return "!=";
    case jop::jlt: return "<";
    case jop::jle: return "<=";
    default: return "?";
    }
}

const char* size_name(std::uint8_t code) {
    switch (code & 0x18) {
    case sz::b: return "u8";
    case sz::h: return "u16";
    case sz::w: return "u32";
    default: return "u64";
    }
}

}  // namespace

std::string print(const Program& p) {
    std::string out;
    char line[160];
    for (std::size_t i = 0; i < p.insns.size(); ++i) {
        const Insn& in = p.insns[i];
        std::uint8_t c = in.code & 0x07;
        bool x = in.code & src::x;
        const char* w = c == cls::alu || c == cls::jmp32 ? "w" : "r";
        std::string operand = x ? std::string(w) + std::to_string(in.src) : std::to_string(in.imm);
        if (c == cls::alu || c == cls::alu64) {
            if ((in.code & 0xf0) == op::neg)
                std::snprintf(line, sizeof line, "%s%u = -%s%u", w, in.dst, w, in.dst);
            else if ((in.code & 0xf0) == op::end)
                std::snprintf(line, sizeof line, "r%u = be%d r%u", in.dst, in.imm, in.dst);
            else
                std::snprintf(line, sizeof line, "%s%u %s %s", w, in.dst, alu_name(in.code), operand.c_str());
        } else if (in.code == (cls::ld | sz::dw | mode::imm)) {
            std::snprintf(line, sizeof line, "r%u = map[fcap_counters] ll", in.dst);
        } else if (in.code == 0 && i > 0 && p.insns[i - 1].code == (cls::ld | sz::dw | mode::imm)) {
            std::snprintf(line, sizeof line, "(second half of the 64-bit load)");
        } else if (in.code == (cls::jmp | 0x80)) {
            const char* name = in.imm == helper::map_lookup_elem        ? " (bpf_map_lookup_elem)"
                               : in.imm == helper::get_prandom_u32      ? " (bpf_get_prandom_u32)"
                               : in.imm == helper::get_smp_processor_id ? " (bpf_get_smp_processor_id)"
                               : in.imm == helper::xdp_get_buff_len     ? " (bpf_xdp_get_buff_len)"
                               : in.imm == helper::xdp_load_bytes       ? " (bpf_xdp_load_bytes)"
                                                                        : "";
            std::snprintf(line, sizeof line, "call %d%s", in.imm, name);
        } else if (c == cls::ld && (in.code & 0xe0) == 0x20) {
            std::snprintf(line, sizeof line, "r0 = *(%s *)skb[%d]  (LD_ABS: past the end returns 0)",
                          size_name(in.code), in.imm);
        } else if (c == cls::ld && (in.code & 0xe0) == 0x40) {
            std::snprintf(line, sizeof line, "r0 = *(%s *)skb[r%u + %d]  (LD_IND: past the end returns 0)",
                          size_name(in.code), in.src, in.imm);
        } else if (c == cls::ldx) {
            std::snprintf(line, sizeof line, "r%u = *(%s *)(r%u %+d)", in.dst, size_name(in.code), in.src, in.off);
        } else if (c == cls::st) {
            std::snprintf(line, sizeof line, "*(%s *)(r%u %+d) = %d", size_name(in.code), in.dst, in.off, in.imm);
        } else if (c == cls::stx) {
            std::snprintf(line, sizeof line, "*(%s *)(r%u %+d) = r%u", size_name(in.code), in.dst, in.off, in.src);
        } else if ((in.code & 0xf0) == jop::exit && c == cls::jmp) {
            std::snprintf(line, sizeof line, "exit");
        } else if ((in.code & 0xf0) == jop::ja && c == cls::jmp) {
            std::snprintf(line, sizeof line, "goto %+d <%zu>", in.off, i + 1 + std::size_t(in.off));
        } else {
            std::snprintf(line, sizeof line, "if %s%u %s %s goto %+d <%zu>", w, in.dst, jmp_name(in.code),
                          operand.c_str(), in.off, i + 1 + std::size_t(std::ptrdiff_t(in.off)));
        }
        char num[32];
        std::snprintf(num, sizeof num, "%4zu: ", i);
        out += num;
        out += line;
        out += '\n';
    }
    return out;
}

}  // namespace fcap::ebpf
