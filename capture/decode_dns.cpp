// DNS (RFC 1035, RFC 6891) in tcpdump's words (print-domain.c): the id and
// flag characters, a query's question, a response's counts and answers,
// the message length in parentheses.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

// tcpdump's fn_print_char: control bytes as ^X, high ones as M-x.
void print_char(std::string& s, std::uint8_t c) {
    if (c & 0x80) {
        c &= 0x7f;
        s += "M-";
    }
    if (c < 0x20 || c == 0x7f) {
        c ^= 0x40;
        s += '^';
    }
    s += char(c);
}


namespace {

// The names tcpdump 4.99 knows (ns_type2str); later types print as TypeN.
const char* type_name(std::uint16_t type) {
    switch (type) {
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP_PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 31: return "EID";
    case 32: return "NIMLOC";
    case 33: return "SRV";
    case 34: return "ATMA";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 40: return "SINK";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 99: return "SPF";
    case 100: return "UINFO";
    case 101: return "UID";
    case 102: return "GID";
    case 103: return "UNSPEC";
    case 104: return "UNSPECA";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "ANY";
    case 256: return "URI";
    default: return nullptr;
    }
}

std::string type_text(std::uint16_t type) {
    const char* name = type_name(type);
    return name ? name : "Type" + std::to_string(type);
}

std::string class_text(std::uint16_t c) {
    switch (c) {
    case 1: return "IN";
    case 3: return "CHAOS";
    case 4: return "HS";
    case 255: return "ANY";
    default: return "(Class " + std::to_string(c) + ")";
    }
}


// A DNS message: names point back into it.  Every reader returns false
// where the capture ends (tcpdump then prints " [|domain]").
class Message {
public:
    explicit Message(Bytes b) : b_(b) {}

    // Past a name; 0 when it runs off the capture or is malformed.
    std::size_t skip_name(std::size_t at) const {
        if (!b_.has(at, 1)) return 0;
        std::uint8_t i = b_.u8(at++);
        while (i) {
            switch (i & 0xc0) {
            case 0xc0: return at + 1;
            case 0x40: {
                if ((i & 0x3f) != 1 || !b_.has(at, 1)) return 0;
                unsigned bits = b_.u8(at) ? b_.u8(at) : 256;
                at += 1 + (bits + 7) / 8;
                break;
            }
            case 0x80: return 0;
            default: at += i; break;
            }
            if (!b_.has(at, 1)) return 0;
            i = b_.u8(at++);
        }
        return at;
    }

    // A name, with compression pointers followed backwards only (as
    // BIND and tcpdump require); returns where the name ends in place.
    bool name(std::size_t at, std::string& s, std::size_t* end) const {
        if (!b_.has(at, 1)) return false;
        std::size_t max_offset = at, rp = 0, chars = 0;
        bool compressed = false;
        std::uint8_t i = b_.u8(at++);
        if (i == 0) {
            s += '.';
            if (end) *end = at;
            return true;
        }
        if ((i & 0xc0) != 0xc0) rp = at + i;
        while (i && at < b_.size()) {
            if ((i & 0xc0) == 0xc0) {
                if (!compressed) rp = at + 1, compressed = true;
                if (!b_.has(at, 1)) return false;
                std::size_t offset = ((i << 8) | b_.u8(at)) & 0x3fff;
                if (offset >= max_offset) {
                    s += "<BAD PTR>";
                    return false;
                }
                max_offset = offset;
                at = offset;
                if (!b_.has(at, 1)) return false;
                i = b_.u8(at++);
                if ((i & 0xc0) == 0x80) return s += "<BAD LABEL TYPE>", false;
                continue;
            }
            if ((i & 0xc0) == 0x80) return s += "<BAD LABEL TYPE>", false;
            if ((i & 0xc0) == 0x40) return s += "<ELT " + std::to_string(i & 0x3f) + ">", false;
            std::size_t l = i;
            if (chars + l <= 255) {
                for (std::size_t k = 0; k < l; ++k) {
                    if (!b_.has(at + k, 1)) return false;
                    print_char(s, b_.u8(at + k));
                }
            } else if (chars < 255) {
                for (std::size_t k = 0; k < 255 - chars; ++k) {
                    if (!b_.has(at + k, 1)) return false;
                    print_char(s, b_.u8(at + k));
                }
            }
            chars += l;
            at += l;
            if (chars <= 255) s += '.';
            ++chars;
            if (!b_.has(at, 1)) return false;
            i = b_.u8(at++);
            if ((i & 0xc0) == 0x80) return s += "<BAD LABEL TYPE>", false;
            if (!compressed) rp += ((i & 0xc0) == 0xc0 ? 0 : i) + 1;
        }
        if (chars > 255) s += "<DOMAIN NAME TOO LONG>";
        if (end) *end = rp;
        return true;
    }

