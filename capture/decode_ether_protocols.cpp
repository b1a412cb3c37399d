// Protocols carried straight over Ethernet that tcpdump prints on one line:
// TIPC, ATA over Ethernet, the Slow Protocols (LACP, Marker, OAM) and LLDP.
// The text is tcpdump 4.99's (print-tipc.c, print-aoe.c, print-slow.c,
// print-lldp.c) as its output shows; their -v detail is left out, except
// TIPC's, which is one more line.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string u(std::uint32_t v) { return std::to_string(v); }

// A TIPC network address: zone.cluster.node.
std::string tipc_node(std::uint32_t a) { return u(a >> 24) + "." + u((a >> 12) & 0xfff) + "." + u(a & 0xfff); }

const char* tipc_user_name(unsigned user) {
    switch (user) {
    case 0: return "Low Importance Data payload";
    case 1: return "Medium Importance Data payload";
    case 2: return "High Importance Data payload";
    case 3: return "Critical Importance Data payload";
    case 5: return "Broadcast Link Protocol internal";
    case 6: return "Message Bundler Protocol internal";
    case 7: return "Link State Protocol internal";
    case 8: return "Connection Manager internal";
    case 10: return "Link Changeover Protocol internal";
    case 11: return "Name Table Update Protocol internal";
    case 12: return "Message Fragmentation Protocol internal";
    case 13: return "Neighbor Detection Protocol internal";
    default: return "unknown";
    }
}

// tcpdump's table swaps the names of message types 1 and 3; its output is
// what we match.
const char* tipc_message_type(unsigned t) {
    switch (t) {
    case 0: return "CONN_MSG";
    case 1: return "MCAST_MSG";
    case 2: return "NAMED_MSG";
    case 3: return "DIRECT_MSG";
    default: return "Unknown";
    }
}

}  // namespace

// TIPC (tipc.io's message formats): the header's first word says which
// user sent it; data messages name ports, internal ones only nodes.
void Decoder::tipc(Bytes b, std::uint32_t) {
    if (!b.has(0, 4)) return cut("tipc");
    std::uint32_t w0 = b.be32(0);
    unsigned version = w0 >> 29, user = (w0 >> 25) & 0xf, header = (w0 >> 21) & 0xf, size = w0 & 0x1ffff;  // tcpdump reads 17 bits
    std::string head = "TIPC v" + u(version) + ".0 ";
    std::string sizes = ", headerlength " + u(header * 4) + " bytes, MessageSize " + u(size) + " bytes, " +
                        tipc_user_name(user) + ", messageType ";
    switch (user) {
    case 0: case 1: case 2: case 3: case 8: case 11: {  // payload messages
        if (!b.has(0, 24)) return cut("tipc");
        std::uint32_t w1 = b.be32(4), prev = b.be32(12), orig_port = b.be32(16), dest_port = b.be32(20);
        if (header <= 6) {
            return put(head + tipc_node(prev) + ":" + u(orig_port) + " > " + u(dest_port) + sizes +
                       tipc_message_type(w1 >> 29));
        }
        if (!b.has(0, 32)) return cut("tipc");
        put(head + tipc_node(b.be32(24)) + ":" + u(orig_port) + " > " + tipc_node(b.be32(28)) + ":" + u(dest_port) +
            sizes + tipc_message_type(w1 >> 29));
        if (options_.verbose) {
            std::uint32_t w2 = b.be32(8);
            put("\n\tPrevious Node " + tipc_node(prev) + ", Broadcast Ack " + u(w1 & 0xffff) + ", Link Ack " +
                u(w2 >> 16) + ", Link Sequence " + u(w2 & 0xffff));
        }
        return;
    }
    case 13: {  // neighbour detection
        if (!b.has(0, 16)) return cut("tipc");
        std::uint32_t w1 = b.be32(4);
        put(head + tipc_node(b.be32(12)) + " > " + tipc_node(b.be32(8)) + sizes +
            ((w1 >> 29) == 0 ? "Link request" : (w1 >> 29) == 1 ? "Link response" : "Unknown"));
        if (options_.verbose) {
            if (!b.has(0, 24)) return cut("tipc");
            put("\n\tNodeSignature " + u(w1 & 0xffff) + ", network_id " + u(b.be32(16)) + ", media_id " +
                u(b.u8(23)));
        }
        return;
    }
    case 5: case 6: case 7: case 10: case 12: {  // link-level internal messages
        if (!b.has(0, 32)) return cut("tipc");
        std::uint32_t w1 = b.be32(4);
        put(head + tipc_node(b.be32(24)) + " > " + tipc_node(b.be32(28)) + sizes + tipc_message_type(w1 >> 29) +
            " (" + hex(w1, 8) + ")");
        if (options_.verbose) {
            if (!b.has(0, 40)) return cut("tipc");
            std::uint32_t w2 = b.be32(8), w4 = b.be32(16), w5 = b.be32(20), w9 = b.be32(36);
            put("\n\tPrevious Node " + tipc_node(b.be32(12)) + ", Session No. " + u(w5 >> 16) + ", Broadcast Ack " +
                u(w1 & 0xffff) + ", Sequence Gap " + u((w1 >> 16) & 0x1fff) + ",  Broadcast Gap After " +
                u(w2 >> 16) + ", Broadcast Gap To " + u(w2 & 0xffff) + ", Last Sent Packet No. " + u(w4 >> 16) +
                ", Next sent Packet No. " + u(w4 & 0xffff) + ", Transport Sequence " + u(b.be32(32)) +
                ", msg_count " + u(w9 >> 16) + ", Link Tolerance " + u(w9 & 0xffff));
        }
        return;
    }
    default: return;  // tcpdump prints nothing for the other users
    }
}

