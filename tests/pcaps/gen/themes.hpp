// The themes of the test captures: each returns the packets of one file.
// Network-layer themes return datagrams, which make_pcaps wraps in every
// link type (Ethernet, raw IP, Linux cooked); link-layer themes return
// whole Ethernet frames.  Each theme holds packets that its filters match
// and packets that they do not.
#pragma once

#include "packets.hpp"

#include <cstdint>
#include <vector>

namespace fcap::gen {

struct Frame {
    Bytes data;                       // the packet as it was on the wire
    std::size_t caplen = SIZE_MAX;    // less than data.size(): captured truncated
};
using Frames = std::vector<Frame>;

struct Datagram {
    std::uint16_t ethertype;  // 0x0800, 0x86dd, 0x0806, 0x8035
    Bytes bytes;
};
using Datagrams = std::vector<Datagram>;

// network.cpp: hosts, nets, ports and IP protocols; IPv4 headers; IPv6 chains.
Datagrams addressing();
Datagrams ipv4_options_frags();
Datagrams ipv6_extension_headers();

// control.cpp: TCP flags and options, ICMP, ICMPv6, ARP and RARP.
Datagrams tcp_flags();
Datagrams icmp_types();
Datagrams icmp6_types();
Datagrams arp_rarp();

// ethernet.cpp: a datagram in an Ethernet frame whose MAC addresses follow
// from its IP addresses (multicast and broadcast included).
Bytes in_ethernet(const Datagram& d);
Frames in_ethernet(const Datagrams& ds);
Bytes source_mac(const Datagram& d);  // the one in_ethernet() uses
// The IPv4 and IPv6 datagrams of Ethernet II frames, headers stripped.
Datagrams ip_datagrams_of(const Frames& frames);
Frames ethernet_mix();  // addressing() plus other EtherTypes, small and jumbo frames
Frames llc_snap();

// encap.cpp
Frames vlan();
Frames mpls_stacks();
Frames pppoe();
Frames geneve_tunnels();

// truncated.cpp: frames of every shape cut at every byte, and the frames
// of `long_frames` cut at common snapshot lengths.
Frames truncated(const Frames& long_frames);

}  // namespace fcap::gen
