// Babel (RFC 8966) on UDP 6696 and the older 6697: the TLVs' names, as
// tcpdump's babel_print shows them without -v; after " |", those of the
// packet trailer (RFC 8967's MACs).
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

const char* tlv_name(unsigned type) {
    static const char* const names[] = {
        "pad1",   "padn",          "ack-req",       "ack",  "hello", "ihu", "router-id",
        "nh",     "update",        "route-request", "seqno-request", "tspc", "hmac", "ss-update",
        "ss-request", "ss-mh-request", "mac",        "pc",   "challenge-request", "challenge-reply"};
    return type < std::size(names) ? names[type] : "unknown";
}

}  // namespace

void Decoder::babel(Bytes b, std::uint32_t length) {
    put("babel");
    if (!b.has(0, 2)) return cut("babel");
    if (b.u8(0) != 42) return put(" invalid header");
    put(" " + std::to_string(b.u8(1)));
    if (b.u8(1) != 2) return put(" unknown version");
    if (!b.has(0, 4)) return cut("babel");
    std::uint32_t body = b.be16(2);
    put(" (" + std::to_string(body) + ")");
    if (length < 4 || length - 4 < body) return put(" (invalid)");
    // The TLVs of [from, from + size): false when one does not fit.
    auto tlvs = [&](std::size_t from, std::uint32_t size) {
        std::uint32_t i = 0;
        while (i < size) {
            std::size_t at = from + i;
            if (!b.has(at, 1)) return cut("babel"), false;
            unsigned type = b.u8(at);
            if (type == 0) {
                put(" pad1");
                ++i;
                continue;
            }
            if (!b.has(at, 2)) return cut("babel"), false;
            std::uint32_t len = b.u8(at + 1) + 2u;
            if (i + len > size) return put(" (invalid)"), false;
            if (!b.has(at, len)) return cut("babel"), false;
            put(std::string(" ") + tlv_name(type));
            if (type == 8) {
                if (len < 12) return put(" (invalid)"), false;
                unsigned flags = b.u8(at + 3);
                put(std::string(flags & 0x80 ? "/prefix" : "") + (flags & 0x40 ? "/id" : "") +
                    (flags & 0x3f ? "/unknown" : ""));
            }
            i += len;
        }
        return true;
    };
    if (!tlvs(4, body)) return;
    if (length - 4 > body) {
        put(" |");
        tlvs(4 + body, length - 4 - body);
    }
}

}  // namespace fcap::capture::detail
