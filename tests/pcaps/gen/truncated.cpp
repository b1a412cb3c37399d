// Frames captured short of their wire length.  libpcap: a load past the
// captured end rejects the packet, even under `not`, so every cut point is
// a test: inside the MAC header, the type, a tag, the IP header, the ports,
// the TCP flags, an extension header, the inner frame of a tunnel...
#include "themes.hpp"

namespace fcap::gen {

namespace {

const Bytes host_a = mac("00:11:22:33:44:55"), host_b = mac("00:aa:bb:cc:dd:ee");

// One frame of each shape whose headers a filter walks.
Frames samples() {
    Frames out;
    auto add = [&](const Bytes& b) { out.push_back({b}); };
    TcpOptions mss;
    mss.options = {2, 4, 0x05, 0xb4};
    Bytes syn4 = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, tcp_flag::syn, text("GET "), mss));
    Bytes udp6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(5353, 53, zeros(12)));
    Ip4Options rr;
    rr.options = {7, 7, 4, 0, 0, 0, 0};
    add(ethernet(host_b, host_a, 0x0800, syn4));
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53, zeros(4)), rr)));
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, u16(1) + u16(1)))));
    add(ethernet(host_b, host_a, 0x86dd, udp6));
    add(ethernet(host_b, host_a, 0x86dd,
                 ipv6("2001:db8::1", "2001:db8::2", 0, ipv6_ext(44, 0) + ipv6_fragment(6, 0, 1) + tcp(1, 80, tcp_flag::syn))));
    add(ethernet(mac("33:33:00:00:00:16"), host_a, 0x86dd,
                 ipv6("fe80::1", "ff02::16", 0, ipv6_ext(58, 0, {5, 2, 0, 0, 1, 0}) + icmp6(143, 0, zeros(4)), 1)));
    add(ethernet(mac("33:33:ff:00:00:02"), host_a, 0x86dd,
                 ipv6("2001:db8::1", "ff02::1:ff00:2", 58, icmp6(135, 0, zeros(4) + ip6("2001:db8::2")), 255)));
    add(ethernet(mac("ff:ff:ff:ff:ff:ff"), host_a, 0x0806,
                 arp(1, "00:11:22:33:44:55", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")));
    add(host_b + host_a + vlan_tag(0x8100, 10) + u16(0x0800) + syn4);
    add(host_b + host_a + vlan_tag(0x8100, 20, 3) + u16(0x86dd) + udp6);
    add(host_b + host_a + vlan_tag(0x88a8, 100) + vlan_tag(0x8100, 200) + u16(0x0800) + syn4);
    add(host_b + host_a + vlan_tag(0x8100, 10) + vlan_tag(0x8100, 20) + vlan_tag(0x8100, 30) + u16(0x86dd) + udp6);
    add(ethernet(host_b, host_a, 0x8847, mpls(100, false) + mpls(200, true) + syn4));
    add(ethernet(host_b, host_a, 0x8864, pppoe_session(0x1234, 0x0021, syn4)));
    add(ethernet(host_b, host_a, 0x0800,
                 ipv4("172.16.1.1", "172.16.1.2", 17,
                      udp(50000, 6081, geneve(10, 0x6558, ethernet(host_a, host_b, 0x0800, syn4), 1)))));
    add(ethernet_802_3(host_b, host_a, llc(0xfe, 0xfe, 0x03, Bytes{0x83, 27, 1, 0, 15} + zeros(8))));
    add(ethernet_802_3(host_b, host_a, snap(0x080007, 0x809b, zeros(8))));
    return out;
}

}  // namespace

Frames truncated(const Frames& extra) {
    Frames out;
    // Every cut from one byte to one short of the whole frame.
    for (const Frame& f : samples())
        for (std::size_t cut = 1; cut < f.data.size(); ++cut) out.push_back({f.data, cut});
    // Snapshot-length cuts as capture tools make them: 68 and 96 bytes (old
    // tcpdump defaults), 1514 of a jumbo frame.
    for (const Frame& f : extra)
        for (std::size_t cut : {68, 96, 1514})
            if (cut < f.data.size()) out.push_back({f.data, cut});
    return out;
}

}  // namespace fcap::gen
