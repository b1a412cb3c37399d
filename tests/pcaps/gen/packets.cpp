#include "packets.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>

namespace fcap::gen {

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
Bytes u8(std::uint32_t v) { return {std::uint8_t(v)}; }
Bytes u16(std::uint32_t v) { return {std::uint8_t(v >> 8), std::uint8_t(v)}; }
Bytes u32(std::uint32_t v) { return {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)}; }
Bytes zeros(std::size_t n) { return Bytes(n, 0); }

Bytes mac(const std::string& text) {
    unsigned b[6] = {};
    std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]);
    Bytes out;
    for (unsigned v : b) out.push_back(std::uint8_t(v));
    return out;
}

Bytes ip4(const std::string& text) {
    Bytes out(4);
    inet_pton(AF_INET, text.c_str(), out.data());
    return out;
}

Bytes ip6(const std::string& text) {
    Bytes out(16);
    inet_pton(AF_INET6, text.c_str(), out.data());
    return out;
}

Bytes ethernet(const Bytes& dst, const Bytes& src, std::uint16_t type, const Bytes& payload) {
    return dst + src + u16(type) + payload;
}

Bytes vlan_tag(std::uint16_t tpid, std::uint16_t vid) { return u16(tpid) + u16(vid); }

Bytes llc(std::uint8_t dsap, std::uint8_t ssap, std::uint8_t control, const Bytes& payload) {
    return u8(dsap) + u8(ssap) + u8(control) + payload;
}

Bytes snap(std::uint32_t oui, std::uint16_t type, const Bytes& payload) {
    return Bytes{0xaa, 0xaa, 0x03} + Bytes{std::uint8_t(oui >> 16), std::uint8_t(oui >> 8), std::uint8_t(oui)} +
           u16(type) + payload;
}

Bytes ethernet_802_3(const Bytes& dst, const Bytes& src, const Bytes& frame) {
    return dst + src + u16(std::uint32_t(frame.size())) + frame;
}

static std::uint16_t checksum(const Bytes& b) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += std::uint32_t(b[i] << 8 | b[i + 1]);
    if (b.size() % 2) sum += std::uint32_t(b.back() << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(~sum);
}

Bytes ipv4(const std::string& src, const std::string& dst, std::uint8_t proto, const Bytes& payload,
           const Ip4Options& o) {
    Bytes options = o.options;
    while (options.size() % 4) options.push_back(0);
    std::size_t header = 20 + options.size();
    Bytes h = u8(0x40 | std::uint8_t(header / 4)) + u8(0) + u16(std::uint32_t(header + payload.size())) + u16(o.id) +
              u16(o.fragment) + u8(o.ttl) + u8(proto) + u16(0) + ip4(src) + ip4(dst) + options;
    std::uint16_t c = checksum(h);
    h[10] = std::uint8_t(c >> 8);
    h[11] = std::uint8_t(c);
    return h + payload;
}

Bytes ipv6(const std::string& src, const std::string& dst, std::uint8_t next, const Bytes& payload,
           std::uint8_t hop_limit) {
    return u32(0x60000000) + u16(std::uint32_t(payload.size())) + u8(next) + u8(hop_limit) + ip6(src) + ip6(dst) +
           payload;
}

Bytes ipv6_ext(std::uint8_t next, std::size_t units, const Bytes& body) {
    Bytes b = u8(next) + u8(std::uint32_t(units)) + body;
    b.resize(8 * (units + 1), 0);
    return b;
}

Bytes ipv6_fragment(std::uint8_t next, std::uint16_t offset_flags, std::uint32_t id) {
    return u8(next) + u8(0) + u16(offset_flags) + u32(id);
}

Bytes ah(std::uint8_t next, std::size_t words) {
    Bytes b = u8(next) + u8(std::uint32_t(words)) + u16(0) + u32(0x1000) + u32(1);
    b.resize(4 * (words + 2), 0);
    return b;
}

Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, const Bytes& payload, std::uint32_t seq,
          std::uint32_t ack, const Bytes& options) {
    Bytes opts = options;
    while (opts.size() % 4) opts.push_back(1);
    std::size_t offset = (20 + opts.size()) / 4;
    return u16(sport) + u16(dport) + u32(seq) + u32(ack) + u8(std::uint8_t(offset << 4)) + u8(flags) + u16(65535) +
           u16(0) + u16(0) + opts + payload;
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
    return u16(sport) + u16(dport) + u16(std::uint32_t(8 + payload.size())) + u16(0) + payload;
}

Bytes sctp(std::uint16_t sport, std::uint16_t dport) { return u16(sport) + u16(dport) + u32(1) + u32(0) + zeros(16); }

Bytes icmp(std::uint8_t type, std::uint8_t code, const Bytes& payload) {
    Bytes b = u8(type) + u8(code) + u16(0) + payload;
    std::uint16_t c = checksum(b);
    b[2] = std::uint8_t(c >> 8);
    b[3] = std::uint8_t(c);
    return b;
}

Bytes icmp6(std::uint8_t type, std::uint8_t code, const Bytes& payload) { return u8(type) + u8(code) + u16(0) + payload; }

Bytes arp(std::uint16_t op, const std::string& sha, const std::string& spa, const std::string& tha,
          const std::string& tpa) {
    return u16(1) + u16(0x0800) + u8(6) + u8(4) + u16(op) + mac(sha) + ip4(spa) + mac(tha) + ip4(tpa);
}

Bytes mpls(std::uint32_t label, bool bottom, std::uint8_t ttl) {
    return u32(label << 12 | (bottom ? 0x100u : 0u) | ttl);
}

Bytes pppoe_session(std::uint16_t session, std::uint16_t ppp_proto, const Bytes& payload) {
    return u8(0x11) + u8(0) + u16(session) + u16(std::uint32_t(payload.size() + 2)) + u16(ppp_proto) + payload;
}

Bytes pppoe_discovery(std::uint8_t code, std::uint16_t session) {
    return u8(0x11) + u8(code) + u16(session) + u16(4) + u16(0x0101) + u16(0);
}

Bytes geneve(std::uint32_t vni, std::uint16_t proto, const Bytes& inner, std::size_t option_words) {
    Bytes options;
    for (std::size_t i = 0; i < option_words; ++i) options = options + u32(0x01020300u + std::uint32_t(i));
    return u8(std::uint8_t(option_words & 0x3f)) + u8(0) + u16(proto) + u32(vni << 8) + options + inner;
}

Bytes linux_sll(std::uint16_t pkttype, std::uint16_t proto, const Bytes& payload) {
    return u16(pkttype) + u16(1) + u16(6) + mac("00:11:22:33:44:55") + u16(0) + u16(proto) + payload;
}

Bytes linux_sll2(std::uint16_t proto, std::uint32_t ifindex, std::uint8_t pkttype, const Bytes& payload) {
    return u16(proto) + u16(0) + u32(ifindex) + u16(1) + u8(pkttype) + u8(6) + mac("00:11:22:33:44:55") + u16(0) +
           payload;
}

}  // namespace fcap::gen
