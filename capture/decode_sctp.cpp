// SCTP (RFC 4960): the common header's ports with the addresses, then one
// "(N) [CHUNK] ..." group per chunk, as tcpdump's sctp_print; ForCES
// (RFC 5810) on its ports names the message a DATA chunk carries.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

const char* chunk_name(unsigned type) {
    switch (type) {
    case 0: return "DATA";
    case 1: return "INIT";
    case 2: return "INIT ACK";
    case 3: return "SACK";
    case 4: return "HB REQ";
    case 5: return "HB ACK";
    case 6: return "ABORT";
    case 7: return "SHUTDOWN";
    case 8: return "SHUTDOWN ACK";
    case 9: return "OP ERR";
    case 10: return "COOKIE ECHO";
    case 11: return "COOKIE ACK";
    case 12: return "ECN ECHO";
    case 13: return "ECN CWR";
    case 14: return "SHUTDOWN COMPLETE";
    case 0xc0: return "FOR CUM TSN";
    default: return nullptr;
    }
}

// IANA's SCTP payload protocol identifiers, the first ones.
const char* payload_protocol(std::uint32_t ppid) {
    static const char* const names[] = {nullptr, "IUA", "M2UA", "M3UA", "SUA", "M2PA", "V5.2", "H.248", "BICC",
                                        "TALI", "DUA", "ASAP", "ENRP", "H.323", "Q.IPC", "SIMCO", "DDP Segment",
                                        "DDP Stream", "S1AP", "RUA", "HNBAP", "ForCES-HP", "ForCES-MP", "ForCES-LP"};
    return ppid < std::size(names) ? names[ppid] : nullptr;
}

// RFC 5811: ForCES' SCTP ports, one per priority.
const char* forces_channel(std::uint16_t port) {
    return port == 6704 ? "ForCES HP" : port == 6705 ? "ForCES MP" : port == 6706 ? "ForCES LP" : nullptr;
}

const char* forces_message(unsigned type) {
    switch (type) {
    case 0x01: return "Association Setup";
    case 0x11: return "Association Response";
    case 0x02: return "Association TearDown";
    case 0x03: return "Config";
    case 0x13: return "Config Response";
    case 0x04: return "Query";
    case 0x14: return "Query Response";
    case 0x05: return "Event Notification";
    case 0x06: return "Packet Redirect";
    case 0x0f: return "HeartBeat";
    default: return nullptr;
    }
}

}  // namespace

