// Ethernet framing: datagrams in frames whose MAC addresses agree with their
// IP addresses; other EtherTypes; 802.3 frames with LLC and SNAP.
#include "themes.hpp"

namespace fcap::gen {

namespace {

const Bytes host_a = mac("00:11:22:33:44:55"), host_b = mac("00:aa:bb:cc:dd:ee"),
            broadcast = mac("ff:ff:ff:ff:ff:ff");

// 02:00 (locally administered) followed by the last four address bytes.
Bytes unicast_mac(const Bytes& address) { return Bytes{0x02, 0x00} + Bytes(address.end() - 4, address.end()); }

Bytes destination_mac(const Datagram& d) {
    const Bytes& b = d.bytes;
    if (d.ethertype == 0x0800 && b.size() >= 20 && b[0] >> 4 == 4) {
        Bytes ip(b.begin() + 16, b.begin() + 20);
        if (ip[0] >= 224 && ip[0] < 240) return Bytes{0x01, 0x00, 0x5e, std::uint8_t(ip[1] & 0x7f), ip[2], ip[3]};
        if (ip[3] == 255) return broadcast;  // limited and subnet broadcast
        return unicast_mac(ip);
    }
    if (d.ethertype == 0x86dd && b.size() >= 40 && b[0] >> 4 == 6) {
        Bytes ip(b.begin() + 24, b.begin() + 40);
        if (ip[0] == 0xff) return Bytes{0x33, 0x33} + Bytes(ip.end() - 4, ip.end());
        return unicast_mac(ip);
    }
    if ((d.ethertype == 0x0806 || d.ethertype == 0x8035) && b.size() >= 28) {
        bool request = b[7] == 1 || b[7] == 3;
        return request ? broadcast : Bytes(b.begin() + 18, b.begin() + 24);
    }
    return host_b;
}

}  // namespace

Bytes source_mac(const Datagram& d) {
    const Bytes& b = d.bytes;
    if (d.ethertype == 0x0800 && b.size() >= 20 && b[0] >> 4 == 4) return unicast_mac(Bytes(b.begin() + 12, b.begin() + 16));
    if (d.ethertype == 0x86dd && b.size() >= 40 && b[0] >> 4 == 6) return unicast_mac(Bytes(b.begin() + 8, b.begin() + 24));
    if ((d.ethertype == 0x0806 || d.ethertype == 0x8035) && b.size() >= 28) return Bytes(b.begin() + 8, b.begin() + 14);
    return host_a;
}

namespace {

// A DECnet routing header (DNA Routing Layer): the 16-bit length, one pad
// byte when `padded`, then the long (flags 6) or short (flags 2) data
// header.  Addresses are area << 10 | node, little-endian.
Bytes decnet(bool long_format, bool padded, std::uint16_t dst, std::uint16_t src) {
    auto le = [](std::uint16_t a) { return Bytes{std::uint8_t(a), std::uint8_t(a >> 8)}; };
    Bytes hdr = long_format ? u8(0x26) + u16(0) + Bytes{0xaa, 0x00, 0x04, 0x00} + le(dst) + u16(0) +
                                  Bytes{0xaa, 0x00, 0x04, 0x00} + le(src) + zeros(4)
                            : u8(0x02) + le(dst) + le(src) + u8(0);
    Bytes body = (padded ? u8(0x81) : Bytes{}) + hdr + zeros(16);
    return le(std::uint16_t(body.size())) + body;
}

std::uint16_t dn(unsigned area, unsigned node) { return std::uint16_t(area << 10 | node); }

}  // namespace

Bytes in_ethernet(const Datagram& d) { return ethernet(destination_mac(d), source_mac(d), d.ethertype, d.bytes); }

Frames in_ethernet(const Datagrams& ds) {
    Frames out;
    for (const auto& d : ds) out.push_back({in_ethernet(d)});
    return out;
}

Datagrams ip_datagrams_of(const Frames& frames) {
    Datagrams out;
    for (const Frame& f : frames) {
        if (f.data.size() < 14) continue;
        std::uint16_t type = std::uint16_t(f.data[12] << 8 | f.data[13]);
        if (type == 0x0800 || type == 0x86dd) out.push_back({type, Bytes(f.data.begin() + 14, f.data.end())});
    }
    return out;
}

Frames ethernet_mix() {
    Frames out = in_ethernet(addressing());
    auto add = [&](const Bytes& b) { out.push_back({b}); };
    // EtherTypes libpcap names: DECnet, LAT, MOP dump/load and remote
    // console, SCA, AppleTalk, AARP, IPX; and others it does not.
    for (std::uint16_t t : {0x6003, 0x6004, 0x6001, 0x6002, 0x6007, 0x809b, 0x80f3, 0x8137, 0x9000, 0x88cc,
                            0x888e, 0x88f7, 0x88e5, 0x1234})
        add(ethernet(host_b, host_a, t, zeros(46)));
    // DECnet routing headers, long and short, padded and not, for `decnet host`.
    add(ethernet(host_b, host_a, 0x6003, decnet(true, true, dn(1, 1), dn(2, 3))));
    add(ethernet(host_b, host_a, 0x6003, decnet(true, false, dn(2, 3), dn(1, 1))));
    add(ethernet(host_b, host_a, 0x6003, decnet(false, false, dn(1, 1), dn(63, 1023))));
    add(ethernet(host_b, host_a, 0x6003, decnet(false, true, dn(10, 20), dn(1, 2))));
    // The EtherType/length boundary: 1500 and below is an 802.3 length.
    for (std::uint16_t t : {0x05dc, 0x05dd, 0x05ff, 0x0600})
        add(ethernet(host_b, host_a, t, llc(0x42, 0x42, 0x03, zeros(43))));
    // Broadcast and multicast MACs carrying unicast IP, and a unicast MAC
    // carrying broadcast IP: the link and network tests disagree.
    Bytes udp4 = ipv4("10.0.0.1", "10.0.0.2", 17, udp(1000, 2000));
    add(ethernet(broadcast, host_a, 0x0800, udp4));
    add(ethernet(mac("01:80:c2:00:00:0e"), host_a, 0x0800, udp4));
    add(ethernet(mac("01:00:5e:7f:ff:fa"), host_a, 0x0800, udp4));
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "255.255.255.255", 17, udp(68, 67))));
    add(ethernet(host_b, broadcast, 0x0800, udp4));  // broadcast source: invalid but capturable
    // Small and oversized frames: header only, shorter than a header,
    // minimum size with padding after a short datagram, full size, jumbo.
    add(ethernet(host_b, host_a, 0x88b5, {}));
    add(host_b + host_a);
    add(Bytes{0xff});
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 1, icmp(8, 0, u16(1) + u16(1)))) + zeros(14));
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, tcp(5001, 80, tcp_flag::ack, Bytes(1460, 0x61)))));
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(5001, 5001, Bytes(8972, 0x62)))));
    add(ethernet(host_b, host_a, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 17, udp(5001, 5001, Bytes(8952, 0x63)))));
    return out;
}

