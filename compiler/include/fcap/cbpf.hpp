// A classic BPF instruction, laid out exactly as the kernel's struct
// sock_filter and libpcap's struct bpf_insn (so a vector of them can be handed
// to either with a reinterpret_cast), without including either header: the
// eBPF side includes <linux/bpf.h>, whose struct bpf_insn has the same name.
#pragma once

#include <cstdint>

namespace fcap::cbpf {

struct Insn {
    std::uint16_t code = 0;
    std::uint8_t jt = 0;
    std::uint8_t jf = 0;
    std::uint32_t k = 0;

    bool operator==(const Insn&) const = default;
};

static_assert(sizeof(Insn) == 8, "cBPF instructions are 8 bytes");

// The kernel refuses longer classic programs (BPF_MAXINSNS).
inline constexpr std::uint32_t max_kernel_insns = 4096;

}  // namespace fcap::cbpf
