// Writes the project's test captures (tests/pcaps/*.pcap).  Every feature of
// pcap-filter(7) that fcc compiles has packets that match it and packets
// that do not.  Regenerate with:
//   build/bin/make_pcaps tests/pcaps
#include "packets.hpp"

#include <pcap/pcap.h>

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace fcap::gen;

namespace {

const Bytes host_a = mac("00:11:22:33:44:55"), host_b = mac("00:aa:bb:cc:dd:ee"), bcast = mac("ff:ff:ff:ff:ff:ff"),
            mcast4 = mac("01:00:5e:00:00:01"), mcast6 = mac("33:33:00:00:00:01");

struct Frame {
    Bytes data;
    std::size_t caplen;  // < data.size() for a truncated packet
};

class Writer {
public:
    Writer(const std::string& path, int dlt) {
        dead_ = pcap_open_dead(dlt, 65535);
        dump_ = pcap_dump_open(dead_, path.c_str());
        if (!dump_) std::fprintf(stderr, "make_pcaps: cannot write %s: %s\n", path.c_str(), pcap_geterr(dead_));
    }
    ~Writer() {
        if (dump_) pcap_dump_close(dump_);
        pcap_close(dead_);
    }
    bool ok() const { return dump_ != nullptr; }
    void add(const Bytes& data, std::size_t caplen = SIZE_MAX) {
        pcap_pkthdr h{};
        h.ts.tv_sec = 1700000000 + long(count_ / 1000);
        h.ts.tv_usec = long(count_ % 1000) * 1000;
        h.len = std::uint32_t(data.size());
        h.caplen = std::uint32_t(std::min(caplen, data.size()));
        pcap_dump(reinterpret_cast<u_char*>(dump_), &h, data.data());
        ++count_;
    }

private:
    pcap_t* dead_;
    pcap_dumper_t* dump_;
    std::size_t count_ = 0;
};

// The network-layer packets most files carry, in several link layers.
std::vector<std::pair<std::uint16_t, Bytes>> network_packets() {
    std::vector<std::pair<std::uint16_t, Bytes>> out;
    auto v4 = [&](const Bytes& p) { out.push_back({0x0800, p}); };
    auto v6 = [&](const Bytes& p) { out.push_back({0x86dd, p}); };
    const char* hosts[][2] = {{"10.0.0.1", "10.0.0.2"},     {"10.0.0.2", "10.0.0.1"},   {"192.168.1.1", "10.0.0.3"},
                              {"172.16.0.5", "192.168.0.1"}, {"127.0.0.1", "127.0.0.1"}, {"10.1.2.3", "8.8.8.8"}};
    std::uint16_t ports[] = {80, 443, 22, 53, 7070, 8080, 20, 1000, 1500, 2000, 65535, 0};
    for (auto& h : hosts)
        for (std::uint16_t p : ports) {
            v4(ipv4(h[0], h[1], 6, tcp(40000, p, 0x02)));
            v4(ipv4(h[1], h[0], 17, udp(p, 53000, Bytes(12, 0x41))));
        }
    // Every TCP flag, alone and in the usual pairs.
    for (std::uint8_t f : {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x12, 0x11, 0x18, 0x14, 0x29, 0xff, 0x00})
        v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, f, {'G', 'E', 'T', ' ', '/'})));
    // HTTP-ish payloads behind TCP options (variable data offset).
    v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, 0x18, {'G', 'E', 'T', ' '}, 5, 6, Bytes{2, 4, 5, 0xb4, 1, 1, 4, 2})));
    v4(ipv4("10.0.0.2", "10.0.0.1", 6, tcp(80, 1234, 0x18, {'H', 'T', 'T', 'P'})));
    // SCTP, IGMP, PIM, VRRP, ESP, AH, GRE, IGRP.
    v4(ipv4("10.0.0.1", "10.0.0.2", 132, sctp(80, 5000)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 132, sctp(5000, 80)));
    v4(ipv4("10.0.0.1", "224.0.0.1", 2, Bytes{0x11, 0x64, 0, 0, 0, 0, 0, 0}));
    v4(ipv4("10.0.0.1", "224.0.0.22", 2, Bytes{0x22, 0, 0, 0, 0, 0, 0, 0}));
    v4(ipv4("10.0.0.1", "224.0.0.13", 103, Bytes{0x20, 0, 0, 0, 0, 0, 0, 0}));
    v6(ipv6("fe80::1", "ff02::d", 103, Bytes{0x20, 0, 0, 0}));
    v4(ipv4("10.0.0.1", "224.0.0.18", 112, Bytes{0x21, 1, 100, 1, 0, 1, 0, 0, 10, 0, 0, 1}));
    v4(ipv4("10.0.0.1", "10.0.0.2", 50, u32(0x1000) + u32(1) + zeros(16)));
    v4(ipv4("10.0.0.1", "10.0.0.2", 51, ah(6, 4) + tcp(1, 80, 0x02)));
    v4(ipv4("10.0.0.1", "10.0.0.2", 9, zeros(12)));
    v4(ipv4("10.0.0.1", "10.0.0.2", 47, zeros(12)));
    // ICMP: every type libpcap names.
    for (std::uint8_t t : {0, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18})
        v4(ipv4("10.0.0.1", "10.0.0.2", 1, icmp(t, t == 3 ? 3 : 0)));
    // IPv4 options, fragments, broadcast and multicast destinations.
    Ip4Options with_options;
    with_options.options = {0x07, 0x07, 0x04, 0, 0, 0, 0};  // record route
    v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, 0x02), with_options));
    v4(ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53), with_options));
    Ip4Options first_fragment, later_fragment, dont_fragment;
    first_fragment.fragment = 0x2000;
    later_fragment.fragment = 0x00b9;
    dont_fragment.fragment = 0x4000;
    v4(ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53, zeros(32)), first_fragment));
    v4(ipv4("10.0.0.1", "10.0.0.2", 17, Bytes{0, 80, 0, 80, 0, 0, 0, 0}, later_fragment));
    v4(ipv4("10.0.0.1", "10.0.0.2", 6, tcp(80, 80, 0x10), dont_fragment));
    v4(ipv4("10.0.0.1", "255.255.255.255", 17, udp(68, 67)));
    v4(ipv4("10.0.0.1", "10.0.0.255", 17, udp(137, 137)));
    v4(ipv4("10.0.0.1", "239.1.2.3", 17, udp(5000, 5000)));
    // IPv6: hosts, ports, ICMPv6 types, extension headers.
    v6(ipv6("2001:db8::1", "2001:db8::2", 6, tcp(40000, 80, 0x02)));
    v6(ipv6("2001:db8::2", "2001:db8::1", 6, tcp(80, 40000, 0x12)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 17, udp(53000, 53)));
    v6(ipv6("::1", "::1", 17, udp(7070, 7070)));
    v6(ipv6("fe80::1", "ff02::1", 17, udp(546, 547)));
    for (std::uint8_t t : {1, 2, 3, 4, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 143})
        v6(ipv6("fe80::1", "ff02::1", 58, icmp6(t, 0)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 0, ipv6_ext(6, 0) + tcp(1, 80, 0x02)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 60, ipv6_ext(17, 1) + udp(53, 53)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 43, ipv6_ext(44, 2) + ipv6_fragment(6, 0, 7) + tcp(1, 80, 0x02)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 44, ipv6_fragment(6, 1, 9) + tcp(1, 443, 0x02)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 44, ipv6_fragment(17, 0x100, 9) + zeros(16)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 51, ah(58, 4) + icmp6(128, 0)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 0,
            ipv6_ext(60, 0) + ipv6_ext(43, 0) + ipv6_ext(44, 0) + ipv6_fragment(51, 0, 3) + ah(17, 4) + udp(1, 2)));
    v6(ipv6("2001:db8::1", "2001:db8::2", 59, Bytes{}));
    v6(ipv6("2001:db8::1", "2001:db8::2", 50, u32(0x1000) + u32(1) + zeros(16)));
    // ARP and RARP.
    out.push_back({0x0806, arp(1, "00:11:22:33:44:55", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2")});
    out.push_back({0x0806, arp(2, "00:aa:bb:cc:dd:ee", "10.0.0.2", "00:11:22:33:44:55", "10.0.0.1")});
    out.push_back({0x8035, arp(3, "00:11:22:33:44:55", "0.0.0.0", "00:11:22:33:44:55", "0.0.0.0")});
    out.push_back({0x8035, arp(4, "00:aa:bb:cc:dd:ee", "10.0.0.9", "00:11:22:33:44:55", "10.0.0.1")});
    return out;
}

void ethernet_file(Writer& w, std::vector<Frame>& keep) {
    auto add = [&](const Bytes& b) {
        w.add(b);
        keep.push_back({b, b.size()});
    };
    int i = 0;
    for (auto& [type, payload] : network_packets()) {
        const Bytes& dst = (i % 7 == 0) ? bcast : (i % 11 == 0) ? (type == 0x86dd ? mcast6 : mcast4) : host_b;
        add(ethernet(dst, host_a, type, payload));
        ++i;
    }
    // Other ethertypes libpcap names: DECnet, LAT, MOP, SCA, AppleTalk, AARP, IPX, loopback, LLDP.
    for (std::uint16_t t : {0x6003, 0x6004, 0x6001, 0x6002, 0x6007, 0x809b, 0x80f3, 0x8137, 0x9000, 0x88cc})
        add(ethernet(host_b, host_a, t, zeros(46)));
    // DECnet routing headers, long and short, for `decnet host`.
    add(ethernet(host_b, host_a, 0x6003, u16(40) + u8(0x81) + u8(0x26) + zeros(4) + u16(0x0104) + zeros(6) + u16(0x0204) + zeros(20)));
    add(ethernet(host_b, host_a, 0x6003, u16(10) + u8(0x02) + u16(0x0104) + u16(0x0204) + zeros(30)));
    // 802.3 with LLC: STP, NetBEUI, IPX, ISO (CLNP, ES-IS, IS-IS PDUs), SNAP (AppleTalk, AARP, IPX, IP).
    add(ethernet_802_3(mcast4, host_a, llc(0x42, 0x42, 0x03, zeros(35))));
    add(ethernet_802_3(host_b, host_a, llc(0xf0, 0xf0, 0x03, zeros(40))));
    add(ethernet_802_3(host_b, host_a, llc(0xe0, 0xe0, 0x03, zeros(40))));
    add(ethernet_802_3(host_b, host_a, Bytes{0xff, 0xff} + zeros(40)));
    add(ethernet_802_3(host_b, host_a, llc(0xfe, 0xfe, 0x03, Bytes{0x81} + zeros(40))));
    add(ethernet_802_3(host_b, host_a, llc(0xfe, 0xfe, 0x03, Bytes{0x82} + zeros(40))));
    for (std::uint8_t pdu : {15, 16, 17, 18, 20, 24, 25, 26, 27})
        add(ethernet_802_3(host_b, host_a, llc(0xfe, 0xfe, 0x03, Bytes{0x83, 27, 1, 0, pdu} + zeros(36))));
    add(ethernet_802_3(host_b, host_a, snap(0x080007, 0x809b, zeros(40))));
    add(ethernet_802_3(host_b, host_a, snap(0x000000, 0x80f3, zeros(40))));
    add(ethernet_802_3(host_b, host_a, snap(0x000000, 0x8137, zeros(40))));
    add(ethernet_802_3(host_b, host_a, snap(0x000000, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1, 2)))));
    // LLC control fields: I, S (RR, RNR, REJ), U (UI, UA, DISC, DM, SABME, TEST, XID, FRMR).
    for (std::uint8_t c : {0x00, 0x02, 0x01, 0x05, 0x09, 0x03, 0x63, 0x43, 0x0f, 0x6f, 0xe3, 0xaf, 0x87, 0xf3})
        add(ethernet_802_3(host_b, host_a, llc(0x06, 0x06, c, zeros(40))));
    // VLAN: single, stacked two and three deep, 0x8100 / 0x88a8 / 0x9100.
    Bytes inner4 = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(1234, 80, 0x02));
    Bytes inner6 = ipv6("2001:db8::1", "2001:db8::2", 17, udp(53, 53));
    for (std::uint16_t vid : {1, 10, 20, 100, 200, 4095}) {
        add(host_b + host_a + vlan_tag(0x8100, vid) + u16(0x0800) + inner4);
        add(host_b + host_a + vlan_tag(0x8100, vid) + u16(0x86dd) + inner6);
    }
    add(bcast + host_a + vlan_tag(0x8100, 10) + u16(0x0806) + arp(1, "00:11:22:33:44:55", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.2"));
    add(host_b + host_a + vlan_tag(0x88a8, 100) + vlan_tag(0x8100, 200) + u16(0x0800) + inner4);
    add(host_b + host_a + vlan_tag(0x9100, 100) + vlan_tag(0x8100, 10) + u16(0x86dd) + inner6);
    add(host_b + host_a + vlan_tag(0x8100, 10) + vlan_tag(0x8100, 20) + vlan_tag(0x8100, 30) + u16(0x0800) + inner4);
    add(host_b + host_a + vlan_tag(0x8100, 10) + u16(0x8847) + mpls(100, true) + inner4);
    add(host_b + host_a + vlan_tag(0x8100, 10) + u16(0x8864) + pppoe_session(1, 0x0021, inner4));
    // MPLS stacks of one to three labels, bottom-of-stack right and wrong.
    add(ethernet(host_b, host_a, 0x8847, mpls(100, true) + inner4));
    add(ethernet(host_b, host_a, 0x8847, mpls(100, true) + inner6));
    add(ethernet(host_b, host_a, 0x8847, mpls(100, false) + mpls(200, true) + inner4));
    add(ethernet(host_b, host_a, 0x8847, mpls(1, false) + mpls(200, false) + mpls(300, true) + inner6));
    add(ethernet(host_b, host_a, 0x8847, mpls(100, false) + inner4));
    add(ethernet(host_b, host_a, 0x8848, mpls(5, true) + inner4));
    // PPPoE discovery and sessions carrying IPv4, IPv6, and LCP.
    add(ethernet(bcast, host_a, 0x8863, pppoe_discovery(0x09, 0)));
    add(ethernet(host_b, host_a, 0x8863, pppoe_discovery(0x65, 0x1234)));
    add(ethernet(host_b, host_a, 0x8864, pppoe_session(1, 0x0021, inner4)));
    add(ethernet(host_b, host_a, 0x8864, pppoe_session(0x1234, 0x0021, ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53)))));
    add(ethernet(host_b, host_a, 0x8864, pppoe_session(1, 0x0057, inner6)));
    add(ethernet(host_b, host_a, 0x8864, pppoe_session(1, 0xc021, zeros(10))));
    // Geneve over IPv4 and IPv6: Ethernet inside (with and without options), and bare IPv4.
    Bytes inner_frame = ethernet(host_a, host_b, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(1000, 53)));
    add(ethernet(host_b, host_a, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 17, udp(5555, 6081, geneve(10, 0x6558, inner_frame)))));
    add(ethernet(host_b, host_a, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 17, udp(5555, 6081, geneve(100, 0x6558, inner_frame, 2)))));
    add(ethernet(host_b, host_a, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 17, udp(5555, 6081, geneve(100, 0x0800, inner4)))));
    add(ethernet(host_b, host_a, 0x86dd, ipv6("2001:db8::1", "2001:db8::2", 17, udp(5555, 6081, geneve(10, 0x6558, inner_frame)))));
    add(ethernet(host_b, host_a, 0x0800, ipv4("192.168.1.1", "192.168.1.2", 17, udp(5555, 6082, geneve(10, 0x6558, inner_frame)))));
    // Small and large frames.
    add(ethernet(host_b, host_a, 0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(9, 9, zeros(1400)))));
    add(ethernet(host_b, host_a, 0x88b5, Bytes{}));
}

