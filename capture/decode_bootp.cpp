// BOOTP and DHCP (RFC 951, RFC 2131, RFC 2132) in tcpdump's words
// (print-bootp.c): the operation and client on the line, and with -v the
// addresses and the RFC 1048 options, one per indented line.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

// An option's name and how its value prints: i addresses, l 32-bit
// numbers, s 16-bit numbers, b dotted bytes, a text, B booleans, p address
// pairs, $ its own form (tcpdump's tag2str).
struct OptionKind {
    char format;
    const char* name;
};

OptionKind option_kind(std::uint8_t tag) {
    switch (tag) {
    case 1: return {'i', "Subnet-Mask"};
    case 2: return {'L', "Time-Zone"};
    case 3: return {'i', "Default-Gateway"};
    case 4: return {'i', "Time-Server"};
    case 5: return {'i', "IEN-Name-Server"};
    case 6: return {'i', "Domain-Name-Server"};
    case 7: return {'i', "LOG"};
    case 8: return {'i', "CS"};
    case 9: return {'i', "LPR-Server"};
    case 10: return {'i', "IM"};
    case 11: return {'i', "RL"};
    case 12: return {'a', "Hostname"};
    case 13: return {'s', "BS"};
    case 14: return {'a', "DP"};
    case 15: return {'a', "Domain-Name"};
    case 16: return {'i', "SS"};
    case 17: return {'a', "RP"};
    case 18: return {'a', "EP"};
    case 19: return {'B', "IPF"};
    case 20: return {'B', "SRT"};
    case 21: return {'p', "PF"};
    case 22: return {'s', "RSZ"};
    case 23: return {'b', "TTL"};
    case 24: return {'l', "MTU-Timeout"};
    case 25: return {'s', "MTU-Table"};
    case 26: return {'s', "MTU"};
    case 27: return {'B', "LSN"};
    case 28: return {'i', "BR"};
    case 29: return {'B', "MD"};
    case 30: return {'B', "MS"};
    case 31: return {'B', "Router-Discovery"};
    case 32: return {'i', "RSA"};
    case 33: return {'p', "Static-Route"};
    case 34: return {'B', "UT"};
    case 35: return {'l', "AT"};
    case 36: return {'B', "IE"};
    case 37: return {'b', "TT"};
    case 38: return {'l', "KI"};
    case 39: return {'B', "KG"};
    case 40: return {'a', "YD"};
    case 41: return {'i', "YS"};
    case 42: return {'i', "NTP"};
    case 43: return {'b', "Vendor-Option"};
    case 44: return {'i', "Netbios-Name-Server"};
    case 45: return {'i', "WDD"};
    case 46: return {'$', "Netbios-Node"};
    case 47: return {'a', "Netbios-Scope"};
    case 48: return {'i', "XFS"};
    case 49: return {'i', "XDM"};
    case 50: return {'i', "Requested-IP"};
    case 51: return {'l', "Lease-Time"};
    case 52: return {'$', "OO"};
    case 53: return {' ', "DHCP-Message"};
    case 54: return {'i', "Server-ID"};
    case 55: return {'b', "Parameter-Request"};
    case 56: return {'a', "MSG"};
    case 57: return {'s', "MSZ"};
    case 58: return {'l', "RN"};
    case 59: return {'l', "RB"};
    case 60: return {'a', "Vendor-Class"};
    case 61: return {'$', "Client-ID"};
    case 64: return {'a', "N+D"};
    case 65: return {'i', "N+S"};
    case 66: return {'a', "TFTP"};
    case 67: return {'a', "BF"};
    case 68: return {'i', "MH"};
    case 69: return {'i', "SMTP"};
    case 70: return {'i', "POP3"};
    case 71: return {'i', "NNTP"};
    case 72: return {'i', "WWW"};
    case 73: return {'i', "FG"};
    case 74: return {'i', "IRC"};
    case 75: return {'i', "STS"};
    case 76: return {'i', "STDA"};
    case 77: return {'$', "User-Class"};
    case 78: return {'b', "SLP-DA"};
    case 79: return {'b', "SLP-SCOPE"};
    case 80: return {'a', "SLP-NA"};
    case 81: return {'$', "FQDN"};
    case 82: return {'$', "Agent-Information"};
    case 83: return {'b', "ARMT"};
    case 88: return {'a', "TZSTR"};
    case 89: return {'b', "FQDNS"};
    case 90: return {'b', "AUTH"};
    case 91: return {'L', "Last-Transaction-Time"};  // RFC 4388
    case 92: return {'i', "Associated-IP"};
    case 93: return {'s', "ARCH"};
    case 94: return {'b', "NDI"};
    case 95: return {'a', "LDAP"};
    case 97: return {'b', "GUID"};
    case 98: return {'a', "UAP"};
    case 100: return {'a', "POSIX-TZ"};
    case 101: return {'a', "TZ-Name"};
    case 112: return {'i', "NI"};
    case 113: return {'a', "NITAG"};
    case 114: return {'a', "URL"};
    case 116: return {'B', "NOAUTO"};
    case 117: return {'s', "NSSEARCH"};
    case 118: return {'i', "SUBNET"};
    case 121: return {'$', "Classless-Static-Route"};
    case 150: return {'i', "TFTP-Server-Address"};
    case 161: return {'a', "MUD-URL"};
    case 249: return {'$', "Classless-Static-Route-Microsoft"};
    default: return {'?', "Unknown"};
    }
}

