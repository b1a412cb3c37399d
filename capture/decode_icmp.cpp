// ICMP and ICMPv6, in tcpdump's words (print-icmp.c, print-icmp6.c): the
// quoted packet of an error names the destination, as tcpdump prints it.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

// A quoted IPv4 header: where its transport header starts, or 0 if the
// header is not all there.
std::size_t quoted_ipv4(Bytes inner) {
    if (!inner.has(0, 20)) return 0;
    std::size_t header = (inner.u8(0) & 0xf) * 4u;
    return header >= 20 && inner.has(0, header) ? header : 0;
}

// tcpdump's icmp_tstamp_print: milliseconds since midnight as HH:MM:SS.mmm.
std::string milliseconds_text(std::uint32_t t) {
    char s[32];
    std::uint32_t ms = t % 1000, sec = t / 1000, min = sec / 60, hrs = min / 60;
    std::snprintf(s, sizeof s, "%02u:%02u:%02u.%03u", hrs, min % 60, sec % 60, ms);
    return s;
}

std::string lifetime_text(std::uint16_t t) {
    char s[32];
    if (t < 60) std::snprintf(s, sizeof s, "%u", t);
    else if (t < 3600) std::snprintf(s, sizeof s, "%u:%02u", t / 60, t % 60);
    else std::snprintf(s, sizeof s, "%u:%02u:%02u", t / 3600, t % 3600 / 60, t % 60);
    return s;
}

}  // namespace

