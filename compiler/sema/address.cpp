// Hosts and networks: IPv4, IPv6, Ethernet and DECnet addresses, by number
// or by name (libpcap's gen_host, gen_host6, gen_ehostop, gen_ncode,
// gen_mcode, gen_mcode6, gen_ecode and the host part of gen_scode).
#include "sema/analyzer.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/ether.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <vector>

namespace fcap::sema {

namespace {

constexpr std::uint32_t ethertype_ip = 0x0800, ethertype_arp = 0x0806, ethertype_rarp = 0x8035,
                        ethertype_ip6 = 0x86dd, ethertype_decnet = 0x6003;

// libpcap's __pcap_atoin: "10.1.2" is 0x0a0102 with 24 significant bits.
int dotted_to_number(const std::string& s, std::uint32_t& out) {
    out = 0;
    int bits = 0;
    std::size_t i = 0;
    for (;;) {
        std::uint32_t n = 0;
        bool digits = false;
        while (i < s.size() && s[i] != '.') {
            if (s[i] < '0' || s[i] > '9' || n > 25) return -1;
            n = n * 10 + std::uint32_t(s[i++] - '0');
            digits = true;
        }
        if (!digits || n > 255 || bits == 32) return -1;
        out = out << 8 | n;
        bits += 8;
        if (i == s.size()) return bits;
        ++i;
    }
}

// libpcap's __pcap_atodn: DECnet "area.node".
bool decnet_address(const std::string& s, std::uint32_t& out) {
    unsigned area = 0, node = 0;
    // libpcap (__pcap_atodn) reads "area.node" and ignores what follows,
    // so `decnet host 10.0.0.1` is area 10, node 0.
    if (std::sscanf(s.c_str(), "%u.%u", &area, &node) != 2) return false;
    out = ((area << 10) & 0xfc00) | (node & 0x3ff);
    return true;
}

std::uint32_t swap16(std::uint32_t v) { return ((v & 0xff) << 8) | ((v >> 8) & 0xff); }

}  // namespace

// One address family's src/dst/and/or, with the link-layer check first in
// each half (libpcap's gen_hostop).
static PredId hostop(Analyzer& a, std::optional<ast::Dir> dir, diag::Span where,
                     const std::function<PredId(bool src)>& side) {
    ast::Dir d = dir.value_or(ast::Dir::src_or_dst);
    switch (d) {
    case ast::Dir::src: return side(true);
    case ast::Dir::dst: return side(false);
    case ast::Dir::src_and_dst: {
        PredId s = side(true);
        if (s == bad) return bad;
        PredId t = side(false);
        return t == bad ? bad : a.all(s, t);
    }
    case ast::Dir::src_or_dst: {
        PredId s = side(true);
        if (s == bad) return bad;
        PredId t = side(false);
        return t == bad ? bad : a.any(s, t);
    }
    default:
        return a.error(where, "'" + std::string(dir_name(d)) + "' applies only to 802.11 MAC addresses");
    }
}

PredId Analyzer::host(std::uint32_t addr, std::uint32_t mask, std::optional<ast::Proto> proto,
                      std::optional<ast::Dir> dir, bool net, diag::Span where) {
    const char* what = net ? "net" : "host";
    auto v4 = [&](std::uint32_t ethertype, std::uint32_t src_off, std::uint32_t dst_off) {
        return hostop(*this, dir, where, [&](bool src) {
            PredId type = linktype(ethertype);
            if (type == bad) return bad;
            // A zero mask compares nothing: libpcap still loads the word
            // (its optimizer then drops the load; fold_constants does too).
            PredId match = masked_cmp(Region::network, src ? src_off : dst_off, 4, addr, mask);
            return all(type, match);
        });
    };
    if (!proto) {
        PredId b = v4(ethertype_ip, 12, 16);
        // Inside MPLS only IP can be there (libpcap skips ARP and RARP).
        if (b == bad || layout_.label_depth > 0) return b;
        PredId arp = v4(ethertype_arp, 14, 24);
        if (arp == bad) return bad;
        PredId rarp = v4(ethertype_rarp, 14, 24);
        return rarp == bad ? bad : any(any(b, arp), rarp);
    }
    switch (*proto) {
    case ast::Proto::ip: return v4(ethertype_ip, 12, 16);
    case ast::Proto::arp: return v4(ethertype_arp, 14, 24);
    case ast::Proto::rarp: return v4(ethertype_rarp, 14, 24);
    case ast::Proto::decnet:
        return hostop(*this, dir, where, [&](bool src) {
            // DECnet routing headers, long and short, with and without a pad byte.
            std::uint32_t sh = src ? 3 : 1, lh = src ? 15 : 7;
            std::uint32_t a16 = swap16(addr);
            PredId pad1_long = all(masked_cmp(Region::network, 2, 2, swap16(0x0681), swap16(0x07ff)),
                                   cmp(Region::network, 2 + 1 + lh, 2, a16));
            PredId pad0_long =
                all(masked_cmp(Region::network, 2, 1, 0x06, 0x07), cmp(Region::network, 2 + lh, 2, a16));
            PredId pad1_short = all(masked_cmp(Region::network, 2, 2, swap16(0x0281), swap16(0x07ff)),
                                    cmp(Region::network, 2 + 1 + sh, 2, a16));
            PredId pad0_short =
                all(masked_cmp(Region::network, 2, 1, 0x02, 0x07), cmp(Region::network, 2 + sh, 2, a16));
            PredId type = linktype(ethertype_decnet);
            if (type == bad) return bad;
            return all(type, any(pad0_short, any(pad1_short, any(pad0_long, pad1_long))));
        });
    case ast::Proto::link: return error(where, std::string("an IPv4 address cannot be a link-layer ") + what,
                                        "drop `ether`, or give a MAC address");
    case ast::Proto::ip6: return error(where, std::string("'ip6' applied to an IPv4 ") + what);
    default:
        return error(where, "'" + std::string(proto_name(*proto)) + "' cannot qualify a " + what,
                     "use ip, arp, rarp or no protocol before `" + std::string(what) + "`");
    }
}

PredId Analyzer::host6(const std::array<std::uint8_t, 16>& addr, const std::array<std::uint8_t, 16>& mask,
                       std::optional<ast::Proto> proto, std::optional<ast::Dir> dir, bool net,
                       diag::Span where) {
    if (proto && *proto != ast::Proto::ip6)
        return error(where, "'" + std::string(proto_name(*proto)) + "' applied to an IPv6 " +
                                (net ? "net" : "host"),
                     "use ip6 or no protocol");
    auto word = [](const std::array<std::uint8_t, 16>& b, int i) {
        return std::uint32_t(b[i * 4]) << 24 | std::uint32_t(b[i * 4 + 1]) << 16 |
               std::uint32_t(b[i * 4 + 2]) << 8 | b[i * 4 + 3];
    };
    return hostop(*this, dir, where, [&](bool src) {
        std::uint32_t offset = src ? 8 : 24;
        PredId result = linktype(ethertype_ip6);
        if (result == bad) return bad;
        // From the last word to the first, each `and`ed in front, as
        // libpcap's gen_hostop6 builds it: the first word is tested first.
        PredId words = bad;
        for (int i = 3; i >= 0; --i) {
            PredId w = masked_cmp(Region::network, offset + 4 * std::uint32_t(i), 4, word(addr, i), word(mask, i));
            words = words == bad ? w : all(w, words);
        }
        result = all(result, words);
        return result;
    });
}

PredId Analyzer::ether_host(const std::array<std::uint8_t, 6>& mac, std::optional<ast::Dir> dir,
                            diag::Span where) {
    if (!layout_.link->mac_addresses)
        return error(where, "Ethernet addresses cannot be matched on " +
                                std::string(layout_.link->description) + " captures");
    return hostop(*this, dir, where,
                  [&](bool src) { return bytes_cmp(Region::link_header, src ? 6 : 0, mac.data(), 6); });
}

PredId Analyzer::number_id(const ast::Id& id, const Quals& q, diag::Span where) {
    bool literal = id.kind == ast::IdKind::number;
    std::uint32_t v = id.number;
    int bits = 32;
    if (!literal) {
        if (q.proto == ast::Proto::decnet) {
            if (!decnet_address(id.text, v)) return error(where, "malformed DECnet address '" + id.text + "'");
        } else {
            bits = dotted_to_number(id.text, v);
            if (bits < 0) return error(where, "invalid IPv4 address '" + id.text + "'");
        }
    }
    ast::Kind kind = q.kind.value_or(ast::Kind::host);
    if (!literal && kind != ast::Kind::host && kind != ast::Kind::net && kind != ast::Kind::gateway) {
        static const char* names[] = {"host", "net", "port", "portrange", "gateway", "proto", "protochain"};
        return error(where, "a dotted address cannot follow '" + std::string(names[int(kind)]) + "'",
                     "libpcap: \"'" + std::string(names[int(kind)]) + "' modifier applied to ip host\"");
    }
    switch (kind) {
    case ast::Kind::host:
    case ast::Kind::net: {
        if (q.proto == ast::Proto::decnet) return host(v, 0, q.proto, q.dir, kind == ast::Kind::net, where);
        if (q.proto == ast::Proto::link)
            return error(where, "'" + (literal ? std::to_string(v) : id.text) + "' is not a link-layer address",
                         "give a MAC address such as 00:11:22:33:44:55");
        std::uint32_t mask = 0xffffffff;
        if (literal && kind == ast::Kind::net) {
            // `net 10` is 10.0.0.0/8: a short network number is left-justified.
            while (v && (v & 0xff000000) == 0) {
                v <<= 8;
                mask <<= 8;
            }
        } else if (bits < 32) {
            // `host 10.1` is 10.1.0.0 with a 16-bit mask, as in libpcap.
            v <<= 32 - bits;
            mask <<= 32 - bits;
        }
        return host(v, mask, q.proto, q.dir, kind == ast::Kind::net, where);
    }
    case ast::Kind::port:
    case ast::Kind::portrange: {
        int ip_proto = -1;
        if (q.proto == ast::Proto::udp) ip_proto = 17;
        else if (q.proto == ast::Proto::tcp) ip_proto = 6;
        else if (q.proto == ast::Proto::sctp) ip_proto = 132;
        else if (q.proto) return error(where, "'" + std::string(proto_name(*q.proto)) + "' cannot qualify a port",
                                       "ports belong to tcp, udp or sctp");
        if (v > 65535) return error(where, "port " + std::to_string(v) + " is greater than 65535");
        return kind == ast::Kind::port ? port(v, ip_proto, q.dir, where) : portrange(v, v, ip_proto, q.dir, where);
    }
    case ast::Kind::gateway:
        return error(where, "'gateway' needs a host name, not a number", "write `gateway NAME`");
    case ast::Kind::proto:
        if (q.dir) return error(where, "a direction cannot qualify 'proto'");
        return ip_proto(v, q.proto, q.dir, where);
    case ast::Kind::protochain: return protochain(v, q.proto, where);
    }
    return bad;
}

PredId Analyzer::masked_id(const ast::Id& id, const Quals& q, diag::Span where) {
    std::uint32_t n = 0, m = 0;
    int bits = dotted_to_number(id.text, n);
    if (bits < 0) return error(where, "invalid IPv4 address '" + id.text + "'");
    n <<= 32 - bits;
    std::string shown;
    if (id.kind == ast::IdKind::ipv4_masked) {
        int mbits = dotted_to_number(id.mask, m);
        if (mbits < 0) return error(where, "invalid IPv4 mask '" + id.mask + "'");
        m <<= 32 - mbits;
        shown = id.text + " mask " + id.mask;
    } else {
        if (id.number > 32) return error(where, "an IPv4 prefix length is at most 32");
        m = id.number == 0 ? 0 : 0xffffffffu << (32 - id.number);
        shown = id.text + "/" + std::to_string(id.number);
    }
    if ((n & ~m) != 0)
        return error(where, "non-network bits set in \"" + shown + "\"", "the address must be the network's first");
    if (q.kind != ast::Kind::net)
        return error(where, "a mask or prefix length applies only to networks", "write `net " + shown + "`");
    return host(n, m, q.proto, q.dir, true, where);
}

PredId Analyzer::ipv6_id(const ast::Id& id, const Quals& q, diag::Span where) {
    std::array<std::uint8_t, 16> addr{}, mask{};
    if (inet_pton(AF_INET6, id.text.c_str(), addr.data()) != 1)
        return error(where, "invalid IPv6 address '" + id.text + "'");
    std::uint32_t len = id.kind == ast::IdKind::ipv6_cidr ? id.number : 128;
    if (len > 128) return error(where, "an IPv6 prefix length is at most 128");
    for (std::uint32_t i = 0; i < len / 8; ++i) mask[i] = 0xff;
    if (len % 8) mask[len / 8] = std::uint8_t(0xff << (8 - len % 8));
    for (int i = 0; i < 16; ++i)
        if (addr[i] & ~mask[i])
            return error(where, "non-network bits set in \"" + id.text + "/" + std::to_string(len) + "\"");
    ast::Kind kind = q.kind.value_or(ast::Kind::host);
    if (kind == ast::Kind::host && len != 128)
        return error(where, "a prefix length applies only to networks", "write `net " + id.text + "/" +
                                                                            std::to_string(len) + "`");
    if (kind != ast::Kind::host && kind != ast::Kind::net)
        return error(where, "an IPv6 address cannot follow '" +
                                std::string(kind == ast::Kind::port ? "port" : "this qualifier") + "'");
    return host6(addr, mask, q.proto, q.dir, kind == ast::Kind::net, where);
}

// libpcap's pcap_ether_aton over the scanner's MAC spellings: six groups of
// one or two hex digits (`:`, `-` or `.` between them), three groups of
// four (`aabb.ccdd.eeff`), or twelve digits in a row.
static bool parse_mac(const std::string& text, std::array<std::uint8_t, 6>& out) {
    std::vector<std::string> groups(1);
    for (char c : text) {
        if (c == ':' || c == '-' || c == '.') groups.emplace_back();
        else if (std::isxdigit(static_cast<unsigned char>(c))) groups.back() += c;
        else return false;
    }
    auto byte = [](const std::string& hex) { return std::uint8_t(std::stoul(hex, nullptr, 16)); };
    if (groups.size() == 6) {
        for (std::size_t i = 0; i < 6; ++i) {
            if (groups[i].empty() || groups[i].size() > 2) return false;
            out[i] = byte(groups[i]);
        }
        return true;
    }
    std::string digits;
    if (groups.size() == 3) {
        for (const auto& g : groups)
            if (g.size() != 4) return false;
        digits = groups[0] + groups[1] + groups[2];
    } else if (groups.size() == 1 && groups[0].size() == 12) {
        digits = groups[0];
    } else {
        return false;
    }
    for (std::size_t i = 0; i < 6; ++i) out[i] = byte(digits.substr(i * 2, 2));
    return true;
}

PredId Analyzer::mac_id(const ast::Id& id, const Quals& q, diag::Span where) {
    std::array<std::uint8_t, 6> mac{};
    if (!parse_mac(id.text, mac)) return error(where, "invalid MAC address '" + id.text + "'");
    ast::Kind kind = q.kind.value_or(ast::Kind::host);
    if (kind == ast::Kind::host && q.proto == ast::Proto::link) return ether_host(mac, q.dir, where);
    return error(where, "a MAC address needs `ether` before it", "write `ether host " + id.text + "`");
}

PredId Analyzer::named_host(const std::string& name, const Quals& q, diag::Span where) {
    ast::Kind kind = q.kind.value_or(ast::Kind::host);
    if (kind == ast::Kind::gateway) {
        struct ether_addr ea;
        if (ether_hostton(name.c_str(), &ea) != 0) return error(where, "unknown Ethernet host '" + name + "'",
                                                                "gateway looks the name up in /etc/ethers");
        return error(where, "'gateway' is not supported yet");
    }
    if (kind == ast::Kind::net) {
        struct netent* n = getnetbyname(name.c_str());
        if (n == nullptr || n->n_net == 0) return error(where, "unknown network '" + name + "'");
        std::uint32_t addr = n->n_net, mask = 0xffffffff;
        while (addr && (addr & 0xff000000) == 0) {
            addr <<= 8;
            mask <<= 8;
        }
        return host(addr, mask, q.proto, q.dir, true, where);
    }
    if (q.proto == ast::Proto::link) {
        struct ether_addr ea;
        if (!layout_.link->mac_addresses)
            return error(where, "link-level host names are supported only on Ethernet captures");
        if (ether_hostton(name.c_str(), &ea) != 0)
            return error(where, "unknown Ethernet host '" + name + "'", "ether host names come from /etc/ethers");
        std::array<std::uint8_t, 6> mac;
        std::memcpy(mac.data(), ea.ether_addr_octet, 6);
        return ether_host(mac, q.dir, where);
    }
    if (q.proto == ast::Proto::decnet) return error(where, "DECnet host names are not supported");

    struct addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    struct addrinfo* res0 = nullptr;
    if (getaddrinfo(name.c_str(), nullptr, &hints, &res0) != 0 || res0 == nullptr)
        return error(where, "unknown host '" + name + "'");
    // Raw IP has no type field to say the family, so the address decides.
    std::optional<ast::Proto> v4_proto = q.proto, v6_proto = q.proto;
    if (!layout_.link->type_offset && !q.proto) {
        v4_proto = ast::Proto::ip;
        v6_proto = ast::Proto::ip6;
    }
    PredId result = bad;
    for (auto* r = res0; r != nullptr; r = r->ai_next) {
        PredId one = bad;
        if (r->ai_family == AF_INET) {
            if (v4_proto == ast::Proto::ip6) continue;
            auto* sin = reinterpret_cast<sockaddr_in*>(r->ai_addr);
            one = host(ntohl(sin->sin_addr.s_addr), 0xffffffff, v4_proto, q.dir, false, where);
        } else if (r->ai_family == AF_INET6) {
            if (v6_proto == ast::Proto::ip) continue;
            auto* sin6 = reinterpret_cast<sockaddr_in6*>(r->ai_addr);
            std::array<std::uint8_t, 16> addr, mask;
            std::memcpy(addr.data(), sin6->sin6_addr.s6_addr, 16);
            mask.fill(0xff);
            one = host6(addr, mask, v6_proto, q.dir, false, where);
        } else {
            continue;
        }
        if (one == bad) {
            freeaddrinfo(res0);
            return bad;
        }
        result = result == bad ? one : any(result, one);
    }
    freeaddrinfo(res0);
    if (result == bad)
        return error(where, "unknown host '" + name + "'" + (q.proto ? " for the address family given" : ""));
    return result;
}

}  // namespace fcap::sema
