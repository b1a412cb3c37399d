// Small pieces of IP plumbing the test network's traffic needs: a socket
// address from a numeric host, and the Internet checksum (RFC 1071).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fcap::tools {

// `host` (numeric IPv4 or IPv6, by `family`) and `port` into `out`; returns
// the address's length for sendto/connect.
socklen_t socket_address(int family, const std::string& host, std::uint16_t port, sockaddr_storage& out);

// The ones' complement of the ones' complement sum of `n` bytes, as an IPv4
// header or an ICMP message carries it.
std::uint16_t internet_checksum(const std::uint8_t* p, std::size_t n);

// Sends `count` UDP datagrams "PREFIX 0", "PREFIX 1", ... to 127.0.0.1:port
// (the live capture tests' traffic, inside their own namespace); how many
// went out.
int send_udp_to_loopback(std::uint16_t port, int count, const std::string& prefix);

// Appends `v` in network byte order: the frames tests build by hand.
inline void put16(std::vector<std::uint8_t>& b, std::uint16_t v) {
    b.push_back(std::uint8_t(v >> 8));
    b.push_back(std::uint8_t(v));
}

}  // namespace fcap::tools
