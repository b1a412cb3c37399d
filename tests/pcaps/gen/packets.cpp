#include "packets.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace fcap::gen {

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}
Bytes u8(std::uint32_t v) { return {std::uint8_t(v)}; }
Bytes u16(std::uint32_t v) { return {std::uint8_t(v >> 8), std::uint8_t(v)}; }
Bytes u32(std::uint32_t v) { return {std::uint8_t(v >> 24), std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)}; }
Bytes zeros(std::size_t n) { return Bytes(n, 0); }
Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

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

std::uint16_t checksum(const Bytes& b) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += std::uint32_t(b[i] << 8 | b[i + 1]);
    if (b.size() % 2) sum += std::uint32_t(b.back() << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(~sum);
}

namespace {

void put16(Bytes& b, std::size_t at, std::uint16_t v) {
    b[at] = std::uint8_t(v >> 8);
    b[at + 1] = std::uint8_t(v);
}

// Where a protocol whose checksum covers the IP pseudo-header keeps it; -1
// for the others.  VRRPv3 (RFC 5798) and PIM over IPv6 (RFC 7761) cover it;
// VRRPv2 and PIM over IPv4 do not.
int checksum_offset(std::uint8_t proto, const Bytes& packet, std::size_t at, bool v6) {
    switch (proto) {
    case 6: return 16;   // TCP
    case 17: return 6;   // UDP
    case 58: return 2;   // ICMPv6
    case 103: return v6 ? 2 : -1;
    case 112: return at < packet.size() && packet[at] >> 4 == 3 ? 6 : -1;
    default: return -1;
    }
}

// Fills the checksum of the transport header at `at` in `packet`, given the
// pseudo-header's address bytes.
void fill_transport_checksum(Bytes& packet, std::size_t at, std::uint8_t proto, const Bytes& addresses) {
    int field = checksum_offset(proto, packet, at, addresses.size() == 32);
    if (field < 0 || packet.size() < at + std::size_t(field) + 2) return;
    std::size_t length = packet.size() - at;
    put16(packet, at + std::size_t(field), 0);
    Bytes pseudo = addresses + (addresses.size() == 8 ? u8(0) + u8(proto) + u16(std::uint32_t(length))
                                                       : u32(std::uint32_t(length)) + u32(proto));
    std::uint16_t c = checksum(pseudo + Bytes(packet.begin() + long(at), packet.end()));
    if (proto == 17 && c == 0) c = 0xffff;  // 0 means "no checksum" in UDP
    put16(packet, at + std::size_t(field), c);
}

// The pseudo-header's destination: the last hop of a loose or strict
// source route option (RFC 791), as the sender computes it.
Bytes final_destination(const Bytes& options, const Bytes& dst) {
    for (std::size_t i = 0; i < options.size();) {
        std::uint8_t type = options[i];
        if (type == 0) break;
        if (type == 1) {
            ++i;
            continue;
        }
        if (i + 1 >= options.size() || options[i + 1] < 2) break;
        std::size_t len = options[i + 1];
        if ((type == 131 || type == 137) && len >= 7 && i + len <= options.size())
            return Bytes(options.begin() + long(i + len - 4), options.begin() + long(i + len));
        i += len;
    }
    return dst;
}

}  // namespace

// ---- Link layers ----------------------------------------------------------

Bytes ethernet(const Bytes& dst, const Bytes& src, std::uint16_t type, const Bytes& payload) {
    return dst + src + u16(type) + payload;
}

Bytes vlan_tag(std::uint16_t tpid, std::uint16_t vid, std::uint8_t pcp, bool dei) {
    return u16(tpid) + u16(std::uint32_t(pcp & 7) << 13 | (dei ? 0x1000u : 0u) | (vid & 0x0fffu));
}

Bytes llc(std::uint8_t dsap, std::uint8_t ssap, std::uint8_t control, const Bytes& payload) {
    return u8(dsap) + u8(ssap) + u8(control) + payload;
}

Bytes llc16(std::uint8_t dsap, std::uint8_t ssap, std::uint16_t control, const Bytes& payload) {
    // Two-byte control of I and S frames, sent low byte first (802.2).
    return u8(dsap) + u8(ssap) + u8(control & 0xff) + u8(control >> 8) + payload;
}