void Decoder::icmp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (!b.has(0, 4)) return cut("icmp");
    std::uint8_t type = b.u8(0), code = b.u8(1);
    std::string s = "ICMP ";
    Bytes inner = b.from(8);
    std::string dst = ipv4_text(inner, 16);
    switch (type) {
    case 0:
    case 8:
        if (!b.has(0, 8)) return put(s), cut("icmp");
        s += std::string(type == 8 ? "echo request" : "echo reply") + ", id " + std::to_string(b.be16(4)) + ", seq " +
             std::to_string(b.be16(6));
        break;
    case 3: {
        std::size_t th = quoted_ipv4(inner);
        if (!th) return put(s), cut("icmp");
        static const char* const forms[] = {
            "net %s unreachable", "host %s unreachable", nullptr, nullptr, nullptr,
            "%s unreachable - source route failed", "net %s unreachable - unknown", "host %s unreachable - unknown",
            "%s unreachable - source host isolated", "net %s unreachable - admin prohibited",
            "host %s unreachable - admin prohibited", "net %s unreachable - tos prohibited",
            "host %s unreachable - tos prohibited", "host %s unreachable - admin prohibited filter",
            "host %s unreachable - host precedence violation", "host %s unreachable - precedence cutoff"};
        char text[160];
        std::uint8_t proto = inner.u8(9);
        if (code == 2) {
            s += dst + " protocol " + std::to_string(proto) + " unreachable";
        } else if (code == 3) {
            if (!inner.has(th, 4)) return put(s), cut("icmp");
            const char* name = proto == 6 ? "tcp" : proto == 17 ? "udp" : nullptr;
            s += name ? dst + " " + name + " port " + std::to_string(inner.be16(th + 2)) + " unreachable"
                      : dst + " protocol " + std::to_string(proto) + " port " + std::to_string(inner.be16(th + 2)) +
                            " unreachable";
        } else if (code == 4) {
            std::uint16_t mtu = b.be16(6);
            s += dst + " unreachable - need to frag" + (mtu ? " (mtu " + std::to_string(mtu) + ")" : "");
        } else if (code < 16) {
            std::snprintf(text, sizeof text, forms[code], dst.c_str());
            s += text;
        } else {
            s += dst + " unreachable - #" + std::to_string(code);
        }
        break;
    }
    case 4: s += "source quench"; break;
    case 5: {
        if (!quoted_ipv4(inner)) return put(s), cut("icmp");
        static const char* const forms[] = {"redirect %s to net %s", "redirect %s to host %s",
                                            "redirect-tos %s to net %s", "redirect-tos %s to host %s"};
        char text[160];
        std::string gateway = ipv4_text(b, 4);
        if (code < 4) std::snprintf(text, sizeof text, forms[code], dst.c_str(), gateway.c_str());
        else std::snprintf(text, sizeof text, "redirect-#%u %s to %s", code, dst.c_str(), gateway.c_str());
        s += text;
        break;
    }
    case 9: {
        if (!b.has(0, 8)) return put(s), cut("icmp");
        unsigned count = b.u8(4), size = b.u8(5);
        s += "router advertisement lifetime " + lifetime_text(b.be16(6)) + " " + std::to_string(count) + ":";
        if (size != 2) {
            s += " [size " + std::to_string(size) + "]";
            break;
        }
        for (unsigned i = 0; i < count; ++i) {
            if (!b.has(8 + 8 * i, 8)) return put(s), cut("icmp");
            s += " {" + ipv4_text(b, 8 + 8 * i) + " " + std::to_string(b.be32(12 + 8 * i)) + "}";
        }
        break;
    }
    case 10: s += "router solicitation"; break;
    case 11:
        s += code == 0 ? "time exceeded in-transit" : code == 1 ? "ip reassembly time exceeded"
                                                                : "time exceeded-#" + std::to_string(code);
        break;
    case 12:
        s += code == 0 ? "parameter problem - octet " + std::to_string(b.u8(4))
                       : "parameter problem - code " + std::to_string(code);
        break;
    case 13:
    case 14:
        if (!b.has(0, 8)) return put(s), cut("icmp");
        s += std::string(type == 13 ? "time stamp query" : "time stamp reply") + " id " + std::to_string(b.be16(4)) +
             " seq " + std::to_string(b.be16(6));
        if (type == 14) {
            if (!b.has(8, 12)) return put(s), cut("icmp");
            s += ": org " + milliseconds_text(b.be32(8)) + ", recv " + milliseconds_text(b.be32(12)) + ", xmit " +
                 milliseconds_text(b.be32(16));
        }
        break;
    case 15: s += "information request"; break;
    case 16: s += "information reply"; break;
    case 17: s += "address mask request"; break;
    case 18: {
        if (!b.has(8, 4)) return put(s), cut("icmp");
        char mask[16];
        std::snprintf(mask, sizeof mask, "0x%08x", b.be32(8));
        s += std::string("address mask is ") + mask;
        break;
    }
    default: s += "type-#" + std::to_string(type); break;
    }
    put(s + ", length " + std::to_string(length));
    // -v: a wrong checksum is noted (a right one is not).
    if (options_.verbose > 0 && !ends.fragment && b.has(0, length)) {
        std::uint16_t computed = std::uint16_t(~ones_fold(ones_sum(b, 0, length)));
        if (computed != 0) {
            char text[64];
            std::snprintf(text, sizeof text, " (wrong icmp cksum %x (->%x)!)", b.be16(2),
                          checksum_should_be(b.be16(2), computed));
            put(text);
        }
    }
}