    // " A? example.com." ; the position after the question, 0 if cut.
    std::size_t question(std::size_t at, std::string& s, bool mdns) const {
        std::size_t after = skip_name(at);
        if (!after || !b_.has(after, 4)) return 0;
        std::uint16_t type = b_.be16(after), raw = b_.be16(after + 2), c = mdns ? raw & 0x7fff : raw;
        s += " " + type_text(type);
        if (c != 1) s += " " + class_text(c);
        if (mdns) s += raw & 0x8000 ? " (QU)" : " (QM)";
        s += "? ";
        std::size_t end = 0;
        if (!name(at, s, &end)) return 0;
        return end + 4;
    }

    // One EDNS option of an OPT record (RFC 6891): its name, and its data as
    // tcpdump 4.99 shows it; the position after it, 0 if cut.
    std::size_t edns_option(std::size_t at, std::string& s) const {
        static const char* const names[] = {nullptr, "LLQ", "UL", "NSID", nullptr, "DAU", "DHU", "N3U", "ECS",
                                            "EXPIRE", "COOKIE", "KEEPALIVE", "PADDING", "CHAIN", "KEY-TAG",
                                            nullptr, "CLIENT-TAG", "SERVER-TAG"};
        if (!b_.has(at, 2)) return 0;
        unsigned code = b_.be16(at);
        s += code < std::size(names) && names[code] ? names[code] : "Opt" + std::to_string(code);
        if (!b_.has(at + 2, 2)) return 0;
        std::size_t len = b_.be16(at + 2), d = at + 4;
        if (!b_.has(d, len)) return 0;
        if (len == 0) return d;
        s += " ";
        auto list = [&](const char* (*name)(unsigned)) {
            for (std::size_t i = 0; i < len; ++i) {
                if (i) s += " ";
                const char* n = name(b_.u8(d + i));
                s += n ? n : "Alg_" + std::to_string(b_.u8(d + i));
            }
        };
        switch (code) {
        case 8: {  // client subnet: family, source and scope prefix lengths, the address's first bytes
            unsigned family = len >= 4 ? b_.be16(d) : 0, source = b_.u8(d + 2), scope = b_.u8(d + 3);
            std::size_t bytes = len - 4, full = family == 1 ? 4 : 16;
            if (len < 4 || (family != 1 && family != 2) || bytes > full || source > full * 8 || scope > full * 8) {
                s += "(invalid)";
                break;
            }
            std::uint8_t padded[16] = {};
            for (std::size_t i = 0; i < bytes; ++i) padded[i] = b_.u8(d + 4 + i);
            Bytes a(padded, full);
            s += (family == 1 ? ipv4_text(a, 0) : ipv6_text(a, 0)) + "/" + std::to_string(source) + "/" +
                 std::to_string(scope);
            break;
        }
        case 10:  // cookie: client (8 bytes), then the server's
            if (len < 8 || (len > 8 && len < 16) || len > 40) {
                s += "(invalid)";
                break;
            }
            for (std::size_t i = 0; i < len; ++i) s += (i == 8 ? " " : "") + hex(b_.u8(d + i), 2).substr(2);
            break;
        case 11:
            if (len != 2) s += "(invalid)";
            else {
                char t[32];
                std::snprintf(t, sizeof t, "%0.1f sec", b_.be16(d) / 10.0);
                s += t;
            }
            break;
        case 9: s += len != 4 ? "(invalid)" : std::to_string(b_.be32(d)) + " sec"; break;
        case 12: s += "(" + std::to_string(len) + ")"; break;
        case 14:
            if (len % 2) s += "(invalid)";
            else
                for (std::size_t i = 0; i < len; i += 2) s += (i ? " " : "") + std::to_string(b_.be16(d + i));
            break;
        case 5:
            list([](unsigned a) -> const char* {
                static const char* const algs[] = {"DELETE", "RSAMD5", "DH", "DS", nullptr, "RSASHA1",
                                                   "DSA-NSEC3-SHA1", "RSASHA1-NSEC3-SHA1", "RSASHA256", nullptr,
                                                   "RSASHA512", nullptr, "ECC-GOST", "ECDSAP256SHA256",
                                                   "ECDSAP384SHA384", "ED25519", "ED448"};
                if (a < std::size(algs)) return algs[a];
                return a == 252 ? "INDIRECT" : a == 253 ? "PRIVATEDNS" : a == 254 ? "PRIVATEOID" : nullptr;
            });
            break;
        case 6:
            list([](unsigned a) -> const char* {
                return a == 1 ? "SHA-1" : a == 2 ? "SHA-256" : a == 3 ? "GOST_R_34.11-94" : a == 4 ? "SHA-384" : nullptr;
            });
            break;
        case 7: list([](unsigned a) -> const char* { return a == 1 ? "SHA-1" : nullptr; }); break;
        case 13:
            if (!name(d, s, nullptr)) return 0;
            break;
        default:
            for (std::size_t i = 0; i < len; ++i) s += hex(b_.u8(d + i), 2).substr(2);
            break;
        }
        return d + len;
    }

