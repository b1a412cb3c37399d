// The network layer: IPv4 and IPv6 (with extension headers).
#include "capture/decode_internal.hpp"

#include <arpa/inet.h>

namespace fcap::capture::detail {

std::string ipv4_text(Bytes b, std::size_t at) {
    return std::to_string(b.u8(at)) + "." + std::to_string(b.u8(at + 1)) + "." + std::to_string(b.u8(at + 2)) + "." +
           std::to_string(b.u8(at + 3));
}

std::string ipv6_text(Bytes b, std::size_t at) {
    std::uint8_t raw[16];
    for (int i = 0; i < 16; ++i) raw[i] = b.u8(at + i);
    char s[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, raw, s, sizeof s) ? s : "?";
}

const char* ip_protocol_name(std::uint8_t proto) {
    switch (proto) {
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPIP";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 112: return "VRRP";
    case 132: return "SCTP";
    default: return nullptr;
    }
}

namespace {

std::string protocol_text(std::uint8_t proto) {
    const char* name = ip_protocol_name(proto);
    return std::string(name ? name : "unknown") + " (" + std::to_string(proto) + ")";
}

}  // namespace

void Decoder::ip_by_version(Bytes b) {
    if (!b.has(0, 1)) return cut("ip");
    switch (b.u8(0) >> 4) {
    case 4: put("IP "); return ipv4(b);
    case 6: put("IP6 "); return ipv6(b);
    default: put("IP" + std::to_string(b.u8(0) >> 4) + " (invalid)");
    }
}

void Decoder::ipv4(Bytes b) {
    DepthGuard guard(*this);
    if (guard.too_deep()) return put("[too deep]");
    if (!b.has(0, 20)) return cut("ip");
    unsigned version = b.u8(0) >> 4, header = (b.u8(0) & 0xf) * 4u, total = b.be16(2);
    if (version != 4) return put("IP" + std::to_string(version) + " (invalid)");
    if (header < 20) return put("bad-hlen " + std::to_string(header));
    if (total < header) return put("bad-len " + std::to_string(total));
    std::uint16_t frag = b.be16(6);
    unsigned offset = (frag & 0x1fff) * 8u;
    std::uint8_t proto = b.u8(9);
    if (options_.verbose > 0) {
        std::string flags;
        if (frag & 0x4000) flags += "DF";
        if (frag & 0x2000) flags += "+";  // more fragments, as tcpdump marks it
        if (frag & 0x8000) flags += "rsvd";
        put("(tos " + hex(b.u8(1), 1) + ", ttl " + std::to_string(b.u8(8)) + ", id " + std::to_string(b.be16(4)) +
            ", offset " + std::to_string(offset) + ", flags [" + (flags.empty() ? "none" : flags) + "], proto " +
            protocol_text(proto) + ", length " + std::to_string(total) + ") ");
    }
    Endpoints ends{ipv4_text(b, 12), ipv4_text(b, 16)};
    if (!b.has(0, header)) return put(ends.src + " > " + ends.dst + ": "), cut("ip");
    std::uint32_t length = total - header;
    Bytes payload = b.from(header).first(length);
    if (offset != 0) {
        // Not the first fragment: no transport header here.
        const char* name = ip_protocol_name(proto);
        return put(ends.src + " > " + ends.dst + ": " + (name ? name : "ip-proto-" + std::to_string(proto)) +
                   " fragment, offset " + std::to_string(offset) + ", length " + std::to_string(length));
    }
    transport(proto, payload, length, ends, false);
}

void Decoder::ipv6(Bytes b) {
    DepthGuard guard(*this);
    if (guard.too_deep()) return put("[too deep]");
    if (!b.has(0, 40)) return cut("ip6");
    unsigned version = b.u8(0) >> 4;
    if (version != 6) return put("IP" + std::to_string(version) + " (invalid)");
    std::uint32_t length = b.be16(4);
    std::uint8_t next = b.u8(6);
    if (options_.verbose > 0) {
        put("(flowlabel " + hex(b.be32(0) & 0xfffff, 5) + ", hlim " + std::to_string(b.u8(7)) + ", next-header " +
            protocol_text(next) + ", payload length " + std::to_string(length) + ") ");
    }
    Endpoints ends{ipv6_text(b, 8), ipv6_text(b, 24)};
    Bytes rest = b.from(40).first(length);
    // Extension headers come first; their names precede the transport, as
    // in tcpdump ("HBH frag (0|20) ...").  Then the ports go without the
    // addresses, already printed.
    bool prefixed = false;
    auto prefix = [&] {
        if (!prefixed) put(ends.src + " > " + ends.dst + ": ");
        prefixed = true;
    };
    for (int count = 0; count < 16; ++count) {
        std::size_t size = 0;
        switch (next) {
        case 0:
        case 43:
        case 60: {
            if (!rest.has(0, 2)) return prefix(), cut("ip6");
            size = (rest.u8(1) + 1u) * 8;
            prefix();
            put(next == 0 ? "HBH " : next == 43 ? "RT6 " : "DSTOPT ");
            break;
        }
        case 44: {
            if (!rest.has(0, 8)) return prefix(), cut("frag");
            size = 8;
            unsigned offset = rest.be16(2) & 0xfff8;
            prefix();
            put("frag (" + std::to_string(offset) + "|" + std::to_string(length > 8 ? length - 8 : 0) + ") ");
            if (offset != 0) return;
            break;
        }
        case 51: {
            if (!rest.has(0, 12)) return prefix(), cut("ah");
            size = (rest.u8(1) + 2u) * 4;
            prefix();
            put("AH(spi=" + hex(rest.be32(4), 8) + ",seq=" + hex(rest.be32(8), 1) + "): ");
            break;
        }
        case 59: prefix(); return put("no next header");
        default: {
            Endpoints inner = prefixed ? Endpoints{} : ends;
            return transport(next, rest, length, inner, true);
        }
        }
        if (!rest.has(0, size)) return cut("ip6");
        next = rest.u8(0);
        rest = rest.from(size);
        length = length > size ? length - std::uint32_t(size) : 0;
    }
    put("[too many extension headers]");
}

}  // namespace fcap::capture::detail
