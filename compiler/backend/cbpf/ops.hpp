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
constexpr std::uint32_t ancillary_base = 0xfffff000;  // SKF_AD_OFF

inline std::uint16_t size_bits(std::uint8_t bytes) {
    return bytes == 1 ? size::b : bytes == 2 ? size::h : size::w;
}

inline Insn stmt(std::uint16_t code, std::uint32_t k = 0) { return Insn{code, 0, 0, k}; }

}  // namespace fcap::cbpf
