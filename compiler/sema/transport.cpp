// Ports, port ranges, `proto`, `protochain` and the lone protocol names
// (libpcap's gen_port/gen_port6, gen_portrange*, gen_proto,
// gen_proto_abbrev, and the port/proto parts of gen_scode).
#include "sema/analyzer.hpp"

#include <netdb.h>

#include <cstdio>
#include <cstring>
#include <vector>

namespace fcap::sema {

namespace {

constexpr std::uint32_t ethertype_ip = 0x0800, ethertype_ip6 = 0x86dd;
constexpr int ipproto_tcp = 6, ipproto_udp = 17, ipproto_sctp = 132, ipproto_fragment = 44;
constexpr int proto_undef = -1;

// libpcap's pcap_nametoport: a service known for TCP and UDP with one number
// matches both; known for one only, matches that one.
// libpcap 1.10 asks getaddrinfo, which also takes a decimal number as a
// service for both protocols: `portrange 25-smtp`.
bool service_port(const std::string& name, std::uint32_t& port, int& proto) {
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() < 10) {
        port = std::uint32_t(std::stoul(name)) & 0xffff;
        proto = proto_undef;
        return true;
    }
    servent* tcp = getservbyname(name.c_str(), "tcp");
    int tcp_port = tcp ? ntohs(std::uint16_t(tcp->s_port)) : -1;
    servent* udp = getservbyname(name.c_str(), "udp");
    int udp_port = udp ? ntohs(std::uint16_t(udp->s_port)) : -1;
    if (tcp_port >= 0) {
        port = std::uint32_t(tcp_port);
        proto = udp_port == tcp_port ? proto_undef : ipproto_tcp;
        return true;
    }
    if (udp_port >= 0) {
        port = std::uint32_t(udp_port);
        proto = ipproto_udp;
        return true;
    }
    return false;
}

const char* proto_word(int p) { return p == ipproto_tcp ? "tcp" : p == ipproto_udp ? "udp" : "sctp"; }

}  // namespace

PredId Analyzer::ip_fragment_zero() {
    // Not a fragment other than the first: the fragment offset is 0.
    auto& pool = program_.exprs;
    return negate(preds_.test(ir::CmpOp::set, load(Region::network, 6, 2), pool.constant(0x1fff)));
}

// src/dst/and/or over two atoms, one for the source port and one for the
// destination port.
static PredId port_dir(Analyzer& a, std::optional<ast::Dir> dir, diag::Span where,
                       const std::function<PredId(std::uint32_t offset)>& atom) {
    switch (dir.value_or(ast::Dir::src_or_dst)) {
    case ast::Dir::src: return atom(0);
    case ast::Dir::dst: return atom(2);
    case ast::Dir::src_and_dst: return a.all(atom(0), atom(2));
    case ast::Dir::src_or_dst: return a.any(atom(0), atom(2));
    default: return a.error(where, "'" + std::string(dir_name(*dir)) + "' is not a valid qualifier for ports");
    }
}

static PredId port_family_of(Analyzer& a, int ip_proto, bool v6,
                             const std::function<PredId(int proto, bool v6)>& op) {
    PredId type = a.linktype(v6 ? ethertype_ip6 : ethertype_ip);
    if (type == bad) return bad;
    PredId body;
    if (ip_proto != proto_undef) {
        body = op(ip_proto, v6);
    } else {
        PredId tcp = op(ipproto_tcp, v6), udp = op(ipproto_udp, v6), sctp = op(ipproto_sctp, v6);
        if (tcp == bad || udp == bad || sctp == bad) return bad;
        body = a.any(sctp, a.any(tcp, udp));
    }
    return body == bad ? bad : a.all(type, body);
}

// IPv6 first, then IPv4, as libpcap's gen_scode/gen_ncode join them.
static PredId ports_both_families(Analyzer& a, int ip_proto, diag::Span where,
                                  const std::function<PredId(int proto, bool v6)>& op) {
    auto family = [&](bool v6) { return port_family_of(a, ip_proto, v6, op); };
    PredId v6 = family(true);
    if (v6 == bad) return bad;
    PredId v4 = family(false);
    return v4 == bad ? bad : a.any(v6, v4);
}

