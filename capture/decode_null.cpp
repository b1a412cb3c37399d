// BSD loopback headers in tcpdump's words (print-null.c).
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

// BSD loopback (DLT_NULL, DLT_LOOP): a 4-byte address family in the
// writer's byte order (tcpdump: print-null.c).
void Decoder::bsd_loopback(Bytes b, std::uint32_t wirelen) {
    if (!b.has(0, 4)) {
        link_length_ = b.size();
        return truncated("null");
    }
    link_length_ = 4;
    std::uint32_t family = std::uint32_t(b.u8(0)) | std::uint32_t(b.u8(1)) << 8 | std::uint32_t(b.u8(2)) << 16 |
                           std::uint32_t(b.u8(3)) << 24;
    if (family & 0xffff0000) family = __builtin_bswap32(family);
    auto header = [&](std::uint32_t length) {
        const char* name = family == 2 ? "IPv4" : family == 7 ? "OSI" : family == 16 ? "Appletalk" : family == 23 ? "IPX"
                         : family == 24 || family == 28 || family == 30 ? "IPv6" : nullptr;
        if (options_.quiet) put(name ? std::string(name) : "Unknown AF " + std::to_string(family));
        else put("AF " + std::string(name ? name : "Unknown") + " (" + std::to_string(family) + ")");
        put(", length " + std::to_string(length) + ": ");
    };
    if (options_.link_header) header(wirelen);
    std::uint32_t rest = wirelen > 4 ? wirelen - 4 : 0;
    if (family == 2) return ipv4(b.from(4), rest);
    if (family == 24 || family == 28 || family == 30) return ipv6(b.from(4), rest);
    if (!options_.link_header) header(wirelen);
    if (!options_.suppress_default_print) raw_dump(b.from(4));
}

}  // namespace fcap::capture::detail
