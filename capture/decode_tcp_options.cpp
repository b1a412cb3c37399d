// TCP options in tcpdump's words (print-tcp.c, print-mptcp.c):
// "[mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7]", MPTCP's subtypes, and
// "[bad opt]" where an option's length does not fit.
#include "capture/decode_internal.hpp"

#include <cinttypes>
#include <cstdio>

namespace fcap::capture::detail {

namespace {

const char* option_name(std::uint8_t kind) {
    switch (kind) {
    case 0: return "eol";
    case 1: return "nop";
    case 2: return "mss";
    case 3: return "wscale";
    case 4: return "sackOK";
    case 5: return "sack";
    case 6: return "echo";
    case 7: return "echoreply";
    case 8: return "TS";
    case 11: return "cc";
    case 12: return "ccnew";
    case 13: return "ccecho";
    case 19: return "md5";
    case 20: return "scps";
    case 28: return "uto";
    case 29: return "tcp-ao";
    case 30: return "mptcp";
    case 34: return "tfo";
    case 254: return "exp";
    default: return nullptr;
    }
}

std::uint64_t be64(Bytes b, std::size_t at) { return std::uint64_t(b.be32(at)) << 32 | b.be32(at + 4); }

std::string hex64(std::uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "0x%" PRIx64, v);
    return s;
}

// RFC 8684: false when the option's length does not suit its subtype
// (tcpdump then says "[bad opt]").
bool mptcp(Bytes o, std::size_t len, std::uint8_t flags, std::string& s) {
    if (len < 3) return false;
    unsigned subtype = o.u8(2) >> 4;
    static const char* const names[] = {"capable", "join", "dss", "add-addr", "rem-addr", "prio", "fail", "fast-close"};
    s += " " + std::to_string(len) + " " + (subtype < 8 ? names[subtype] : "unknown");
    constexpr std::uint8_t syn = 0x02, ack = 0x10;
    switch (subtype) {
    case 0: {
        if (!((len == 12 || len == 4) && (flags & syn)) &&
            !((len == 20 || len == 22 || len == 24) && (flags & (syn | ack)) == ack))
            return false;
        unsigned version = o.u8(2) & 0xf;
        if (version > 1) return s += " Unknown Version (" + std::to_string(version) + ")", true;
        s += " v" + std::to_string(version);
        if (o.u8(3) & 0x80) s += " csum";
        if (len == 12 || len >= 20) {
            s += " {" + hex64(be64(o, 4));
            if (len >= 20) s += "," + hex64(be64(o, 12));
            s += "}";
        }
        return true;
    }
    case 1:
        if (!(len == 12 && (flags & syn)) && !(len == 16 && (flags & (syn | ack)) == (syn | ack)) &&
            !(len == 24 && (flags & ack)))
            return false;
        if (len != 24) {
            if (o.u8(2) & 1) s += " backup";
            s += " id " + std::to_string(o.u8(3));
        }
        if (len == 12) s += " token " + hex(o.be32(4), 1) + " nonce " + hex(o.be32(8), 1);
        if (len == 16) s += " hmac " + hex64(be64(o, 4)) + " nonce " + hex(o.be32(12), 1);
        if (len == 24) {
            s += " hmac 0x";
            for (std::size_t i = 4; i < 24; ++i) s += hex(o.u8(i), 2).substr(2);
        }
        return true;
    case 2: {
        if (len < 4 || (flags & syn)) return false;
        std::uint8_t f = o.u8(3);
        std::size_t at = 4, left = len - 4;
        if (f & 0x10) s += " fin";
        if (f & 0x01) {
            s += " ack ";
            std::size_t size = f & 0x02 ? 8 : 4;
            if (left < size) return false;
            s += size == 8 ? std::to_string(be64(o, at)) : std::to_string(o.be32(at));
            at += size, left -= size;
        }
        if (f & 0x04) {
            s += " seq ";
            std::size_t size = f & 0x08 ? 8 : 4;
            if (left < size) return false;
            s += size == 8 ? std::to_string(be64(o, at)) : std::to_string(o.be32(at));
            at += size, left -= size;
            if (left < 4) return false;
            s += " subseq " + std::to_string(o.be32(at));
            at += 4, left -= 4;
            if (left < 2) return false;
            s += " len " + std::to_string(o.be16(at));
            at += 2, left -= 2;
            if (left >= 2) {
                s += " csum " + hex(o.be16(at), 1);
                left -= 2;
            }
        }
        return left == 0;
    }
    case 3: {
        if (len != 8 && len != 10 && len != 16 && len != 18 && len != 20 && len != 22 && len != 28 && len != 30)
            return false;
        unsigned bits = o.u8(2) & 0xf;
        s += bits == 6 ? " v0-ip6" : bits == 4 ? " v0-ip4" : bits == 1 ? " v1-echo" : bits == 0 ? " v1"
                                                                                     : " [bad version/echo]";
        s += " id " + std::to_string(o.u8(3));
        if (len <= 18) {
            s += " " + ipv4_text(o, 4);
            if (len == 10 || len == 18) s += ":" + std::to_string(o.be16(8));
            if (len == 16) s += " hmac " + hex64(be64(o, 8));
            if (len == 18) s += " hmac " + hex64(be64(o, 10));
        } else {
            s += " " + ipv6_text(o, 4);
            if (len == 22 || len == 30) s += ":" + std::to_string(o.be16(20));
            if (len == 28) s += " hmac " + hex64(be64(o, 20));
            if (len == 30) s += " hmac " + hex64(be64(o, 22));
        }
        return true;
    }
    case 4:
        if (len < 4) return false;
        s += " id";
        for (std::size_t i = 3; i < len; ++i) s += " " + std::to_string(o.u8(i));
        return true;
    case 5:
        if (len != 3 && len != 4) return false;
        s += o.u8(2) & 1 ? " backup" : " non-backup";
        if (len == 4) s += " id " + std::to_string(o.u8(3));
        return true;
    case 6:
        if (len != 12) return false;
        s += " seq " + std::to_string(be64(o, 4));
        return true;
    case 7:
        if (len != 12) return false;
        s += " key " + hex64(be64(o, 4));
        return true;
    default: return true;
    }
}

void fast_open(Bytes o, std::size_t at, std::size_t len, std::string& s) {
    if (len == 0) return void(s += " cookiereq");
    if (len % 2 != 0 || len < 4 || len > 16) return void(s += " (invalid)");
    s += " cookie ";
    for (std::size_t i = 0; i < len; ++i) s += hex(o.u8(at + i), 2).substr(2);
}

}  // namespace

