// ISAKMP/IKE on UDP 500 (RFC 2408, IKEv2 RFC 7296) and its NAT-traversal
// encapsulation on 4500 (RFC 3948): the header's summary as tcpdump's
// isakmp_print shows it, "phase 1 I ident", "parent_sa ikev2_init[I]".
// The payloads (-v) are not decoded.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture {

void IsakmpInitiators::record(std::uint64_t cookie, const std::string& initiator, const std::string& responder) {
    entries_[next_] = Entry{cookie, initiator, responder, true};
    next_ = (next_ + 1) % std::size(entries_);
}

char IsakmpInitiators::role(std::uint64_t cookie, const std::string& src, const std::string& dst) const {
    // An empty slot holds cookie 0 and no addresses, as tcpdump's zeroed
    // cache: a zero cookie finds it and is neither party's.
    for (const Entry& e : entries_) {
        if (e.cookie != cookie) continue;
        if (!e.used) return '?';
        if (src == e.initiator && dst == e.responder) return 'I';
        if (src == e.responder && dst == e.initiator) return 'R';
        return '?';
    }
    return 0;
}

namespace detail {

namespace {

std::string exchange_name(unsigned type) {
    switch (type) {
    case 0: return "none";
    case 1: return "base";
    case 2: return "ident";
    case 3: return "auth";
    case 4: return "agg";
    case 5: return "inf";
    case 32: return "oakley-quick";
    case 33: return "oakley-newgroup";
    case 34: return "ikev2_init";
    case 35: return "ikev2_auth";
    case 36: return "child_sa";
    case 37: return "inf2";
    default: return "#" + std::to_string(type);
    }
}

std::uint64_t be64(Bytes b, std::size_t at) { return std::uint64_t(b.be32(at)) << 32 | b.be32(at + 4); }

}  // namespace

void Decoder::isakmp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    (void)length;
    if (!b.has(0, 28)) return put("[|isakmp]");
    unsigned major = b.u8(17) >> 4, minor = b.u8(17) & 0xf, type = b.u8(18), flags = b.u8(19);
    std::uint32_t msgid = b.be32(20);
    put("isakmp");
    if (options_.verbose > 0) {
        char text[40];
        std::snprintf(text, sizeof text, " %u.%u msgid %08x", major, minor, msgid);
        put(text);
    }
    put(":");
    if (major == 1) {
        put(msgid == 0 ? " phase 1" : " phase 2/others");
        std::uint64_t cookie = be64(b, 0);
        char role = options_.isakmp ? options_.isakmp->role(cookie, ends.src, ends.dst) : 0;
        if (role == 0) {
            // The first packet of an exchange: no responder cookie yet.
            if (be64(b, 8) == 0) {
                role = 'I';
                if (options_.isakmp) options_.isakmp->record(cookie, ends.src, ends.dst);
            } else {
                role = '?';
            }
        }
        put(std::string(" ") + role + " " + exchange_name(type));
        if (flags) put(std::string("[") + (flags & 1 ? "E" : "") + (flags & 2 ? "C" : "") + "]");
    } else if (major == 2) {
        put(msgid == 0 ? " parent_sa" : " child_sa ");
        put(" " + exchange_name(type));
        if (flags)
            put(std::string("[") + (flags & 0x08 ? "I" : "") + (flags & 0x10 ? "V" : "") + (flags & 0x20 ? "R" : "") + "]");
    }
}

// RFC 3948: a keepalive byte, IKE after four zero bytes, or ESP.
void Decoder::isakmp_nat(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (length == 1 && b.u8(0) == 0xff) return put("isakmp-nat-keep-alive");
    if (length < 4 || !b.has(0, 4)) return truncated("isakmp_rfc3948");
    if (b.be32(0) == 0) return put("NONESP-encap: "), isakmp(b.from(4), length - 4, ends);
    put("UDP-encap: ");
    Endpoints inner = ends;
    inner.shown = true;
    transport(50, b, length, inner);
}

}  // namespace detail

}  // namespace fcap::capture
