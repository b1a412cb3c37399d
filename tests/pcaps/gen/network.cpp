// Network-layer themes: addresses, ports and IP protocols; IPv4 options and
// fragments; IPv6 extension-header chains.
#include "themes.hpp"

namespace fcap::gen {

namespace {

Datagram v4(const Bytes& b) { return {0x0800, b}; }
Datagram v6(const Bytes& b) { return {0x86dd, b}; }

}  // namespace

// Many distinct hosts, nets and ports, so that host/net/port/portrange
// filters have hits and misses in both directions and both families.
Datagrams addressing() {
    Datagrams out;
    // Pairs span 10/8, 10.1/16, 192.168.1/24, 172.16/12 (and 172.32, just
    // outside it), loopback, a public address and DHCP's 0.0.0.0.
    const char* pairs4[][2] = {
        {"10.0.0.1", "10.0.0.2"},     {"10.0.0.2", "10.0.0.1"},   {"10.1.2.3", "8.8.8.8"},
        {"192.168.1.1", "10.0.0.3"},  {"172.16.0.5", "192.168.1.200"}, {"172.31.255.254", "172.32.0.1"},
        {"127.0.0.1", "127.0.0.1"},   {"192.0.2.7", "198.51.100.9"}};
    const char* pairs6[][2] = {{"2001:db8::1", "2001:db8::2"},   {"2001:db8::2", "2001:db8::1"},
                               {"2001:db8:1::10", "2001:db8:2::20"}, {"fe80::1", "fe80::2"},
                               {"::1", "::1"},                     {"fd00::5", "::ffff:10.0.0.1"}};
    const std::uint16_t ports[] = {0,   1,    20,   21,   22,   23,    25,    53,   67,   68,  80,
                                   123, 443,  514,  999,  1000, 1023,  1024,  1500, 2000, 2001,
                                   6081, 7070, 8080, 32768, 65534, 65535};
    std::size_t i = 0;
    for (std::uint16_t p : ports) {
        const auto& a = pairs4[i % std::size(pairs4)];
        const auto& b = pairs6[i % std::size(pairs6)];
        std::uint16_t ephemeral = std::uint16_t(40000 + i);
        out.push_back(v4(ipv4(a[0], a[1], 6, tcp(ephemeral, p, tcp_flag::syn))));
        out.push_back(v4(ipv4(a[1], a[0], 17, udp(p, ephemeral, Bytes(12, 0x41)))));
        out.push_back(v6(ipv6(b[0], b[1], 6, tcp(p, ephemeral, tcp_flag::syn | tcp_flag::ack))));
        out.push_back(v6(ipv6(b[1], b[0], 17, udp(ephemeral, p, Bytes(4, 0x42)))));
        ++i;
    }
    // SCTP both ways, both families.
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 132, sctp(5000, 80))));
    out.push_back(v4(ipv4("10.0.0.2", "10.0.0.1", 132, sctp(80, 5000, 2))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 132, sctp(2905, 443))));
    // Broadcast and multicast destinations: DHCP, subnet broadcast, SSDP, mDNS.
    out.push_back(v4(ipv4("0.0.0.0", "255.255.255.255", 17, udp(68, 67, zeros(32)))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.255", 17, udp(137, 137, zeros(8)))));
    out.push_back(v4(ipv4("192.168.1.5", "239.255.255.250", 17, udp(50000, 1900, text("M-SEARCH")))));
    out.push_back(v4(ipv4("192.168.1.5", "224.0.0.251", 17, udp(5353, 5353, zeros(12)))));
    out.push_back(v6(ipv6("fe80::1", "ff02::fb", 17, udp(5353, 5353, zeros(12)))));
    out.push_back(v6(ipv6("fe80::1", "ff02::1:2", 17, udp(546, 547, zeros(8)))));
    out.push_back(v6(ipv6("2001:db8::1", "ff05::1:3", 17, udp(546, 547, zeros(8)))));
    // IP protocols libpcap names: IGMP, PIM, VRRP, ESP, AH, IGRP; and GRE,
    // OSPF, EIGRP, IP-in-IP, IPv6-in-IPv4 and an unassigned one, for `ip proto`.
    Ip4Options router_alert;
    router_alert.options = {0x94, 0x04, 0, 0};
    router_alert.ttl = 1;
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.1", 2, igmp(0x11, 100, "0.0.0.0"), router_alert)));
    out.push_back(v4(ipv4("10.0.0.9", "239.1.2.3", 2, igmp(0x16, 0, "239.1.2.3"), router_alert)));
    out.push_back(v4(ipv4("10.0.0.9", "224.0.0.2", 2, igmp(0x17, 0, "239.1.2.3"), router_alert)));
    out.push_back(v4(ipv4("10.0.0.9", "224.0.0.22", 2, igmp(0x22, 0, "0.0.0.0"))));
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.13", 103, pim(0, u16(1) + u16(2) + u16(105)))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 103, pim(1, zeros(4) + ipv4("10.9.9.9", "239.1.1.1", 17, udp(1, 2))))));
    out.push_back(v6(ipv6("fe80::1", "ff02::d", 103, pim(0, u16(1) + u16(2) + u16(105)))));
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.18", 112, vrrp(2, 1, "10.0.0.254"))));
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.18", 112, vrrp(3, 7, "10.0.0.253"))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 50, esp(0x1000, 24))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 51, ah(6, 4) + tcp(1025, 80, tcp_flag::syn))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 51, ah(17, 4) + udp(53, 53))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 9, zeros(12))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 47, gre(0x0800, ipv4("10.8.0.1", "10.8.0.2", 1, icmp(8, 0))))));
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.5", 89, zeros(24))));
    out.push_back(v4(ipv4("10.0.0.1", "224.0.0.10", 88, zeros(20))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 4, ipv4("10.7.0.1", "10.7.0.2", 6, tcp(1, 80, tcp_flag::syn)))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 41, ipv6("2001:db8::1", "2001:db8::2", 17, udp(53, 53)))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 253, zeros(8))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 50, esp(0x2000, 24))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 4, ipv4("10.7.0.1", "10.7.0.2", 17, udp(53, 53)))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 41, ipv6("2001:db8::a", "2001:db8::b", 6, tcp(1, 22, 2)))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 89, zeros(24))));
    // Lengths for `len`, `less`, `greater`: one large and one tiny datagram.
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 17, udp(9, 9, zeros(1400)))));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 59, {})));
    return out;
}

