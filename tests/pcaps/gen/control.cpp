// TCP flags and options, ICMP and ICMPv6 messages, ARP and RARP.
#include "themes.hpp"

namespace fcap::gen {

namespace {

Datagram v4(const Bytes& b) { return {0x0800, b}; }
Datagram v6(const Bytes& b) { return {0x86dd, b}; }

}  // namespace

// Every value of the TCP flags byte over IPv4, the usual ones over IPv6,
// every data offset, and the options real stacks send.
Datagrams tcp_flags() {
    using namespace tcp_flag;
    Datagrams out;
    for (unsigned f = 0; f < 256; ++f)
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(std::uint16_t(1024 + f), 80, std::uint8_t(f)))));
    for (std::uint8_t f : {syn, std::uint8_t(syn | ack), ack, std::uint8_t(fin | ack), rst, std::uint8_t(rst | ack),
                           std::uint8_t(push | ack), std::uint8_t(syn | ece | cwr), std::uint8_t(fin | urg | push)})
        out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40000, 443, f))));
    // Options: MSS, window scale, SACK permitted, timestamps, SACK blocks, EOL.
    const Bytes mss = {2, 4, 0x05, 0xb4}, ws = {1, 3, 3, 7}, sack_ok = {4, 2}, tstamp = Bytes{8, 10} + u32(1) + u32(0),
                sack = Bytes{1, 1, 5, 10} + u32(100) + u32(200), eol = {0};
    TcpOptions o;
    o.options = mss + sack_ok + tstamp + ws;  // Linux SYN: data offset 10
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40001, 80, syn, {}, o))));
    o.options = mss;
    out.push_back(v4(ipv4("10.0.0.2", "10.0.0.1", 6, tcp(80, 40001, syn | ack, {}, o))));
    o.options = Bytes{1, 1} + tstamp + sack;
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40001, 80, ack, {}, o))));
    o.options = eol;
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40002, 80, syn, {}, o))));
    // Payloads behind every data offset 5..15, for tcp[((tcp[12]&0xf0)>>2):4]
    // = 0x47455420 ("GET ") and the like.
    const char* starts[] = {"GET /index.html", "POST /form", "HTTP/1.1 200 OK", "SSH-2.0-OpenSSH"};
    for (int words = 0; words <= 10; ++words) {
        TcpOptions padded;
        padded.options = Bytes(std::size_t(words) * 4, 1);
        const char* start = starts[words % 4];
        std::uint16_t port = words % 4 == 3 ? 22 : 80;
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40010, port, push | ack, text(start), padded))));
    }
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40011, 80, push | ack, text("GET /v6")))));
    // Malformed data offsets 0 and 4 (libpcap reads them as they are).
    for (int offset : {0, 4}) {
        TcpOptions bad;
        bad.data_offset = offset;
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(40012, 80, push | ack, text("GET /bad"), bad))));
    }
    return out;
}