Bytes snap(std::uint32_t oui, std::uint16_t type, const Bytes& payload) {
    return Bytes{0xaa, 0xaa, 0x03} + Bytes{std::uint8_t(oui >> 16), std::uint8_t(oui >> 8), std::uint8_t(oui)} +
           u16(type) + payload;
}

Bytes ethernet_802_3(const Bytes& dst, const Bytes& src, const Bytes& frame) {
    return dst + src + u16(std::uint32_t(frame.size())) + frame;
}

static Bytes sll_address(const Bytes& address) {
    Bytes a = address;
    a.resize(8, 0);
    return a;
}

Bytes linux_sll(std::uint16_t pkttype, std::uint16_t proto, const Bytes& payload, const Bytes& address,
                std::uint16_t hatype) {
    return u16(pkttype) + u16(hatype) + u16(std::uint32_t(address.size())) + sll_address(address) + u16(proto) +
           payload;
}

Bytes linux_sll2(std::uint16_t proto, std::uint32_t ifindex, std::uint8_t pkttype, const Bytes& payload,
                 const Bytes& address, std::uint16_t hatype) {
    return u16(proto) + u16(0) + u32(ifindex) + u16(hatype) + u8(pkttype) + u8(std::uint32_t(address.size())) +
           sll_address(address) + payload;
}

// ---- Encapsulations -------------------------------------------------------

Bytes mpls(std::uint32_t label, bool bottom, std::uint8_t ttl, std::uint8_t tc) {
    return u32((label & 0xfffff) << 12 | std::uint32_t(tc & 7) << 9 | (bottom ? 0x100u : 0u) | ttl);
}

Bytes pppoe_session(std::uint16_t session, std::uint16_t ppp_proto, const Bytes& payload) {
    return u8(0x11) + u8(0) + u16(session) + u16(std::uint32_t(payload.size() + 2)) + u16(ppp_proto) + payload;
}

Bytes pppoe_discovery(std::uint8_t code, std::uint16_t session, const Bytes& tags) {
    Bytes t = tags.empty() ? u16(0x0101) + u16(0) : tags;  // Service-Name, empty
    return u8(0x11) + u8(code) + u16(session) + u16(std::uint32_t(t.size())) + t;
}

Bytes geneve(std::uint32_t vni, std::uint16_t proto, const Bytes& inner, std::size_t option_words,
             std::uint8_t version) {
    Bytes options;
    if (option_words > 0) {  // one option: class 0x0102, type 3, filling the words given
        options = u16(0x0102) + u8(3) + u8(std::uint32_t(option_words - 1));
        for (std::size_t i = 1; i < option_words; ++i) options = options + u32(0xa0a0a000u + std::uint32_t(i));
    }
    return u8(std::uint32_t(version & 3) << 6 | (option_words & 0x3f)) + u8(0) + u16(proto) + u32(vni << 8) +
           options + inner;
}

Bytes gre(std::uint16_t proto, const Bytes& inner) { return u16(0) + u16(proto) + inner; }

// ---- IPv4 and IPv6 --------------------------------------------------------

Bytes ipv4(const std::string& src, const std::string& dst, std::uint8_t proto, const Bytes& payload,
           const Ip4Options& o) {
    Bytes options = o.options;
    while (options.size() % 4) options.push_back(0);
    std::size_t header = 20 + options.size();
    std::uint8_t ihl = o.ihl >= 0 ? std::uint8_t(o.ihl) : std::uint8_t(header / 4);
    Bytes h = u8(0x40 | ihl) + u8(o.tos) + u16(std::uint32_t(header + payload.size())) + u16(o.id) + u16(o.fragment) +
              u8(o.ttl) + u8(proto) + u16(0) + ip4(src) + ip4(dst) + options;
    put16(h, 10, checksum(h));
    Bytes packet = h + payload;
    if ((o.fragment & 0x3fff) == 0 && o.ihl < 0)
        fill_transport_checksum(packet, header, proto, ip4(src) + final_destination(options, ip4(dst)));
    return packet;
}

