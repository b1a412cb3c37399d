// tcpdump's -d, -dd and -ddd listings of a classic BPF program.
#pragma once

#include "fcap/cbpf.hpp"

#include <string>
#include <vector>

namespace fcap::cbpf {

// One instruction as libpcap's bpf_image shows it (tcpdump -d), `index` its
// place in the program (jump targets are absolute).
std::string image(const Insn& insn, std::size_t index);

// level 1: `(000) ldh      [12]` lines (image(), as tcpdump -d);
// level 2: `{ 0x28, 0, 0, 0x0000000c },` lines (tcpdump -dd);
// level 3: the count, then `40 0 0 12` lines (tcpdump -ddd).
std::string dump(const std::vector<Insn>& program, int level);

}  // namespace fcap::cbpf
