// The link layer: Ethernet, Linux cooked headers, 802.1Q/802.1ad tags,
// MPLS, ARP and 802.2 LLC.
#include "capture/decode_internal.hpp"
#include "capture/print.hpp"

#include <pcap/dlt.h>

#include <net/if.h>

#include <cstdio>

namespace fcap::capture {

namespace detail {

std::string mac_text(Bytes b, std::size_t at) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", b.u8(at), b.u8(at + 1), b.u8(at + 2), b.u8(at + 3),
                  b.u8(at + 4), b.u8(at + 5));
    return s;
}

std::string hex(std::uint32_t value, int digits) {
    char s[16];
    std::snprintf(s, sizeof s, "0x%0*x", digits, value);
    return s;
}

const char* ethertype_name(std::uint16_t type) {
    // The names tcpdump prints (its ethertype_values table).
    switch (type) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x8035: return "Reverse ARP";
    case 0x86dd: return "IPv6";
    case 0x8100: return "802.1Q";
    case 0x88a8: return "802.1Q-QinQ";
    case 0x9100: return "802.1Q-9100";
    case 0x9200: return "802.1Q-9200";
    case 0x8847: return "MPLS unicast";
    case 0x8848: return "MPLS multicast";
    case 0x8863: return "PPPoE D";
    case 0x8864: return "PPPoE S";
    case 0x88cc: return "LLDP";
    case 0x888e: return "EAPOL";
    case 0x8137: return "IPX";
    case 0x809b: return "Appletalk";
    case 0x80f3: return "Appletalk ARP";
    case 0x6003: return "DN";
    case 0x6004: return "LAT";
    case 0x6001: return "MOP DL";
    case 0x6002: return "MOP RC";
    case 0x6007: return "SCA";
    case 0x9000: return "Loopback";
    case 0x0600: return "NS";
    case 0x8808: return "MAC control";
    case 0x88f7: return "PTP";
    case 0x88e5: return "802.1AE MACsec";
    case 0x893a: return "IEEE1905.1";
    case 0x22f0: return "AVTP";
    case 0x88ca: return "TIPC";
    case 0x88a2: return "AoE";
    case 0x8809: return "Slow Protocols";
    default: return nullptr;
    }
}

std::string ethertype_text(std::uint16_t type) {
    const char* name = ethertype_name(type);
    return std::string("ethertype ") + (name ? name : "Unknown") + " (" + hex(type, 4) + ")";
}

bool ethertype_known(std::uint16_t type) {
    switch (type) {
    case 0x0800: case 0x86dd: case 0x0806: case 0x8035: case 0x8100: case 0x88a8: case 0x9100: case 0x9200:
    case 0x8847: case 0x8848: case 0x88e5: case 0x88ca: case 0x88a2: case 0x8809: case 0x88cc:
    case 0x8863: case 0x8864: case 0x9000: case 0x88f7: case 0x888e: case 0x8137: return true;
    default: return false;
    }
}

namespace {

bool decodable(std::uint16_t type) { return ethertype_known(type); }

const char* pkttype_name(std::uint16_t t) {
    switch (t) {
    case 0: return "In";
    case 1: return "B";
    case 2: return "M";
    case 3: return "P";
    case 4: return "Out";
    default: return "?";
    }
}

}  // namespace

void Decoder::link(int dlt, Bytes b, std::uint32_t wirelen) {
    switch (dlt) {
    case DLT_EN10MB: ethernet(b, wirelen); return;
    case DLT_LINUX_SLL: cooked(b, wirelen, false); return;
    case DLT_LINUX_SLL2: cooked(b, wirelen, true); return;
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
        if (options_.link_header) put("ip: ");  // tcpdump's raw_if_print under -e
        return ip_by_version(b, wirelen);  // tcpdump too goes by the version nibble
    case DLT_NULL:
    case DLT_LOOP: return bsd_loopback(b, wirelen);
    default:
        // tcpdump's unsupported_if_print: the bytes, whatever -x says.
        return raw_dump(b);
    }
}

