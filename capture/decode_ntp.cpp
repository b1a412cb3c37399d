// NTP (RFC 5905) in tcpdump's words (print-ntp.c): the version and mode;
// with -v the header's fields and timestamps, or a control message's.
#include "capture/decode_internal.hpp"

#include <cstdio>
#include <ctime>

namespace fcap::capture::detail {

namespace {

constexpr double two_to_32 = 4294967296.0;
constexpr std::int64_t ntp_to_unix = 2208988800;  // seconds from 1900 to 1970

// A 32.32 timestamp as seconds.nanoseconds, and its UTC date when not zero.
std::string ntp_time(Bytes b, std::size_t at) {
    std::uint32_t seconds = b.be32(at), fraction = b.be32(at + 4);
    char s[96];
    std::snprintf(s, sizeof s, "%u.%09u", seconds, std::uint32_t(fraction / two_to_32 * 1e9));
    std::string text = s;
    if (seconds) {
        std::time_t t = std::time_t(std::int64_t(seconds) - ntp_to_unix);
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(s, sizeof s, " (%Y-%m-%dT%H:%M:%SZ)", &tm);
        text += s;
    }
    return text;
}

// The signed difference of two timestamps (`to` less `from`).
std::string ntp_delta(Bytes b, std::size_t from, std::size_t to) {
    std::uint32_t ou = b.be32(from), ouf = b.be32(from + 4), u = b.be32(to), uf = b.be32(to + 4);
    if (ou == 0 && ouf == 0) return ntp_time(b, to);
    // tcpdump 4.99 takes the difference of the seconds in 64 bits.
    std::int64_t i = std::int64_t(u) - std::int64_t(ou);
    std::uint32_t f;
    bool negative;
    if (i > 0) {
        negative = false;
        f = uf - ouf;
        if (ouf > uf) i -= 1;
    } else if (i < 0) {
        negative = true;
        f = ouf - uf;
        if (uf > ouf) i += 1;
        i = -i;
    } else {
        negative = uf <= ouf;
        f = negative ? ouf - uf : uf - ouf;
    }
    char s[48];
    std::snprintf(s, sizeof s, "%s%lld.%09u", negative ? "-" : "+", static_cast<long long>(i),
                  std::uint32_t(f / two_to_32 * 1e9));
    return s;
}

// A 16.16 fixed-point number of seconds.
std::string short_fixed(Bytes b, std::size_t at) {
    char s[32];
    std::snprintf(s, sizeof s, "%d.%06d", b.be16(at), int(b.be16(at + 2) / 65536.0 * 1000000.0));
    return s;
}

}  // namespace

void Decoder::ntp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("ntp");
    static const char* const modes[] = {"unspecified", "symmetric active", "symmetric passive", "Client",
                                        "Server",      "Broadcast",        "Control Message",   "Reserved"};
    std::uint8_t status = b.u8(0), mode = status & 7;
    put("NTPv" + std::to_string((status >> 3) & 7) + ", " + modes[mode] + ", length " + std::to_string(length));
    if (options_.verbose == 0) return;
    static const char* const leaps[] = {"", "+1s", "-1s", "clock unsynchronized"};
    put("\n\tLeap indicator: " + std::string(leaps[status >> 6]) + " (" + std::to_string(status & 0xc0) + ")");
    if (mode == 6) {
        // A control message's fields, each as far as the capture goes.
        if (length < 12) {
            put(" (invalid)");
            if (!b.has(0, length)) cut("ntp");
            return;
        }
        if (!b.has(1, 1)) return cut("ntp");
        std::uint8_t control = b.u8(1);
        char s[160];
        std::snprintf(s, sizeof s, ", %s, %s, %s, OpCode=%u", control & 0x80 ? "Response" : "Request",
                      control & 0x40 ? "Error" : "OK", control & 0x20 ? "More" : "Last", control & 0x1f);
        put(s);
        if (!b.has(2, 2)) return cut("ntp");
        put("\n\tSequence=" + std::to_string(b.be16(2)));
        if (!b.has(4, 2)) return cut("ntp");
        put(", Status=" + (b.be16(4) ? hex(b.be16(4), 1) : std::string("0")));
        static const char* const fields[] = {", Assoc.=", ", Offset=", ", Count="};
        for (std::size_t i = 0; i < 3; ++i) {
            if (!b.has(6 + 2 * i, 2)) return cut("ntp");
            put(fields[i] + std::to_string(b.be16(6 + 2 * i)));
        }
        std::uint16_t count = b.be16(10);
        if (12u + count > length) {
            put(" (invalid)");
            if (!b.has(0, length)) cut("ntp");
            return;
        }
        if (count) {
            if (!b.has(12, count)) return cut("ntp");
            put("\n\tTO-BE-DONE: data not interpreted");
        }
        return;
    }
    if (mode == 7) return;  // private (ntpdc) messages: tcpdump shows no more
    if (length < 48) {
        put(" (invalid)");
        if (!b.has(0, length)) cut("ntp");  // tcpdump then checks the rest was captured
        return;
    }
    // The fields as far as the capture holds them, as tcpdump checks each.
    if (!b.has(1, 1)) return cut("ntp");
    std::uint8_t stratum = b.u8(1);
    const char* stratum_name = stratum == 0 ? "unspecified" : stratum == 1 ? "primary reference"
                             : stratum <= 15 ? "secondary reference" : "reserved";
    std::int8_t poll = std::int8_t(b.u8(2)), precision = std::int8_t(b.u8(3));
    char s[200];
    std::snprintf(s, sizeof s, ", Stratum %u (%s)", stratum, stratum_name);
    put(s);
    if (!b.has(2, 1)) return cut("ntp");
    std::snprintf(s, sizeof s, ", poll %d", poll);
    put(s);
    if (poll >= 0 && poll < 32) std::snprintf(s, sizeof s, " (%us)", 1u << poll), put(s);
    else if (poll < 0 && poll > -32) std::snprintf(s, sizeof s, " (1/%us)", 1u << -poll), put(s);
    if (!b.has(3, 1)) return cut("ntp");
    std::snprintf(s, sizeof s, ", precision %d", precision);
    put(s);
    if (!b.has(4, 4)) return cut("ntp");
    put("\n\tRoot Delay: " + short_fixed(b, 4));
    if (!b.has(8, 4)) return cut("ntp");
    put(", Root dispersion: " + short_fixed(b, 8));
    if (!b.has(12, 4)) return cut("ntp");
    put(", Reference-ID: ");
    if (stratum == 0) {
        put("(unspec)");
    } else if (stratum == 1) {
        std::string id;  // four characters, NULs and all (tcpdump's nd_printn)
        for (std::size_t i = 12; i < 16; ++i) print_char(id, b.u8(i));
        put(id);
    } else if (stratum == 62 || stratum == 63) {  // ntpd's INFO_QUERY and INFO_REPLY
        // tcpdump prints no timestamps after these.
        return put(ipv4_text(b, 12) + (stratum == 62 ? " INFO_QUERY" : " INFO_REPLY"));
    } else {
        put(hex(b.be32(12), 8));
    }
    static const char* const stamps[] = {"\n\t  Reference Timestamp:  ", "\n\t  Originator Timestamp: ",
                                         "\n\t  Receive Timestamp:    ", "\n\t  Transmit Timestamp:   "};
    for (std::size_t i = 0; i < 4; ++i) {
        if (!b.has(16 + 8 * i, 8)) return cut("ntp");
        put(stamps[i] + ntp_time(b, 16 + 8 * i));
    }
    put("\n\t    Originator - Receive Timestamp:  " + ntp_delta(b, 24, 32) +
        "\n\t    Originator - Transmit Timestamp: " + ntp_delta(b, 24, 40));
    auto word = [&](std::size_t at) { return hex(b.be32(at), 8).substr(2); };
    if (length == 52 || length == 68 || length == 72) {
        // A key id, and a 128- or 160-bit digest.
        if (!b.has(48, 4)) return cut("ntp");
        put("\n\tKey id: " + std::to_string(b.be32(48)));
        if (length == 52) return;
        if (!b.has(52, length - 52)) return cut("ntp");
        put("\n\tAuthentication: ");
        for (std::size_t at = 52; at < length; at += 4) put(word(at));
    } else if (length > 48) {
        put("\n\t(" + std::to_string(length - 48) + " more bytes after the header)");
    }
}

}  // namespace fcap::capture::detail
