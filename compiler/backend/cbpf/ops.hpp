// Classic BPF opcodes, typed by field (class, size, mode, op, source), and
// small builders.  Values are the kernel's and libpcap's (linux/filter.h,
// pcap/bpf.h), restated here so that no header drags those in.
#pragma once

#include "fcap/cbpf.hpp"

#include <cstdint>

namespace fcap::cbpf {

namespace cls {
constexpr std::uint16_t ld = 0x00, ldx = 0x01, st = 0x02, stx = 0x03, alu = 0x04, jmp = 0x05, ret = 0x06,
                        misc = 0x07;
}
namespace size {
constexpr std::uint16_t w = 0x00, h = 0x08, b = 0x10;
}
namespace mode {
constexpr std::uint16_t imm = 0x00, abs = 0x20, ind = 0x40, mem = 0x60, len = 0x80, msh = 0xa0;
}
namespace alu {
constexpr std::uint16_t add = 0x00, sub = 0x10, mul = 0x20, div = 0x30, or_ = 0x40, and_ = 0x50, lsh = 0x60,
                        rsh = 0x70, neg = 0x80, mod = 0x90, xor_ = 0xa0;
}
namespace jmp {
constexpr std::uint16_t ja = 0x00, jeq = 0x10, jgt = 0x20, jge = 0x30, jset = 0x40;
}
namespace src {
constexpr std::uint16_t k = 0x00, x = 0x08;
}
namespace rval {
constexpr std::uint16_t k = 0x00, x = 0x08, a = 0x10;
}
namespace miscop {
constexpr std::uint16_t tax = 0x00, txa = 0x80;
}

constexpr std::uint32_t memwords = 16;          // scratch slots M[0..15]
constexpr std::uint32_t ancillary_base = 0xfffff000;  // SKF_AD_OFF: Linux's ancillary loads start here
constexpr std::uint32_t ancillary_alu_xor_x = 40;     // SKF_AD_ALU_XOR_X: A ^= X, spelt as a load
constexpr std::uint32_t link_layer_base = 0xffe00000;  // SKF_LL_OFF (SKF_NET_OFF is 0xfff00000)

// A code's fields.
constexpr std::uint16_t class_of(std::uint16_t code) { return code & 0x07; }
constexpr std::uint16_t size_of(std::uint16_t code) { return code & 0x18; }
constexpr std::uint16_t mode_of(std::uint16_t code) { return code & 0xe0; }
constexpr std::uint16_t op_of(std::uint16_t code) { return code & 0xf0; }  // alu and jmp
constexpr bool x_operand(std::uint16_t code) { return (code & src::x) != 0; }
constexpr unsigned size_bytes(std::uint16_t code) {
    return size_of(code) == size::b ? 1 : size_of(code) == size::h ? 2 : 4;
}

// Whole codes that are tested as such.
namespace code {
constexpr std::uint16_t ld_len = cls::ld | size::w | mode::len, ldx_len = cls::ldx | size::w | mode::len;
constexpr std::uint16_t ld_mem = cls::ld | mode::mem, ldx_mem = cls::ldx | mode::mem;
constexpr std::uint16_t ldx_msh = cls::ldx | size::b | mode::msh;
constexpr std::uint16_t ja = cls::jmp | jmp::ja;
constexpr std::uint16_t ret_k = cls::ret | rval::k, ret_a = cls::ret | rval::a;
constexpr std::uint16_t tax = cls::misc | miscop::tax, txa = cls::misc | miscop::txa;
}  // namespace code

inline std::uint16_t size_bits(std::uint8_t bytes) {
    return bytes == 1 ? size::b : bytes == 2 ? size::h : size::w;
}

inline Insn stmt(std::uint16_t code, std::uint32_t k = 0) { return Insn{code, 0, 0, k}; }

}  // namespace fcap::cbpf
