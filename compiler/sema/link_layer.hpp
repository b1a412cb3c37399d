// Link layers as data: one description per link type, read by the code
// generators instead of a switch on the link type in each of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace fcap::sema {

// How the link layer names the protocol it carries (decides gen_linktype's shape).
enum class LinkFamily : std::uint8_t {
    ethernet,    // type/length field at 12; 802.2 LLC and SNAP behind a length
    linux_sll,   // cooked v1: protocol at 14, 802.2 / 802.3 pseudo-protocols
    linux_sll2,  // cooked v2: protocol at 0
    raw_ip,      // no field: the IP version nibble says IPv4 or IPv6
    ipv4_only,   // every packet is IPv4
    ipv6_only,   // every packet is IPv6
    ppp,         // PPP protocol numbers (inside PPPoE sessions)
};

struct LinkLayer {
    int dlt;
    std::string_view name;         // pcap_datalink_val_to_name
    std::string_view description;  // pcap_datalink_val_to_description, for messages
    LinkFamily family;
    std::uint32_t header_length;              // where the link-layer payload starts
    std::optional<std::uint32_t> type_offset; // the protocol field, if any
    std::uint32_t nosnap_offset;              // 802.2 payload without SNAP, from the payload start
    bool mac_addresses;                       // ether host/broadcast/multicast apply
    bool vlan;                                // `vlan` applies
    bool mpls;                                // `mpls` applies
    bool llc;                                 // `llc` applies
    std::optional<std::uint32_t> pkttype_offset;  // inbound/outbound from the header
    std::uint8_t pkttype_size;
    std::optional<std::uint32_t> ifindex_offset;  // `ifindex` from the header
};

// The description of `dlt`, or null if fcap does not compile for it.
const LinkLayer* find_link_layer(int dlt);
const LinkLayer& ppp_link_layer();
const LinkLayer& ethernet_link_layer();

// A link type from a name ("EN10MB", "LINUX_SLL", ...) or a number; -1 if unknown.
int link_type_from_name(std::string_view name);
// The list fcc --help prints.
std::string_view supported_link_types();

}  // namespace fcap::sema