// IPv4 header lengths 5 to 15 with every common option; fragments first,
// middle and last; and malformed headers libpcap does not check.
Datagrams ipv4_options_frags() {
    Datagrams out;
    const Bytes nop = {1}, eol = {0};
    const Bytes rr = {7, 11, 4, 0, 0, 0, 0, 0, 0, 0, 0};                 // record route, 2 slots
    const Bytes ts = {68, 12, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0};              // timestamp, 2 slots
    const Bytes lsrr = Bytes{131, 7, 4} + ip4("10.9.9.9");                // loose source route
    const Bytes ssrr = Bytes{137, 11, 4} + ip4("10.9.9.8") + ip4("10.9.9.9");  // strict source route
    const Bytes ra = {148, 4, 0, 0};                                      // router alert
    const Bytes sec = {130, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0};               // security
    const Bytes max_rr = Bytes{7, 39, 4} + zeros(36);                     // 40 bytes: IHL 15
    const Bytes* options[] = {&nop, &eol, &rr, &ts, &lsrr, &ssrr, &ra, &sec, &max_rr};
    std::uint16_t id = 100;
    for (const Bytes* opt : options) {
        Ip4Options o;
        o.options = *opt;
        o.id = id++;
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, tcp_flag::push | tcp_flag::ack, text("GET /")), o)));
        out.push_back(v4(ipv4("10.0.0.2", "192.168.1.1", 17, udp(53, 5353, zeros(12)), o)));
    }
    {
        Ip4Options o;
        o.options = ra;
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0), o)));
        o.options = nop + nop + nop + nop + rr + ts;  // several options, IHL 12
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 132, sctp(80, 9000), o)));
    }
    // A datagram in three fragments, UDP and TCP.  Only the first holds the
    // ports; the later ones carry bytes that look like port 80 to a filter
    // that forgets the offset check (libpcap: ports only in fragment 0).
    Bytes looks_like_ports = u16(80) + u16(80) + zeros(28);
    auto fragment = [](std::uint16_t flags_offset, std::uint16_t id) {
        Ip4Options o;
        o.fragment = flags_offset;
        o.id = id;
        return o;
    };
    for (std::uint8_t proto : {17, 6, 1}) {
        Bytes first = proto == 17 ? udp(53, 80, zeros(24)) : proto == 6 ? tcp(80, 1234, tcp_flag::ack, zeros(12))
                                                                        : icmp(8, 0, zeros(28));
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", proto, first, fragment(0x2000, 7))));
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", proto, looks_like_ports, fragment(0x2004, 7))));
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", proto, looks_like_ports, fragment(0x0008, 7))));
    }
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(80, 80, tcp_flag::ack), fragment(0x4000, 8))));   // DF
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(80, 80, tcp_flag::ack), fragment(0x8000, 9))));   // reserved bit
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 17, looks_like_ports, fragment(0x1fff, 10))));           // last offset
    // TTL, TOS and ECN values, for ip[8] and ip[1] comparisons.
    for (std::uint8_t ttl : {0, 1, 255}) {
        Ip4Options o;
        o.ttl = ttl;
        o.tos = std::uint8_t(ttl == 1 ? 0xb8 : ttl == 0 ? 0x03 : 0x00);
        out.push_back(v4(ipv4("10.0.0.3", "10.0.0.4", 17, udp(33434, 33435), o)));
    }
    // Malformed: header length 4 and 0 (libpcap takes the nibble as it is),
    // an IPv6 header under the IPv4 EtherType, a total length past the end.
    for (int ihl : {4, 0}) {
        Ip4Options o;
        o.ihl = ihl;
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, tcp_flag::syn), o)));
    }
    out.push_back(v4(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(1234, 80, tcp_flag::syn))));
    Bytes too_long = ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53, zeros(12)));
    too_long[2] = 0x05;  // claims 1280+ bytes
    too_long[10] = too_long[11] = 0;
    std::uint16_t c = checksum(Bytes(too_long.begin(), too_long.begin() + 20));
    too_long[10] = std::uint8_t(c >> 8);
    too_long[11] = std::uint8_t(c);
    out.push_back(v4(too_long));
    return out;
}

