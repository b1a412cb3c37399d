// Writes the project's test captures (tests/pcaps/*.pcap), one file per
// theme, through libpcap's own writer (pcap_open_dead + pcap_dump).  Every
// feature of pcap-filter(7) that fcc compiles has packets that match it and
// packets that do not.  Regenerate with:
//   build/bin/make_pcaps tests/pcaps
#include "themes.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

using namespace fcap::gen;

namespace {

// The snapshot length written in every file header.  tests/cbpf_import
// compiles against ethernet.pcap with it (tcpdump -r takes the file's).
constexpr int file_snaplen = 65535;

// Writes `frames` to `path`; timestamps count up from a fixed instant, one
// millisecond apart, so the output is the same on every run.
bool write_capture(const std::string& path, int dlt, const Frames& frames) {
    pcap_t* dead = pcap_open_dead(dlt, file_snaplen);
    pcap_dumper_t* dump = dead ? pcap_dump_open(dead, path.c_str()) : nullptr;
    if (!dump) {
        std::fprintf(stderr, "make_pcaps: cannot write %s: %s\n", path.c_str(), dead ? pcap_geterr(dead) : "");
        if (dead) pcap_close(dead);
        return false;
    }
    for (std::size_t i = 0; i < frames.size(); ++i) {
        pcap_pkthdr h{};
        h.ts.tv_sec = 1700000000 + long(i / 1000);
        h.ts.tv_usec = long(i % 1000) * 1000;
        h.len = std::uint32_t(frames[i].data.size());
        h.caplen = std::uint32_t(std::min(frames[i].caplen, frames[i].data.size()));
        pcap_dump(reinterpret_cast<u_char*>(dump), &h, frames[i].data.data());
    }
    pcap_dump_close(dump);
    pcap_close(dead);
    return true;
}

Frames concat(std::initializer_list<Frames> parts) {
    Frames out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

Datagrams concat(std::initializer_list<Datagrams> parts) {
    Datagrams out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The datagrams every non-Ethernet file carries: all network-layer themes,
// and the Geneve tunnels without their outer Ethernet header.
Datagrams network_datagrams() {
    return concat({addressing(), ipv4_options_frags(), ipv6_extension_headers(), tcp_flags(), icmp_types(),
                   icmp6_types(), arp_rarp(), ip_datagrams_of(geneve_tunnels())});
}

// LINKTYPE_RAW (IPv4 and IPv6), or LINKTYPE_IPV4 / LINKTYPE_IPV6 (one family).
Frames raw_ip(int family) {
    Frames out;
    for (const auto& d : network_datagrams())
        if ((d.ethertype == 0x0800 || d.ethertype == 0x86dd) && (family == 0 || d.ethertype == family))
            out.push_back({d.bytes});
    return out;
}

// Payloads of the cooked pseudo-protocols: 802.2 LLC (protocol 4) and
// Novell raw 802.3 (protocol 1), and encapsulations under their EtherType.
struct CookedPayload {
    std::uint16_t protocol;
    Bytes bytes;
};
std::vector<CookedPayload> cooked_link_payloads() {
    Bytes udp4 = ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53));
    return {
        {0x0004, llc(0x42, 0x42, 0x03, zeros(35))},
        {0x0004, llc(0xe0, 0xe0, 0x03, u16(0xffff) + zeros(28))},
        {0x0004, llc(0xf0, 0xf0, 0x03, zeros(30))},
        {0x0004, llc(0xfe, 0xfe, 0x03, Bytes{0x83, 27, 1, 0, 15} + zeros(30))},
        {0x0004, llc(0xfe, 0xfe, 0x03, Bytes{0x81} + zeros(30))},
        {0x0004, snap(0x080007, 0x809b, zeros(30))},
        {0x0004, llc(0x06, 0x06, 0x0f, zeros(30))},
        {0x0001, u16(0xffff) + u16(30) + zeros(26)},
        {0x8100, u16(10) + u16(0x0800) + udp4},  // a tag the kernel left in place: TCI, then the type
        {0x8847, mpls(100, true) + udp4},
        {0x8864, pppoe_session(0x1234, 0x0021, udp4)},
        {0x8863, pppoe_discovery(0x09, 0)},
        {0x6003, zeros(30)},
        {0x809b, zeros(30)},
    };
}

// Linux cooked captures (v1, or v2 with interface indexes).  Packet types
// cycle through host, broadcast, multicast, other host and outgoing; the
// link address is the sender's; some come from loopback (ARPHRD 772) or a
// tunnel with no link address (ARPHRD_NONE).
Frames cooked(bool v2) {
    Frames out;
    auto add = [&](std::size_t i, std::uint16_t proto, const Bytes& payload, const Bytes& address) {
        std::uint8_t pkttype = std::uint8_t(i % 5);
        std::uint16_t hatype = i % 17 == 3 ? 772 : i % 17 == 9 ? 65534 : 1;
        Bytes a = hatype == 772 ? zeros(6) : hatype == 65534 ? Bytes{} : address;
        std::uint32_t ifindex = i % 23 == 0 ? 1000 : std::uint32_t(1 + i % 3);
        out.push_back({v2 ? linux_sll2(proto, ifindex, pkttype, payload, a, hatype)
                          : linux_sll(pkttype, proto, payload, a, hatype)});
    };
    std::size_t i = 0;
    for (const auto& d : network_datagrams()) add(i++, d.ethertype, d.bytes, source_mac(d));
    for (const auto& p : cooked_link_payloads()) add(i++, p.protocol, p.bytes, mac("00:aa:bb:cc:dd:ee"));
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_pcaps DIRECTORY\n  writes the test captures into DIRECTORY\n");
        return 2;
    }
    std::string dir = argv[1];
    struct Output {
        const char* name;
        int dlt;
        std::function<Frames()> frames;
    };
    const Output outputs[] = {
        {"ethernet_mix.pcap", DLT_EN10MB, ethernet_mix},
        {"vlan.pcap", DLT_EN10MB, vlan},
        {"mpls.pcap", DLT_EN10MB, mpls_stacks},
        {"pppoe.pcap", DLT_EN10MB, pppoe},
        {"geneve.pcap", DLT_EN10MB, geneve_tunnels},
        {"ipv4_options_frags.pcap", DLT_EN10MB, [] { return in_ethernet(ipv4_options_frags()); }},
        {"ipv6_ext.pcap", DLT_EN10MB, [] { return in_ethernet(ipv6_extension_headers()); }},
        {"tcp_flags.pcap", DLT_EN10MB, [] { return in_ethernet(tcp_flags()); }},
        {"icmp.pcap", DLT_EN10MB, [] { return in_ethernet(icmp_types()); }},
        {"icmp6.pcap", DLT_EN10MB, [] { return in_ethernet(icmp6_types()); }},
        {"arp_rarp.pcap", DLT_EN10MB, [] { return in_ethernet(arp_rarp()); }},
        {"llc_snap.pcap", DLT_EN10MB, llc_snap},
        {"truncated.pcap", DLT_EN10MB, [] { return truncated(concat({ethernet_mix(), geneve_tunnels()})); }},
        // All the untruncated Ethernet themes in one file, for the tools,
        // examples and tests that want a single representative capture.
        {"ethernet.pcap", DLT_EN10MB,
         [] {
             return concat({ethernet_mix(), vlan(), mpls_stacks(), pppoe(), geneve_tunnels(),
                            in_ethernet(ipv4_options_frags()), in_ethernet(ipv6_extension_headers()),
                            in_ethernet(tcp_flags()), in_ethernet(icmp_types()), in_ethernet(icmp6_types()),
                            in_ethernet(arp_rarp()), llc_snap()});
         }},
        {"raw_ip.pcap", DLT_RAW, [] { return raw_ip(0); }},
        {"raw_ipv4.pcap", DLT_IPV4, [] { return raw_ip(0x0800); }},
        {"raw_ipv6.pcap", DLT_IPV6, [] { return raw_ip(0x86dd); }},
        {"linux_sll.pcap", DLT_LINUX_SLL, [] { return cooked(false); }},
        {"linux_sll2.pcap", DLT_LINUX_SLL2, [] { return cooked(true); }},
    };
    for (const auto& o : outputs)
        if (!write_capture(dir + "/" + o.name, o.dlt, o.frames())) return 1;
    return 0;
}
