// eBPF opcodes by field and small instruction builders (the kernel's
// values, from <linux/bpf.h>, restated so that headers stay free of it).
// Jumps carry labels; the assembler (assembler.hpp) fixes their offsets.
#pragma once

#include "fcap/ebpf.hpp"

#include <cstdint>

namespace fcap::ebpf {

namespace cls {
constexpr std::uint8_t ld = 0x00, ldx = 0x01, st = 0x02, stx = 0x03, alu = 0x04, jmp = 0x05, jmp32 = 0x06,
                       alu64 = 0x07;
}
namespace sz {
constexpr std::uint8_t w = 0x00, h = 0x08, b = 0x10, dw = 0x18;
// The size field for a load of 1, 2 or 4 bytes.
constexpr std::uint8_t of(unsigned bytes) { return bytes == 1 ? b : bytes == 2 ? h : bytes == 4 ? w : dw; }
}  // namespace sz
namespace mode {
constexpr std::uint8_t imm = 0x00, abs = 0x20, ind = 0x40, mem = 0x60;
}
namespace op {
constexpr std::uint8_t add = 0x00, sub = 0x10, mul = 0x20, div = 0x30, or_ = 0x40, and_ = 0x50, lsh = 0x60,
                       rsh = 0x70, neg = 0x80, mod = 0x90, xor_ = 0xa0, mov = 0xb0, end = 0xd0;
}
namespace jop {
constexpr std::uint8_t ja = 0x00, jeq = 0x10, jgt = 0x20, jge = 0x30, jset = 0x40, jne = 0x50, call = 0x80,
                       exit = 0x90, jlt = 0xa0, jle = 0xb0;
}
// The jump taken exactly when `o` is not; jset has none (0xff).
constexpr std::uint8_t inverse_jump(std::uint8_t o) {
    switch (o) {
    case jop::jeq: return jop::jne;
    case jop::jne: return jop::jeq;
    case jop::jgt: return jop::jle;
    case jop::jle: return jop::jgt;
    case jop::jge: return jop::jlt;
    case jop::jlt: return jop::jge;
    }
    return 0xff;
}
namespace src {
constexpr std::uint8_t k = 0x00, x = 0x08;
}
// Helper ids (enum bpf_func_id).
namespace helper {
constexpr std::int32_t map_lookup_elem = 1, get_prandom_u32 = 7, get_smp_processor_id = 8, xdp_get_buff_len = 188,
                       xdp_load_bytes = 189;
}
constexpr std::uint8_t pseudo_map_fd = 1;  // BPF_PSEUDO_MAP_FD in a ld_imm64's src

// Registers: r0 return value, r1-r5 arguments (scratch here), r6-r9
// callee-saved, r10 the frame pointer.
enum Reg : std::uint8_t { r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10 };

inline Insn alu64_imm(std::uint8_t o, Reg dst, std::int32_t imm) { return {std::uint8_t(cls::alu64 | o | src::k), dst, 0, 0, imm}; }
inline Insn alu64_reg(std::uint8_t o, Reg dst, Reg s) { return {std::uint8_t(cls::alu64 | o | src::x), dst, s, 0, 0}; }
inline Insn alu32_imm(std::uint8_t o, Reg dst, std::int32_t imm) { return {std::uint8_t(cls::alu | o | src::k), dst, 0, 0, imm}; }
inline Insn alu32_reg(std::uint8_t o, Reg dst, Reg s) { return {std::uint8_t(cls::alu | o | src::x), dst, s, 0, 0}; }
inline Insn mov64(Reg dst, Reg s) { return alu64_reg(op::mov, dst, s); }
inline Insn mov32_imm(Reg dst, std::uint32_t k) { return alu32_imm(op::mov, dst, std::int32_t(k)); }  // zero-extends
inline Insn load(std::uint8_t size, Reg dst, Reg base, std::int16_t off) {
    return {std::uint8_t(cls::ldx | mode::mem | size), dst, base, off, 0};
}
inline Insn store_imm(std::uint8_t size, Reg base, std::int16_t off, std::int32_t imm) {
    return {std::uint8_t(cls::st | mode::mem | size), base, 0, off, imm};
}
inline Insn store_reg(std::uint8_t size, Reg base, std::int16_t off, Reg s) {
    return {std::uint8_t(cls::stx | mode::mem | size), base, s, off, 0};
}
inline Insn to_big_endian(Reg dst, std::int32_t bits) { return {std::uint8_t(cls::alu | op::end | 0x08), dst, 0, 0, bits}; }
// Classic BPF's packet loads, kept by eBPF for socket programs: the value
// lands in r0 in host order, r1-r5 are clobbered, r6 must be the skb, and a
// load past the end ends the program with 0.
inline Insn load_abs(unsigned bytes, std::int32_t k) { return {std::uint8_t(cls::ld | mode::abs | sz::of(bytes)), 0, 0, 0, k}; }
inline Insn load_ind(unsigned bytes, Reg index, std::int32_t k) {
    return {std::uint8_t(cls::ld | mode::ind | sz::of(bytes)), 0, index, 0, k};
}
inline Insn call(std::int32_t helper_id) { return {std::uint8_t(cls::jmp | jop::call), 0, 0, 0, helper_id}; }
inline Insn exit_insn() { return {std::uint8_t(cls::jmp | jop::exit), 0, 0, 0, 0}; }

}  // namespace fcap::ebpf