const char* dhcp_message_name(std::uint8_t type) {
    static const char* const names[] = {nullptr, "Discover", "Offer", "Request", "Decline", "ACK", "NACK", "Release",
                                        "Inform", nullptr, "LeaseQuery", "LeaseUnassigned", "LeaseUnknown",
                                        "LeaseActive"};
    return type < sizeof names / sizeof *names ? names[type] : nullptr;
}

// Text as tcpdump's fn_print_char shows it.
std::string text_of(Bytes b, std::size_t at, std::size_t length) {
    std::string s;
    for (std::size_t i = 0; i < length; ++i) print_char(s, b.u8(at + i));
    return s;
}

// A classless route (RFC 3442): "(10.0.0.0/8:192.168.1.1)".
// RFC 3442 routes: "(10.0.1.0/24:10.0.0.1),(default:10.0.0.1)"; a comma
// follows every route with bytes after it, even a broken one.
std::string classless_routes(Bytes b, std::size_t at, std::size_t len) {
    std::string s;
    while (len > 0) {
        std::uint8_t width = b.u8(at);
        ++at, --len;
        if (width > 32) return s + "[ERROR: Mask width (" + std::to_string(width) + ") > 32]";
        std::size_t significant = (width + 7u) / 8;
        if (len < significant + 4) return s + "[ERROR: Remaining length (" + std::to_string(len) + ") < " +
                                          std::to_string(significant + 4) + " bytes]";
        std::uint8_t net[4] = {0, 0, 0, 0};
        for (std::size_t i = 0; i < significant; ++i) net[i] = b.u8(at + i);
        at += significant, len -= significant;
        s += "(" + (width == 0 ? std::string("default")
                               : std::to_string(net[0]) + "." + std::to_string(net[1]) + "." + std::to_string(net[2]) +
                                     "." + std::to_string(net[3]) + "/" + std::to_string(width)) +
             ":" + ipv4_text(b, at) + ")";
        at += 4, len -= 4;
        if (len > 0) s += ",";
    }
    return s;
}

}  // namespace

