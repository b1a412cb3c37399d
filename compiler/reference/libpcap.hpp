// libpcap, the reference: every verdict fcap gives is held against what
// libpcap's own compiler (pcap_compile) and interpreter (bpf_filter) give,
// and fcc's -d text against libpcap's bpf_image.  The one place in the
// library that calls them; fcc's replay, the kernel replay, the tests and the
// benchmarks all come through here.
#pragma once

#include "fcap/cbpf.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::reference {

// libpcap's PCAP_NETMASK_UNKNOWN: `ip broadcast` is refused without a netmask.
inline constexpr std::uint32_t unknown_netmask = 0xffffffff;

// libpcap's program for `expression` on link type `dlt` (pcap_compile);
// nullopt with *error set to libpcap's message when it refuses.
std::optional<std::vector<cbpf::Insn>> compile(const std::string& expression, int dlt, std::uint32_t snaplen,
                                               std::string* error, bool optimize = true,
                                               std::uint32_t netmask = unknown_netmask);

// bpf_filter: the program's return value on a packet of `caplen` captured
// bytes out of `wirelen` (0: rejected).
std::uint32_t run(const std::vector<cbpf::Insn>& program, const std::uint8_t* packet, std::uint32_t caplen,
                  std::uint32_t wirelen);

// bpf_image: one instruction as tcpdump -d prints it.
std::string image(const cbpf::Insn& insn, int index);

}  // namespace fcap::reference
