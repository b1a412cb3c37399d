// AFS's Rx transport on UDP ports 7000-7009: the packet type, an
// acknowledgement's numbers and the length, as tcpdump's rx_print shows
// them without -v.  The calls of the AFS services (fs, pt, vldb, ...) that
// tcpdump decodes from the first packet of a call are not decoded.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

constexpr std::size_t rx_header = 28;

const char* rx_type(unsigned type) {
    static const char* const names[] = {nullptr,     "data",  "ack",   "busy",   "abort",
                                        "ackall",    "challenge", "response", "debug", "params"};
    if (type < std::size(names)) return names[type];
    return type == 13 ? "version" : nullptr;
}

const char* ack_reason(unsigned reason) {
    static const char* const names[] = {nullptr,           "ack requested", "duplicate packet", "out of sequence",
                                        "exceeds window",  "no buffer space", "ping",           "ping response",
                                        "delay",           "idle"};
    return reason < std::size(names) ? names[reason] : nullptr;
}

}  // namespace

void Decoder::rx(Bytes b, std::uint32_t length) {
    if (!b.has(0, rx_header)) return put(" [|rx] (" + std::to_string(length) + ")");
    unsigned type = b.u8(20);
    const char* name = rx_type(type);
    put(std::string(" rx ") + (name ? name : "type " + std::to_string(type)));
    if (type == 2) {
        // struct rx_ackPacket: buffer space, max skew, first packet,
        // previous packet, serial, reason, count, then one byte per packet
        // from the first (1: acknowledged, 0: not).
        std::size_t at = rx_header;
        if (!b.has(at, 18)) return cut("rx");
        std::uint32_t first = b.be32(at + 4);
        unsigned reason = b.u8(at + 16), count = b.u8(at + 17);
        const char* why = ack_reason(reason);
        put(" first " + std::to_string(first) + " serial " + std::to_string(b.be32(at + 12)) + " reason " +
            (why ? std::string(why) : "#" + std::to_string(reason)));
        if (count != 0) {
            Bytes acks = b.from(at + 18);
            if (!acks.has(0, count)) return cut("rx");
            // Runs of packet numbers, "acked 1-3,5", then the same for those not acknowledged.
            for (auto [wanted, label] : {std::pair{1, " acked "}, std::pair{0, " nacked "}}) {
                long start = -2, last = -2;
                unsigned i = 0;
                for (; i < count; ++i) {
                    if (acks.u8(i) == wanted) {
                        if (last == -2) put(label + std::to_string(first + i)), start = i;
                        else if (last != long(i) - 1) put("," + std::to_string(first + i)), start = i;
                        last = i;
                    } else if (last == long(i) - 1 && start != last) {
                        put("-" + std::to_string(first + i - 1));
                    }
                }
                if (last == long(i) - 1 && start != last) put("-" + std::to_string(first + i - 1));
            }
        }
    }
    put(" (" + std::to_string(length) + ")");
}

}  // namespace fcap::capture::detail