// Every ICMP type libpcap names, the codes of each, errors quoting the
// datagram they answer, and an ICMP message behind IPv4 options.
Datagrams icmp_types() {
    Datagrams out;
    const Bytes quoted = ipv4("10.0.0.2", "10.0.0.9", 17, udp(40000, 33434, zeros(8)));
    const Bytes quote = Bytes(quoted.begin(), quoted.begin() + 28);  // IP header + 8 bytes
    auto add = [&](std::uint8_t type, std::uint8_t code, const Bytes& body) {
        out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(type, code, body))));
    };
    for (std::uint16_t seq = 1; seq <= 2; ++seq) {
        add(8, 0, u16(0x1234) + u16(seq) + text("abcdefgh"));   // echo
        add(0, 0, u16(0x1234) + u16(seq) + text("abcdefgh"));   // echo reply
    }
    for (std::uint8_t code = 0; code <= 15; ++code) add(3, code, zeros(4) + quote);  // unreachable
    add(4, 0, zeros(4) + quote);                                                     // source quench
    for (std::uint8_t code = 0; code <= 3; ++code) add(5, code, ip4("10.0.0.254") + quote);  // redirect
    add(9, 0, u8(1) + u8(2) + u16(1800) + ip4("10.0.0.254") + u32(0));             // router advertisement
    add(9, 16, u8(1) + u8(2) + u16(1800) + ip4("10.0.0.254") + u32(0));
    add(10, 0, zeros(4));                                                            // router solicitation
    for (std::uint8_t code = 0; code <= 1; ++code) add(11, code, zeros(4) + quote);  // time exceeded
    for (std::uint8_t code = 0; code <= 2; ++code) add(12, code, u8(20) + zeros(3) + quote);  // parameter problem
    add(13, 0, u16(1) + u16(1) + zeros(12));  // timestamp
    add(14, 0, u16(1) + u16(1) + zeros(12));  // timestamp reply
    add(15, 0, u16(1) + u16(1));              // information request
    add(16, 0, u16(1) + u16(1));              // information reply
    add(17, 0, u16(1) + u16(1) + zeros(4));   // address mask request
    add(18, 0, u16(1) + u16(1) + ip4("255.255.255.0"));
    add(30, 0, zeros(12));                    // traceroute, unnamed
    add(40, 1, zeros(4));                     // photuris, unnamed
    // Broadcast echo, and an echo behind a router-alert option (IHL 6).
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.255", 1, icmp(8, 0, u16(7) + u16(1)))));
    Ip4Options ra;
    ra.options = {0x94, 4, 0, 0};
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, u16(8) + u16(1)), ra)));
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 1, icmp(8, 0))));  // ICMP for IPv4 in IPv6: not icmp
    return out;
}

// Every ICMPv6 type libpcap names (RFC 4443, 4861, 2710, 3810, 2894, 4286,
// 4620, 3122, 3775, 3971), with codes, Neighbor Discovery options, and MLD
// behind a hop-by-hop header as hosts send it.
Datagrams icmp6_types() {
    Datagrams out;
    const char* ll = "fe80::1";
    const Bytes quoted = ipv6("2001:db8::2", "2001:db8::9", 17, udp(40000, 33434));
    const Bytes quote = Bytes(quoted.begin(), quoted.begin() + 48);
    const Bytes target = ip6("2001:db8::2");
    const Bytes lladdr = Bytes{1, 1} + mac("00:11:22:33:44:55");
    auto add = [&](const char* src, const char* dst, std::uint8_t type, std::uint8_t code, const Bytes& body) {
        out.push_back(v6(ipv6(src, dst, 58, icmp6(type, code, body), 255)));
    };
    for (std::uint8_t code = 0; code <= 6; ++code) add("2001:db8::1", "2001:db8::2", 1, code, zeros(4) + quote);
    add("2001:db8::1", "2001:db8::2", 2, 0, u32(1280) + quote);
    for (std::uint8_t code = 0; code <= 1; ++code) add("2001:db8::1", "2001:db8::2", 3, code, zeros(4) + quote);
    for (std::uint8_t code = 0; code <= 2; ++code) add("2001:db8::1", "2001:db8::2", 4, code, u32(40) + quote);
    add("2001:db8::1", "2001:db8::2", 128, 0, u16(0x77) + u16(1) + text("ping6"));
    add("2001:db8::2", "2001:db8::1", 129, 0, u16(0x77) + u16(1) + text("ping6"));
    add(ll, "ff02::1", 130, 0, u16(1000) + u16(0) + zeros(16));            // MLD query
    add(ll, "ff02::1:3", 131, 0, u16(0) + u16(0) + ip6("ff02::1:3"));      // MLDv1 report
    add(ll, "ff02::2", 132, 0, u16(0) + u16(0) + ip6("ff02::1:3"));        // MLD done
    add(ll, "ff02::2", 133, 0, u32(0) + lladdr);                           // router solicitation
    add(ll, "ff02::1", 134, 0, u8(64) + u8(0) + u16(1800) + u32(0) + u32(0) + lladdr);
    add("2001:db8::1", "ff02::1:ff00:2", 135, 0, u32(0) + target + lladdr);  // neighbor solicitation
    add("2001:db8::2", "2001:db8::1", 136, 0, u32(0x60000000) + target + Bytes{2, 1} + mac("00:aa:bb:cc:dd:ee"));
    add(ll, "2001:db8::2", 137, 0, u32(0) + target + ip6("2001:db8::3"));   // redirect
    for (std::uint8_t code : {0, 1, 255}) add(ll, "ff05::2", 138, code, u32(1) + zeros(8));  // router renumbering
    for (std::uint8_t type : {139, 140}) add("2001:db8::1", "2001:db8::2", type, 0, u16(1) + u16(0) + zeros(8));
    for (std::uint8_t type : {141, 142}) add(ll, "ff02::1", type, 0, u32(0) + lladdr);  // inverse ND
    add(ll, "ff02::16", 143, 0, u16(0) + u16(1) + u8(4) + u8(0) + u16(0) + ip6("ff02::fb"));  // MLDv2 report
    for (std::uint8_t type = 144; type <= 149; ++type) add("2001:db8::1", "2001:db8::2", type, 0, u16(5) + u16(0));
    for (std::uint8_t type = 151; type <= 153; ++type) add(ll, "ff02::6a", type, 0, u16(0) + u16(0));
    add("2001:db8::1", "2001:db8::2", 200, 0, zeros(4));  // private experimentation, unnamed
    // MLD as hosts send it: behind a hop-by-hop header carrying router alert.
    Bytes router_alert = {5, 2, 0, 0, 1, 0};
    out.push_back(v6(ipv6(ll, "ff02::16", 0, ipv6_ext(58, 0, router_alert) + icmp6(143, 0, zeros(4)), 1)));
    out.push_back(v6(ipv6(ll, "ff02::1:3", 0, ipv6_ext(58, 0, router_alert) + icmp6(131, 0, zeros(4) + ip6("ff02::1:3")), 1)));
    // Echo in a first fragment (libpcap's `icmp6` looks one fragment header deep).
    out.push_back(v6(ipv6("2001:db8::1", "2001:db8::2", 44, ipv6_fragment(58, 1, 5) + icmp6(128, 0, zeros(24)))));
    out.push_back(v4(ipv4("10.0.0.1", "10.0.0.2", 58, icmp6(128, 0))));  // protocol 58 in IPv4: not icmp6
    return out;
}

