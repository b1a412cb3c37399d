// IEEE 1588 Precision Time Protocol, over Ethernet and UDP 319/320, in
// tcpdump 4.99's words (print-ptp.c) as its output shows: version 2's
// common header and the body of each message type, all on one line.
#include "capture/decode_internal.hpp"

#include <cinttypes>
#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string u(std::uint64_t v) { return std::to_string(v); }

std::uint64_t be48(Bytes b, std::size_t at) { return std::uint64_t(b.be16(at)) << 32 | b.be32(at + 2); }
std::uint64_t be64(Bytes b, std::size_t at) { return std::uint64_t(b.be32(at)) << 32 | b.be32(at + 4); }

std::string hex64(std::uint64_t v) {
    char s[24];
    std::snprintf(s, sizeof s, "0x%" PRIx64, v);
    return s;
}

const char* message_type(unsigned t) {
    switch (t) {
    case 0x0: return "sync msg";
    case 0x1: return "delay req msg";
    case 0x2: return "peer delay req msg";
    case 0x3: return "peer delay resp msg";
    case 0x8: return "follow up msg";
    case 0x9: return "delay resp msg";
    case 0xa: return "pdelay resp fup msg";
    case 0xb: return "announce msg";
    case 0xc: return "signaling msg";
    case 0xd: return "management msg";
    default: return "Reserved";
    }
}

const char* control_name(unsigned c) {
    static const char* const names[] = {"Sync", "Delay_Req", "Follow_Up", "Delay_Resp", "Management", "Other"};
    return c < 6 ? names[c] : "Reserved";
}

}  // namespace

void Decoder::ptp(Bytes b, std::uint32_t length) {
    put("PTP");
    if (length < 34) return put(" [length " + u(length) + " < 34] (invalid)");
    if (!b.has(0, 2)) return cut("ptp");
    unsigned version = b.u8(1);
    put("v" + u(version));
    if (version == 1) return put(" (not implemented)");
    if (version != 2) return;
    if (!b.has(0, 34)) return cut("ptp");
    unsigned type = b.u8(0) & 0xf;
    std::uint16_t flags = b.be16(6);
    std::string names;
    for (auto [bit, name] :
         {std::pair{0x1, "l1 61"}, {0x2, "l1 59"}, {0x4, "utc reasonable"}, {0x8, "timescale"}, {0x10, "time tracable"},
          {0x20, "frequency tracable"}, {0x100, "alternate master"}, {0x200, "two step"}, {0x400, "unicast"},
          {0x1000, "profile specific 1"}, {0x2000, "profile specific 2"}, {0x4000, "security mask"}})
        if (flags & bit) names += (names.empty() ? "" : ", ") + std::string(name);
    if (flags & 0x18c0) names += (names.empty() ? "" : ", ") + std::string("unknown");
    put(std::string(", v1 compat : ") + (b.u8(0) & 0x10 ? "yes" : "no") + ", msg type : " + message_type(type) +
        ", length : " + u(b.be16(2)) + ", domain : " + u(b.u8(4)) + ", reserved1 : " + u(b.u8(5)) + ", Flags [" +
        (names.empty() ? "none" : names) + "], NS correction : " + u(be48(b, 8)) + ", sub NS correction : " +
        u(b.be16(14)) + ", reserved2 : " + u(b.be32(16)) + ", clock identity : " + hex64(be64(b, 20)) +
        ", port id : " + u(b.be16(28)) + ", seq id : " + u(b.be16(30)) + ", control : " + u(b.u8(32)) + " (" +
        control_name(b.u8(32)) + "), log message interval : " + u(b.u8(33)));
    std::size_t at = 34;
    auto timestamp = [&](const char* name, bool comma) {
        if (!b.has(at, 10)) return cut("ptp"), false;
        put(std::string(", ") + name + " : " + u(be48(b, at)) + " seconds" + (comma ? "," : "") + " " +
            u(b.be32(at + 6)) + " nanoseconds");
        at += 10;
        return true;
    };
    auto port = [&] {
        if (!b.has(at, 10)) return cut("ptp"), false;
        put(", port identity : " + hex64(be64(b, at)) + ", port id : " + u(b.be16(at + 8)));
        at += 10;
        return true;
    };
    switch (type) {
    case 0x0: case 0x1: timestamp("originTimeStamp", true); return;
    case 0x8: timestamp("preciseOriginTimeStamp", true); return;
    case 0x2: if (timestamp("preciseOriginTimeStamp", true)) port(); return;
    case 0x3: case 0x9: if (timestamp("receiveTimeStamp", true)) port(); return;
    case 0xa: if (timestamp("preciseOriginTimeStamp", true)) port(); return;
    case 0xc: port(); return;
    case 0xb: {
        if (!timestamp("originTimeStamp", false)) return;
        if (!b.has(at, 20)) return cut("ptp");
        put(", origin cur utc :" + u(b.be16(at)) + ", rsvd : " + u(b.u8(at + 2)) + ", gm priority_1 : " +
            u(b.u8(at + 3)) + ", gm clock class : " + u(b.u8(at + 4)) + ", gm clock accuracy : " + u(b.u8(at + 5)) +
            ", gm clock variance : " + u(b.be16(at + 6)) + ", gm priority_2 : " + u(b.u8(at + 8)) +
            ", gm clock id : " + hex64(be64(b, at + 9)) + ", steps removed : " + u(b.be16(at + 17)) +
            ", time source : " + hex(b.u8(at + 19), 1));
        return;
    }
    case 0xd: {
        if (!port()) return;
        // tcpdump's field names carry their own ", " and trailing space,
        // and all four fields show the port identity's first byte (its
        // printer does not move on).
        std::uint8_t first = b.u8(at - 10);
        const char* fields[] = {"start boundary hops ", "boundary hops ", "flags ", "reserved "};
        for (int i = 0; i < 4; ++i)
            put(std::string(", , ") + fields[i] + " " + (i >= 2 ? hex(first, 1) : u(first)));
        return;
    }
    default: return;
    }
}

}  // namespace fcap::capture::detail
