// Encapsulations: 802.1Q/802.1ad tags, MPLS label stacks, PPPoE, Geneve.
#include "themes.hpp"

namespace fcap::gen {

namespace {

const Bytes host_a = mac("00:11:22:33:44:55"), host_b = mac("00:aa:bb:cc:dd:ee"),
            broadcast = mac("ff:ff:ff:ff:ff:ff");

Bytes tcp4() { return ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, tcp_flag::syn)); }
Bytes udp4() { return ipv4("192.168.1.1", "192.168.1.2", 17, udp(5353, 53, zeros(12))); }
Bytes udp6() { return ipv6("2001:db8::1", "2001:db8::2", 17, udp(53, 53, zeros(12))); }
Bytes arp4() { return arp(1, "00:11:22:33:44:55", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"); }

// Ethernet with tags between the source MAC and the EtherType.
Bytes tagged(const Bytes& tags, std::uint16_t type, const Bytes& payload) {
    return host_b + host_a + tags + u16(type) + payload;
}

}  // namespace

// Single tags with every kind of VLAN ID (0 is a priority tag), priority and
// DEI bits set (a `vlan N` filter masks them off), stacks two and three
// deep of 0x8100 / 0x88a8 / 0x9100, and what rides inside.
Frames vlan() {
    Frames out;
    auto add = [&](const Bytes& b) { out.push_back({b}); };
    for (std::uint16_t vid : {0, 1, 10, 20, 100, 200, 4094, 4095}) {
        add(tagged(vlan_tag(0x8100, vid), 0x0800, tcp4()));
        add(tagged(vlan_tag(0x8100, vid), 0x86dd, udp6()));
    }
    add(tagged(vlan_tag(0x8100, 10, 5), 0x0800, udp4()));
    add(tagged(vlan_tag(0x8100, 10, 7, true), 0x0800, udp4()));
    add(tagged(vlan_tag(0x8100, 4095, 7, true), 0x0800, udp4()));
    // What rides inside a tag: ARP, IPX, an 802.3 length with LLC, MPLS,
    // PPPoE discovery and session.
    add(broadcast + host_a + vlan_tag(0x8100, 10) + u16(0x0806) + arp4());
    add(tagged(vlan_tag(0x8100, 10), 0x8137, zeros(30)));
    Bytes stp = llc(0x42, 0x42, 0x03, zeros(35));
    add(tagged(vlan_tag(0x8100, 20), std::uint16_t(stp.size()), stp));
    add(tagged(vlan_tag(0x8100, 30), 0x8847, mpls(100, true) + tcp4()));
    add(tagged(vlan_tag(0x8100, 30), 0x8863, pppoe_discovery(0x09, 0)));
    add(tagged(vlan_tag(0x8100, 30), 0x8864, pppoe_session(7, 0x0021, tcp4())));
    // 802.1ad and the old 0x9100 alone; 0x9200 is not a tag to libpcap.
    add(tagged(vlan_tag(0x88a8, 100), 0x0800, tcp4()));
    add(tagged(vlan_tag(0x9100, 100), 0x86dd, udp6()));
    add(tagged(vlan_tag(0x9200, 100), 0x0800, tcp4()));
    // Stacks: `vlan 100 and vlan 200` matches the first, not the second.
    add(tagged(vlan_tag(0x88a8, 100) + vlan_tag(0x8100, 200), 0x0800, tcp4()));
    add(tagged(vlan_tag(0x88a8, 200) + vlan_tag(0x8100, 100), 0x0800, tcp4()));
    add(tagged(vlan_tag(0x9100, 100) + vlan_tag(0x8100, 10), 0x86dd, udp6()));
    add(tagged(vlan_tag(0x8100, 10) + vlan_tag(0x8100, 20), 0x0806, arp4()));
    add(tagged(vlan_tag(0x88a8, 5) + vlan_tag(0x88a8, 6), 0x0800, udp4()));
    add(tagged(vlan_tag(0x8100, 10) + vlan_tag(0x8100, 20) + vlan_tag(0x8100, 30), 0x0800, tcp4()));
    add(tagged(vlan_tag(0x88a8, 1) + vlan_tag(0x8100, 2) + vlan_tag(0x8100, 3), 0x86dd, udp6()));
    add(tagged(vlan_tag(0x9100, 4095) + vlan_tag(0x88a8, 4094) + vlan_tag(0x8100, 0), 0x0800, udp4()));
    // Untagged frames.
    add(ethernet(host_b, host_a, 0x0800, tcp4()));
    add(ethernet(host_b, host_a, 0x86dd, udp6()));
    return out;
}

// Label stacks one to three deep, bottom-of-stack right and wrong, the
// reserved labels, traffic-class and TTL bits, IPv4 and IPv6 inside.
Frames mpls_stacks() {
    Frames out;
    auto add = [&](std::uint16_t type, const Bytes& b) { out.push_back({ethernet(host_b, host_a, type, b)}); };
    for (std::uint32_t label : {0u, 2u, 3u, 16u, 100u, 200u, 1048575u}) {
        add(0x8847, mpls(label, true) + (label == 2 ? udp6() : tcp4()));
    }
    add(0x8847, mpls(100, true, 255, 5) + udp6());
    add(0x8847, mpls(100, true, 0, 7) + udp4());
    add(0x8847, mpls(100, false) + mpls(200, true) + tcp4());
    add(0x8847, mpls(200, false) + mpls(100, true) + tcp4());
    add(0x8847, mpls(100, false) + mpls(200, true) + udp6());
    add(0x8847, mpls(1, false) + mpls(200, false) + mpls(300, true) + udp6());
    add(0x8847, mpls(100, false) + mpls(200, false) + mpls(300, true) + tcp4());
    // Bottom-of-stack wrong: unset on the last label, or set on the first
    // of two.
    add(0x8847, mpls(100, false) + tcp4());
    add(0x8847, mpls(100, true) + mpls(200, true) + tcp4());
    add(0x8847, mpls(100, false) + mpls(200, false) + mpls(300, false) + udp4());
    // Multicast MPLS, and an Ethernet pseudowire (control word, then a frame).
    add(0x8848, mpls(5, true) + udp4());
    add(0x8847, mpls(300, true) + u32(0) + ethernet(host_a, host_b, 0x0800, udp4()));
    add(0x0800, tcp4());
    add(0x86dd, udp6());
    return out;
}

// Discovery (PADI, PADO, PADR, PADS, PADT) and sessions carrying IPv4, IPv6
// and the PPP control protocols.
Frames pppoe() {
    Frames out;
    auto add = [&](const Bytes& dst, std::uint16_t type, const Bytes& b) { out.push_back({ethernet(dst, host_a, type, b)}); };
    add(broadcast, 0x8863, pppoe_discovery(0x09, 0));
    add(host_b, 0x8863, pppoe_discovery(0x07, 0, u16(0x0102) + u16(4) + text("bras")));
    add(host_b, 0x8863, pppoe_discovery(0x19, 0));
    add(host_b, 0x8863, pppoe_discovery(0x65, 0x1234));
    add(host_b, 0x8863, pppoe_discovery(0xa7, 0x1234));
    for (std::uint16_t session : {1, 0x1234, 0xffff}) {
        add(host_b, 0x8864, pppoe_session(session, 0x0021, tcp4()));
        add(host_b, 0x8864, pppoe_session(session, 0x0057, udp6()));
    }
    add(host_b, 0x8864, pppoe_session(0x1234, 0x0021, ipv4("10.0.0.2", "10.0.0.1", 6, tcp(80, 1234, tcp_flag::syn | tcp_flag::ack))));
    add(host_b, 0x8864, pppoe_session(0x1234, 0x0021, udp4()));
    add(host_b, 0x8864, pppoe_session(1, 0xc021, u8(1) + u8(1) + u16(10) + Bytes{1, 4, 0x05, 0xd4, 5, 6} ));  // LCP
    add(host_b, 0x8864, pppoe_session(1, 0x8021, u8(1) + u8(1) + u16(10) + Bytes{3, 6} + ip4("0.0.0.0")));  // IPCP
    add(host_b, 0x8864, pppoe_session(1, 0x8057, u8(1) + u8(1) + u16(14) + Bytes{1, 10} + zeros(8)));   // IPV6CP
    add(host_b, 0x8864, pppoe_session(1, 0xc023, u8(1) + u8(1) + u16(6) + u8(0) + u8(0)));                // PAP
    add(host_b, 0x8864, pppoe_session(1, 0xc223, u8(1) + u8(1) + u16(9) + u8(4) + u32(0x01020304)));      // CHAP
    out.push_back({tagged(vlan_tag(0x8100, 100), 0x8864, pppoe_session(0x1234, 0x0021, tcp4()))});
    add(host_b, 0x0800, tcp4());
    return out;
}

// Geneve (UDP 6081) over IPv4 and IPv6, with and without options, carrying
// Ethernet (0x6558) or bare IPv4 and IPv6; and look-alikes that are not
// Geneve to libpcap (other port, source port only, version 1, a fragment).
Frames geneve_tunnels() {
    Frames out;
    Bytes inner4 = ethernet(host_a, host_b, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1000, 53, zeros(12))));
    Bytes inner6 = ethernet(host_a, host_b, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 6, tcp(1000, 80, tcp_flag::syn)));
    Bytes inner_arp = ethernet(broadcast, host_b, 0x0806, arp4());
    Bytes inner_vlan = tagged(vlan_tag(0x8100, 10), 0x0800, tcp4());
    auto over4 = [&](std::uint16_t sport, std::uint16_t dport, const Bytes& g, const Ip4Options& o = {}) {
        out.push_back({ethernet(host_b, host_a, 0x0800, ipv4("172.16.1.1", "172.16.1.2", 17, udp(sport, dport, g), o))});
    };
    auto over6 = [&](const Bytes& g) {
        out.push_back({ethernet(host_b, host_a, 0x86dd, ipv6("2001:db8:f::1", "2001:db8:f::2", 17, udp(50000, 6081, g)))});
    };
    over4(50000, 6081, geneve(10, 0x6558, inner4));
    over4(50001, 6081, geneve(10, 0x6558, inner6, 1));
    over4(50002, 6081, geneve(100, 0x6558, inner4, 2));
    over4(50003, 6081, geneve(100, 0x6558, inner_arp, 5));
    over4(50004, 6081, geneve(0xffffff, 0x6558, inner_vlan));
    over4(50005, 6081, geneve(0, 0x0800, tcp4()));
    over4(50006, 6081, geneve(20, 0x86dd, udp6(), 3));
    over4(50007, 6081, geneve(30, 0x6558, inner4, 63));  // the longest options field
    Ip4Options rr;
    rr.options = {7, 7, 4, 0, 0, 0, 0};
    over4(50008, 6081, geneve(10, 0x6558, inner6), rr);  // outer IPv4 header of 28 bytes
    over6(geneve(10, 0x6558, inner4));
    over6(geneve(200, 0x6558, inner6, 2));
    over6(geneve(300, 0x0800, udp4()));
    over4(50009, 6082, geneve(10, 0x6558, inner4));
    over4(6081, 50010, geneve(10, 0x6558, inner4));
    over4(50011, 6081, geneve(10, 0x6558, inner4, 0, 1));
    Ip4Options later;
    later.fragment = 0x0010;
    over4(50012, 6081, geneve(10, 0x6558, inner4), later);
    return out;
}

}  // namespace fcap::gen