// ATA over Ethernet (Coraid's AoE specification r11): the version, and for
// version 1 the response and error flags.
void Decoder::aoe(Bytes b, std::uint32_t length) {
    put("AoE length " + u(length));
    if (length < 1) return put(" (invalid)");
    if (!b.has(0, 1)) return cut("aoe");
    unsigned version = b.u8(0) >> 4;
    put(", Ver " + u(version));
    if (version != 1) return;
    if (length < 10) return put(" (invalid)");
    std::string flags;
    for (auto [bit, name] : {std::pair{0x08, "Response"}, {0x04, "Error"}, {0x02, "MBZ-1"}, {0x01, "MBZ-0"}})
        if (b.u8(0) & bit) flags += (flags.empty() ? "" : ", ") + std::string(name);
    put(", Flags: [" + (flags.empty() ? std::string("none") : flags) + "]");
}

// IEEE 802.3 Slow Protocols (Annex 43B): a subtype, for LACP and Marker a
// version, and the length of what follows the EtherType.
void Decoder::slow_protocols(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("slow");
    std::uint8_t subtype = b.u8(0);
    const char* name = subtype == 1 ? "LACP" : subtype == 2 ? "Marker" : subtype == 3 ? "OAM" : nullptr;
    std::string text = name ? name : "unknown (" + u(subtype) + ")";
    if (subtype == 1 || subtype == 2) {
        if (!b.has(0, 2)) return put(text), cut("slow");
        return put(text + "v" + u(b.u8(1)) + ", length " + u(length));
    }
    put(text + ", length " + u(length));
}

// IEEE 802.1AB LLDP: without -v tcpdump shows only the system name.
void Decoder::lldp(Bytes b, std::uint32_t length) {
    put("LLDP, length " + u(length));
    std::size_t at = 0;
    while (at < length) {
        if (!b.has(at, 2)) return truncated("lldp");
        unsigned type = b.u8(at) >> 1, size = b.be16(at) & 0x1ff;
        if (!b.has(at + 2, size)) return truncated("lldp");
        if (type == 0) break;  // End of LLDPDU
        if (type == 5 && !options_.verbose && size > 0) {
            std::string name;
            for (unsigned i = 0; i < size; ++i) print_char(name, b.u8(at + 2 + i));
            put(": " + name);
        }
        at += 2 + size;
    }
}

