// Runs a classic BPF program on a packet with libpcap's interpreter
// (bpf_filter): the reference for tests and for `fcc -r`.
#pragma once

#include "backend/cbpf/insn.hpp"

#include <cstdint>
#include <vector>

namespace fcap::cbpf {

std::uint32_t run(const std::vector<Insn>& program, const std::uint8_t* packet, std::uint32_t caplen,
                  std::uint32_t wirelen);

}  // namespace fcap::cbpf