// IPv6 extension headers alone and in chains, for `ip6 proto` (the first
// header only) and `ip6 protochain` (the whole chain).
Datagrams ipv6_extension_headers() {
    Datagrams out;
    const char* s = "2001:db8::1";
    const char* d = "2001:db8::2";
    Bytes syn = tcp(1025, 80, tcp_flag::syn), dns = udp(5353, 53, zeros(12)), echo = icmp6(128, 0);
    // No extension header, then one before TCP, UDP and ICMPv6.
    out.push_back(v6(ipv6(s, d, 6, syn)));
    out.push_back(v6(ipv6(s, d, 17, dns)));
    for (const Bytes* upper : {&syn, &dns, &echo}) {
        std::uint8_t next = upper == &syn ? 6 : upper == &dns ? 17 : 58;
        out.push_back(v6(ipv6(s, d, 0, ipv6_ext(next, 0, {1, 4, 0, 0, 0, 0}) + *upper)));  // hop-by-hop, PadN
        out.push_back(v6(ipv6(s, d, 43, ipv6_ext(next, 2, Bytes{4, 0, 0, 0, 0, 0} + ip6(d)) + *upper)));  // segment routing, done
        out.push_back(v6(ipv6(s, d, 60, ipv6_ext(next, 1) + *upper)));                      // destination options
        out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(next, 0, 0x11) + *upper)));          // atomic fragment
        out.push_back(v6(ipv6(s, d, 51, ah(next, 4) + *upper)));                           // AH
    }
    // Fragments: first (M set), later (offset, M), last; the later ones
    // hold bytes that look like ports.
    Bytes looks_like_ports = u16(80) + u16(80) + zeros(12);
    out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(6, 0x0001, 0x22) + tcp(1025, 80, tcp_flag::ack, zeros(16)))));
    out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(6, 0x0019, 0x22) + looks_like_ports)));
    out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(6, 0x0030, 0x22) + looks_like_ports)));
    out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(17, 0x0001, 0x23) + udp(53, 53, zeros(16)))));
    out.push_back(v6(ipv6(s, d, 44, ipv6_fragment(58, 0x0001, 0x24) + icmp6(128, 0, zeros(16)))));
    // Chains of two to six headers.
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(60, 0) + ipv6_ext(6, 0) + syn)));
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(43, 0) + ipv6_ext(44, 2) + ipv6_fragment(17, 0, 3) + dns)));
    out.push_back(v6(ipv6(s, d, 60, ipv6_ext(51, 0) + ah(6, 4) + tcp(1025, 443, tcp_flag::syn))));
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(60, 0) + ipv6_ext(43, 0) + ipv6_ext(44, 0) + ipv6_fragment(51, 0, 3) +
                               ah(17, 4) + udp(1, 2))));
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(43, 0) + ipv6_ext(60, 0) + ipv6_ext(44, 0) + ipv6_fragment(60, 0, 4) +
                               ipv6_ext(51, 0) + ah(58, 4) + echo)));
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(60, 0) + ipv6_ext(59, 0))));                 // ends in No Next Header
    out.push_back(v6(ipv6(s, d, 0, ipv6_ext(50, 0) + esp(0x3000, 16))));                  // ends in ESP
    out.push_back(v6(ipv6(s, d, 60, ipv6_ext(135, 0) + zeros(8))));                      // mobility header
    out.push_back(v6(ipv6(s, d, 59, {})));
    // Hop-by-hop on multicast and link-local traffic.
    out.push_back(v6(ipv6("fe80::1", "ff02::16", 0, ipv6_ext(58, 0, {5, 2, 0, 0, 1, 0}) + icmp6(143, 0, zeros(4)), 1)));
    out.push_back(v6(ipv6("fe80::2", "ff02::1", 0, ipv6_ext(17, 0, {1, 4, 0, 0, 0, 0}) + udp(521, 521, zeros(4)), 1)));
    // Traffic class and flow label bits, for ip6[0:4] comparisons.
    Bytes labelled = ipv6("2001:db8::3", "2001:db8::4", 17, udp(1, 2));
    labelled[0] = 0x6b;
    labelled[1] = 0x81;
    labelled[2] = 0x23;
    labelled[3] = 0x45;
    out.push_back(v6(labelled));
    // Malformed: an IPv4 header under the IPv6 EtherType.
    out.push_back(v6(ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53))));
    return out;
}

}  // namespace fcap::gen
