// PPPoE (RFC 2516) and the PPP frames it and PPTP carry (RFC 1661, 1332,
// 1334, 1994), in tcpdump 4.99's words (print-pppoe.c, print-ppp.c) as its
// output shows; the control protocols' header line only.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string u(std::uint32_t v) { return std::to_string(v); }

const char* pppoe_code_name(std::uint8_t code) {
    switch (code) {
    case 0x00: return "";
    case 0x09: return "PADI";
    case 0x07: return "PADO";
    case 0x19: return "PADR";
    case 0x65: return "PADS";
    case 0xa7: return "PADT";
    default: return nullptr;
    }
}

const char* pppoe_tag_name(std::uint16_t tag) {
    switch (tag) {
    case 0x0000: return "End-Of-List";
    case 0x0101: return "Service-Name";
    case 0x0102: return "AC-Name";
    case 0x0103: return "Host-Uniq";
    case 0x0104: return "AC-Cookie";
    case 0x0105: return "Vendor-Specific";
    case 0x0110: return "Relay-Session-ID";
    case 0x0120: return "PPP-Max-Payload";
    case 0x0201: return "Service-Name-Error";
    case 0x0202: return "AC-System-Error";
    case 0x0203: return "Generic-Error";
    default: return nullptr;
    }
}

const char* control_protocol_name(std::uint16_t proto) {
    switch (proto) {
    case 0xc021: return "LCP";
    case 0x8021: return "IPCP";
    case 0x8057: return "IP6CP";
    case 0x80fd: return "CCP";
    case 0x8281: return "MPLSCP";
    case 0x8207: return "CDPCP";
    case 0x8029: return "ATCP";
    case 0x802b: return "IPXCP";
    case 0x8031: return "BCP";
    case 0x80fb: return "CCP";
    default: return nullptr;
    }
}

const char* control_code_name(std::uint8_t code) {
    static const char* const names[] = {nullptr,       "Conf-Request", "Conf-Ack",     "Conf-Nack",
                                        "Conf-Reject", "Term-Request", "Term-Ack",     "Code-Reject",
                                        "Prot-Reject", "Echo-Request", "Echo-Reply",   "Disc-Req",
                                        "Ident",       "Time-Rem",     "Reset-Req",    "Reset-Ack"};
    return code < 16 && names[code] ? names[code] : "Unknown Opcode";
}

}  // namespace

void Decoder::pppoe(std::uint16_t type, Bytes b, std::uint32_t length) {
    (void)type;
    if (!b.has(0, 6)) return cut("pppoe");  // tcpdump names nothing first
    std::uint8_t version = b.u8(0) >> 4, kind = b.u8(0) & 0xf, code = b.u8(1);
    std::uint16_t session = b.be16(2), size = b.be16(4);
    if (version != 1) put(" [ver " + u(version) + "]");
    if (kind != 1) put(" [type " + u(kind) + "]");
    const char* name = pppoe_code_name(code);
    char other[8];
    std::snprintf(other, sizeof other, "PAD-%x", code);
    put(std::string("PPPoE ") + (name ? name : other));
    std::uint32_t rest = length > 6 ? length - 6 : 0;
    if (code == 0x09 && size > rest) put(" [len " + u(size) + "!]");
    if (size > rest) {
        put(" [len " + u(size) + " > " + u(rest) + "!]");
        size = std::uint16_t(rest);
    }
    if (session) put(" [ses " + hex(session, 1) + "]");
    Bytes payload = b.from(6).first(size);
    if (code == 0) {
        put(" ");
        return ppp(payload, size);
    }
    // Discovery: its tags, text when printable, hex otherwise.
    std::size_t at = 0;
    while (at + 4 <= size) {
        if (!payload.has(at, 4)) return cut("pppoe");
        std::uint16_t tag = payload.be16(at), tag_size = payload.be16(at + 2);
        if (tag == 0) break;
        const char* tag_name = pppoe_tag_name(tag);
        char unknown[16];
        std::snprintf(unknown, sizeof unknown, "TAG-0x%x", tag);
        put(std::string(" [") + (tag_name ? tag_name : unknown));
        if (tag_size) {
            if (!payload.has(at + 4, tag_size)) return cut("pppoe");
            bool text = true;
            for (unsigned i = 0; i < tag_size; ++i) {
                std::uint8_t c = payload.u8(at + 4 + i);
                if (c < 0x20 || c > 0x7e) text = false;
            }
            std::string value = " ";
            unsigned shown = !options_.verbose && tag_size > 80 ? 80 : tag_size;
            if (text) {
                value += '"';
                for (unsigned i = 0; i < shown; ++i) value += char(payload.u8(at + 4 + i));
                value += '"';
            } else {
                value += "0x";
                for (unsigned i = 0; i < shown; ++i) {
                    char h[4];
                    std::snprintf(h, sizeof h, "%02X", payload.u8(at + 4 + i));
                    value += h;
                }
            }
            if (shown < tag_size) value += "...";
            put(value);
        }
        put("]");
        at += 4 + tag_size;
    }
}

