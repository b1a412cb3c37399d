// ICMPv6 in tcpdump's words (print-icmp6.c): errors name what they quote,
// neighbour discovery shows its options under -v.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

const char* nd_option_name(std::uint8_t type) {
    switch (type) {
    case 1: return "source link-address";
    case 2: return "destination link-address";
    case 3: return "prefix info";
    case 4: return "redirected header";
    case 24: return "route info";
    case 5: return "mtu";
    case 7: return "advertisement interval";
    case 8: return "homeagent information";
    case 25: return "rdnss";
    case 31: return "dnssl";
    default: return "unknown";
    }
}

std::string lifetime(std::uint32_t t) { return t == 0xffffffff ? "infinity" : std::to_string(t) + "s"; }

std::string flag_names(std::uint32_t value, std::initializer_list<std::pair<std::uint32_t, const char*>> names) {
    std::string s;
    for (auto [bit, name] : names) {
        if (!(value & bit)) continue;
        if (!s.empty()) s += ", ";
        s += name;
    }
    return s.empty() ? "none" : s;
}

// tcpdump's icmp6_type_values: a message's name from its type alone.
std::string type_name(std::uint8_t type) {
    static const std::pair<std::uint8_t, const char*> names[] = {
        {1, "destination unreachable"}, {2, "packet too big"}, {3, "time exceeded in-transit"},
        {4, "parameter problem"}, {128, "echo request"}, {129, "echo reply"}, {130, "multicast listener query"},
        {131, "multicast listener report"}, {132, "multicast listener done"}, {133, "router solicitation"},
        {134, "router advertisement"}, {135, "neighbor solicitation"}, {136, "neighbor advertisement"},
        {137, "redirect"}, {138, "router renumbering"}, {139, "who-are-you request"}, {140, "who-are-you reply"},
        {141, "inverse neighbor solicitation"}, {142, "inverse neighbor advertisement"},
        {143, "multicast listener report v2"}, {144, "ha discovery request"}, {145, "ha discovery reply"},
        {146, "mobile router solicitation"}, {147, "mobile router advertisement"}, {155, "RPL"}, {200, "mtrace response"},
        {201, "mtrace request"}};
    for (auto [t, name] : names)
        if (t == type) return name;
    return "unknown icmp6 type (" + std::to_string(type) + ")";
}

// A node information name (RFC 4620): uncompressed labels, or the 03
// draft's one counted string, as tcpdump's dnsname_print shows them.
std::string ni_name(Bytes b, std::size_t at, std::size_t size, bool verbose) {
    std::string s;
    if (at < size && b.u8(at) == size - at - 1) {
        if (verbose) s += ", 03 draft";
        s += ", \"";
        for (++at; at < size; ++at) print_char(s, b.u8(at));
        return s + "\"";
    }
    s += ", \"";
    while (at < size) {
        std::size_t n = b.u8(at++);
        if (n == 0) {
            if (at == size) s += ".";
            else if (!(at + 1 == size && b.u8(at) == 0)) s += "???";
            break;
        }
        if (n > size - at) {
            s += "???";
            break;
        }
        for (; n > 0 && at < size; --n) print_char(s, b.u8(at++));
        if (at + 1 < size && b.u8(at)) s += ".";
    }
    return s + "\"";
}

}  // namespace

