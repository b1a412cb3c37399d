// Shared by the decoder's files (decode_link.cpp, decode_ip.cpp,
// decode_transport.cpp): a bounds-checked view of captured bytes and the
// decoder's state.  Not part of the library's interface.
#pragma once

#include "capture/decode.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace fcap::capture::detail {

// Captured bytes [0, size).  Every read checks its bounds; a read past the
// end gives 0, so a decoder bug prints nonsense instead of crashing, but the
// decoders test has() first and say where the capture ends.
class Bytes {
public:
    Bytes() = default;
    Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::size_t size() const { return size_; }
    const std::uint8_t* data() const { return data_; }
    bool has(std::size_t offset, std::size_t length) const { return offset <= size_ && length <= size_ - offset; }
    std::uint8_t u8(std::size_t at) const { return at < size_ ? data_[at] : 0; }
    std::uint16_t be16(std::size_t at) const { return std::uint16_t(u8(at) << 8 | u8(at + 1)); }
    std::uint32_t be32(std::size_t at) const { return std::uint32_t(be16(at)) << 16 | be16(at + 2); }
    // The bytes from `offset` on (empty past the end).
    Bytes from(std::size_t offset) const { return offset <= size_ ? Bytes(data_ + offset, size_ - offset) : Bytes(); }
    // At most the first `length` bytes.
    Bytes first(std::size_t length) const { return Bytes(data_, length < size_ ? length : size_); }

private:
    const std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

std::string mac_text(Bytes b, std::size_t at);  // 00:11:22:33:44:55
std::string ipv4_text(Bytes b, std::size_t at);
std::string ipv6_text(Bytes b, std::size_t at);
std::string hex(std::uint32_t value, int digits);  // 0x0800
void print_char(std::string& s, std::uint8_t c);     // tcpdump's fn_print_char: ^X, M-x
// tcpdump's print_unknown_data: "\n\t0x0000:  4500 0054 ..." lines of the
// captured part of [at, at + length), each line starting with `prefix`.
std::string hex_lines(Bytes b, std::size_t at, std::size_t length, const char* prefix);
// The Internet checksum's 16-bit one's complement sum (RFC 1071), not yet
// complemented, of `length` bytes from `at`; `sum` carries a partial one.
std::uint32_t ones_sum(Bytes b, std::size_t at, std::size_t length, std::uint32_t sum = 0);
std::uint16_t ones_fold(std::uint32_t sum);
// tcpdump's in_cksum_shouldbe: the checksum field that would make the sum
// right, from the field and the computed complement.
std::uint16_t checksum_should_be(std::uint16_t field, std::uint16_t computed);
const char* ethertype_name(std::uint16_t type);    // "IPv4", or nullptr
std::string ethertype_text(std::uint16_t type);    // "ethertype IPv4 (0x0800)"
const char* ip_protocol_name(std::uint8_t proto);  // "TCP", or nullptr
bool ethertype_known(std::uint16_t type);          // has a printer here
// decode_tcp_options.cpp: the options' text and the closing bracket;
// *cut when the capture ends inside them (the text then ends in " [|tcp]").
// *bad_option when an option does not fit (tcpdump then ends the line).
// `segment_captured`: the whole segment is in the capture (an MD5
// signature could be checked).
// How a TCP option list ended, when not at its closing bracket.
struct TcpOptionsEnd {
    bool cut = false;         // the capture ended inside it (the text ends in " [|tcp]")
    bool whole_dump = false;  // ... at a kind or length byte: tcpdump's longjmp, -x dumps from the link header
    bool bad = false;         // an option did not fit ("[bad opt]"; tcpdump ends the line)
};
std::string tcp_options(Bytes o, std::size_t size, std::uint8_t flags, std::uint32_t sack_base,
                        bool segment_captured, TcpOptionsEnd* end);

class Decoder {
public:
    Decoder(std::string& out, const DecodeOptions& options) : out_(out), options_(options) {}

    void link(int dlt, Bytes b, std::uint32_t wirelen);
    std::size_t link_length() const { return link_length_; }

