// Tunnels: GRE (RFC 2784/2890, and PPTP's enhanced GRE of RFC 2637),
// VXLAN (RFC 7348) and Geneve (RFC 8926), in tcpdump 4.99's words
// (print-gre.c, print-vxlan.c, print-geneve.c) as its output shows.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string u(std::uint32_t v) { return std::to_string(v); }

std::string protocol_hex(std::uint16_t p) {
    char s[8];
    std::snprintf(s, sizeof s, "0x%x", p);
    return s;
}

// What -e calls the protocol a GRE or Geneve header names.
std::string tunnel_protocol_text(std::uint16_t p) {
    const char* name = p == 0x6558 ? "TEB" : p == 0x880b ? "PPP" : p == 0x00fe ? "GRE-OSI" : ethertype_name(p);
    return std::string(", proto ") + (name ? name : "unknown") + " (" + hex(p, 4) + ")";
}

}  // namespace

// The Ethernet frame inside a tunnel: printed as a frame of its own, but
// the outer link header stays the one -x leaves out.
void Decoder::inner_ethernet(Bytes b, std::uint32_t length) {
    std::size_t outer = link_length_;
    std::string addresses = macsec_addresses_;
    bool whole = whole_dump_;
    ethernet(b, length);
    // A cut inner header ends tcpdump's line without giving up on the
    // packet: -x still starts past the outer link header.
    if (out_.ends_with("[|ether]")) whole_dump_ = whole;
    link_length_ = outer;
    macsec_addresses_ = addresses;
}

void Decoder::gre(Bytes b, std::uint32_t length) {
    if (!b.has(0, 2)) return put("GRE"), cut("gre");
    std::uint16_t flags = b.be16(0);
    unsigned version = flags & 7;
    put("GREv" + u(version));
    if (version > 1) return put(" ERROR: unknown-version");
    if (options_.verbose) {
        std::string names;
        for (auto [bit, name] : {std::pair{0x8000, "checksum present"}, {0x4000, "routing present"},
                                 {0x2000, "key present"}, {0x1000, "sequence# present"},
                                 {0x0800, "strict source route"}, {0x0080, "acknowledgment# present"}})
            if (flags & bit) names += (names.empty() ? "" : ", ") + std::string(name);
        put(", Flags [" + (names.empty() ? std::string("none") : names) + "]");
    }
    if (!b.has(0, 4)) return cut("gre");
    std::uint16_t proto = b.be16(2);
    std::size_t at = 4;
    if (version == 0) {
        if (flags & 0xc000) {
            if (!b.has(at, 4)) return cut("gre");
            if (flags & 0x8000) put(", sum " + protocol_hex(b.be16(at)));
            if (flags & 0x4000) put(", off " + protocol_hex(b.be16(at + 2)));
            at += 4;
        }
        if (flags & 0x2000) {
            if (!b.has(at, 4)) return cut("gre");
            put(", key=" + hex(b.be32(at), 1));
            at += 4;
        }
        if (flags & 0x1000) {
            if (!b.has(at, 4)) return cut("gre");
            put(", seq " + u(b.be32(at)));
            at += 4;
        }
        if (flags & 0x4000) {  // source route entries: tcpdump names the first and gives up
            if (!b.has(at, 4)) return cut("gre");
            put(", (rtaf=" + protocol_hex(b.be16(at)) + ")");
            return cut("gre");
        }
    } else {
        if (flags & 0x2000) {
            if (!b.has(at, 4)) return cut("gre");
            put(", call " + u(b.be16(at + 2)));
            at += 4;
        }
        if (flags & 0x1000) {
            if (!b.has(at, 4)) return cut("gre");
            put(", seq " + u(b.be32(at)));
            at += 4;
        }
        if (flags & 0x0080) {
            if (!b.has(at, 4)) return cut("gre");
            put(", ack " + u(b.be32(at)));
            at += 4;
        }
        if (!(flags & 0x1000)) put(", no-payload");
    }
    if (options_.link_header) put(tunnel_protocol_text(proto));
    put(", length " + u(length) + (options_.verbose ? "\n\t" : ": "));
    Bytes payload = b.from(at);
    std::uint32_t rest = length > at ? length - std::uint32_t(at) : 0;
    if (version == 1) {
        if (proto == 0x880b) return ppp(payload, rest);
        return put("gre-proto-" + protocol_hex(proto));
    }
    switch (proto) {
    case 0x0800: return ipv4(payload, rest);
    case 0x86dd: return ipv6(payload, rest);
    case 0x8847: return mpls(payload, rest);
    case 0x6558: return inner_ethernet(payload, rest);
    case 0x00fe:
        if (osi(payload, rest)) return;
        break;
    default: break;
    }
    put("gre-proto-" + protocol_hex(proto));
}