static std::function<PredId(int, bool)> port_op(Analyzer& a, std::uint32_t value, std::optional<ast::Dir> dir,
                                                diag::Span where) {
    return [&a, value, dir, where](int proto, bool v6) {
        Region r = v6 ? Region::transport_v6 : Region::transport_v4;
        PredId atoms = port_dir(a, dir, where, [&](std::uint32_t off) { return a.cmp(r, off, 2, value); });
        if (atoms == bad) return bad;
        if (v6) return a.all(a.cmp(Region::network, 6, 1, std::uint32_t(proto)), atoms);
        return a.all(a.all(a.cmp(Region::network, 9, 1, std::uint32_t(proto)), a.ip_fragment_zero()), atoms);
    };
}

PredId Analyzer::port_family(std::uint32_t value, int ip_proto, std::optional<ast::Dir> dir, bool v6,
                             diag::Span where) {
    return port_family_of(*this, ip_proto, v6, port_op(*this, value, dir, where));
}

PredId Analyzer::port(std::uint32_t value, int ip_proto, std::optional<ast::Dir> dir, diag::Span where) {
    return ports_both_families(*this, ip_proto, where, port_op(*this, value, dir, where));
}

PredId Analyzer::portrange(std::uint32_t lo, std::uint32_t hi, int ip_proto, std::optional<ast::Dir> dir,
                           diag::Span where) {
    if (lo > hi) std::swap(lo, hi);
    return ports_both_families(*this, ip_proto, where, [&](int proto, bool v6) {
        Region r = v6 ? Region::transport_v6 : Region::transport_v4;
        PredId atoms = port_dir(*this, dir, where, [&](std::uint32_t off) {
            return all(cmp_op(ir::CmpOp::ge, r, off, 2, lo), negate(cmp_op(ir::CmpOp::gt, r, off, 2, hi)));
        });
        if (atoms == bad) return bad;
        if (v6) return all(cmp(Region::network, 6, 1, std::uint32_t(proto)), atoms);
        return all(all(cmp(Region::network, 9, 1, std::uint32_t(proto)), ip_fragment_zero()), atoms);
    });
}

PredId Analyzer::ip_proto(std::uint32_t v, std::optional<ast::Proto> proto, std::optional<ast::Dir> dir,
                          diag::Span where) {
    if (dir) return error(where, "a direction cannot qualify 'proto'");
    if (!proto) {
        PredId v4 = ip_proto(v, ast::Proto::ip, dir, where);
        if (v4 == bad) return bad;
        PredId v6 = ip_proto(v, ast::Proto::ip6, dir, where);
        return v6 == bad ? bad : any(v4, v6);
    }
    switch (*proto) {
    case ast::Proto::link: return linktype(v);
    case ast::Proto::ip: {
        PredId type = linktype(ethertype_ip);
        return type == bad ? bad : all(type, cmp(Region::network, 9, 1, v));
    }
    case ast::Proto::ip6: {
        PredId type = linktype(ethertype_ip6);
        if (type == bad) return bad;
        // The next header, or the one after a fragment header.
        PredId after_fragment = all(cmp(Region::network, 6, 1, ipproto_fragment), cmp(Region::network, 40, 1, v));
        return all(type, any(cmp(Region::network, 6, 1, v), after_fragment));
    }
    case ast::Proto::iso: {
        PredId type = linktype(0xfe);
        return type == bad ? bad : all(type, cmp(Region::network_nosnap, 0, 1, v));
    }
    case ast::Proto::isis: {
        PredId isis = ip_proto(0x83, ast::Proto::iso, dir, where);
        // The PDU type is 4 bytes into the IS-IS header.
        return isis == bad ? bad : all(isis, cmp(Region::network_nosnap, 4, 1, v));
    }
    default:
        return error(where, "'" + std::string(proto_name(*proto)) + " proto' is not meaningful",
                     "`proto` follows ether, ip, ip6, iso or isis");
    }
}

