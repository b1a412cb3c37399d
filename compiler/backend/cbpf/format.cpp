#include "backend/cbpf/format.hpp"

#include "backend/cbpf/ops.hpp"

#include <cstdio>
#include <iterator>

namespace fcap::cbpf {

namespace {

// How an operand is shown: as libpcap's bpf_image shows it, so that -d is
// tcpdump -d byte for byte (tests/backend/cbpf/format_test.cpp holds this
// against bpf_image itself for every opcode).
enum class Operand { none, k_signed, k_hex, abs, ind, mem, msh, pktlen, x, jump_target, code };

struct Shape {
    const char* op;
    Operand operand;
};

Shape shape_of(std::uint16_t code) {
    switch (code) {
    case cls::ret | rval::k: return {"ret", Operand::k_signed};
    case cls::ret | rval::a: return {"ret", Operand::none};
    case cls::ld | size::w | mode::abs: return {"ld", Operand::abs};
    case cls::ld | size::h | mode::abs: return {"ldh", Operand::abs};
    case cls::ld | size::b | mode::abs: return {"ldb", Operand::abs};
    case cls::ld | size::w | mode::len: return {"ld", Operand::pktlen};
    case cls::ld | size::w | mode::ind: return {"ld", Operand::ind};
    case cls::ld | size::h | mode::ind: return {"ldh", Operand::ind};
    case cls::ld | size::b | mode::ind: return {"ldb", Operand::ind};
    case cls::ld | mode::imm: return {"ld", Operand::k_hex};
    case cls::ldx | mode::imm: return {"ldx", Operand::k_hex};
    case cls::ldx | size::b | mode::msh: return {"ldxb", Operand::msh};
    case cls::ld | mode::mem: return {"ld", Operand::mem};
    case cls::ldx | mode::mem: return {"ldx", Operand::mem};
    case cls::st: return {"st", Operand::mem};
    case cls::stx: return {"stx", Operand::mem};
    case cls::jmp | jmp::ja: return {"ja", Operand::jump_target};
    case cls::jmp | jmp::jgt | src::k: return {"jgt", Operand::k_hex};
    case cls::jmp | jmp::jge | src::k: return {"jge", Operand::k_hex};
    case cls::jmp | jmp::jeq | src::k: return {"jeq", Operand::k_hex};
    case cls::jmp | jmp::jset | src::k: return {"jset", Operand::k_hex};
    case cls::jmp | jmp::jgt | src::x: return {"jgt", Operand::x};
    case cls::jmp | jmp::jge | src::x: return {"jge", Operand::x};
    case cls::jmp | jmp::jeq | src::x: return {"jeq", Operand::x};
    case cls::jmp | jmp::jset | src::x: return {"jset", Operand::x};
    case cls::alu | alu::add | src::x: return {"add", Operand::x};
    case cls::alu | alu::sub | src::x: return {"sub", Operand::x};
    case cls::alu | alu::mul | src::x: return {"mul", Operand::x};
    case cls::alu | alu::div | src::x: return {"div", Operand::x};
    case cls::alu | alu::mod | src::x: return {"mod", Operand::x};
    case cls::alu | alu::and_ | src::x: return {"and", Operand::x};
    case cls::alu | alu::or_ | src::x: return {"or", Operand::x};
    case cls::alu | alu::xor_ | src::x: return {"xor", Operand::x};
    case cls::alu | alu::lsh | src::x: return {"lsh", Operand::x};
    case cls::alu | alu::rsh | src::x: return {"rsh", Operand::x};
    case cls::alu | alu::add | src::k: return {"add", Operand::k_signed};
    case cls::alu | alu::sub | src::k: return {"sub", Operand::k_signed};
    case cls::alu | alu::mul | src::k: return {"mul", Operand::k_signed};
    case cls::alu | alu::div | src::k: return {"div", Operand::k_signed};
    case cls::alu | alu::mod | src::k: return {"mod", Operand::k_signed};
    case cls::alu | alu::and_ | src::k: return {"and", Operand::k_hex};
    case cls::alu | alu::or_ | src::k: return {"or", Operand::k_hex};
    case cls::alu | alu::xor_ | src::k: return {"xor", Operand::k_hex};
    case cls::alu | alu::lsh | src::k: return {"lsh", Operand::k_signed};
    case cls::alu | alu::rsh | src::k: return {"rsh", Operand::k_signed};
    case cls::alu | alu::neg: return {"neg", Operand::none};
    case cls::misc | miscop::tax: return {"tax", Operand::none};
    case cls::misc | miscop::txa: return {"txa", Operand::none};
    default: return {"unimp", Operand::code};
    }
}

// Linux's ancillary loads (SKF_AD_OFF + n) that libpcap names in -d, by n / 4.
constexpr const char* ancillary_names[] = {"proto", "type",   "ifidx",    "nla",   "nlan", "mark",   "queue",     "hatype",
                                           "rxhash", "cpu",   "xor_x", "vlan_tci", "vlanp", "poff", "random", "vlan_tpid"};

const char* ancillary_name(std::uint32_t k) {
    std::uint32_t n = k - ancillary_base;
    if (k < ancillary_base || n % 4 != 0 || n / 4 >= std::size(ancillary_names)) return nullptr;
    return ancillary_names[n / 4];
}

}  // namespace

std::string image(const Insn& insn, std::size_t index) {
    const int n = int(index);
    const Shape s = shape_of(insn.code);
    const int k = int(insn.k);
    char operand[64];
    switch (s.operand) {
    case Operand::none: operand[0] = '\0'; break;
    case Operand::k_signed: std::snprintf(operand, sizeof operand, "#%d", k); break;
    case Operand::k_hex: std::snprintf(operand, sizeof operand, "#0x%x", insn.k); break;
    case Operand::abs:
        if (const char* name = ancillary_name(insn.k))
            std::snprintf(operand, sizeof operand, "[%s]", name);
        else
            std::snprintf(operand, sizeof operand, "[%d]", k);
        break;
    case Operand::ind: std::snprintf(operand, sizeof operand, "[x + %d]", k); break;
    case Operand::mem: std::snprintf(operand, sizeof operand, "M[%d]", k); break;
    case Operand::msh: std::snprintf(operand, sizeof operand, "4*([%d]&0xf)", k); break;
    case Operand::pktlen: std::snprintf(operand, sizeof operand, "#pktlen"); break;
    case Operand::x: std::snprintf(operand, sizeof operand, "x"); break;
    // Unsigned, as bpf_image adds it: a far `ja` wraps (an int sum would overflow).
    case Operand::jump_target: std::snprintf(operand, sizeof operand, "%d", int(unsigned(n) + 1u + insn.k)); break;
    case Operand::code: std::snprintf(operand, sizeof operand, "0x%x", insn.code); break;
    }
    char line[160];
    if ((insn.code & 0x07) == cls::jmp && (insn.code & 0xf0) != jmp::ja)
        std::snprintf(line, sizeof line, "(%03d) %-8s %-16s jt %d\tjf %d", n, s.op, operand, n + 1 + insn.jt,
                      n + 1 + insn.jf);
    else
        std::snprintf(line, sizeof line, "(%03d) %-8s %s", n, s.op, operand);
    return line;
}

std::string dump(const std::vector<Insn>& program, int level) {
    std::string out;
    char line[128];
    if (level >= 3) {
        std::snprintf(line, sizeof line, "%zu\n", program.size());
        out += line;
        for (const auto& i : program) {
            std::snprintf(line, sizeof line, "%u %u %u %u\n", i.code, i.jt, i.jf, i.k);
            out += line;
        }
        return out;
    }
    if (level == 2) {
        for (const auto& i : program) {
            std::snprintf(line, sizeof line, "{ 0x%x, %d, %d, 0x%08x },\n", i.code, i.jt, i.jf, i.k);
            out += line;
        }
        return out;
    }
    for (std::size_t n = 0; n < program.size(); ++n) out += image(program[n], n) + '\n';
    return out;
}

}  // namespace fcap::cbpf