// RFC 4620 node information, which tcpdump names after KAME's
// "who-are-you" messages: the query type, flags and subject.
std::string Decoder::node_information(Bytes b, std::uint32_t length) {
    std::uint8_t type = b.u8(0), code = b.u8(1);
    std::string s = type == 139 ? "who-are-you request" : "who-are-you reply";
    std::size_t size = length < b.size() ? length : b.size();
    bool verbose = options_.verbose > 0;
    auto address_flags = [&](unsigned f, bool reply) {
        std::string t;
        if (f & 0x40) t += "a";
        if (f & 0x20) t += "G";
        if (f & 0x10) t += "S";
        if (f & 0x08) t += "L";
        if (f & 0x04) t += "C";
        if (f & 0x02) t += "A";
        if (reply && (f & 0x01)) t += "T";
        return " [" + t + "]";
    };
    if (type == 139) {
        if (length == 12) return s + " who-are-you request";
        s += " node information query";
        if (!b.has(0, 16)) return s + " [|icmp6]";
        unsigned qtype = b.be16(4), flags = b.be16(6);
        s += " (";
        switch (qtype) {
        case 0: s += "noop"; break;
        case 1:
            // RFC 4620's C flag: compressed bitmaps (the 16-bit flags, as tcpdump reads them).
            s += "supported qtypes";
            if (b.be16(6)) s += b.be16(6) & 1 ? " [C]" : " []";
            break;
        case 2: s += "DNS name"; break;
        case 3:
            s += "node addresses";
            if (flags) s += address_flags(flags, false);
            break;
        default: s += "unknown"; break;
        }
        if (qtype == 0 || qtype == 1) return s + (size != 16 && verbose ? ", invalid len" : "") + ")";
        if (size == 16) return s + ", 03 draft)";
        if (code == 0) {
            if (b.has(16, 16)) {
                if (size != 32) s += verbose ? ", invalid subject len" : "";
                else s += ", subject=" + ipv6_text(b, 16);
            }
        } else if (code == 1) {
            s += ", subject=DNS name" + ni_name(b, 16, size, verbose);
        } else if (code == 2) {
            if (b.has(16, 4)) {
                if (size != 20) s += verbose ? ", invalid subject len" : "";
                else s += ", subject=" + ipv4_text(b, 16);
            }
        } else {
            s += ", unknown subject";
        }
        return s + ")";
    }
    // tcpdump wants the whole reply captured before it names it.
    if (length > b.size()) return s + " [|icmp6]";
    s += " node information reply";
    if (!b.has(0, 16)) return s + " [|icmp6]";
    s += " (";
    bool comma = false;
    if (code == 0 && verbose) s += "success", comma = true;
    if (code == 1 || code == 2) {
        s += code == 1 ? "refused" : "unknown";
        comma = true;
        if (size != 16 && verbose) s += ", invalid length";
    }
    if (code != 0) return s + ")";
    unsigned qtype = b.be16(4), flags = b.be16(6);
    if (comma) s += ", ";
    if (qtype == 3) {
        s += "node addresses";
        for (std::size_t i = 16; i + 20 <= size; i += 20)
            s += " " + ipv6_text(b, i + 4) + "(" + std::to_string(b.be32(i)) + ")";
        if (flags) s += address_flags(flags, true);
    } else if (qtype == 0) {
        s += "noop";
        if (size != 16 && verbose) s += ", invalid length";
    } else if (qtype == 1) {
        s += "supported qtypes";
        if (flags) s += flags & 1 ? " [C]" : " []";
    } else if (qtype == 2) {
        // RFC 4620: a TTL, then the name, uncompressed (or the 03 draft's
        // one counted string).
        s += "DNS name";
        s += ni_name(b, 20, size, verbose);
        if (flags & 1) s += " [TTL=" + std::to_string(b.be32(16)) + "]";
    } else {
        s += "unknown";
    }
    return s + ")";
}