PredId Analyzer::proto_abbrev(ast::Proto proto, diag::Span where) {
    auto isis_types = [&](std::initializer_list<std::uint32_t> types) {
        std::vector<std::uint32_t> t(types);
        PredId r = any(ip_proto(t[0], ast::Proto::isis, {}, where), ip_proto(t[1], ast::Proto::isis, {}, where));
        for (std::size_t i = 2; i < t.size(); ++i) r = any(ip_proto(t[i], ast::Proto::isis, {}, where), r);
        return r;
    };
    constexpr std::uint32_t l1_lan_iih = 15, l2_lan_iih = 16, ptp_iih = 17, l1_lsp = 18, l2_lsp = 20,
                            l1_csnp = 24, l2_csnp = 25, l1_psnp = 26, l2_psnp = 27;
    switch (proto) {
    case ast::Proto::sctp: return ip_proto(ipproto_sctp, {}, {}, where);
    case ast::Proto::tcp: return ip_proto(ipproto_tcp, {}, {}, where);
    case ast::Proto::udp: return ip_proto(ipproto_udp, {}, {}, where);
    case ast::Proto::icmp: return ip_proto(1, ast::Proto::ip, {}, where);
    case ast::Proto::igmp: return ip_proto(2, ast::Proto::ip, {}, where);
    case ast::Proto::igrp: return ip_proto(9, ast::Proto::ip, {}, where);
    case ast::Proto::pim: return ip_proto(103, {}, {}, where);
    case ast::Proto::vrrp: return ip_proto(112, ast::Proto::ip, {}, where);
    case ast::Proto::carp: return ip_proto(112, ast::Proto::ip, {}, where);
    case ast::Proto::ip: return linktype(ethertype_ip);
    case ast::Proto::arp: return linktype(0x0806);
    case ast::Proto::rarp: return linktype(0x8035);
    case ast::Proto::link:
        return error(where, "'ether' alone is not a filter", "write e.g. `ether host ADDR` or `ether proto \\ip`");
    case ast::Proto::atalk: return linktype(0x809b);
    case ast::Proto::aarp: return linktype(0x80f3);
    case ast::Proto::decnet: return linktype(0x6003);
    case ast::Proto::sca: return linktype(0x6007);
    case ast::Proto::lat: return linktype(0x6004);
    case ast::Proto::mopdl: return linktype(0x6001);
    case ast::Proto::moprc: return linktype(0x6002);
    case ast::Proto::ip6: return linktype(ethertype_ip6);
    case ast::Proto::icmp6: return ip_proto(58, ast::Proto::ip6, {}, where);
    case ast::Proto::ah: return ip_proto(51, {}, {}, where);
    case ast::Proto::esp: return ip_proto(50, {}, {}, where);
    case ast::Proto::iso: return linktype(0xfe);
    case ast::Proto::esis: return ip_proto(0x82, ast::Proto::iso, {}, where);
    case ast::Proto::isis: return ip_proto(0x83, ast::Proto::iso, {}, where);
    case ast::Proto::l1: return isis_types({l1_lan_iih, ptp_iih, l1_lsp, l1_csnp, l1_psnp});
    case ast::Proto::l2: return isis_types({l2_lan_iih, ptp_iih, l2_lsp, l2_csnp, l2_psnp});
    case ast::Proto::iih: return isis_types({l1_lan_iih, l2_lan_iih, ptp_iih});
    case ast::Proto::lsp: return isis_types({l1_lsp, l2_lsp});
    case ast::Proto::snp: return isis_types({l1_csnp, l2_csnp, l1_psnp, l2_psnp});
    case ast::Proto::csnp: return isis_types({l1_csnp, l2_csnp});
    case ast::Proto::psnp: return isis_types({l1_psnp, l2_psnp});
    case ast::Proto::clnp: return ip_proto(0x81, ast::Proto::iso, {}, where);
    case ast::Proto::stp: return linktype(0x42);
    case ast::Proto::ipx: return linktype(0xe0);
    case ast::Proto::netbeui: return linktype(0xf0);
    case ast::Proto::radio: return error(where, "'radio' is not a valid protocol type");
    }
    return bad;
}

PredId Analyzer::named_port(const std::string& name, const Quals& q, diag::Span where) {
    if (q.proto && *q.proto != ast::Proto::tcp && *q.proto != ast::Proto::udp && *q.proto != ast::Proto::sctp)
        return error(where, "'" + std::string(proto_name(*q.proto)) + "' cannot qualify a port");
    std::uint32_t value = 0;
    int proto = proto_undef;
    if (!service_port(name, value, proto))
        return error(where, "unknown port '" + name + "'", "port names come from /etc/services");
    int wanted = !q.proto ? proto : *q.proto == ast::Proto::tcp ? ipproto_tcp
                                : *q.proto == ast::Proto::udp   ? ipproto_udp
                                                                : ipproto_sctp;
    if (q.proto && proto != proto_undef && proto != wanted)
        return error(where, "port '" + name + "' is " + proto_word(proto),
                     std::string("/etc/services lists it for ") + proto_word(proto) + " only");
    if (value > 65535) return error(where, "port " + std::to_string(value) + " is greater than 65535");
    return port(value, wanted, q.dir, where);
}

