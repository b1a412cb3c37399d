// Byte-by-byte packet builders for the test captures.  Each builder returns
// the bytes of one header followed by its payload; an outer builder wraps an
// inner one.  Deterministic: the same calls always give the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fcap::gen {

using Bytes = std::vector<std::uint8_t>;

Bytes operator+(Bytes a, const Bytes& b);
Bytes u8(std::uint32_t v);
Bytes u16(std::uint32_t v);
Bytes u32(std::uint32_t v);
Bytes zeros(std::size_t n);
Bytes text(const std::string& s);       // the characters, no terminator
Bytes mac(const std::string& text);     // "00:11:22:33:44:55"
Bytes ip4(const std::string& text);     // "10.0.0.1"
Bytes ip6(const std::string& text);     // "2001:db8::1"

// The Internet checksum (RFC 1071) of `b`.
std::uint16_t checksum(const Bytes& b);

// ---- Link layers ----------------------------------------------------------

Bytes ethernet(const Bytes& dst, const Bytes& src, std::uint16_t type, const Bytes& payload);
// TPID + TCI; prepend before the inner type.  `pcp` and `dei` fill the bits
// above the VLAN ID, which a `vlan N` filter must mask off.
Bytes vlan_tag(std::uint16_t tpid, std::uint16_t vid, std::uint8_t pcp = 0, bool dei = false);
Bytes llc(std::uint8_t dsap, std::uint8_t ssap, std::uint8_t control, const Bytes& payload);
Bytes llc16(std::uint8_t dsap, std::uint8_t ssap, std::uint16_t control, const Bytes& payload);  // I and S frames
Bytes snap(std::uint32_t oui, std::uint16_t type, const Bytes& payload);
// 802.3: the type field holds the length of `frame`.
Bytes ethernet_802_3(const Bytes& dst, const Bytes& src, const Bytes& frame);
// Linux cooked headers.  SLL: packet type, ARPHRD type, address (length
// kept, padded to 8), protocol.  SLL2 moves the protocol first and adds the
// interface index.
Bytes linux_sll(std::uint16_t pkttype, std::uint16_t proto, const Bytes& payload,
                const Bytes& address = mac("00:11:22:33:44:55"), std::uint16_t hatype = 1);
Bytes linux_sll2(std::uint16_t proto, std::uint32_t ifindex, std::uint8_t pkttype, const Bytes& payload,
                 const Bytes& address = mac("00:11:22:33:44:55"), std::uint16_t hatype = 1);

// ---- Encapsulations -------------------------------------------------------

Bytes mpls(std::uint32_t label, bool bottom, std::uint8_t ttl = 64, std::uint8_t tc = 0);
Bytes pppoe_session(std::uint16_t session, std::uint16_t ppp_proto, const Bytes& payload);
Bytes pppoe_discovery(std::uint8_t code, std::uint16_t session, const Bytes& tags = {});
// `option_words` 4-byte words of options (the 6-bit length field);
// `version` goes in the top two bits, which libpcap requires to be 0.
Bytes geneve(std::uint32_t vni, std::uint16_t proto, const Bytes& inner, std::size_t option_words = 0,
             std::uint8_t version = 0);
Bytes gre(std::uint16_t proto, const Bytes& inner);

// ---- IPv4 and IPv6 --------------------------------------------------------

struct Ip4Options {
    Bytes options;               // padded with EOL to 4 bytes by the builder
    std::uint16_t fragment = 0;  // flags (0x4000 DF, 0x2000 MF) and offset in 8-byte units
    std::uint8_t ttl = 64;
    std::uint16_t id = 1;
    std::uint8_t tos = 0;
    int ihl = -1;                // forced header-length nibble (a malformed header); -1: computed
};
// Fills the header checksum, and the TCP/UDP checksum of an unfragmented
// payload.
Bytes ipv4(const std::string& src, const std::string& dst, std::uint8_t proto, const Bytes& payload,
           const Ip4Options& o = {});
// Fills the TCP/UDP/ICMPv6 checksum when it can walk the extension headers
// to it (hop-by-hop, routing, destination options, AH, an atomic fragment).
Bytes ipv6(const std::string& src, const std::string& dst, std::uint8_t next, const Bytes& payload,
           std::uint8_t hop_limit = 64);
// Hop-by-hop, routing or destination options: `units` 8-byte units beyond
// the first 8, `body` after next-header and length, padded with zeros.
Bytes ipv6_ext(std::uint8_t next, std::size_t units, const Bytes& body = {});
// offset_flags: offset in 8-byte units << 3 | M flag.
Bytes ipv6_fragment(std::uint8_t next, std::uint16_t offset_flags, std::uint32_t id);
// AH (IPv4 and IPv6): length in 4-byte words minus 2.
Bytes ah(std::uint8_t next, std::size_t payload_len_words);
Bytes esp(std::uint32_t spi, std::size_t body);

// ---- Transport and control ------------------------------------------------

namespace tcp_flag {
constexpr std::uint8_t fin = 0x01, syn = 0x02, rst = 0x04, push = 0x08, ack = 0x10, urg = 0x20, ece = 0x40,
                       cwr = 0x80;
}
struct TcpOptions {
    Bytes options;                // padded with NOP to 4 bytes
    std::uint32_t seq = 1000, ack = 0;
    int data_offset = -1;         // forced offset nibble (malformed); -1: computed
};
Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, const Bytes& payload = {},
          const TcpOptions& o = {});
Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload = {});
Bytes sctp(std::uint16_t sport, std::uint16_t dport, std::uint8_t chunk = 1);
Bytes icmp(std::uint8_t type, std::uint8_t code, const Bytes& payload = zeros(8));
Bytes icmp6(std::uint8_t type, std::uint8_t code, const Bytes& payload = zeros(8));  // checksum by ipv6()
Bytes igmp(std::uint8_t type, std::uint8_t max_resp, const std::string& group);
Bytes pim(std::uint8_t type, const Bytes& body = zeros(4));
Bytes vrrp(std::uint8_t version, std::uint8_t vrid, const std::string& address);
Bytes arp(std::uint16_t op, const std::string& sha, const std::string& spa, const std::string& tha,
          const std::string& tpa, std::uint16_t hardware = 1, std::uint16_t protocol = 0x0800);

}  // namespace fcap::gen
