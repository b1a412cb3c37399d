// DCCP (RFC 4340): the packet type and its service code, reset code and
// acknowledgement number after the addresses and ports, as tcpdump's
// dccp_print without -v.  Sequence numbers and options (-v) are not shown.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

const char* dccp_type(unsigned type) {
    static const char* const names[] = {"DCCP-Request", "DCCP-Response", "DCCP-Data",  "DCCP-Ack",  "DCCP-DataAck",
                                        "DCCP-CloseReq", "DCCP-Close",   "DCCP-Reset", "DCCP-Sync", "DCCP-SyncAck"};
    return type < std::size(names) ? names[type] : nullptr;
}

const char* reset_code(unsigned code) {
    static const char* const names[] = {"unspecified",       "closed",         "aborted",           "no_connection",
                                        "packet_error",      "option_error",   "mandatory_error",   "connection_refused",
                                        "bad_service_code",  "too_busy",       "bad_init_cookie",   "aggression_penalty"};
    return code < std::size(names) ? names[code] : "invalid";
}

}  // namespace

void Decoder::dccp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (!b.has(0, 4)) {
        if (!ends.shown) put(ends.src + " > " + ends.dst + ": ");
        return cut("dccp");
    }
    auto at = [&](const std::string& host, std::uint16_t port) {
        return ends.shown ? std::to_string(port) : host + "." + std::to_string(port);
    };
    put(at(ends.src, b.be16(0)) + " > " + at(ends.dst, b.be16(2)) + ": ");
    if (length < 12) return put("truncated-dccp - " + std::to_string(12 - length) + " bytes missing!");
    if (!b.has(0, 12)) return cut("dccp");
    std::uint32_t header = b.u8(4) * 4u;
    put("DCCP");
    if (header > length) return put(" [bad hdr length " + std::to_string(header) + " - too long, > " + std::to_string(length) + "]");
    if (options_.quiet) return put(" " + std::to_string(length - header));
    unsigned type = (b.u8(8) >> 1) & 0xf;
    bool extended = b.u8(8) & 1;
    std::size_t fixed = extended ? 16 : 12;
    const char* name = dccp_type(type);
    if (!name) return put(" invalid");
    put(std::string(" ") + name + " ");
    std::size_t ack_end = fixed + (extended ? 8 : 4);
    if (type == 0) {
        if (!b.has(fixed, 4)) return cut("dccp");
        put("(service=" + std::to_string(b.be32(fixed)) + ") ");
    } else if (type == 1) {
        if (!b.has(ack_end, 4)) return cut("dccp");
        put("(service=" + std::to_string(b.be32(ack_end)) + ") ");
    } else if (type == 7) {
        if (!b.has(ack_end, 1)) return cut("dccp");
        put(std::string("(code=") + reset_code(b.u8(ack_end)) + ") ");
    }
    if (type != 0 && type != 2) {
        if (!b.has(fixed, ack_end - fixed)) return cut("dccp");
        std::uint64_t ack = extended ? std::uint64_t(b.be16(fixed + 2)) << 32 | b.be32(fixed + 4)
                                     : b.be32(fixed) & 0xffffff;
        put("(ack=" + std::to_string(ack) + ") ");
    }
}

}  // namespace fcap::capture::detail