    // " A 192.0.2.1"; the position after the record, 0 if cut.
    std::size_t record(std::size_t at, std::string& s, bool mdns, int verbose) const {
        if (verbose) {
            s += " ";
            if (!name(at, s, &at)) return 0;
        } else {
            at = skip_name(at);
        }
        if (!at || !b_.has(at, 10)) return b_.size();  // tcpdump: stops quietly
        std::uint16_t type = b_.be16(at), raw = b_.be16(at + 2), c = mdns ? raw & 0x7fff : raw;
        if (c != 1 && type != 41) s += " " + class_text(c);
        if (mdns && (raw & 0x8000)) s += " (Cache flush)";
        std::uint16_t opt_flags = type == 41 ? b_.be16(at + 6) : 0;
        std::size_t len = b_.be16(at + 8), rd = at + 10, rp = rd + len;
        s += " " + type_text(type);
        if (rp > b_.size()) return 0;
        switch (type) {
        case 1: s += " " + ipv4_text(b_, rd); break;
        case 2:
        case 5:
        case 12:
        case 39:
            s += " ";
            if (!name(rd, s, nullptr)) return 0;
            break;
        case 6:
            if (!verbose) break;
            s += " ";
            if (!name(rd, s, &rd)) return 0;
            s += " ";
            if (!name(rd, s, &rd)) return 0;
            if (!b_.has(rd, 20)) return 0;
            for (int k = 0; k < 5; ++k) s += " " + std::to_string(b_.be32(rd + 4 * k));
            break;
        case 15:
            s += " ";
            if (!b_.has(rd, 2) || !name(rd + 2, s, nullptr)) return 0;
            s += " " + std::to_string(b_.be16(rd));
            break;
        case 16:
            while (rd < rp) {
                s += " \"";
                std::size_t n = b_.u8(rd++);
                for (std::size_t k = 0; k < n; ++k) {
                    if (!b_.has(rd + k, 1)) return 0;
                    print_char(s, b_.u8(rd + k));
                }
                rd += n;
                s += "\"";
            }
            break;
        case 33:
            s += " ";
            if (!b_.has(rd, 6) || !name(rd + 6, s, nullptr)) return 0;
            s += ":" + std::to_string(b_.be16(rd + 4)) + " " + std::to_string(b_.be16(rd)) + " " +
                 std::to_string(b_.be16(rd + 2));
            break;
        case 28:
            if (!b_.has(rd, 16)) return 0;
            s += " " + ipv6_text(b_, rd);
            break;
        case 38: {
            // RFC 2874: a prefix length, the address's suffix, the prefix's name.
            if (!b_.has(rd, 1)) return 0;
            unsigned bits = b_.u8(rd);
            if (bits > 128) {
                s += " " + std::to_string(bits) + "(bad plen)";
                break;
            }
            std::size_t skipped = bits / 8, suffix = 16 - skipped;
            if (bits < 128) {
                if (!b_.has(rd + 1, suffix)) return 0;
                std::uint8_t address[16] = {};
                for (std::size_t k = 0; k < suffix; ++k) address[skipped + k] = b_.u8(rd + 1 + k);
                s += " " + std::to_string(bits) + " " + ipv6_text(Bytes(address, 16), 0);
            }
            if (bits > 0) {
                s += " ";
                if (!name(rd + 1 + suffix, s, nullptr)) return 0;
            }
            break;
        }
        case 104:  // UNSPECA: the bytes as text, right after the type
            for (std::size_t k = rd; k < rp; ++k) print_char(s, b_.u8(k));
            break;
        case 250: {
            // RFC 8945, under -v: algorithm, fudge, MAC size, original id, error, other size.
            if (!verbose) break;
            s += " ";
            std::size_t p = 0;
            if (!name(rd, s, &p)) return 0;
            p += 6;
            if (!b_.has(p, 4)) return 0;
            s += " fudge=" + std::to_string(b_.be16(p)) + " maclen=" + std::to_string(b_.be16(p + 2));
            p += 4 + b_.be16(p + 2);
            if (!b_.has(p, 6)) return 0;
            s += " origid=" + std::to_string(b_.be16(p)) + " error=" + std::to_string(b_.be16(p + 2)) +
                 " otherlen=" + std::to_string(b_.be16(p + 4));
            break;
        }
        case 256:
            if (len < 4) return 0;
            s += " " + std::to_string(b_.be16(rd)) + " " + std::to_string(b_.be16(rd + 2)) + " ";
            for (std::size_t k = rd + 4; k < rp; ++k) print_char(s, b_.u8(k));
            break;
        case 41:
            s += " UDPsize=" + std::to_string(c);
            if (opt_flags & 0x8000) s += " DO";
            if (rd < rp) {
                s += " [";
                for (std::size_t o = rd; o < rp;) {
                    o = edns_option(o, s);
                    if (!o) return 0;
                    if (o < rp) s += ",";
                }
                s += "]";
            }
            break;
        default: break;
        }
        return rp;
    }

private:
    Bytes b_;
};

}  // namespace

