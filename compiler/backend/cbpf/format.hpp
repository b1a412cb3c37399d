// tcpdump's -d, -dd and -ddd listings of a classic BPF program.
#pragma once

#include "backend/cbpf/insn.hpp"

#include <string>
#include <vector>

namespace fcap::cbpf {

// level 1: `(000) ldh      [12]` lines (libpcap's bpf_image, as tcpdump -d);
// level 2: `{ 0x28, 0, 0, 0x0000000c },` lines (tcpdump -dd);
// level 3: the count, then `40 0 0 12` lines (tcpdump -ddd).
std::string dump(const std::vector<Insn>& program, int level);

}  // namespace fcap::cbpf
