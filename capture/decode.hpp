// The packet decoder: the text tcpdump 4.99 prints for a packet
// ("IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535,
// length 0"), held to tcpdump's own output (tests/capture/golden/tcpdump).
// Decoded, one file each or by family:
//   link      decode_link (Ethernet with -e, Linux cooked v1/v2, raw IP,
//             802.1Q/ad), decode_null (BSD loopback), decode_macsec,
//             decode_llc (LLC/SNAP, STP/RSTP/MSTP, IPX, IS-IS headers),
//             decode_ppp (PPPoE, PPP: LCP/IPCP/PAP/CHAP), decode_ptp,
//             decode_ether_protocols (TIPC, AoE, LACP, LLDP, CDP, DTP,
//             UDLD, EAPOL, Loopback)
//   network   decode_arp, decode_ip (IPv4 with -v's two lines, options and
//             checksums; IPv6 and its extension headers; MPLS),
//             decode_tunnel (GRE, VXLAN, Geneve, OTV: the inner frame too)
//   transport decode_transport (TCP, UDP), decode_tcp_options (MPTCP, MD5,
//             TCP-AO, ...), decode_icmp, decode_icmp6 (neighbour discovery,
//             MLD, node information, RPL names)
//   above     decode_dns, decode_bootp (BOOTP/DHCP), decode_ntp, decode_text
//             (HTTP/FTP/SMTP/SSH first lines)
// Other link types get tcpdump's hex fallback, other payloads are named as
// tcpdump names them.  A packet cut short is marked where it
// ends (" [|tcp]"), as tcpdump marks it.  It never reads past the captured
// bytes, whatever they hold (tests/fuzz/decode_fuzz.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace fcap::capture {

// tcpdump prints TCP sequence and acknowledgement numbers relative to the
// first ones it saw of a conversation (unless -S); this remembers them.
class TcpConversations {
public:
    struct Base {
        std::uint32_t seq = 0, ack = 0;  // as seen in the canonical direction
    };
    // The conversation's base; *found is false when it was just created.
    // Bounded: past 65536 conversations the table starts over.
    Base& find(const std::string& key, bool* found);
    void clear() { bases_.clear(); }

private:
    std::unordered_map<std::string, Base> bases_;
};

// ISAKMP's initiators by cookie (tcpdump's cookie cache: the last 20 IKEv1
// exchanges seen begin), so a later packet is marked I or R by its source.
class IsakmpInitiators {
public:
    void record(std::uint64_t cookie, const std::string& initiator, const std::string& responder);
    // 'I', 'R' or '?' for a packet from `src` to `dst`; 0 when the cookie is unknown.
    char role(std::uint64_t cookie, const std::string& src, const std::string& dst) const;

private:
    struct Entry {
        std::uint64_t cookie = 0;
        std::string initiator, responder;
        bool used = false;
    };
    Entry entries_[20];
    unsigned next_ = 0;
};

struct DecodeOptions {
    bool link_header = false;  // -e: the MAC addresses, EtherType and frame length
    bool port_names = true;    // without -n: well-known port numbers by name
    bool quiet = false;        // -q: less protocol detail
    int verbose = 0;           // -v: IP header fields
    bool verify_checksums = true;  // -K off: no IPv4, TCP or UDP checksum verdicts under -v
    bool suppress_default_print = false;  // -x/-X/-A: no hex of undecoded payloads (the dump has them)
    TcpConversations* conversations = nullptr;  // relative TCP numbers; null: absolute (-S)
    IsakmpInitiators* isakmp = nullptr;  // IKEv1's initiators; null: none known
};

struct Decoded {
    std::string text;             // the line, without timestamp or newline
    std::size_t link_length = 0;  // bytes of link-layer header (-x/-X/-A leave them out)
};

// `dlt` is the capture's link type (DLT_EN10MB, DLT_LINUX_SLL, ...);
// `wirelen` the packet's length on the wire, `caplen` the bytes at `data`.
Decoded decode(int dlt, const std::uint8_t* data, std::uint32_t caplen, std::uint32_t wirelen,
               const DecodeOptions& options);

}  // namespace fcap::capture