void Decoder::sctp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    auto at = [&](const std::string& host, std::uint16_t port) {
        return ends.shown ? std::to_string(port) : host + "." + std::to_string(port);
    };
    if (!b.has(0, 4)) {
        if (!ends.shown) put(ends.src + " > " + ends.dst + ": ");
        return cut("sctp");
    }
    std::uint16_t sport = b.be16(0), dport = b.be16(2);
    if (length < 12) {
        if (!ends.shown) put(ends.src + " > " + ends.dst + ": ");
        return put("truncated-sctp - " + std::to_string(12 - length) + " bytes missing!");
    }
    put(at(ends.src, sport) + " > " + at(ends.dst, dport) + ": sctp");
    bool is_forces = false;
    for (std::uint16_t port : {sport, dport})
        if (const char* name = forces_channel(port)) put(std::string("[") + name + "]"), is_forces = true;
    std::string sep = options_.verbose >= 2 ? "\n\t" : " (";
    std::size_t pos = 12;
    std::uint32_t left = length - 12;
    for (unsigned count = 1; left != 0; ++count) {
        std::string number = sep + std::to_string(count) + ")";
        if (left < 4) return put(number + " [chunk descriptor cut off at end of packet]");
        if (!b.has(pos, 4)) return cut("sctp");
        unsigned type = b.u8(pos), flags = b.u8(pos + 1);
        std::uint32_t size = b.be16(pos + 2);
        if (size < 4)
            return put(number + " [Bad chunk length " + std::to_string(size) + ", < size of chunk descriptor]");
        std::uint32_t align = size % 4 ? 4 - size % 4 : 0;
        if (left < size + align && left < size)
            return put(number + " [Bad chunk length " + std::to_string(size) + ", > remaining data in packet]");
        if (!b.has(pos, size)) return cut("sctp");
        char unknown[40];
        std::snprintf(unknown, sizeof unknown, "Unknown chunk type: 0x%x", type);
        const char* name = chunk_name(type);
        put(number + " [" + (name ? name : unknown) + "] ");
        std::size_t body = pos + 4;
        std::uint32_t body_size = size - 4;
        if (type == 0) {
            std::string f;
            if (flags & 4) f += "(U)";
            if (flags & 2) f += "(B)";
            if (flags & 1) f += "(E)";
            if (!f.empty()) f += ' ';
            put(f);
            if (body_size < 12) return put("bogus chunk length " + std::to_string(size) + "]");
            char ppid[16];
            std::snprintf(ppid, sizeof ppid, "0x%x", b.be32(body + 8));
            const char* ppid_name = payload_protocol(b.be32(body + 8));
            put("[TSN: " + std::to_string(b.be32(body)) + "] [SID: " + std::to_string(b.be16(body + 4)) +
                "] [SSEQ " + std::to_string(b.be16(body + 6)) + "] [PPID " + (ppid_name ? ppid_name : ppid) + "] ");
            std::uint32_t ppid_value = b.be32(body + 8);
            if (is_forces || (ppid_value >= 21 && ppid_value <= 23)) forces(b.from(body + 12), body_size - 12);
        } else if (type == 1 || type == 2) {
            if (body_size < 16) return put("bogus chunk length " + std::to_string(size) + "]");
            put("[init tag: " + std::to_string(b.be32(body)) + "] [rwnd: " + std::to_string(b.be32(body + 4)) +
                "] [OS: " + std::to_string(b.be16(body + 8)) + "] [MIS: " + std::to_string(b.be16(body + 10)) +
                "] [init TSN: " + std::to_string(b.be32(body + 12)) + "] ");
        } else if (type == 3) {
            if (body_size < 12) return put("bogus chunk length " + std::to_string(size) + "]");
            std::uint32_t cum = b.be32(body);
            unsigned gaps = b.be16(body + 8), dups = b.be16(body + 10);
            put("[cum ack " + std::to_string(cum) + "] [a_rwnd " + std::to_string(b.be32(body + 4)) + "] [#gap acks " +
                std::to_string(gaps) + "] [#dup tsns " + std::to_string(dups) + "] ");
            std::size_t item = body + 12;
            for (unsigned i = 1; i <= gaps && item + 4 <= pos + size; ++i, item += 4)
                put("\n\t\t[gap ack block #" + std::to_string(i) + ": start = " +
                    std::to_string(cum + b.be16(item)) + ", end = " + std::to_string(cum + b.be16(item + 2)) + "] ");
            for (unsigned i = 1; i <= dups && item + 4 <= pos + size; ++i, item += 4)
                put("\n\t\t[dup TSN #" + std::to_string(i) + ": " + std::to_string(b.be32(item)) + "] ");
        }
        pos += size;
        left -= size;
        if (options_.verbose < 2) sep = ", (";
        if (align) {
            if (left < align) break;
            pos += align;
            left -= align;
        }
    }
}

// RFC 5810's common header: the message type on a line of its own.
void Decoder::forces(Bytes b, std::uint32_t length) {
    if (length < 24 || !b.has(0, 2)) return put("\n\tForCES [|forces]");
    const char* name = forces_message(b.u8(1));
    char unknown[24];
    std::snprintf(unknown, sizeof unknown, "Unknown %u", b.u8(1));
    put(std::string("\n\tForCES ") + (name ? name : unknown) + " ");
}

}  // namespace fcap::capture::detail
