// The packet decoder: one line per packet, in the words tcpdump users read
// ("IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 65535,
// length 0").  Ethernet (with -e), 802.1Q/802.1ad, MPLS, ARP, IPv4, IPv6,
// TCP, UDP, ICMP and ICMPv6 are decoded; anything else is named for what it
// is ("ethertype Unknown (0x88b5)", "ip-proto-253"); a packet cut short is
// marked where it ends ("[|tcp]") and a malformed one says so.  It never
// reads past the captured bytes, whatever they hold (tests/fuzz).
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

struct DecodeOptions {
    bool link_header = false;  // -e: the MAC addresses, EtherType and frame length
    bool port_names = true;    // without -n: well-known port numbers by name
    bool quiet = false;        // -q: less protocol detail
    int verbose = 0;           // -v: IP header fields
    bool suppress_default_print = false;  // -x/-X/-A: no hex of undecoded payloads (the dump has them)
    TcpConversations* conversations = nullptr;  // relative TCP numbers; null: absolute (-S)
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