// Router and neighbour solicitations and advertisements (RFC 4861).
void Decoder::neighbor_discovery(Bytes b, std::uint32_t length) {
    std::uint8_t type = b.u8(0);
    static const char* const names[] = {"router solicitation", "router advertisement", "neighbor solicitation",
                                        "neighbor advertisement"};
    put(names[type - 133]);
    bool verbose = options_.verbose > 0;
    if (verbose) put(", length " + std::to_string(length));
    std::size_t options_at = 8;
    switch (type) {
    case 134:
        options_at = 16;
        if (verbose) {
            if (!b.has(4, 12)) return cut("icmp6");
            std::uint8_t flags = b.u8(5);
            static const char* const preferences[] = {"medium", "high", "rsv", "low"};
            put("\n\thop limit " + std::to_string(b.u8(4)) + ", Flags [" +
                flag_names(flags, {{0x80, "managed"}, {0x40, "other stateful"}, {0x20, "home agent"}, {0x02, "ipv6 only"}}) +
                "], pref " + preferences[(flags >> 3) & 3] + ", router lifetime " + std::to_string(b.be16(6)) +
                "s, reachable time " + std::to_string(b.be32(8)) + "ms, retrans timer " + std::to_string(b.be32(12)) +
                "ms");
        }
        break;
    case 135:
    case 136:
        options_at = 24;
        if (!b.has(8, 16)) return cut("icmp6");
        put((type == 135 ? ", who has " : ", tgt is ") + ipv6_text(b, 8));
        if (type == 136 && verbose)
            put(", Flags [" +
                flag_names(b.be32(4), {{0x80000000u, "router"}, {0x40000000u, "solicited"}, {0x20000000u, "override"}}) +
                "]");
        break;
    }
    if (!verbose) return put(", length " + std::to_string(length));
    nd_options(b, options_at, length);
}

// The options, each on its own line (tcpdump's icmp6_opt_print).
// The walk stops at the capture's end or the message's; an option of length
// 0 or past the capture ends it as truncated.
void Decoder::nd_options(Bytes b, std::size_t at, std::size_t end) {
    const std::size_t first = at;
    while (at < end && at < b.size()) {
        if (!b.has(at, 2)) return;
        std::uint8_t opt = b.u8(at);
        std::size_t size = std::size_t(b.u8(at + 1)) * 8;
        if (size == 0 || !b.has(at, size)) return cut("icmp6");
        put(std::string("\n\t  ") + nd_option_name(opt) + " option (" + std::to_string(opt) + "), length " +
            std::to_string(size) + " (" + std::to_string(size / 8) + "): ");
        if (!b.has(at, size)) return cut("icmp6");
        switch (opt) {
        case 1:
        case 2:
            for (std::size_t i = 2; i < size; ++i) put((i > 2 ? ":" : "") + hex(b.u8(at + i), 2).substr(2));
            break;
        case 3:
            put(ipv6_text(b, at + 16) + "/" + std::to_string(b.u8(at + 2)) + (size != 32 ? "badlen" : "") +
                ", Flags [" + flag_names(b.u8(at + 3), {{0x80, "onlink"}, {0x40, "auto"}, {0x20, "router"}}) +
                "], valid time " + lifetime(b.be32(at + 4)) + ", pref. time " + lifetime(b.be32(at + 8)));
            break;
        case 4:
            // tcpdump dumps the option's length in bytes from the first
            // option on, not from this one (print-icmp6.c's "xxx").
            put(hex_lines(b, first, size, "\n\t    "));
            break;
        case 5: put(" " + std::to_string(b.be32(at + 4))); break;
        case 24: {
            // RFC 4191 route information: a prefix of 0, 8 or 16 bytes.
            static const char* const preferences[] = {"medium", "high", "rsv", "low"};
            std::uint8_t prefix[16] = {};
            std::size_t units = size / 8;
            if (units < 1 || units > 3) return put(" (invalid)");
            for (std::size_t i = 0; i < (units - 1) * 8; ++i) prefix[i] = b.u8(at + 8 + i);
            put(" " + ipv6_text(Bytes(prefix, 16), 0) + "/" + std::to_string(b.u8(at + 2)) + ", pref=" +
                preferences[(b.u8(at + 3) >> 3) & 3] + ", lifetime=" + lifetime(b.be32(at + 4)));
            break;
        }
        case 7: put(" " + std::to_string(b.be32(at + 4)) + "ms"); break;
        case 8: put(" preference " + std::to_string(b.be16(at + 4)) + ", lifetime " + std::to_string(b.be16(at + 6))); break;
        case 31: {
            // RFC 8106: uncompressed names until the padding.
            put(" lifetime " + std::to_string(b.be32(at + 4)) + "s, domain(s):");
            std::size_t p = at + 8;
            while (p < at + size && b.u8(p) != 0) {
                std::string name;
                while (p < at + size && b.u8(p) != 0) {
                    std::size_t n = b.u8(p++);
                    for (std::size_t k = 0; k < n && p < at + size; ++k) name += char(b.u8(p++));
                    name += '.';
                }
                ++p;
                put(" " + name);
            }
            break;
        }
        case 25: {
            put(" lifetime " + std::to_string(b.be32(at + 4)) + "s,");
            for (std::size_t i = at + 8; i + 16 <= at + size; i += 16) put(" addr: " + ipv6_text(b, i));
            break;
        }
        default:
            if (options_.verbose <= 1) return put(hex_lines(b, at + 2, size - 2, "\n\t  "));
            break;
        }
        if (options_.verbose > 1) put(hex_lines(b, at + 2, size - 2, "\n\t    "));
        at += size;
    }
}