// `o` is the options area as captured, `size` as the header states it;
// SACK edges are printed less `sack_base`, as the acknowledgement is.
std::string tcp_options(Bytes o, std::size_t size, std::uint8_t flags, std::uint32_t sack_base,
                        bool segment_captured, TcpOptionsEnd* end) {
    std::string s;
    std::size_t at = 0, left = size;
    char separator = 0;
    auto bad = [&] {
        end->bad = true;
        return s + "[bad opt]" + (separator ? "]" : "");
    };
    // print-tcp.c's trunc: past the capture, " [|tcp]" and, once an option
    // has been printed, a ">" for the unclosed list.
    auto cut_here = [&] {
        end->cut = true;
        return s + " [|tcp]" + (separator ? ">" : "");
    };
    while (left > 0) {
        if (separator) s += separator;
        // The kind and length bytes are read where tcpdump's GET macros end
        // the packet at once, without the ">".
        if (!o.has(at, 1)) return end->cut = end->whole_dump = true, s + " [|tcp]";
        std::uint8_t kind = o.u8(at++);
        std::size_t len = 1;
        if (kind > 1) {
            if (!o.has(at, 1)) return end->cut = end->whole_dump = true, s + " [|tcp]";
            len = o.u8(at++);
            if (len < 2 || len > left) return bad();
            --left, --len;
        }
        --left;
        const char* name = option_name(kind);
        s += name ? name : "unknown-" + std::to_string(kind);
        std::size_t data = 0;
        // tcpdump's LENCHECK: past the option space is a bad option, past
        // the capture a truncated packet.
        bool short_capture = false;
        auto need = [&](std::size_t n) {
            if (n > left) return false;
            if (!o.has(at, n)) return short_capture = true, false;
            return true;
        };
        switch (kind) {
        case 2:
            data = 2;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " " + std::to_string(o.be16(at));
            break;
        case 3:
            data = 1;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " " + std::to_string(o.u8(at));
            break;
        case 5:
            data = len - 1;
            if (data % 8 != 0) {
                s += " invalid sack";
            } else {
                s += " " + std::to_string(data / 8) + " ";
                for (std::size_t i = 0; i < data; i += 8) {
                    if (!need(i + 8)) return short_capture ? cut_here() : bad();
                    s += "{" + std::to_string(std::uint32_t(o.be32(at + i) - sack_base)) + ":" +
                         std::to_string(std::uint32_t(o.be32(at + i + 4) - sack_base)) + "}";
                }
            }
            break;
        case 6:  // RFC 1072's echo and echo reply
        case 7:
        case 11:
        case 12:
        case 13:
            data = 4;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " " + std::to_string(o.be32(at));
            break;
        case 8:
            data = 8;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " val " + std::to_string(o.be32(at)) + " ecr " + std::to_string(o.be32(at + 4));
            break;
        case 19:
            data = 16;
            if (!need(data)) return short_capture ? cut_here() : bad();
            // tcpdump (with libcrypto) would verify the signature but has no
            // -M secret; it first says when the segment is not all captured.
            s += segment_captured ? " shared secret not supplied with -M, can't check - "
                                  : " snaplen too short, can't check - ";
            for (std::size_t i = 0; i < 16; ++i) s += hex(o.u8(at + i), 2).substr(2);
            break;
        case 20:
            data = 2;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " cap " + hex(o.u8(at), 2).substr(2) + " id " + std::to_string(o.u8(at + 1));
            break;
        case 28: {
            data = 2;
            if (!need(data)) return short_capture ? cut_here() : bad();
            unsigned v = o.be16(at);
            s += " " + hex(v, 1) + " " + std::to_string(v & 1 ? (v >> 1) * 60 : v >> 1);
            break;
        }
        case 30: {
            data = len - 1;
            if (!need(data)) return short_capture ? cut_here() : bad();
            if (!mptcp(Bytes(o.data() + at - 2, data + 2), data + 2, flags, s)) return short_capture ? cut_here() : bad();
            break;
        }
        case 34:
            data = len - 1;
            if (!need(data)) return short_capture ? cut_here() : bad();
            s += " ";
            fast_open(o, at, data, s);
            break;
        case 254: {
            data = len - 1;
            if (!need(data) || data < 2) return short_capture ? cut_here() : bad();
            std::uint16_t magic = o.be16(at);
            s += "-";
            if (magic == 0xf989) s += "tfo", fast_open(o, at + 2, data - 2, s);
            else s += hex(magic, 4).substr(2);
            break;
        }
        case 0:
        case 1:
        case 4:
            break;
        case 29:
            // RFC 5925: key id, next key id and the MAC.
            data = len - 1;
            if (data < 2) {
                s += " (invalid)";
                break;
            }
            if (!need(1)) return short_capture ? cut_here() : bad();
            s += " keyid " + std::to_string(o.u8(at));
            if (!need(2)) return short_capture ? cut_here() : bad();
            s += " rnextkeyid " + std::to_string(o.u8(at + 1));
            if (data > 2) s += " mac 0x";
            for (std::size_t i = 2; i < data; ++i) {
                if (!need(i + 1)) return short_capture ? cut_here() : bad();
                s += hex(o.u8(at + i), 2).substr(2);
            }
            break;
        default:
            data = kind > 1 ? len - 1 : 0;
            if (data) s += " 0x";
            for (std::size_t i = 0; i < data; ++i) {
                if (!need(i + 1)) return short_capture ? cut_here() : bad();
                s += hex(o.u8(at + i), 2).substr(2);
            }
            break;
        }
        at += data;
        left -= data;
        std::size_t counted = data + (kind > 1 ? 2 : 1);
        if (kind > 1 && counted != len + 1) s += "[len " + std::to_string(len + 1) + "]";
        separator = ',';
        if (kind == 0) break;
    }
    return s + "]";
}

}  // namespace fcap::capture::detail