void Decoder::ethernet(Bytes b, std::uint32_t wirelen) {
    if (!b.has(0, 14)) return cut("ether");
    link_length_ = 14;
    std::uint16_t type = b.be16(12);
    std::string addresses = mac_text(b, 6) + " > " + mac_text(b, 0);
    macsec_addresses_ = addresses;
    std::string length = ", length " + std::to_string(wirelen);
    Bytes payload = b.from(14);
    if (type <= 1500) {  // an 802.3 length field: LLC follows (tcpdump: 1501-1535 are unknown types)
        if (options_.link_header) put(addresses + ", 802.3, length " + std::to_string(type) + ": ");
        // A length field past the frame's end: tcpdump goes by the frame.
        std::uint32_t size = type < wirelen - 14 ? type : wirelen - 14;
        return llc(payload.first(size), size);
    }
    if (options_.link_header) {
        put(addresses + ", " + ethertype_text(type) + length + ": ");
    } else if (!decodable(type)) {
        // tcpdump shows the link header of what it cannot name, then its bytes.
        put(addresses + ", " + ethertype_text(type) + length + ": ");
    }
    ethertype_payload(type, payload, wirelen - 14);
}

void Decoder::cooked(Bytes b, std::uint32_t wirelen, bool v2) {
    std::size_t header = v2 ? 20 : 16;
    if (!b.has(0, header)) return cut(v2 ? "sll2" : "sll");
    link_length_ = header;
    std::uint16_t pkttype = v2 ? b.u8(10) : b.be16(0);
    std::uint16_t halen = v2 ? b.u8(11) : b.be16(4);
    std::size_t addr = v2 ? 12 : 6;
    std::uint16_t protocol = v2 ? b.be16(0) : b.be16(14);
    char column[48];
    if (v2) {
        // tcpdump names the interface by this machine's index table and
        // always prints it with the direction, in columns.
        char name[IF_NAMESIZE + 1] = "?";
        if (!if_indextoname(b.be32(4), name)) std::snprintf(name, sizeof name, "?");
        std::snprintf(column, sizeof column, "%-5s %-3s ", name, pkttype_name(pkttype));
        put(column);
    }
    if (options_.link_header) {
        std::string text;
        if (v2) {
            text = "ifindex " + std::to_string(b.be32(4)) + " ";
        } else {
            std::snprintf(column, sizeof column, "%3s ", pkttype_name(pkttype));
            text = column;
        }
        if (halen == 6) text += mac_text(b, addr) + " ";
        if (protocol >= 0x600) text += ethertype_text(protocol) + ", ";
        else if (protocol == 1) text += "802.3, ";
        else if (protocol == 4) text += "802.2, ";
        else text += "ethertype Unknown (" + hex(protocol, 4) + "), ";
        put(text + "length " + std::to_string(wirelen) + ": ");
    }
    Bytes payload = b.from(header);
    std::uint32_t rest = wirelen > header ? wirelen - std::uint32_t(header) : 0;
    if (protocol >= 0x600) {
        if (!options_.link_header && !decodable(protocol)) return put(ethertype_text(protocol) + ", length " + std::to_string(rest));
        return ethertype_payload(protocol, payload, rest);
    }
    // Linux's pseudo-protocols for frames without an EtherType.
    if (protocol == 4) return llc(payload, rest);  // ETH_P_802_2
    if (protocol == 1) return put("Novell 802.3, length " + std::to_string(rest));
    put("protocol " + hex(protocol, 4) + ", length " + std::to_string(rest));
}

void Decoder::ethertype_payload(std::uint16_t type, Bytes b, std::uint32_t wirelen) {
    switch (type) {
    case 0x0800: return ipv4(b, wirelen);
    case 0x86dd: return ipv6(b, wirelen);
    case 0x0806:
    case 0x8035: return arp(b, wirelen);
    case 0x8100:
    case 0x88a8:
    case 0x9100:
    case 0x9200: return vlan(type, b, wirelen);
    case 0x8847:
    case 0x8848: return mpls(b, wirelen);
    case 0x88e5: return macsec(b, wirelen);
    case 0x88ca: return tipc(b, wirelen);
    case 0x88a2: return aoe(b, wirelen);
    case 0x8809: return slow_protocols(b, wirelen);
    case 0x88cc: return lldp(b, wirelen);
    case 0x9000: return ethernet_loopback(b, wirelen);
    case 0x88f7: return ptp(b, wirelen);
    case 0x888e: return eapol(b, wirelen);
    case 0x8137:  // Novell's Ethernet II framing
        put("(NOV-ETHII) ");
        return ipx(b, wirelen);
    case 0x8863:
    case 0x8864: return pppoe(type, b, wirelen);
    default:
        if (!options_.suppress_default_print) raw_dump(b);
    }
}

