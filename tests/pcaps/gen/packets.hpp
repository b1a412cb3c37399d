// Byte-by-byte packet builders for the test captures.  Deterministic: the
// same program always writes the same files.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace fcap::gen {

using Bytes = std::vector<std::uint8_t>;

Bytes operator+(Bytes a, const Bytes& b);
Bytes u8(std::uint32_t v);
Bytes u16(std::uint32_t v);
Bytes u32(std::uint32_t v);
Bytes zeros(std::size_t n);
Bytes mac(const std::string& text);     // "00:11:22:33:44:55"
Bytes ip4(const std::string& text);     // "10.0.0.1"
Bytes ip6(const std::string& text);     // "2001:db8::1"

Bytes ethernet(const Bytes& dst, const Bytes& src, std::uint16_t type, const Bytes& payload);
Bytes vlan_tag(std::uint16_t tpid, std::uint16_t vid);  // TPID + TCI, prepend before the inner type
Bytes llc(std::uint8_t dsap, std::uint8_t ssap, std::uint8_t control, const Bytes& payload);
Bytes snap(std::uint32_t oui, std::uint16_t type, const Bytes& payload);
Bytes ethernet_802_3(const Bytes& dst, const Bytes& src, const Bytes& llc_frame);

struct Ip4Options {
    Bytes options;               // padded to 4 bytes by the builder
    std::uint16_t fragment = 0;  // flags and offset field
    std::uint8_t ttl = 64;
    std::uint16_t id = 1;
};
Bytes ipv4(const std::string& src, const std::string& dst, std::uint8_t proto, const Bytes& payload,
           const Ip4Options& o = {});
Bytes ipv6(const std::string& src, const std::string& dst, std::uint8_t next, const Bytes& payload,
           std::uint8_t hop_limit = 64);
Bytes ipv6_ext(std::uint8_t next, std::size_t length_units, const Bytes& body = {});  // hop/dst/routing
Bytes ipv6_fragment(std::uint8_t next, std::uint16_t offset_flags, std::uint32_t id);
Bytes ah(std::uint8_t next, std::size_t payload_len_words);
Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, const Bytes& payload = {},
          std::uint32_t seq = 1000, std::uint32_t ack = 0, const Bytes& options = {});
Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload = {});
Bytes sctp(std::uint16_t sport, std::uint16_t dport);
Bytes icmp(std::uint8_t type, std::uint8_t code, const Bytes& payload = zeros(8));
Bytes icmp6(std::uint8_t type, std::uint8_t code, const Bytes& payload = zeros(8));
Bytes arp(std::uint16_t op, const std::string& sha, const std::string& spa, const std::string& tha,
          const std::string& tpa);
Bytes mpls(std::uint32_t label, bool bottom, std::uint8_t ttl = 64);
Bytes pppoe_session(std::uint16_t session, std::uint16_t ppp_proto, const Bytes& payload);
Bytes pppoe_discovery(std::uint8_t code, std::uint16_t session);
Bytes geneve(std::uint32_t vni, std::uint16_t proto, const Bytes& inner, std::size_t option_words = 0);
Bytes linux_sll(std::uint16_t pkttype, std::uint16_t proto, const Bytes& payload);
Bytes linux_sll2(std::uint16_t proto, std::uint32_t ifindex, std::uint8_t pkttype, const Bytes& payload);

}  // namespace fcap::gen