    // decode_link.cpp
    void ethernet(Bytes b, std::uint32_t wirelen);
    void bsd_loopback(Bytes b, std::uint32_t wirelen);  // decode_null.cpp
    void cooked(Bytes b, std::uint32_t wirelen, bool v2);
    void ethertype_payload(std::uint16_t type, Bytes b, std::uint32_t wirelen);
    void vlan(std::uint16_t tpid, Bytes b, std::uint32_t wirelen);
    void mpls(Bytes b, std::uint32_t length);
    void macsec(Bytes b, std::uint32_t length);  // decode_macsec.cpp
    void arp(Bytes b, std::uint32_t length);  // decode_arp.cpp
    void atm_arp(Bytes b, std::uint32_t length);
    // decode_llc.cpp: 802.2 LLC, SNAP (false: no printer for its
    // protocol) and spanning tree BPDUs.
    void llc(Bytes b, std::uint32_t length);
    bool snap(Bytes b, std::uint32_t length);
    void stp(Bytes b, std::uint32_t length);
    bool osi(Bytes b, std::uint32_t length);  // false: not IS-IS
    void ipx(Bytes b, std::uint32_t length);
    // decode_ether_protocols.cpp
    void tipc(Bytes b, std::uint32_t length);
    void aoe(Bytes b, std::uint32_t length);
    void slow_protocols(Bytes b, std::uint32_t length);
    void lldp(Bytes b, std::uint32_t length);
    void ethernet_loopback(Bytes b, std::uint32_t length);
    void eapol(Bytes b, std::uint32_t length);
    void udld(Bytes b, std::uint32_t length);
    void cdp(Bytes b, std::uint32_t length);
    void ptp(Bytes b, std::uint32_t length);  // decode_ptp.cpp
    // decode_tunnel.cpp: GRE (IP protocol 47), VXLAN and Geneve (UDP);
    // the frame they carry is printed as tcpdump prints it.
    // tunnel_payload takes the UDP ports of these and of PTP.
    void gre(Bytes b, std::uint32_t length);
    bool tunnel_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length);
    void vxlan(Bytes b, std::uint32_t length);
    void geneve(Bytes b, std::uint32_t length);
    void otv(Bytes b, std::uint32_t length);
    void inner_ethernet(Bytes b, std::uint32_t length);
    // decode_ppp.cpp: PPPoE and the PPP it carries.
    void pppoe(std::uint16_t type, Bytes b, std::uint32_t length);
    void ppp(Bytes b, std::uint32_t length);

    // decode_ip.cpp
    // `length` is what the layer below carries (the wire's, not the
    // capture's): less than the IP header's total, tcpdump says so.
    void ip_by_version(Bytes b, std::uint32_t length);
    void ipv4(Bytes b, std::uint32_t length);
    void ipv6(Bytes b, std::uint32_t length);
    std::string ip_options(Bytes o, std::size_t size);
    std::size_t final_destination(Bytes b, std::size_t header);
    std::string ip_route(Bytes o, std::size_t len);
    std::string ip_timestamps(Bytes o, std::size_t len);
    std::string ipv6_options(Bytes h, bool hop_by_hop, std::uint32_t payload_length);
    bool routing_header(Bytes h, std::size_t* final_dst);