Datagrams arp_rarp() {
    Datagrams out;
    auto add = [&](std::uint16_t ethertype, const Bytes& b) { out.push_back({ethertype, b}); };
    const char* zero = "00:00:00:00:00:00";
    add(0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", zero, "10.0.0.2"));               // request
    add(0x0806, arp(2, "00:aa:bb:cc:dd:ee", "10.0.0.2", "00:11:22:33:44:55", "10.0.0.1"));  // reply
    add(0x0806, arp(1, "00:11:22:33:44:55", "0.0.0.0", zero, "10.0.0.7"));                // probe
    add(0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", zero, "10.0.0.1"));               // gratuitous request
    add(0x0806, arp(2, "00:11:22:33:44:55", "10.0.0.1", "ff:ff:ff:ff:ff:ff", "10.0.0.1"));  // gratuitous reply
    add(0x0806, arp(1, "02:00:c0:a8:01:01", "192.168.1.1", zero, "192.168.1.254"));
    add(0x0806, arp(2, "02:00:ac:10:00:05", "172.16.0.5", "02:00:c0:a8:01:01", "192.168.1.1"));
    add(0x0806, arp(8, "00:11:22:33:44:55", "10.0.0.1", "00:aa:bb:cc:dd:ee", "0.0.0.0"));  // InARP
    add(0x0806, arp(9, "00:aa:bb:cc:dd:ee", "10.0.0.2", "00:11:22:33:44:55", "10.0.0.1"));
    add(0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", zero, "10.0.0.2", 6));          // IEEE 802 hardware
    add(0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", zero, "10.0.0.2", 1, 0x86dd));  // odd protocol type
    add(0x8035, arp(3, "00:11:22:33:44:55", "0.0.0.0", "00:11:22:33:44:55", "0.0.0.0"));  // RARP request
    add(0x8035, arp(4, "00:aa:bb:cc:dd:ee", "10.0.0.9", "00:11:22:33:44:55", "10.0.0.1"));  // RARP reply
    add(0x8035, arp(4, "00:aa:bb:cc:dd:ee", "192.168.1.9", "02:00:c0:a8:01:01", "192.168.1.1"));
    add(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53)));  // not ARP
    return out;
}

}  // namespace fcap::gen