PredId Analyzer::named_portrange(const std::string& text, const Quals& q, diag::Span where) {
    if (q.kind != ast::Kind::portrange)
        return error(where, "unknown port '" + text + "'", "a range of ports needs `portrange`, e.g. `portrange " +
                                                               text + "`");
    if (q.proto && *q.proto != ast::Proto::tcp && *q.proto != ast::Proto::udp && *q.proto != ast::Proto::sctp)
        return error(where, "'" + std::string(proto_name(*q.proto)) + "' cannot qualify a port range");
    int lo = 0, hi = 0;
    int proto = proto_undef;
    std::uint32_t p1 = 0, p2 = 0;
    if (std::sscanf(text.c_str(), "%d-%d", &lo, &hi) == 2) {
        if (lo < 0 || hi < 0) return error(where, "a port number cannot be negative");
        p1 = std::uint32_t(lo);
        p2 = std::uint32_t(hi);
    } else {
        auto dash = text.find('-');
        int proto2 = proto_undef;
        if (dash == std::string::npos || !service_port(text.substr(0, dash), p1, proto) ||
            !service_port(text.substr(dash + 1), p2, proto2))
            return error(where, "unknown port in range '" + text + "'");
        if (proto != proto2) proto = proto_undef;
    }
    int wanted = !q.proto ? proto : *q.proto == ast::Proto::tcp ? ipproto_tcp
                                : *q.proto == ast::Proto::udp   ? ipproto_udp
                                                                : ipproto_sctp;
    if (q.proto && proto != proto_undef && proto != wanted)
        return error(where, "port in range '" + text + "' is " + proto_word(proto));
    if (p1 > 65535 || p2 > 65535)
        return error(where, "port " + std::to_string(std::max(p1, p2)) + " is greater than 65535");
    return portrange(p1, p2, wanted, q.dir, where);
}

PredId Analyzer::named_proto(const std::string& name, const Quals& q, diag::Span where) {
    std::int64_t v = -1;
    if (!q.proto || *q.proto == ast::Proto::ip || *q.proto == ast::Proto::ip6) {
        protoent* p = getprotobyname(name.c_str());
        if (p == nullptr) return error(where, "unknown IP protocol '" + name + "'", "names come from /etc/protocols");
        v = p->p_proto;
    } else if (*q.proto == ast::Proto::link) {
        // libpcap's own tables: ethertypes, then 802.2 SAPs.
        static const std::pair<const char*, std::uint32_t> names[] = {
            {"aarp", 0x80f3}, {"arp", 0x0806},  {"atalk", 0x809b},    {"decnet", 0x6003},
            {"ip", 0x0800},   {"ip6", 0x86dd},  {"lat", 0x6004},      {"loopback", 0x9000},
            {"mopdl", 0x6001}, {"moprc", 0x6002}, {"rarp", 0x8035},   {"sca", 0x6007},
            {"iso", 0xfe},    {"stp", 0x42},    {"ipx", 0xe0},        {"netbeui", 0xf0},
        };
        for (const auto& [n, value] : names)
            if (name == n) v = value;
        if (v < 0) return error(where, "unknown Ethernet protocol '" + name + "'",
                                "known: aarp arp atalk decnet ip ip6 lat loopback mopdl moprc rarp sca iso stp ipx "
                                "netbeui (write keywords with a backslash: \\ip)");
    } else if (*q.proto == ast::Proto::iso) {
        if (name == "esis") v = 0x82;
        else if (name == "isis") v = 0x83;
        else if (name == "clnp") v = 0x81;
        else return error(where, "unknown OSI protocol '" + name + "'", "known: esis, isis, clnp");
    } else {
        return error(where, "unknown protocol '" + name + "' for '" + std::string(proto_name(*q.proto)) + "'");
    }
    if (q.kind == ast::Kind::protochain) return protochain(std::uint32_t(v), q.proto, where);
    return ip_proto(std::uint32_t(v), q.proto, q.dir, where);
}

}  // namespace fcap::sema