void Decoder::vlan(std::uint16_t tpid, Bytes b, std::uint32_t wirelen) {
    DepthGuard guard(*this);
    if (guard.too_deep()) return put("[too many tags]");
    if (!b.has(0, 4)) return cut("vlan");
    link_length_ += 4;
    std::uint16_t tci = b.be16(0), inner = b.be16(2);
    std::string text = "vlan " + std::to_string(tci & 0xfff) + ", p " + std::to_string(tci >> 13);
    if (tci & 0x1000) text += ", DEI";
    Bytes payload = b.from(4);
    std::uint32_t rest = wirelen >= 4 ? wirelen - 4 : 0;
    if (inner < 0x600) {
        // tcpdump's -e text runs on into the LLC header's ("802.3LLC, ...").
        if (options_.link_header) put(text + ", 802.3");
        std::uint32_t size = inner < rest ? inner : rest;
        return llc(payload.first(size), size);
    }
    if (options_.link_header || !decodable(inner)) {
        put(text + ", " + ethertype_text(inner) + (decodable(inner) ? ", " : ", length " + std::to_string(rest)));
        if (!decodable(inner)) return;
    }
    // Without -e tcpdump shows nothing of the tags, only what they carry.
    ethertype_payload(inner, payload, rest);
}

void Decoder::mpls(Bytes b, std::uint32_t length) {
    put("MPLS");
    for (std::size_t at = 0;; at += 4) {
        if (at / 4 > 16) return put(" [too many labels]");
        if (!b.has(at, 4)) return cut("mpls");
        std::uint32_t entry = b.be32(at);
        bool bottom = entry & 0x100;
        put(" (label " + std::to_string(entry >> 12) + ", tc " + std::to_string((entry >> 9) & 7) +
            (bottom ? ", [S]" : "") + ", ttl " + std::to_string(entry & 0xff) + ")");
        if (!bottom) continue;
        // No protocol field: the explicit null labels say IPv4 (0) or IPv6
        // (2); otherwise tcpdump guesses from the first byte and dumps
        // what it cannot place.
        Bytes payload = b.from(at + 4);
        std::uint32_t rest = length > at + 4 ? length - std::uint32_t(at + 4) : 0;
        std::uint32_t label = entry >> 12;
        if (label == 0) return put(" "), ipv4(payload, rest);
        if (label == 2) return put(" "), ipv6(payload, rest);
        if (!payload.has(0, 1)) return cut("mpls");
        std::uint8_t first = payload.u8(0);
        if (first >= 0x45 && first <= 0x4f) return put(" "), ipv4(payload, rest);
        if (first >= 0x60 && first <= 0x6f) return put(" "), ipv6(payload, rest);
        if (!options_.suppress_default_print && !options_.quiet) raw_dump(payload);  // -q: tcpdump too leaves it
        return;
    }
}

void Decoder::raw_dump(Bytes b) { put(hex_dump(b.data(), b.size(), true)); }

}  // namespace detail

TcpConversations::Base& TcpConversations::find(const std::string& key, bool* found) {
    auto it = bases_.find(key);
    *found = it != bases_.end();
    if (*found) return it->second;
    if (bases_.size() >= 65536) bases_.clear();
    return bases_[key];
}

Decoded decode(int dlt, const std::uint8_t* data, std::uint32_t caplen, std::uint32_t wirelen,
               const DecodeOptions& options) {
    Decoded d;
    detail::Decoder decoder(d.text, options);
    decoder.link(dlt, detail::Bytes(data, caplen), wirelen < caplen ? caplen : wirelen);
    d.link_length = decoder.whole_dump() ? 0 : decoder.link_length() < caplen ? decoder.link_length() : caplen;
    return d;
}

}  // namespace fcap::capture