// 802.3 frames (length, not type): LLC with the SAPs libpcap names (STP
// 0x42, NetBEUI 0xf0, IPX 0xe0, ISO 0xfe), SNAP, Novell raw 802.3 (0xffff),
// and every LLC control form.
Frames llc_snap() {
    Frames out;
    auto add = [&](const Bytes& llc_frame, const Bytes& dst = host_b) {
        out.push_back({ethernet_802_3(dst, host_a, llc_frame)});
    };
    const Bytes stp_mac = mac("01:80:c2:00:00:00");
    add(llc(0x42, 0x42, 0x03, u16(0) + u8(0) + u8(0) + zeros(31)), stp_mac);     // STP configuration BPDU
    add(llc(0x42, 0x42, 0x03, u16(0) + u8(0) + u8(0x80)), stp_mac);               // STP topology change
    add(llc(0x42, 0x42, 0x03, u16(0) + u8(2) + u8(2) + u8(0x3c) + zeros(31)), stp_mac);  // RSTP
    add(llc(0xf0, 0xf0, 0x03, zeros(40)), mac("03:00:00:00:00:01"));              // NetBEUI
    add(llc(0xf0, 0xf1, 0x03, zeros(40)));                                        // NetBEUI, response SSAP
    add(llc(0xe0, 0xe0, 0x03, u16(0xffff) + u16(40) + zeros(36)));                // IPX over 802.2
    out.push_back({ethernet_802_3(host_b, host_a, u16(0xffff) + u16(40) + zeros(36))});  // Novell raw 802.3
    // ISO: CLNP, ES-IS, IS-IS.  IS-IS PDU types: L1/L2 LAN IIH, P2P IIH,
    // L1/L2 LSP, L1/L2 CSNP, L1/L2 PSNP; one with the reserved bits set.
    const Bytes nsap_a = {3, 0x49, 0x00, 0x01}, nsap_b = {3, 0x49, 0x00, 0x02};
    add(llc(0xfe, 0xfe, 0x03, Bytes{0x81, 17, 1, 0x20, 0x1c} + u16(17 + 20) + u16(0) + nsap_a + nsap_b + zeros(20)));
    add(llc(0xfe, 0xfe, 0x03, Bytes{0x82, 14, 1, 0, 0x02} + u16(30) + u16(0) + u8(1) + nsap_a + zeros(20)),
        mac("09:00:2b:00:00:04"));
    struct { std::uint8_t pdu, header_length; } isis[] = {{15, 27}, {16, 27}, {17, 20}, {18, 27}, {20, 27},
                                                           {24, 33}, {25, 33}, {26, 17}, {27, 17}, {0xef, 27}};
    for (auto [pdu, length] : isis)
        add(llc(0xfe, 0xfe, 0x03, Bytes{0x83, length, 1, 0, pdu, 1, 0, 0} + zeros(36)), mac("01:80:c2:00:00:14"));
    add(llc(0xfe, 0xfe, 0x03, Bytes{0x80} + zeros(40)));  // ISO, no protocol libpcap names
    // SNAP: AppleTalk, AARP, IPX, IPv4, ARP, Cisco CDP.
    add(snap(0x080007, 0x809b, zeros(40)), mac("09:00:07:ff:ff:ff"));
    add(snap(0x000000, 0x80f3, zeros(28)));
    add(snap(0x000000, 0x8137, u16(0xffff) + zeros(28)));
    add(snap(0x000000, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2))));
    add(snap(0x000000, 0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")));
    add(snap(0x00000c, 0x2000, zeros(30)), mac("01:00:0c:cc:cc:cc"));
    // Control: I, S (RR, RNR, REJ), U (UI, UA, DISC, DM, SABME, TEST, XID,
    // FRMR), some with the poll/final bit.
    for (std::uint16_t c : {0x0000, 0x0102, 0x0001, 0x0101, 0x0005, 0x0009})
        add(llc16(0x06, 0x06, c, zeros(40)));
    for (std::uint8_t c : {0x03, 0x13, 0x63, 0x43, 0x0f, 0x6f, 0x7f, 0xe3, 0xf3, 0xaf, 0xbf, 0x87})
        add(llc(0x06, 0x06, c, zeros(40)));
    // Not 802.3: an Ethernet II frame, and an 802.3 length of 0.
    out.push_back({ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2)))});
    out.push_back({host_b + host_a + u16(0) + zeros(46)});
    return out;
}

}  // namespace fcap::gen
