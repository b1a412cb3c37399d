// Why libpcap's program gave its verdict on a packet, found by walking the
// path bpf_filter() takes:
// - It read scratch memory (M[0..15]) that no instruction on the path had
//   stored.  bpf_filter leaves that memory uninitialized, so the verdict is
//   whatever the stack held: undefined.  libpcap 1.10 writes such programs
//   (`geneve or ip` reads the Geneve offsets on paths that never set them);
//   the kernel's checker refuses them.  The oracle does not compare there.
// - A load ran past the captured bytes (or X was a zero divisor), which
//   rejects the packet.  Where another compiler accepts such a packet, it
//   did not make that load.
//
// Header-only so that every test program that links diff/oracle.cpp gets it.
#pragma once

#include "fcap/cbpf.hpp"

#include <pcap/bpf.h>  // the BPF_* field macros

#include <array>
#include <cstdint>
#include <vector>

namespace fcap::test {

// True when some instruction reads or writes scratch memory (cheap test
// before the per-packet trace).
inline bool uses_scratch(const std::vector<cbpf::Insn>& program) {
    for (std::size_t i = 0; i < program.size(); ++i) {
        std::uint16_t code = program[i].code;
        unsigned cls = BPF_CLASS(code);
        if (cls == BPF_ST || cls == BPF_STX || ((cls == BPF_LD || cls == BPF_LDX) && BPF_MODE(code) == BPF_MEM))
            return true;
    }
    return false;
}

namespace trace_detail {

// A load of `size` bytes at `at`, big endian; false past the captured end
// (bpf_filter then returns 0 and the trace ends).
inline bool load(const std::uint8_t* p, std::uint32_t caplen, std::uint64_t at, unsigned size, std::uint32_t& out) {
    if (at + size > caplen) return false;
    out = 0;
    for (unsigned i = 0; i < size; ++i) out = out << 8 | p[at + i];
    return true;
}

inline unsigned size_of(std::uint16_t code) {
    switch (BPF_SIZE(code)) {
    case BPF_W: return 4;
    case BPF_H: return 2;
    default: return 1;
    }
}

}  // namespace trace_detail

enum class Ending {
    returned,       // a ret instruction
    aborted,        // a load past caplen or a division by zero: bpf_filter returns 0
    unset_scratch,  // a load of a scratch word never stored: undefined
};

// Runs `program` over the packet as bpf_filter does, up to how it ends.
inline Ending trace(const std::vector<cbpf::Insn>& program, const std::uint8_t* p, std::uint32_t wirelen,
                    std::uint32_t caplen) {
    using trace_detail::load;
    using trace_detail::size_of;
    std::uint32_t a = 0, x = 0;
    std::array<std::uint32_t, BPF_MEMWORDS> mem{};
    std::array<bool, BPF_MEMWORDS> set{};
    const Ending past_end = Ending::aborted;  // bpf_filter returns 0
    // Classic BPF jumps only forward, so the walk ends.
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const cbpf::Insn& in = program[pc];
        std::uint32_t k = in.k;
        switch (BPF_CLASS(in.code)) {
        case BPF_RET: return Ending::returned;
        case BPF_LD:
        case BPF_LDX: {
            std::uint32_t& r = BPF_CLASS(in.code) == BPF_LD ? a : x;
            switch (BPF_MODE(in.code)) {
            case BPF_IMM: r = k; break;
            case BPF_LEN: r = wirelen; break;
            case BPF_MEM:
                if (k >= BPF_MEMWORDS) return past_end;
                if (!set[k]) return Ending::unset_scratch;
                r = mem[k];
                break;
            case BPF_ABS:
                if (!load(p, caplen, k, size_of(in.code), r)) return past_end;
                break;
            case BPF_IND:
                if (!load(p, caplen, std::uint64_t(x) + k, size_of(in.code), r)) return past_end;
                break;
            case BPF_MSH: {
                std::uint32_t b;
                if (!load(p, caplen, k, 1, b)) return past_end;
                x = (b & 0xf) << 2;
                break;
            }
            default: return Ending::returned;
            }
            break;
        }
        case BPF_ST:
        case BPF_STX:
            if (k >= BPF_MEMWORDS) return past_end;
            mem[k] = BPF_CLASS(in.code) == BPF_ST ? a : x;
            set[k] = true;
            break;
        case BPF_ALU: {
            std::uint32_t v = BPF_SRC(in.code) == BPF_X ? x : k;
            switch (BPF_OP(in.code)) {
            case BPF_ADD: a += v; break;
            case BPF_SUB: a -= v; break;
            case BPF_MUL: a *= v; break;
            case BPF_DIV:
                if (v == 0) return past_end;
                a /= v;
                break;
            case BPF_MOD:
                if (v == 0) return past_end;
                a %= v;
                break;
            case BPF_AND: a &= v; break;
            case BPF_OR: a |= v; break;
            case BPF_XOR: a ^= v; break;
            case BPF_LSH: a = v < 32 ? a << v : 0; break;
            case BPF_RSH: a = v < 32 ? a >> v : 0; break;
            case BPF_NEG: a = 0u - a; break;
            default: return past_end;
            }
            break;
        }
        case BPF_JMP: {
            std::uint32_t v = BPF_SRC(in.code) == BPF_X ? x : k;
            bool taken = false;
            switch (BPF_OP(in.code)) {
            case BPF_JA: pc += k; continue;
            case BPF_JEQ: taken = a == v; break;
            case BPF_JGT: taken = a > v; break;
            case BPF_JGE: taken = a >= v; break;
            case BPF_JSET: taken = (a & v) != 0; break;
            default: return past_end;
            }
            pc += taken ? in.jt : in.jf;
            break;
        }
        case BPF_MISC:
            if (BPF_MISCOP(in.code) == BPF_TAX) x = a;
            else a = x;
            break;
        }
    }
    return Ending::returned;
}

}  // namespace fcap::test