// A PPP frame: perhaps the HDLC address and control bytes, then a 1- or
// 2-byte protocol.
void Decoder::ppp(Bytes b, std::uint32_t length) {
    std::uint32_t frame_length = length;  // -e's, with the HDLC bytes
    if (b.has(0, 2) && b.u8(0) == 0xff && b.u8(1) == 0x03) {
        b = b.from(2);
        length = length > 2 ? length - 2 : 0;
    }
    if (!b.has(0, 1)) return cut("ppp");
    std::uint16_t proto;
    std::size_t at;
    if (b.u8(0) & 1) {
        proto = b.u8(0);
        at = 1;
    } else {
        if (!b.has(0, 2)) return cut("ppp");
        proto = b.be16(0);
        at = 2;
    }
    Bytes payload = b.from(at);
    std::uint32_t rest = length > at ? length - std::uint32_t(at) : 0;
    if (options_.link_header) {
        const char* name = proto == 0x0021 ? "IP" : proto == 0x0057 ? "IPv6" : proto == 0x0281 ? "MPLS"
                         : proto == 0xc023 ? "PAP" : proto == 0xc223 ? "CHAP" : control_protocol_name(proto);
        put(std::string(name ? name : "unknown") + " (" + hex(proto, 4) + "), length " + u(frame_length) + ": ");
    }
    switch (proto) {
    case 0x0021: {
        // tcpdump's IP printer ends a cut header without giving up on the
        // packet, so -x starts past the link header; decode_ip.cpp's cut()
        // would dump the whole frame.  (Left to that file on Ethernet.)
        bool whole = whole_dump_;
        ipv4(payload, rest);
        if (out_.ends_with("[|ip]")) whole_dump_ = whole;
        return;
    }
    case 0x0057: return ipv6(payload, rest);
    case 0x0281: return mpls(payload, rest);
    default: break;
    }
    const char* name = control_protocol_name(proto);
    if (name) {
        if (!payload.has(0, 2)) return put(std::string(name) + ", "), cut("ppp");
        std::uint8_t code = payload.u8(0);
        return put(std::string(name) + ", " + control_code_name(code) + " (" + hex(code, 2) + "), id " +
                   u(payload.u8(1)) + ", length " + u(length));
    }
    if (proto == 0xc023 || proto == 0xc223) {  // PAP, CHAP
        if (!payload.has(0, 2)) return cut("ppp");
        std::uint8_t code = payload.u8(0);
        const char* what = proto == 0xc023 ? (code == 1 ? "Auth-Req" : code == 2 ? "Auth-ACK" : code == 3 ? "Auth-NACK" : "unknown")
                                           : (code == 1 ? "Challenge" : code == 2 ? "Response" : code == 3 ? "Success" : code == 4 ? "Failure" : "unknown");
        put(std::string(proto == 0xc023 ? "PAP" : "CHAP") + ", " + what + " (" + hex(code, 2) + "), id " +
            u(payload.u8(1)));
        if (!payload.has(0, 4)) return cut("ppp");
        std::size_t end = payload.be16(2), at = 4;
        auto text = [&](std::size_t from, std::size_t size) {
            std::string s;
            for (std::size_t i = 0; i < size; ++i) print_char(s, payload.u8(from + i));
            return s;
        };
        if ((proto == 0xc023 && code == 1) || (proto == 0xc223 && (code == 1 || code == 2))) {
            // PAP: peer and password; CHAP: value (in hex) and name.
            if (!payload.has(at, 1)) return cut("ppp");
            std::size_t size = payload.u8(at++);
            if (!payload.has(at, size)) return cut("ppp");
            std::string first;
            if (proto == 0xc023) {
                first = ", Peer " + text(at, size);
            } else {
                first = ", Value ";
                for (std::size_t i = 0; i < size; ++i) {
                    char h[4];
                    std::snprintf(h, sizeof h, "%02x", payload.u8(at + i));
                    first += h;
                }
            }
            at += size;
            if (proto == 0xc023) {
                if (!payload.has(at, 1)) return put(first), cut("ppp");
                std::size_t pass = payload.u8(at++);
                if (!payload.has(at, pass)) return put(first), cut("ppp");
                return put(first + ", Name " + text(at, pass));
            }
            std::size_t name = end > at ? end - at : 0;
            if (!payload.has(at, name)) return put(first), cut("ppp");
            return put(first + ", Name " + text(at, name));
        }
        if (proto == 0xc023 && (code == 2 || code == 3)) {
            if (!payload.has(at, 1)) return cut("ppp");
            std::size_t size = payload.u8(at++);
            if (!payload.has(at, size)) return cut("ppp");
            return put(", Msg " + text(at, size));
        }
        if (proto == 0xc223 && (code == 3 || code == 4)) {
            std::size_t size = end > at ? end - at : 0;
            if (!payload.has(at, size)) return cut("ppp");
            return put(", Msg " + text(at, size));
        }
        return;
    }
    char unknown[40];
    std::snprintf(unknown, sizeof unknown, "unknown PPP protocol (0x%04x)", proto);
    put(unknown);
    if (!options_.suppress_default_print) raw_dump(payload);
}

}  // namespace fcap::capture::detail