void truncated_file(Writer& w, const std::vector<Frame>& frames) {
    // Cut a sample of the Ethernet frames at every interesting boundary:
    // inside the MAC header, the type, a VLAN tag, the IP header, the ports,
    // the TCP flags, ...
    const std::size_t cuts[] = {1, 6, 12, 13, 14, 16, 18, 20, 22, 24, 26, 30, 34, 36, 38, 40, 46, 48, 54, 56, 58, 62, 68};
    for (std::size_t i = 0; i < frames.size(); i += 3)
        for (std::size_t cut : cuts)
            if (cut < frames[i].data.size()) w.add(frames[i].data, cut);
}

void raw_file(Writer& w) {
    for (auto& [type, payload] : network_packets())
        if (type == 0x0800 || type == 0x86dd) w.add(payload);
}

// LINKTYPE_IPV4 / LINKTYPE_IPV6: only the one family each.
void raw_family_file(Writer& w, std::uint16_t family) {
    for (auto& [type, payload] : network_packets())
        if (type == family) w.add(payload);
}

void sll_file(Writer& w, bool v2) {
    int i = 0;
    for (auto& [type, payload] : network_packets()) {
        std::uint16_t pkttype = std::uint16_t(i % 5);  // host, broadcast, multicast, otherhost, outgoing
        w.add(v2 ? linux_sll2(type, std::uint32_t(1 + i % 3), std::uint8_t(pkttype), payload)
                 : linux_sll(pkttype, type, payload));
        ++i;
    }
    // 802.2 and 802.3 pseudo-protocols.
    Bytes stp = llc(0x42, 0x42, 0x03, zeros(35)), ipx = llc(0xe0, 0xe0, 0x03, zeros(30));
    Bytes iso = llc(0xfe, 0xfe, 0x03, Bytes{0x83, 27, 1, 0, 15} + zeros(30));
    for (const Bytes* p : {&stp, &ipx, &iso}) w.add(v2 ? linux_sll2(0x0004, 1, 0, *p) : linux_sll(0, 0x0004, *p));
    w.add(v2 ? linux_sll2(0x0001, 2, 0, zeros(30)) : linux_sll(0, 0x0001, zeros(30)));
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = argc > 1 ? argv[1] : ".";
    std::vector<Frame> frames;  // the Ethernet frames, for the truncated file
    struct Output {
        const char* name;
        int dlt;
        std::function<void(Writer&)> fill;
    };
    const Output outputs[] = {
        {"ethernet.pcap", DLT_EN10MB, [&](Writer& w) { ethernet_file(w, frames); }},
        {"truncated.pcap", DLT_EN10MB, [&](Writer& w) { truncated_file(w, frames); }},
        {"raw.pcap", DLT_RAW, raw_file},
        {"raw_ipv4.pcap", DLT_IPV4, [](Writer& w) { raw_family_file(w, 0x0800); }},
        {"raw_ipv6.pcap", DLT_IPV6, [](Writer& w) { raw_family_file(w, 0x86dd); }},
        {"linux_sll.pcap", DLT_LINUX_SLL, [](Writer& w) { sll_file(w, false); }},
        {"linux_sll2.pcap", DLT_LINUX_SLL2, [](Writer& w) { sll_file(w, true); }},
    };
    for (const auto& o : outputs) {
        Writer w(dir + "/" + o.name, o.dlt);
        if (!w.ok()) return 1;
        o.fill(w);
    }
    return 0;
}