// Cisco Discovery Protocol: version and TTL, then without -v the device
// name and every other TLV's value in bare hex lines, as tcpdump 4.99
// prints them (its -v names each TLV; not done here).
void Decoder::cdp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 4)) return cut("cdp");
    put("CDPv" + u(b.u8(0)) + ", ttl: " + u(b.u8(1)) + "s");
    std::size_t at = 4;
    while (at < length) {
        if (!b.has(at, 4)) return cut("cdp");
        unsigned type = b.be16(at), size = b.be16(at + 2);
        if (size < 4)
            return put(std::string(", ") + (type == 1 ? "Device-ID" : "unknown field type") + " TLV length " + u(size) +
                       " too short (invalid)");
        if (!b.has(at, size)) return cut("cdp");
        if (type == 1) {
            std::string name;
            for (unsigned i = 4; i < size; ++i) print_char(name, b.u8(at + i));
            put(", Device-ID '" + name + "'");
        } else {
            std::string lines;
            for (unsigned i = 0; i < size - 4u; ++i) {
                if (i % 16 == 0) {
                    char offset[24];
                    std::snprintf(offset, sizeof offset, "\n\t  0x%04x: ", i);
                    lines += offset;
                }
                char h[4];
                std::snprintf(h, sizeof h, i % 2 ? "%02x" : " %02x", b.u8(at + 4 + i));
                lines += h;
            }
            put(lines);
        }
        at += size;
    }
    put(", length " + u(length));
}

// IEEE 802.1X EAPOL: the packet type, version and body length (EAP's own
// fields are -v detail tcpdump adds).
void Decoder::eapol(Bytes b, std::uint32_t) {
    if (!b.has(0, 4)) return cut("eap");
    static const char* const types[] = {"EAP packet", "EAPOL start", "EAPOL logoff", "EAPOL key",
                                        "Encapsulated ASF alert"};
    std::uint8_t type = b.u8(1);
    std::uint16_t size = b.be16(2);
    put(std::string(type < 5 ? types[type] : "unknown") + " (" + u(type) + ") v" + u(b.u8(0)) + ", len " + u(size));
    // -v reads the EAP header, within the stated length.
    if (options_.verbose && type == 0 && (size < 4 || !b.has(4, 4))) truncated("eap");
}

// Cisco's UniDirectional Link Detection (RFC 5171): version, opcode and
// flags; its TLVs are -v detail.
void Decoder::udld(Bytes b, std::uint32_t length) {
    if (!b.has(0, 2)) return cut("udld");
    static const char* const codes[] = {"Reserved", "Probe message", "Echo message", "Flush message"};
    unsigned code = b.u8(0) & 0x1f;
    std::uint8_t flags = b.u8(1);
    std::string names;
    if (flags & 1) names = "RT";
    if (flags & 2) names += names.empty() ? "RSY" : ", RSY";
    put("UDLDv" + u(b.u8(0) >> 5) + ", Code " + (code < 4 ? codes[code] : "Unknown") + " (" + u(code) +
        "), Flags [" + (names.empty() ? std::string("none") : names) + "] (" + hex(flags, 2) + "), length " +
        u(length));
}

// The Ethernet configuration testing protocol (Ethernet II spec, the
// "Loopback" EtherType): a skip count in little-endian, then the function
// the skip count points at.
void Decoder::ethernet_loopback(Bytes b, std::uint32_t length) {
    put("Loopback");
    if (length < 2) return put(" (invalid)");
    if (!b.has(0, 2)) return cut("loopback");
    unsigned skip = b.u8(0) | b.u8(1) << 8;
    put(", skipCount " + u(skip));
    if (skip % 8) put(" (bogus)");
    std::size_t at = 2 + skip;
    if (length < at + 2) return put(" (invalid)");
    if (!b.has(at, 2)) return cut("loopback");
    unsigned function = b.u8(at) | b.u8(at + 1) << 8;
    at += 2;
    if (function == 1) {
        put(", Reply");
        if (length < at + 2) return put(" (invalid)");
        if (!b.has(at, 2)) return cut("loopback");
        put(", receipt number " + u(b.u8(at) | b.u8(at + 1) << 8));
        at += 2;
        if (length > at) put(", data (" + u(length - std::uint32_t(at)) + " octets)");
        return;
    }
    if (function == 2) {
        put(", Forward");
        if (length < at + 6) return put(" (invalid)");
        if (!b.has(at, 6)) return cut("loopback");
        put(", forwarding address " + mac_text(b, at));
        at += 6;
        if (length > at) put(", data (" + u(length - std::uint32_t(at)) + " octets)");
        return;
    }
    put(",  invalid (" + u(function) + ")");  // tcpdump: an unnamed function
}

}  // namespace fcap::capture::detail
