// The known mix of traffic the live tests send across the veth pair: TCP
// connections (with data, a refused port), UDP (one port answered with
// ICMP port unreachable), ICMP and ICMPv6 echoes, IPv6 UDP, and frames
// with 802.1Q and 802.1ad tags written through a raw packet socket.  Every
// count is fixed.
#pragma once

#include "support/netns/netns.hpp"

#include <cstdint>
#include <vector>

namespace fcap::test {

// Accepts connections on the TCP ports and reads them to the end, for
// `seconds`.  Run inside the right namespace.
int serve_tcp(const std::vector<std::uint16_t>& ports, int seconds);

// Sends the mix from the left namespace (run inside it).  0 on success.
int send_mix(const tools::VethLab& lab);

// One Ethernet frame with the given tags (TPID, TCI pairs, outermost
// first) around an IPv4 UDP datagram to `port`.
std::vector<std::uint8_t> tagged_udp_frame(const tools::VethLab& lab,
                                           const std::vector<std::pair<std::uint16_t, std::uint16_t>>& tags,
                                           std::uint16_t port, std::size_t payload);

}  // namespace fcap::test