    // decode_transport.cpp: `length` is the transport header and payload
    // as the IP header states it (the capture may hold less).
    struct Endpoints {
        std::string src, dst;
        bool shown = false;          // already printed (before IPv6 extension headers)
        bool v6 = false;
        bool fragment = false;       // part of a fragmented datagram: no checksum
        std::uint32_t address_sum = 0;  // the pseudo-header's addresses, summed
        std::uint8_t ttl = 255;      // IPv4's TTL or IPv6's hop limit (VRRP shows it)
    };
    void transport(std::uint8_t proto, Bytes b, std::uint32_t length, const Endpoints& ends);
    void tcp(Bytes b, std::uint32_t length, const Endpoints& ends);
    // Makes seq and ack relative, as tcpdump; returns what SACK edges lose.
    std::uint32_t relative_numbers(Bytes b, const Endpoints& ends, std::uint32_t& seq, std::uint32_t& ack, bool syn);
    void udp(Bytes b, std::uint32_t length, const Endpoints& ends);
    void bootp(Bytes b, std::uint32_t length);  // decode_bootp.cpp
    void dhcp_options(Bytes b);
    void ntp(Bytes b, std::uint32_t length);    // decode_ntp.cpp
    void dns(Bytes b, std::uint32_t length, bool over_tcp, bool mdns);  // decode_dns.cpp
    // decode_text.cpp
    bool text_line(Bytes b, std::size_t& at, std::size_t len, const char* prefix, const char* layer);
    void text_protocol(Bytes b, std::uint32_t length, const char* name, const char* layer, bool http);
    void ssh(Bytes b, std::uint32_t length);
    void tcp_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length);
    bool udp_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length, const Endpoints& ends);
    // decode_apps.cpp: applications over TCP, after the segment's length
    void openflow(Bytes b, std::uint32_t length);
    void resp(Bytes b, std::uint32_t length);
    void dhcp6(Bytes b);
    void krb(Bytes b);
    void sflow(Bytes b, std::uint32_t length);
    void radius(Bytes b, std::uint32_t length);
    void sctp(Bytes b, std::uint32_t length, const Endpoints& ends);  // decode_sctp.cpp
    void forces(Bytes b, std::uint32_t length);
    void rx(Bytes b, std::uint32_t length);  // decode_rx.cpp
    void dccp(Bytes b, std::uint32_t length, const Endpoints& ends);  // decode_dccp.cpp
    void babel(Bytes b, std::uint32_t length);  // decode_babel.cpp
    void isakmp(Bytes b, std::uint32_t length, const Endpoints& ends);  // decode_isakmp.cpp
    void isakmp_nat(Bytes b, std::uint32_t length, const Endpoints& ends);
    // decode_routing.cpp: routing and redundancy protocols
    void pim(Bytes b, std::uint32_t length, const Endpoints& ends);
    void vrrp(Bytes b, std::uint32_t length, const Endpoints& ends);
    void ospf(Bytes b, std::uint32_t length, bool v6);
    void eigrp(Bytes b, std::uint32_t length);
    void hsrp(Bytes b, std::uint32_t length);
    void bfd(Bytes b, std::uint32_t length, std::uint16_t port);
    void bcm_li(Bytes b);
    void igmp(Bytes b, std::uint32_t length);
    void rip(Bytes b, std::uint32_t length);
    void ahcp(Bytes b, std::uint32_t length);
    void pgm(Bytes b, const Endpoints& ends);
    void rsvp(Bytes b, std::uint32_t length);
    void mobility(Bytes b);
    std::uint16_t transport_checksum(Bytes b, std::uint32_t length, const Endpoints& ends, std::uint8_t proto);
    void icmp(Bytes b, std::uint32_t length, const Endpoints& ends);
    void icmp6(Bytes b, std::uint32_t length, const Endpoints& ends);  // decode_icmp6.cpp
    void neighbor_discovery(Bytes b, std::uint32_t length);
    void nd_options(Bytes b, std::size_t at, std::size_t end);
    std::string node_information(Bytes b, std::uint32_t length);

    void put(std::string_view s) { out_ += s; }
    // tcpdump's nd_print_trunc: " [|tcp]" where the capture ends.
    void truncated(std::string_view layer) {
        out_ += " [|";
        out_ += layer;
        out_ += ']';
    }
    // The same when a tcpdump printer gives up on the whole packet (its
    // longjmp on a failed bounds check): -x/-X then dump from the link header.
    void cut(std::string_view layer) {
        truncated(layer);
        whole_dump_ = true;
    }
    // tcpdump's default printer for what it cannot decode: hex and text
    // lines, whether or not -x was given.
    void raw_dump(Bytes b);
    bool whole_dump() const { return whole_dump_; }
    void mark_whole_dump() { whole_dump_ = true; }
    std::string port_text(std::uint16_t port, bool udp) const;
    const DecodeOptions& options() const { return options_; }

private:
    std::string& out_;
    const DecodeOptions& options_;
    std::size_t link_length_ = 0;
    bool whole_dump_ = false;
    std::string macsec_addresses_;  // the Ethernet addresses, for MACsec's line without -e
    int depth_ = 0;  // nested encapsulations (tags, labels): bounded
    friend struct DepthGuard;
};

// Bounds the nesting of tags and labels: a packet of 1,000 stacked VLAN
// tags is printed as far as the limit and then marked.
struct DepthGuard {
    explicit DepthGuard(Decoder& d) : d_(d) { ++d_.depth_; }
    ~DepthGuard() { --d_.depth_; }
    bool too_deep() const { return d_.depth_ > 16; }
    Decoder& d_;
};

}  // namespace fcap::capture::detail