// The UDP ports tcpdump gives tunnels; false when none applies.
bool Decoder::tunnel_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length) {
    auto either = [&](std::uint16_t port) { return sport == port || dport == port; };
    if (either(4789)) return vxlan(b, length), true;
    if (either(6081)) return geneve(b, length), true;
    if (either(8472)) return otv(b, length), true;
    if (either(319) || either(320)) return ptp(b, length), true;  // decode_ptp.cpp
    return false;
}

void Decoder::vxlan(Bytes b, std::uint32_t length) {
    put("VXLAN");
    if (length < 8) return put(" [length " + u(length) + " < 8] (invalid)");
    if (!b.has(0, 8)) return cut("vxlan");
    std::uint8_t flags = b.u8(0);
    put(std::string(", flags [") + (flags & 0x08 ? "I" : ".") + "] (" + hex(flags, 2) + "), vni " +
        u(b.be32(4) >> 8) + "\n");
    inner_ethernet(b.from(8), length - 8);
}

// Cisco's Overlay Transport Virtualization (draft-hasmit-otv-04): VXLAN's
// header with an overlay number.
void Decoder::otv(Bytes b, std::uint32_t length) {
    put("OTV");
    if (length < 8) return put(" [length " + u(length) + " < 8] (invalid)");
    if (!b.has(0, 8)) return cut("otv");
    std::uint8_t flags = b.u8(0);
    put(std::string(", flags [") + (flags & 0x08 ? "I" : ".") + "] (" + hex(flags, 2) + "), overlay " +
        u(b.be32(0) & 0xffffff) + ", instance " + u(b.be32(4) >> 8) + "\n");
    inner_ethernet(b.from(8), length - 8);
}

void Decoder::geneve(Bytes b, std::uint32_t length) {
    put("Geneve");
    if (length < 8) return put(" [length " + u(length) + " < 8] (invalid)");
    // tcpdump's Geneve printer checks its bounds itself: a cut header
    // does not make -x start at the frame.
    if (!b.has(0, 8)) return truncated("geneve");
    std::uint8_t first = b.u8(0);
    if (first >> 6) return put(" ERROR: unknown-version " + u(first >> 6));
    std::uint8_t flags = b.u8(1);
    std::uint16_t proto = b.be16(2);
    std::string names = std::string(flags & 0x80 ? "O" : "") + (flags & 0x40 ? "C" : "");
    put(", Flags [" + (names.empty() ? std::string("none") : names) + "], vni " + hex(b.be32(4) >> 8, 1));
    if (b.u8(7)) put(", rsvd " + hex(b.u8(7), 1));
    if (options_.link_header) put(tunnel_protocol_text(proto));
    std::uint32_t options = (first & 0x3f) * 4u;
    length -= 8;
    if (length < options) return put(" truncated-geneve - " + u(options - length) + " bytes missing");
    if (!b.has(8, options)) return truncated("geneve");
    if (options) put(", options [" + u(options) + " bytes]");
    put(options_.verbose ? "\n\t" : ": ");
    Bytes payload = b.from(8 + options);
    std::uint32_t rest = length - options;
    if (proto == 0x6558) return inner_ethernet(payload, rest);
    if (ethertype_known(proto)) return ethertype_payload(proto, payload, rest);
    put("geneve-proto-" + protocol_hex(proto));
}

}  // namespace fcap::capture::detail
