// Small pieces of IP plumbing the test network's traffic needs: a socket
// address from a numeric host, and the Internet checksum (RFC 1071).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace fcap::tools {

// `host` (numeric IPv4 or IPv6, by `family`) and `port` into `out`; returns
// the address's length for sendto/connect.
socklen_t socket_address(int family, const std::string& host, std::uint16_t port, sockaddr_storage& out);

// The ones' complement of the ones' complement sum of `n` bytes, as an IPv4
// header or an ICMP message carries it.
std::uint16_t internet_checksum(const std::uint8_t* p, std::size_t n);

}  // namespace fcap::tools
