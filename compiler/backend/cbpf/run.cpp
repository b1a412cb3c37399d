#include "backend/cbpf/run.hpp"

#include <pcap/pcap.h>

namespace fcap::cbpf {

static_assert(sizeof(Insn) == sizeof(bpf_insn), "Insn mirrors struct bpf_insn");

std::uint32_t run(const std::vector<Insn>& program, const std::uint8_t* packet, std::uint32_t caplen,
                  std::uint32_t wirelen) {
    return bpf_filter(reinterpret_cast<const bpf_insn*>(program.data()), packet, wirelen, caplen);
}

}  // namespace fcap::cbpf