void Decoder::bootp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("bootp");
    std::uint8_t op = b.u8(0);
    put(std::string("BOOTP/DHCP, ") + (op == 1 ? "Request" : op == 2 ? "Reply" : "unknown (" + hex(op, 2) + ")"));
    if (!b.has(0, 3)) return cut("bootp");
    std::uint8_t htype = b.u8(1), hlen = b.u8(2);
    if (htype == 1 && hlen == 6 && op == 1) {
        if (!b.has(28, 6)) return cut("bootp");
        put(" from " + mac_text(b, 28));
    }
    put(", length " + std::to_string(length));
    if (options_.verbose == 0) return;
    if (!b.has(0, 10)) return cut("bootp");
    if (htype != 1) put(", htype " + std::to_string(htype));
    if (htype != 1 || hlen != 6) put(", hlen " + std::to_string(hlen));
    if (b.u8(3)) put(", hops " + std::to_string(b.u8(3)));
    if (b.be32(4)) put(", xid " + hex(b.be32(4), 1));
    if (b.be16(8)) put(", secs " + std::to_string(b.be16(8)));
    if (!b.has(10, 2)) return cut("bootp");
    put(std::string(", Flags [") + (b.be16(10) & 0x8000 ? "Broadcast" : "none") + "]");
    if (options_.verbose > 1) put(" (" + hex(b.be16(10), 4) + ")");
    static const char* const fields[] = {"Client-IP", "Your-IP", "Server-IP", "Gateway-IP"};
    for (int i = 0; i < 4; ++i) {
        if (!b.has(12 + 4 * i, 4)) return cut("bootp");
        if (b.be32(12 + 4 * i)) put(std::string("\n\t  ") + fields[i] + " " + ipv4_text(b, 12 + 4 * i));
    }
    if (htype == 1 && hlen == 6) {
        if (!b.has(28, 6)) return cut("bootp");
        put("\n\t  Client-Ethernet-Address " + mac_text(b, 28));
    }
    // The server name (64 bytes at 44) and boot file (128 at 108), if any.
    for (auto [at, size, name] : {std::tuple{44, 64, "sname"}, std::tuple{108, 128, "file"}}) {
        if (!b.has(at, 1)) return cut("bootp");
        if (!b.u8(at)) continue;
        std::size_t n = 0;
        while (n < std::size_t(size) && b.has(at + n, 1) && b.u8(at + n)) ++n;
        put(std::string("\n\t  ") + name + " \"" + text_of(b, at, n) + "\"");
        if (!b.has(at + n, 1)) return put(" [|bootp]");
    }
    if (!b.has(236, 4)) return cut("bootp");
    std::uint32_t magic = b.be32(236);
    if (magic == 0x63825363) return dhcp_options(b.from(236));
    if (magic != 0) put("\n\t  Vendor-#" + hex(magic, 1));
}