Bytes ipv6(const std::string& src, const std::string& dst, std::uint8_t next, const Bytes& payload,
           std::uint8_t hop_limit) {
    Bytes packet = u32(0x60000000) + u16(std::uint32_t(payload.size())) + u8(next) + u8(hop_limit) + ip6(src) +
                   ip6(dst) + payload;
    std::size_t at = 40;
    for (int hops = 0; hops < 8 && at + 2 <= packet.size(); ++hops) {
        if (next == 0 || next == 43 || next == 60) {
            std::size_t len = (std::size_t(packet[at + 1]) + 1) * 8;
            next = packet[at];
            at += len;
        } else if (next == 44) {
            if (at + 8 > packet.size() || (packet[at + 2] << 8 | packet[at + 3]) != 0) return packet;  // a real fragment
            next = packet[at];
            at += 8;
        } else if (next == 51) {
            std::size_t len = (std::size_t(packet[at + 1]) + 2) * 4;
            next = packet[at];
            at += len;
        } else {
            break;
        }
    }
    if (at <= packet.size()) fill_transport_checksum(packet, at, next, ip6(src) + ip6(dst));
    return packet;
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

Bytes esp(std::uint32_t spi, std::size_t body) { return u32(spi) + u32(1) + Bytes(body, 0x5a); }

// ---- Transport and control ------------------------------------------------

Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint8_t flags, const Bytes& payload, const TcpOptions& o) {
    Bytes opts = o.options;
    while (opts.size() % 4) opts.push_back(1);
    std::size_t offset = o.data_offset >= 0 ? std::size_t(o.data_offset) : (20 + opts.size()) / 4;
    return u16(sport) + u16(dport) + u32(o.seq) + u32(o.ack) + u8(std::uint8_t(offset << 4)) + u8(flags) +
           u16(65535) + u16(0) + u16(flags & tcp_flag::urg ? 1 : 0) + opts + payload;
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
    return u16(sport) + u16(dport) + u16(std::uint32_t(8 + payload.size())) + u16(0) + payload;
}

Bytes sctp(std::uint16_t sport, std::uint16_t dport, std::uint8_t chunk) {
    // Common header, then one chunk (INIT by default) of 20 bytes.
    return u16(sport) + u16(dport) + u32(0) + u32(0) + u8(chunk) + u8(0) + u16(20) + zeros(16);
}

Bytes icmp(std::uint8_t type, std::uint8_t code, const Bytes& payload) {
    Bytes b = u8(type) + u8(code) + u16(0) + payload;
    put16(b, 2, checksum(b));
    return b;
}

Bytes icmp6(std::uint8_t type, std::uint8_t code, const Bytes& payload) { return u8(type) + u8(code) + u16(0) + payload; }

Bytes igmp(std::uint8_t type, std::uint8_t max_resp, const std::string& group) {
    Bytes b = u8(type) + u8(max_resp) + u16(0) + ip4(group);
    put16(b, 2, checksum(b));
    return b;
}

Bytes pim(std::uint8_t type, const Bytes& body) {
    Bytes b = u8(0x20 | (type & 0x0f)) + u8(0) + u16(0) + body;  // version 2
    put16(b, 2, checksum(b));
    return b;
}

Bytes vrrp(std::uint8_t version, std::uint8_t vrid, const std::string& address) {
    Bytes b = u8(std::uint32_t(version) << 4 | 1) + u8(vrid) + u8(100) + u8(1) + u16(version == 3 ? 100 : 0x0101) +
              u16(0) + ip4(address);
    if (version == 2) b = b + zeros(8);  // authentication data
    put16(b, 6, checksum(b));
    return b;
}

Bytes arp(std::uint16_t op, const std::string& sha, const std::string& spa, const std::string& tha,
          const std::string& tpa, std::uint16_t hardware, std::uint16_t protocol) {
    return u16(hardware) + u16(protocol) + u8(6) + u8(4) + u16(op) + mac(sha) + ip4(spa) + mac(tha) + ip4(tpa);
}

}  // namespace fcap::gen