void Decoder::dns(Bytes b, std::uint32_t length, bool over_tcp, bool mdns) {
    if (over_tcp) {
        if (length < 2) return put(" [DNS over TCP: length " + std::to_string(length) + " < 2] (invalid)");
        length -= 2;
        if (!b.has(0, 2)) return truncated("domain");
        if (b.be16(0) != length)
            return put(" [prefix length(" + std::to_string(b.be16(0)) + ") != length(" + std::to_string(length) +
                       ")] (invalid)");
        b = b.from(2);
        put(" ");
    }
    if (length < 12) return put("domain [length " + std::to_string(length) + " < 12] (invalid)");
    if (!b.has(0, 12)) return truncated("domain");
    // The records are read up to the IP datagram's end, as tcpdump's
    // snapend allows, even past a UDP length that says less.
    Message m(b);
    std::uint16_t id = b.be16(0), flags = b.be16(2);
    unsigned qd = b.be16(4), an = b.be16(6), ns = b.be16(8), ar = b.be16(10);
    static const char* const ops[] = {"",         " inv_q",     " stat",     " op3",      " notify",  " update",
                                      " op6",     " op7",       " op8",      " updateA",  " updateD", " updateDA",
                                      " updateM", " updateMA",  " zoneInit", " zoneRef"};
    unsigned opcode = (flags >> 11) & 0xf;
    std::string s;
    // -vv: the records of a section after `label` (" ns:"), "," between
    // them, while the capture lasts; false when it ends before they do.
    auto section = [&](std::size_t& at, const char* label, unsigned count) {
        for (unsigned i = 0; i < count; ++i) {
            if (at >= b.size()) return false;
            s += i ? "," : label;
            at = m.record(at, s, mdns, options_.verbose);
            if (!at) return false;
        }
        return true;
    };
    const bool all_sections = options_.verbose > 1;
    if (flags & 0x8000) {
        // The extended rcode sits in an OPT record of the additional section.
        unsigned rcode = flags & 0xf;
        std::size_t at = 12;
        bool done = false;
        for (unsigned i = 0; i < qd && !done; ++i) {
            at = m.skip_name(at);
            if (!at || (at += 4) >= b.size()) done = true;
        }
        for (unsigned i = 0; i < an + ns && !done; ++i) {
            at = m.skip_name(at);
            if (!at || !b.has(at + 8, 2)) { done = true; break; }
            at += 10 + b.be16(at + 8);
            if (at >= b.size()) done = true;
        }
        for (unsigned i = 0; i < ar && !done; ++i) {
            at = m.skip_name(at);
            if (!at || !b.has(at, 2)) break;
            std::uint16_t type = b.be16(at);
            if (!b.has(at + 4, 1)) break;
            if (type == 41) {
                rcode |= b.u8(at + 4) << 4;
                break;
            }
            if (!b.has(at + 8, 2)) break;
            at += 10 + b.be16(at + 8);
            if (at >= b.size()) break;
        }
        static const char* const codes[] = {"",          " FormErr", " ServFail", " NXDomain", " NotImp",
                                            " Refused",  " YXDomain", " YXRRSet", " NXRRSet",  " NotAuth",
                                            " NotZone",  " Resp11",  " Resp12",   " Resp13",   " Resp14",
                                            " NoChange", " BadVers", "Resp17",    " Resp18",   " Resp19",
                                            " Resp20",   "Resp21",   " Resp22",   " BadCookie"};
        s = std::to_string(id) + ops[opcode] +
            (rcode < 24 ? std::string(codes[rcode]) : " Resp" + std::to_string(rcode & 0xfff)) +
            (flags & 0x0400 ? "*" : "") + (flags & 0x0080 ? "" : "-") + (flags & 0x0200 ? "|" : "") +
            (flags & 0x0020 ? "$" : "");
        if (qd != 1) s += " [" + std::to_string(qd) + "q]";
        at = 12;
        for (unsigned i = 0; i < qd; ++i) {
            if (i) s += ",";
            if (all_sections) {
                s += " q:";
                at = m.question(at, s, mdns);
                if (!at) return put(s), truncated("domain");
                continue;
            }
            at = m.skip_name(at);
            if (!at) return put(s), truncated("domain");
            at += 4;
        }
        s += " " + std::to_string(an) + "/" + std::to_string(ns) + "/" + std::to_string(ar);
        for (unsigned i = 0; i < an; ++i) {
            if (i && at >= b.size()) return put(s), truncated("domain");
            if (i) s += ",";
            at = m.record(at, s, mdns, options_.verbose);
            if (!at) return put(s), truncated("domain");
        }
        if (all_sections && (!section(at, " ns:", ns) || !section(at, " ar:", ar)))
            return put(s), truncated("domain");
    } else {
        s = std::to_string(id) + ops[opcode] + (flags & 0x0100 ? "+" : "") + (flags & 0x0010 ? "%" : "");
        if (flags & 0x6cf) s += " [b2&3=" + hex(flags, 1) + "]";
        if (opcode == 1) {
            if (qd) s += " [" + std::to_string(qd) + "q]";
            if (an != 1) s += " [" + std::to_string(an) + "a]";
        } else {
            if (an) s += " [" + std::to_string(an) + "a]";
            if (qd != 1) s += " [" + std::to_string(qd) + "q]";
        }
        if (ns) s += " [" + std::to_string(ns) + "n]";
        if (ar) s += " [" + std::to_string(ar) + "au]";
        std::size_t at = 12;
        for (unsigned i = 0; i < qd; ++i) {
            if (i && at >= b.size()) return put(s), truncated("domain");
            at = m.question(at, s, mdns);
            if (!at) return put(s), truncated("domain");
        }
        if (all_sections && (!section(at, "", an) || !section(at, " ns:", ns) || !section(at, " ar:", ar)))
            return put(s), truncated("domain");
    }
    put(s + " (" + std::to_string(length) + ")");
}

}  // namespace fcap::capture::detail