void Decoder::dhcp_options(Bytes b) {
    put("\n\t  Vendor-rfc1048 Extensions\n\t    Magic Cookie " + hex(b.be32(0), 8));
    std::size_t at = 4;
    while (b.has(at, 1)) {
        std::uint8_t tag = b.u8(at++);
        if (tag == 0) continue;
        if (tag == 255) return;
        if (!b.has(at, 1)) return cut("bootp");
        std::size_t len = b.u8(at++);
        OptionKind kind = option_kind(tag);
        put(std::string("\n\t    ") + kind.name + " (" + std::to_string(tag) + "), length " + std::to_string(len) +
            (len > 0 ? ": " : ""));
        if (!b.has(at, len)) return cut("bootp");
        std::size_t end = at + len;
        if (tag == 53 && len == 1) {
            const char* name = dhcp_message_name(b.u8(at));
            put(name ? name : "Unknown (" + std::to_string(b.u8(at)) + ")");
            at = end;
            continue;
        }
        if (tag == 55) {
            for (std::size_t i = 0; at < end; ++i, ++at) {
                put(i % 4 == 0 ? "\n\t      " : ", ");
                put(std::string(option_kind(b.u8(at)).name) + " (" + std::to_string(b.u8(at)) + ")");
            }
            continue;
        }
        char format = kind.format;
        if (format == '?') format = len & 1 ? 'b' : len & 2 ? 's' : 'l';
        std::string s;
        switch (format) {
        case 'i':
        case 'l':
        case 'L':
            for (; end - at >= 4; at += 4) {
                if (!s.empty()) s += ",";
                s += format == 'i' ? ipv4_text(b, at)
                     : format == 'L' ? std::to_string(std::int32_t(b.be32(at)))
                                     : std::to_string(b.be32(at));
            }
            break;
        case 'p':
            for (; end - at >= 8; at += 8) {
                if (!s.empty()) s += ",";
                s += "(" + ipv4_text(b, at) + ":" + ipv4_text(b, at + 4) + ")";
            }
            break;
        case 's':
            for (; end - at >= 2; at += 2) s += (s.empty() ? "" : ",") + std::to_string(b.be16(at));
            break;
        case 'B':
            for (; at < end; ++at) {
                if (!s.empty()) s += ",";
                std::uint8_t v = b.u8(at);
                s += v == 0 ? "N" : v == 1 ? "Y" : std::to_string(v) + "?";
            }
            break;
        case 'a':
            s = "\"" + text_of(b, at, end - at) + "\"";
            at = end;
            break;
        case '$':
            if (tag == 61) {
                if (len < 1) {
                    s = "[ERROR: length < 1 bytes]";
                    break;
                }
                std::uint8_t type = b.u8(at++);
                if (type == 0) {
                    s = "\"" + text_of(b, at, end - at) + "\"";
                    at = end;
                    break;
                }
                static const std::pair<std::uint8_t, const char*> types[] = {
                    {1, "ether"}, {6, "ieee802"}, {7, "arcnet"}, {15, "frelay"}, {23, "strip"}, {24, "ieee1394"}};
                s = "hardware-type " + std::to_string(type) + ",";
                for (auto [t, name] : types)
                    if (t == type) s = name;
                s += " ";
                for (bool first = true; at < end; ++at, first = false) s += (first ? "" : ":") + hex(b.u8(at), 2).substr(2);
            } else if (tag == 121 || tag == 249) {
                s = classless_routes(b, at, end - at);
                at = end;
            } else if (tag == 77) {
                if (len < 2) {
                    s = "[ERROR: length < 2 bytes]";
                    at = end;
                    break;
                }
                for (unsigned instance = 1; at < end; ++instance) {
                    std::size_t sublen = b.u8(at++);
                    s += "\n\t      instance#" + std::to_string(instance) + ": ";
                    if (sublen == 0 || end - at < sublen) {
                        s += sublen == 0 ? "[ERROR: suboption length must be non-zero]" : "[ERROR: invalid option]";
                        at = end;
                        break;
                    }
                    s += "\"" + text_of(b, at, sublen) + "\", length " + std::to_string(sublen);
                    at += sublen;
                }
            } else if (tag == 46 && len < 1) {
                s = "[ERROR: length < 1 bytes]";
            } else if (tag == 46) {
                std::uint8_t v = b.u8(at++);
                s = v == 1 ? "b-node" : v == 2 ? "p-node" : v == 4 ? "m-node" : v == 8 ? "h-node" : "#" + std::to_string(v);
            } else if (tag == 81) {
                // RFC 4702: flags, two obsolete rcodes, the name as text.
                if (len < 3) {
                    s = "[ERROR: length < 3 bytes]";
                    at = end;
                    break;
                }
                std::uint8_t f = b.u8(at);
                if (f & 0xf0) s += "[ERROR: MBZ nibble " + hex(f >> 4, 1) + " != 0] ";
                if (f & 0x0f)
                    s += std::string("[") + (f & 1 ? "S" : "") + (f & 2 ? "O" : "") + (f & 4 ? "E" : "") +
                         (f & 8 ? "N" : "") + "] ";
                if (b.u8(at + 1) || b.u8(at + 2))
                    s += std::to_string(b.u8(at + 1)) + "/" + std::to_string(b.u8(at + 2)) + " ";
                s += "\"";
                for (at += 3; at < end; ++at) print_char(s, b.u8(at));
                s += "\"";
            } else if (tag == 82) {
                // RFC 3046 sub-options: the identifiers as text, others in hex.
                while (end - at >= 2) {
                    std::uint8_t sub = b.u8(at), sublen = b.u8(at + 1);
                    at += 2;
                    const char* name = sub == 1 ? "Circuit-ID" : sub == 2 ? "Remote-ID" : sub == 6 ? "Subscriber-ID" : "Unknown";
                    s += std::string("\n\t      ") + name + " SubOption " + std::to_string(sub) + ", length " +
                         std::to_string(sublen) + ": ";
                    if (sublen > end - at) {
                        s += "length goes past end of option";
                        at = end;
                        break;
                    }
                    if (sub == 1 || sub == 2 || sub == 6) {
                        for (std::size_t i = 0; i < sublen; ++i) print_char(s, b.u8(at + i));
                    } else {
                        s += hex_lines(b, at, sublen, "\n\t\t");
                    }
                    at += sublen;
                }
            } else {
                s = "[unknown special tag " + std::to_string(tag) + ", size " + std::to_string(len) + "]";
                at = end;
            }
            break;
        default:  // bytes
            for (; at < end; ++at) s += (s.empty() ? "" : ".") + std::to_string(b.u8(at));
            break;
        }
        put(s);
        if (at < end) put("\n\t  trailing data length " + std::to_string(end - at));
        at = end;
    }
}

}  // namespace fcap::capture::detail