void Decoder::icmp6(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (options_.verbose > 0 && !ends.fragment && b.has(0, length) && b.has(0, 4)) {
        std::uint16_t computed = transport_checksum(b, length, ends, 58);
        if (computed == 0) put("[icmp6 sum ok] ");
        else put("[bad icmp6 cksum " + hex(b.be16(2), 4) + " -> " + hex(checksum_should_be(b.be16(2), computed), 4) + "!] ");
    }
    put("ICMP6, ");
    if (!b.has(0, 4)) return cut("icmp6");
    std::uint8_t type = b.u8(0), code = b.u8(1);
    Bytes inner = b.from(8);  // the quoted IPv6 packet of an error
    bool quoted = inner.has(0, 40);
    std::string dst = ipv6_text(inner, 24), s;
    switch (type) {
    case 1:
        if (!quoted) return put("destination unreachable"), cut("icmp6");
        switch (code) {
        case 0: s = "destination unreachable, unreachable route " + dst; break;
        case 1: s = "destination unreachable,  unreachable prohibited " + dst; break;  // sic, as tcpdump
        case 2: s = "destination unreachable, beyond scope " + dst + ", source address " + ipv6_text(inner, 8); break;
        case 3: s = "destination unreachable, unreachable address " + dst; break;
        case 4:
            s = "destination unreachable, unreachable port";
            if (inner.has(40, 4) && (inner.u8(6) == 17 || inner.u8(6) == 6))
                s += ", " + dst + (inner.u8(6) == 17 ? " udp" : " tcp") + " port " + std::to_string(inner.be16(42));
            break;
        default: return put("destination unreachable, unknown unreach code (" + std::to_string(code) + ")");
        }
        break;
    case 2: s = "packet too big, mtu " + std::to_string(b.be32(4)); break;
    case 3:
        if (code == 0 && quoted) s = "time exceeded in-transit for " + dst;
        else if (code == 1) s = "time exceeded in-transit (reassembly)";
        else s = "time exceeded, unknown code (" + std::to_string(code) + ")";
        break;
    case 4: {
        static const char* const kinds[] = {"erroneous", "next header", "option"};
        s = "parameter problem, " + (code < 3 ? std::string(kinds[code]) : "code-#" + std::to_string(code)) +
            " - octet " + std::to_string(b.be32(4));
        break;
    }
    case 128:
    case 129:
        if (!b.has(0, 8)) return cut("icmp6");
        s = std::string(type == 128 ? "echo request" : "echo reply") + ", id " + std::to_string(b.be16(4)) + ", seq " +
            std::to_string(b.be16(6));
        break;
    case 130:
    case 131:
    case 132: {
        static const char* const names[] = {"multicast listener query", "multicast listener report",
                                            "multicast listener done"};
        s = names[type - 130];
        if (type == 130 && length >= 28) {
            s += " v2";
            break;
        }
        if (!b.has(0, 24)) return put(s), cut("icmp6");
        // tcpdump prints these without a space (mld6_print).
        s += "max resp delay: " + std::to_string(b.be16(4)) + " addr: " + ipv6_text(b, 8);
        break;
    }
    case 133: s = "router solicitation"; break;
    case 134: s = "router advertisement"; break;
    case 135:
    case 136:
        if (!b.has(8, 16)) return put(type == 135 ? "neighbor solicitation " : "neighbor advertisement "), cut("icmp6");
        s = type == 135 ? "neighbor solicitation, who has " + ipv6_text(b, 8)
                        : "neighbor advertisement, tgt is " + ipv6_text(b, 8);
        break;
    case 137:
        if (!b.has(8, 32)) return put("redirect "), cut("icmp6");
        s = "redirect, " + ipv6_text(b, 24) + " to " + ipv6_text(b, 8);
        break;
    case 138: s = "router renumbering"; break;
    case 139: s = "node information query"; break;
    case 140: s = "node information reply"; break;
    case 141: s = "inverse neighbor solicitation"; break;
    case 142: s = "inverse neighbor advertisement"; break;
    case 143:
        if (!b.has(0, 8)) return put("multicast listener report v2 "), cut("icmp6");
        s = "multicast listener report v2, " + std::to_string(b.be16(6)) + " group record(s)";
        break;
    case 144:
    case 146: {
        char id[16];
        std::snprintf(id, sizeof id, "0x%04x", b.be16(4));
        s = std::string(type == 144 ? "ha discovery request" : "mobile router solicitation") + ", id " + id;
        break;
    }
    case 145: s = "ha discovery reply"; break;
    case 147: s = "mobile router advertisement"; break;
    case 200: s = "mtrace response"; break;
    case 201: s = "mtrace request"; break;
    default: s = "unknown icmp6 type (" + std::to_string(type) + ")"; break;
    }
    // Under -v tcpdump prints the length only for the neighbour discovery
    // messages (and what it cannot name); their details follow it.
    bool with_length = options_.verbose == 0 || (type >= 133 && type <= 137) || type == 145 || type == 147 ||
                       s.rfind("unknown icmp6 type", 0) == 0;
    if (!with_length) return put(s);
    put(s + ", length " + std::to_string(length));
}

}  // namespace fcap::capture::detail
