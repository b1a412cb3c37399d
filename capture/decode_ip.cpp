// The network layer: IPv4 and IPv6 (with extension headers), with -v's
// header fields and checksum verdicts as tcpdump prints them (print-ip.c,
// print-ip6.c).
#include "capture/decode_internal.hpp"

#include <arpa/inet.h>

#include <cstdio>

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

std::uint32_t ones_sum(Bytes b, std::size_t at, std::size_t length, std::uint32_t sum) {
    std::size_t i = 0;
    for (; i + 1 < length; i += 2) {
        sum += b.be16(at + i);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    if (i < length) sum += std::uint32_t(b.u8(at + i)) << 8;
    return sum;
}

std::uint16_t ones_fold(std::uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return std::uint16_t(sum);
}

std::uint16_t checksum_should_be(std::uint16_t field, std::uint16_t computed) {
    return ones_fold(std::uint32_t(field) + computed);
}

// tcpdump's ipproto_values: the names -v prints.
const char* ip_protocol_name(std::uint8_t proto) {
    switch (proto) {
    case 0: return "Options";
    case 1: return "ICMP";
    case 2: return "IGMP";
    case 4: return "IPIP";
    case 6: return "TCP";
    case 8: return "EGP";
    case 9: return "IGRP";
    case 17: return "UDP";
    case 33: return "DCCP";
    case 41: return "IPv6";
    case 43: return "Routing";
    case 44: return "Fragment";
    case 46: return "RSVP";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 55: return "Mobile IP";
    case 58: return "ICMPv6";
    case 62: return "Mobile IP (old)";
    case 88: return "EIGRP";
    case 89: return "OSPF";
    case 103: return "PIM";
    case 108: return "Compressed IP";
    case 112: return "VRRP";
    case 113: return "PGM";
    case 132: return "SCTP";
    case 135: return "Mobility";
    default: return nullptr;
    }
}

namespace {

std::string protocol_text(std::uint8_t proto) {
    const char* name = ip_protocol_name(proto);
    return std::string(name ? name : "unknown") + " (" + std::to_string(proto) + ")";
}

}  // namespace

void Decoder::ip_by_version(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("ip");
    switch (b.u8(0) >> 4) {
    case 4: return ipv4(b, length);
    case 6: return ipv6(b, length);
    default: put("IP" + std::to_string(b.u8(0) >> 4) + " (invalid)");
    }
}

void Decoder::ipv4(Bytes b, std::uint32_t length) {
    DepthGuard guard(*this);
    if (guard.too_deep()) return put("[too deep]");
    if (b.has(0, 1) && b.u8(0) >> 4 != 4) {
        unsigned version = b.u8(0) >> 4;
        return put(version == 6 ? "IP6, wrong link-layer encapsulation (invalid)"
                                : "IP" + std::to_string(version) + " (invalid)");
    }
    if (!b.has(0, 1)) return cut("ip");  // tcpdump: not even "IP"
    if (!options_.link_header) put("IP ");  // with -e the EtherType said it
    if (!b.has(0, 20)) return truncated("ip");  // a plain test in ip_print: -x starts after the link
    if (length < 20) return put("truncated-ip " + std::to_string(length));
    unsigned header = (b.u8(0) & 0xf) * 4u, total = b.be16(2);
    if (header < 20) return put("bad-hlen " + std::to_string(header));
    if (length < total) put("truncated-ip - " + std::to_string(total - length) + " bytes missing! ");
    if (total < header) return put("bad-len " + std::to_string(total));
    b = b.first(total);  // what follows the datagram is padding
    std::uint16_t frag = b.be16(6);
    unsigned offset = (frag & 0x1fff) * 8u;
    std::uint8_t proto = b.u8(9);
    if (options_.verbose > 0) {
        std::uint8_t tos = b.u8(1);
        static const char* const ecn[] = {"", ",ECT(1)", ",ECT(0)", ",CE"};
        std::string flags;  // tcpdump's bittok2str: names joined by ", "
        for (auto [bit, name] : {std::pair{0x2000, "+"}, std::pair{0x4000, "DF"}, std::pair{0x8000, "rsvd"}})
            if (frag & bit) flags += (flags.empty() ? "" : ", ") + std::string(name);
        put("(tos " + hex(tos, 1) + ecn[tos & 3]);
        if (b.u8(8) >= 1) put(", ttl " + std::to_string(b.u8(8)));
        put(", id " + std::to_string(b.be16(4)) + ", offset " + std::to_string(offset) + ", flags [" +
            (flags.empty() ? "none" : flags) + "], proto " + protocol_text(proto) + ", length " + std::to_string(total));
        if (header > 20) put(", options (" + ip_options(b.from(20).first(header - 20), header - 20) + ")");
        if (options_.verify_checksums && b.has(0, header)) {
            std::uint16_t computed = std::uint16_t(~ones_fold(ones_sum(b, 0, header)));
            if (computed != 0) {
                char text[64];
                std::snprintf(text, sizeof text, ", bad cksum %x (->%x)!", b.be16(10),
                              checksum_should_be(b.be16(10), computed));
                put(text);
            }
        }
        put(")\n    ");
    }
    Endpoints ends{ipv4_text(b, 12), ipv4_text(b, 16)};
    ends.ttl = b.u8(8);
    ends.fragment = (frag & 0x3fff) != 0;
    ends.address_sum = ones_sum(b, 12, 4) + ones_sum(b, final_destination(b, header), 4);
    std::uint32_t payload_length = total - header;
    if (offset != 0) {
        // Not the first fragment: no transport header here.
        return put(ends.src + " > " + ends.dst + ": ip-proto-" + std::to_string(proto));
    }
    // TCP, UDP, SCTP and DCCP print the addresses with their ports.
    bool with_ports = proto == 6 || proto == 17 || proto == 132 || (proto == 33 && options_.verbose == 0);
    if (!with_ports) {
        put(ends.src + " > " + ends.dst + ": ");
        ends.shown = true;
    }
    if (!b.has(0, header)) {
        put(" [remaining caplen(" + std::to_string(b.size()) + ") < header length(" + std::to_string(header) + ")]");
        return cut("ip");
    }
    transport(proto, b.from(header), payload_length, ends);
}

// tcpdump's ip_optprint: the option names, comma-separated, a route's
// addresses and a timestamp option's entries (RFC 791).
std::string Decoder::ip_options(Bytes o, std::size_t size) {
    std::string s;
    std::size_t at = 0;
    while (at < size) {
        if (!o.has(at, 1)) return s;
        if (!s.empty()) s += ",";
        std::uint8_t code = o.u8(at);
        switch (code) {
        case 0: s += "EOL"; break;
        case 1: s += "NOP"; break;
        case 7: s += "RR"; break;
        case 68: s += "timestamp"; break;
        case 82: s += "traceroute"; break;
        case 130: s += "security"; break;
        case 131: s += "LSRR"; break;
        case 137: s += "SSRR"; break;
        case 148: s += "RA"; break;
        default: s += "unknown " + std::to_string(code); break;
        }
        if (code == 0) return s;
        if (code == 1) {
            ++at;
            continue;
        }
        if (!o.has(at + 1, 1)) return s;
        std::size_t len = o.u8(at + 1);
        if (len < 2 || len > size - at) return s + " [bad length " + std::to_string(len) + "]";
        if (!o.has(at, len)) return s + " [truncated-option]";
        if (code == 148) {
            if (len < 4) s += " [bad length " + std::to_string(len) + "]";
            else if (o.be16(at + 2) != 0) s += " value " + std::to_string(o.be16(at + 2));
        } else if (code == 7 || code == 131 || code == 137) {
            s += ip_route(o.from(at), len);
        } else if (code == 68) {
            std::string ts = ip_timestamps(o.from(at), len);
            s += ts;
            if (ts.size() >= 18 && ts.compare(ts.size() - 18, 18, "[truncated-option]") == 0) return s;
        }
        at += len;
    }
    return s;
}

// Where the checksum's destination is (tcpdump's ip_finddst): the last
// address of the first loose or strict source route, else the header's.
std::size_t Decoder::final_destination(Bytes b, std::size_t header) {
    for (std::size_t at = 20; at < header && b.has(at, 1);) {
        std::uint8_t type = b.u8(at);
        if (type == 0) break;
        std::size_t len = 1;
        if (type != 1) {
            if (!b.has(at + 1, 1) || (len = b.u8(at + 1)) < 2) break;
        }
        if (len > header - at || !b.has(at, len)) break;
        if ((type == 131 || type == 137) && len >= 7) return at + len - 4;
        at += len;
    }
    return 16;
}

// A recorded or source route: the addresses, a comma after those the
// pointer has passed.
std::string Decoder::ip_route(Bytes o, std::size_t len) {
    if (len < 3) return " [bad length " + std::to_string(len) + "]";
    std::string s;
    if ((len + 1) & 3) s += " [bad length " + std::to_string(len) + "]";
    std::size_t ptr = o.u8(2) - 1u;
    if (o.u8(2) == 0 || ptr < 3 || ((ptr + 1) & 3) || ptr > len + 1) s += " [bad ptr " + std::to_string(o.u8(2)) + "]";
    for (std::size_t i = 3; i < len; i += 4) {
        s += " " + ipv4_text(o, i);
        if (o.u8(2) != 0 && ptr > i) s += ",";
    }
    return s;
}

// The timestamp option: " TS{TSONLY ^ 1@ 2@}", "^" where the pointer is.
std::string Decoder::ip_timestamps(Bytes o, std::size_t len) {
    if (len < 4) return "[bad length " + std::to_string(len) + "]";
    std::string s = " TS{";
    std::uint8_t flag = o.u8(3) & 0xf;
    std::size_t entry = flag != 0 ? 8 : 4;
    if ((len - 4) & (entry - 1)) s += "[bad length " + std::to_string(len) + "]";
    long ptr = long(o.u8(2)) - 1;
    if (ptr < 4 || ((ptr - 4) & long(entry - 1)) || ptr > long(len) + 1) s += "[bad ptr " + std::to_string(o.u8(2)) + "]";
    std::size_t i = 0;
    if (flag == 0 || flag == 1 || flag == 3) {
        s += flag == 0 ? "TSONLY" : flag == 1 ? "TS+ADDR" : "PRESPEC";
        for (i = 4; i < len; i += entry) {
            // An entry running past the option: tcpdump's check fails there.
            if (i + entry > len) return s + " [truncated-option]";
            s += long(i) == ptr ? " ^ " : " ";
            // An entry is the address (if any) then the time; tcpdump prints the time first.
            s += std::to_string(o.be32(i + entry - 4)) + "@" + (entry == 8 ? ipv4_text(o, i) : "");
        }
    } else {
        s += "[bad ts type " + std::to_string(flag) + "]";
    }
    if (long(i) == ptr) s += " ^ ";
    if (o.u8(3) >> 4) return s + " [" + std::to_string(o.u8(3) >> 4) + " hops not recorded]} ";
    return s + "}";
}

// The options of a hop-by-hop or destination options header under -v,
// as tcpdump's ip6_opt_print shows them: "(rtalert: 0x0000) (padn)".
std::string Decoder::ipv6_options(Bytes h, bool hop_by_hop, std::uint32_t payload_length) {
    std::string s;
    for (std::size_t at = 2; at < h.size();) {
        std::uint8_t type = h.u8(at);
        if (type == 0) {
            s += "(pad1)";
            ++at;
            continue;
        }
        if (!h.has(at, 2)) return s + "[trunc]";
        std::size_t len = h.u8(at + 1);
        if (!h.has(at, 2 + len)) return s + "[trunc]";
        switch (type) {
        case 1: s += "(padn)"; break;
        case 5:
            s += len == 2 ? "(rtalert: " + hex(h.be16(at + 2), 4) + ") " : "(rtalert: invalid len " + std::to_string(len) + ")";
            break;
        case 0xc2: {
            // RFC 2675: only in a hop-by-hop header, with a payload length of 0.
            if (len != 4) {
                s += "(jumbo: invalid len " + std::to_string(len) + ")";
                break;
            }
            std::uint32_t jumbo = h.be32(at + 2);
            s += "(jumbo: " + std::to_string(jumbo) +
                 (!hop_by_hop ? " - not a hop-by-hop option" : payload_length != 0 ? " - payload len != 0"
                                                               : jumbo < 65536 ? " - < 65536" : "") + ") ";
            break;
        }
        default: s += "(opt_type " + hex(type, 2) + ": len=" + std::to_string(len) + ")"; break;
        }
        at += 2 + len;
    }
    return s;
}

// A routing header as tcpdump's rt6_print shows it: "(len=2, type=0
// [Deprecated], segleft=1, [0]2001:db8::1) ".  Types 0 and 2 (RFC 2460,
// 6275) and 4 (RFC 8754, segment routing) list addresses; *final_dst is the
// last one, the checksum's destination (tcpdump's ip6_finddst).  False when
// tcpdump gives up on the packet.
bool Decoder::routing_header(Bytes h, std::size_t* final_dst) {
    std::uint8_t len = h.u8(1), type = h.u8(2);
    std::string s = "(len=" + std::to_string(len) + ", type=" + std::to_string(type) +
                    (type == 0 ? " [Deprecated]" : "") + ", segleft=" + std::to_string(h.u8(3));
    if (type == 0 || type == 2) {
        if (h.be32(4) != 0 || options_.verbose > 0) s += ", rsv=" + hex(h.be32(4), 1);
    } else if (type == 4) {
        char tag[8];
        std::snprintf(tag, sizeof tag, "%x", h.be16(6));
        s += ", last-entry=" + std::to_string(h.u8(4));
        if (options_.verbose > 0) s += ", flags=" + hex(h.u8(5), 1);
        s += std::string(", tag=") + tag;
    } else {
        put(s + " (unknown type)");
        return put(" (invalid)"), false;
    }
    if (len % 2 == 1) {
        put(s + " (invalid length " + std::to_string(len) + ")");
        return put(" (invalid)"), false;
    }
    for (unsigned i = 0; i < len / 2u; ++i) {
        std::size_t at = 8 + 16 * i;
        if (!h.has(at, 16)) return put(s), cut("rt6"), false;
        s += ", [" + std::to_string(i) + "]" + ipv6_text(h, at);
        *final_dst = at;
    }
    put(s + ") ");
    return true;
}

void Decoder::ipv6(Bytes b, std::uint32_t length) {
    DepthGuard guard(*this);
    if (guard.too_deep()) return put("[too deep]");
    // ip6_print tests the header (no longjmp): -x still starts after the link header.
    if (!b.has(0, 40)) return truncated("ip6");
    unsigned version = b.u8(0) >> 4;
    if (version != 6) return put("IP6, version " + std::to_string(version) + " (invalid)");
    std::uint32_t payload_length = b.be16(4);
    std::uint8_t next = b.u8(6);
    if (!options_.link_header) put("IP6 ");
    // A payload length of 0 with a hop-by-hop header is a jumbogram's
    // (RFC 2675): the link's length counts.
    std::uint32_t datagram_length = payload_length || next != 0 ? payload_length : (length > 40 ? length - 40 : 0);
    if (payload_length && length < payload_length + 40)
        put("truncated-ip6 - " + std::to_string(payload_length + 40 - length) + " bytes missing!");
    if (options_.verbose > 0) {
        std::uint32_t flow = b.be32(0);
        put("(");
        if (flow & 0x0ff00000) put("class " + hex((flow >> 20) & 0xff, 2) + ", ");
        if (flow & 0x000fffff) put("flowlabel " + hex(flow & 0xfffff, 5) + ", ");
        put("hlim " + std::to_string(b.u8(7)) + ", next-header " + protocol_text(next) + " payload length: " +
            std::to_string(payload_length) + ") ");
    }
    Endpoints ends{ipv6_text(b, 8), ipv6_text(b, 24)};
    ends.ttl = b.u8(7);
    ends.v6 = true;
    ends.address_sum = ones_sum(b, 8, 32);
    std::uint32_t rest_length = datagram_length;
    Bytes rest = b.from(40).first(datagram_length);
    // A payload length of 0 without a jumbo option: tcpdump walks the
    // extension headers as far as the capture goes, then gives up.
    bool unsized = payload_length == 0 && next != 0;
    if (unsized && (next == 43 || next == 44 || next == 60)) rest = b.from(40);
    // Extension headers come first; their names precede the transport, as
    // in tcpdump ("HBH frag (0|20) ...").  Then the ports go without the
    // addresses, already printed.
    auto prefix = [&] {
        if (!ends.shown) put(ends.src + " > " + ends.dst + ": ");
        ends.shown = true;
    };
    bool seen_hbh = false;
    std::uint64_t consumed = 0;  // extension header bytes so far
    for (int count = 0; count < 16; ++count) {
        std::size_t size = 0;
        switch (next) {
        case 0:
        case 43:
        case 60: {
            prefix();
            // An options header not all there is cut before its name.
            if (next != 43 && rest.has(0, 2) && !rest.has(0, (rest.u8(1) + 1u) * 8))
                return cut(next == 0 ? "hbhopt" : "dstopt");
            // RFC 8200: a hop-by-hop header comes right after the IPv6 header.
            if (next == 0 && count > 0)
                return put(seen_hbh ? "[The Hop-by-Hop Options header was already found] (invalid)"
                                    : "[The Hop-by-Hop Options header don't follow the IPv6 header] (invalid)");
            seen_hbh |= next == 0;
            if (!rest.has(0, 2)) return cut(next == 0 ? "hbhopt" : next == 43 ? "rt6" : "dstopt");
            size = (rest.u8(1) + 1u) * 8;
            put(next == 0 ? "HBH " : next == 43 ? "RT6 " : "DSTOPT ");
            if (next == 43) {
                std::size_t final_dst = 0;
                if (!routing_header(rest, &final_dst)) return;
                if (final_dst) ends.address_sum = ones_sum(b, 8, 16) + ones_sum(rest, final_dst, 16);
            }
            if (next != 43 && rest.has(0, size)) {
                // tcpdump walks the options even without -v; one running
                // past the header ends the packet.
                std::string text = ipv6_options(rest.first(size), next == 0, payload_length);
                bool overrun = text.size() >= 7 && text.compare(text.size() - 7, 7, "[trunc]") == 0;
                if (overrun) {
                    if (options_.verbose > 0) put(text.substr(0, text.size() - 7));
                    return cut(next == 0 ? "hbhopt" : "dstopt");
                }
                if (options_.verbose == 0) break;
                put(text + " ");
            }
            break;
        }
        case 44: {
            prefix();
            if (!rest.has(0, 8)) return cut("frag6");
            size = 8;
            unsigned offset = rest.be16(2) & 0xfff8;
            ends.fragment = true;
            // tcpdump's fragment length: the IPv6 payload length less the
            // headers before the data, negative ones wrapping in 64 bits.
            std::uint64_t fragment_length = std::uint64_t(payload_length) - consumed - 8;
            put("frag (" + (options_.verbose > 0 ? hex(rest.be32(4), 8) + ":" : "") + std::to_string(offset) + "|" +
                std::to_string(fragment_length) + ")");
            if (offset != 0) return;  // no transport header here
            put(" ");
            break;
        }
        case 51: {
            prefix();
            if (!rest.has(0, 12)) return cut("ah");
            size = (rest.u8(1) + 2u) * 4;
            put("AH(spi=" + hex(rest.be32(4), 8) + ",seq=" + hex(rest.be32(8), 1) + "): ");
            break;
        }
        case 59: prefix(); return put("no next header");
        default:
            if (unsized && count > 0) return prefix(), cut("ip6");
            if (next != 6 && next != 17 && next != 132 && (next != 33 || options_.verbose > 0)) prefix();
            return transport(next, rest, rest_length, ends);
        }
        if (!rest.has(0, size)) return cut("ip6");
        consumed += size;
        next = rest.u8(0);
        rest = rest.from(size);
        rest_length = rest_length > size ? rest_length - std::uint32_t(size) : 0;
    }
    put("[too many extension headers]");
}

}  // namespace fcap::capture::detail