void Decoder::icmp6(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (length < 4) return put("ICMP6, length " + std::to_string(length) + " (invalid)");
    if (options_.verbose > 0 && !ends.fragment && b.has(0, length) && b.has(0, 4)) {
        std::uint16_t computed = transport_checksum(b, length, ends, 58);
        if (computed == 0) put("[icmp6 sum ok] ");
        else put("[bad icmp6 cksum " + hex(b.be16(2), 4) + " -> " + hex(checksum_should_be(b.be16(2), computed), 4) + "!] ");
    }
    if (!b.has(0, 1)) return cut("icmp6");  // tcpdump: not even "ICMP6,"
    put("ICMP6, ");
    if (!b.has(0, 2)) return put(type_name(b.u8(0))), cut("icmp6");  // named, then cut at the code  // the type and code are all a name needs
    std::uint8_t type = b.u8(0), code = b.u8(1);
    Bytes inner = b.from(8);  // the quoted IPv6 packet of an error
    bool quoted = inner.has(0, 40);
    std::string dst = ipv6_text(inner, 24), s;
    switch (type) {
    case 1: {
        // The code's name, then what the quoted packet says.
        static const char* const codes[] = {"unreachable route", " unreachable prohibited",  // sic, as tcpdump
                                            "beyond scope", "unreachable address", "unreachable port"};
        if (code > 4) {
            put("destination unreachable, unknown unreach code (" + std::to_string(code) + ")");
            if (options_.verbose <= 1) put(hex_lines(b, 0, length, "\n\t"));
            return;
        }
        s = "destination unreachable, " + std::string(codes[code]);
        if (code == 4) {
            // get_upperlayer failing is a plain truncation (no longjmp).
            if (!inner.has(40, 4) || (inner.u8(6) != 17 && inner.u8(6) != 6)) return put(s), truncated("icmp6");
            s += ", " + dst + (inner.u8(6) == 17 ? " udp" : " tcp") + " port " + std::to_string(inner.be16(42));
            break;
        }
        if (!quoted) return put(s), cut("icmp6");
        s += " " + dst;
        if (code == 2) s += ", source address " + ipv6_text(inner, 8);
        break;
    }
    case 2:
        if (!b.has(4, 4)) return put("packet too big"), cut("icmp6");
        s = "packet too big, mtu " + std::to_string(b.be32(4));
        break;
    case 3:
        s = "time exceeded in-transit";
        if (code == 0 && !quoted) return put(s), cut("icmp6");
        s += code == 0 ? " for " + dst : code == 1 ? " (reassembly)" : ", unknown code (" + std::to_string(code) + ")";
        break;
    case 4: {
        static const char* const kinds[] = {"erroneous", "next header", "option", "incomplete header chain"};
        if (!quoted) return put("parameter problem"), truncated("icmp6");
        s = "parameter problem, " +
            (code < 4 ? std::string(kinds[code]) + " - octet " + std::to_string(b.be32(4)) : "code-#" + std::to_string(code));
        break;
    }
    case 128:
    case 129:
        // tcpdump names the message before it reads the fields.
        s = type == 128 ? "echo request" : "echo reply";
        if (!b.has(0, 8)) return put(s), cut("icmp6");
        s += ", id " + std::to_string(b.be16(4)) + ", seq " + std::to_string(b.be16(6));
        break;
    case 130:
    case 131:
    case 132: {
        static const char* const names[] = {"multicast listener query", "multicast listener report",
                                            "multicast listener done"};
        s = names[type - 130];
        if (type == 130 && length != 24 && length < 28) {
            // Neither MLDv1 (24 bytes) nor MLDv2 (28 and more).
            s += " unknown-version (len " + std::to_string(length) + ") ";
            break;
        }
        if (type == 130 && length >= 28) {
            // RFC 3810 query: codes expand to milliseconds and seconds.
            s += " v2";
            if (!b.has(0, 28)) return put(s), cut("icmp6");
            unsigned code = b.be16(4);
            unsigned delay = code < 32768 ? code : ((code & 0x0fff) | 0x1000) << (((code & 0x7000) >> 12) + 3);
            if (options_.verbose > 0) s += " [max resp delay=" + std::to_string(delay) + "]";
            s += " [gaddr " + ipv6_text(b, 8);
            if (options_.verbose > 0) {
                std::uint8_t qrv = b.u8(24), qqic = b.u8(25);
                if (qrv & 0x08) s += " sflag";
                if (qrv & 0x07) s += " robustness=" + std::to_string(qrv & 7);
                unsigned qqi = qqic < 128 ? qqic : ((qqic & 0x0f) | 0x10) << (((qqic & 0x70) >> 4) + 3);
                s += " qqi=" + std::to_string(qqi);
            }
            unsigned sources = b.be16(26);
            if (sources > 0) {
                if (length < 28 + sources * 16u) {
                    s += " [invalid number of sources]";
                } else if (options_.verbose > 1) {
                    s += " {";
                    for (unsigned j = 0; j < sources; ++j) s += " " + ipv6_text(b, 28 + 16 * j);
                    s += " }";
                } else {
                    s += ", " + std::to_string(sources) + " source(s)";
                }
            }
            s += "]";
            break;
        }
        // tcpdump prints these without a space (mld6_print), and nothing
        // when the message is not all captured.
        if (!b.has(0, 24)) break;
        s += "max resp delay: " + std::to_string(b.be16(4)) + " addr: " + ipv6_text(b, 8);
        break;
    }
    case 133:
    case 134:
    case 135:
    case 136:
        return neighbor_discovery(b, length);
    case 137:
        if (!b.has(8, 32)) return put("redirect"), cut("icmp6");
        if (options_.verbose > 0) {
            // Under -v the length comes first, the options after.
            put("redirect, length " + std::to_string(length) + ", " + ipv6_text(b, 24) + " to " + ipv6_text(b, 8));
            return nd_options(b, 40, length);
        }
        s = "redirect, " + ipv6_text(b, 24) + " to " + ipv6_text(b, 8);
        break;
    case 138: s = "router renumbering"; break;
    case 139:
    case 140: s = node_information(b, length); break;
    case 141: s = "inverse neighbor solicitation"; break;
    case 142: s = "inverse neighbor advertisement"; break;
    case 143:
        if (length < 8) return put("multicast listener report v2 [invalid len " + std::to_string(length) + "]");
        if (!b.has(0, 8)) return put("multicast listener report v2"), cut("icmp6");
        s = "multicast listener report v2, " + std::to_string(b.be16(6)) + " group record(s)";
        if (options_.verbose > 0) {
            // RFC 3810 records: the group, its mode, its sources.
            static const char* const modes[] = {"is_in", "is_ex", "to_in", "to_ex", "allow", "block"};
            std::size_t at = 8;
            for (unsigned i = 0; i < b.be16(6); ++i) {
                if (!b.has(at, 20)) return put(s), cut("icmp6");
                std::uint8_t mode = b.u8(at);
                unsigned sources = b.be16(at + 2);
                s += " [gaddr " + ipv6_text(b, at + 4) + " " +
                     (mode >= 1 && mode <= 6 ? std::string(modes[mode - 1]) : " [v2-report-#" + std::to_string(mode) + "]");
                if (length < at + 20 + sources * 16u) return put(s + " [invalid number of sources " + std::to_string(sources) + "]");
                if (options_.verbose == 1) {
                    s += ", " + std::to_string(sources) + " source(s)";
                } else {
                    s += " {";
                    for (unsigned j = 0; j < sources; ++j) s += " " + ipv6_text(b, at + 20 + 16 * j);
                    s += " }";
                }
                at += 20 + 16u * sources;
                s += "]";
            }
        }
        break;
    case 144:
    case 146: {
        const std::string id = hex(b.be16(4), 4);
        s = type == 144 ? "ha discovery request" : "mobile router solicitation";
        if (!b.has(4, 2)) return put(s), cut("icmp6");
        s += std::string(", id ") + id;
        break;
    }
    case 145:
        s = "ha discovery reply";
        if (options_.verbose > 0) {
            // RFC 6275: the id, then the home agents' addresses.
            const std::string id = hex(b.be16(4), 4);
            put(s + ", length " + std::to_string(length));
            if (!b.has(4, 2)) return cut("icmp6");
            put(std::string(", id ") + id);
            for (std::size_t at = 8; at < length; at += 16) {
                if (!b.has(at, 16)) return cut("icmp6");
                put(", " + ipv6_text(b, at));
            }
            return;
        }
        break;
    case 147:
        s = "mobile router advertisement";
        if (options_.verbose > 0) {
            const std::string id = hex(b.be16(4), 4);
            std::uint8_t flags = b.u8(6);
            put(s + ", length " + std::to_string(length));
            if (!b.has(4, 2)) return cut("icmp6");
            put(std::string(", id ") + id);
            if (!b.has(6, 2)) return cut("icmp6");
            put(std::string(flags & 0xc0 ? " " : "") + (flags & 0x80 ? "M" : "") + (flags & 0x40 ? "O" : ""));
            return nd_options(b, 8, length);
        }
        break;
    case 155: {
        // RFC 6550's RPL: the control message's name; its fields (-v) are
        // not decoded yet.
        if (code & 0x80) {
            s = "RPL, (SEC) [worktodo]";
            break;
        }
        static const char* const names[] = {"DODAG Information Solicitation", "DODAG Information Object",
                                            "Destination Advertisement Object", "Destination Advertisement Object Ack"};
        s = std::string("RPL, (CLR)") + (code < 4 ? names[code] : "RPL message, unknown code " + std::to_string(code));
        break;
    }
    case 200: s = "mtrace response"; break;
    case 201: s = "mtrace request"; break;
    default: s = "unknown icmp6 type (" + std::to_string(type) + ")"; break;
    }
    // Under -v tcpdump prints the length only for the neighbour discovery
    // messages (and what it cannot name); their details follow it.
    // mtrace it names but does not decode.
    bool undecoded = type == 200 || type == 201 || s.rfind("unknown icmp6 type", 0) == 0;
    bool with_length = options_.verbose == 0 || (type >= 133 && type <= 137) || undecoded;
    if (!with_length) return put(s);
    put(s + ", length " + std::to_string(length));
    // tcpdump shows the bytes of a type it does not decode (print_unknown_data).
    if (undecoded && options_.verbose <= 1)
        put(hex_lines(b, 0, length < b.size() ? length : b.size(), "\n\t"));
}

}  // namespace fcap::capture::detail
