#include "capture/print.hpp"

#include <ctime>
#include <utility>

namespace fcap::capture {

namespace {

// `fraction` has `digits` digits: 6 (microseconds) or 9 (nanoseconds,
// --time-stamp-precision nano), as tcpdump prints them.
std::string clock_text(std::int64_t sec, std::int64_t fraction, int digits, bool date) {
    std::time_t t = std::time_t(sec);
    std::tm tm{};
    localtime_r(&t, &tm);
    char s[64];
    if (date)
        std::snprintf(s, sizeof s, "%04d-%02d-%02d %02d:%02d:%02d.%0*u", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, digits, unsigned(fraction));
    else
        std::snprintf(s, sizeof s, "%02d:%02d:%02d.%0*u", tm.tm_hour, tm.tm_min, tm.tm_sec, digits, unsigned(fraction));
    return s;
}

// tcpdump's -ttt and -ttttt: the difference of two time stamps as
// HH:MM:SS.uuuuuu (or .nnnnnnnnn) after its sign (a space when not
// negative), computed field by field as tcpdump's netdissect_timevalsub does.
std::string duration_text(std::int64_t sec, std::int64_t usec, std::int64_t ref_sec, std::int64_t ref_usec,
                          int digits) {
    bool negative = sec < ref_sec || (sec == ref_sec && usec < ref_usec);
    if (negative) std::swap(sec, ref_sec), std::swap(usec, ref_usec);
    std::int64_t s = sec - ref_sec, u = usec - ref_usec;
    if (u < 0) u += digits == 9 ? 1000000000 : 1000000, --s;
    char out[64];
    std::snprintf(out, sizeof out, "%c%02lld:%02lld:%02lld.%0*u", negative ? '-' : ' ', (long long)(s / 3600 % 24),
                  (long long)(s / 60 % 60), (long long)(s % 60), digits, unsigned(u));
    return out;
}

bool printable(std::uint8_t c) { return c >= 0x20 && c < 0x7f; }
// -X prints a space as a dot too (tcpdump: ND_ASCII_ISGRAPH).
bool graphic(std::uint8_t c) { return c > 0x20 && c < 0x7f; }

}  // namespace

std::string hex_dump(const std::uint8_t* data, std::size_t size, bool ascii) {
    std::string out;
    char buf[32];
    for (std::size_t line = 0; line < size; line += 16) {
        std::snprintf(buf, sizeof buf, "\n\t0x%04zx: ", line);
        out += buf;
        std::size_t end = line + 16 < size ? line + 16 : size;
        std::size_t width = 0;
        for (std::size_t i = line; i < end; i += 2) {
            if (i + 1 < end) std::snprintf(buf, sizeof buf, " %02x%02x", data[i], data[i + 1]);
            else std::snprintf(buf, sizeof buf, " %02x", data[i]);
            out += buf;
            width += i + 1 < end ? 5 : 3;
        }
        if (!ascii) continue;
        out.append(40 - width + 2, ' ');
        for (std::size_t i = line; i < end; ++i) out += graphic(data[i]) ? char(data[i]) : '.';
    }
    return out;
}

std::string ascii_dump(const std::uint8_t* data, std::size_t size) {
    std::string out = "\n";
    for (std::size_t i = 0; i < size; ++i) {
        std::uint8_t c = data[i];
        // tcpdump drops a carriage return before a newline.
        if (c == '\r' && i + 1 < size && data[i + 1] == '\n') continue;
        out += printable(c) || c == '\t' || c == '\n' ? char(c) : '.';
    }
    return out;
}

Printer::Printer(std::FILE* out, int dlt, const Options& options) : out_(out), dlt_(dlt), options_(options) {
    decode_.link_header = options.link_header;
    decode_.port_names = options.numeric == 0;
    decode_.quiet = options.quiet;
    decode_.verbose = options.verbose;
    decode_.verify_checksums = !options.dont_verify_checksums;
    decode_.suppress_default_print = options.hex > 0 || options.hex_ascii > 0 || options.ascii;
    if (!options.absolute_tcp) decode_.conversations = &conversations_;
    decode_.isakmp = &isakmp_;
}

std::string Printer::timestamp(std::int64_t sec, std::int64_t usec) {
    if (!have_first_) {
        have_first_ = true;
        first_sec_ = previous_sec_ = sec;
        first_usec_ = previous_usec_ = usec;
    }
    const int digits = options_.nano ? 9 : 6;
    std::string s;
    switch (options_.time) {
    case TimeFormat::none: break;
    // libpcap hands a classic pcap's seconds past 2038 over as negative:
    // tcpdump cannot convert them and says so.
    case TimeFormat::time_of_day:
    case TimeFormat::date:
    case TimeFormat::epoch:
        if (sec < 0) {
            s = "[Error converting time]";
            break;
        }
        if (options_.time != TimeFormat::epoch) {
            s = clock_text(sec, usec, digits, options_.time == TimeFormat::date);
            break;
        }
        {
            char b[40];
            std::snprintf(b, sizeof b, "%lld.%0*u", (long long)sec, digits, unsigned(usec));
            s = b;
        }
        break;
    case TimeFormat::delta: s = duration_text(sec, usec, previous_sec_, previous_usec_, digits); break;
    case TimeFormat::since_first: s = duration_text(sec, usec, first_sec_, first_usec_, digits); break;
    }
    previous_sec_ = sec;
    previous_usec_ = usec;
    return s.empty() ? s : s + " ";
}

std::string Printer::format(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
                            std::uint32_t wirelen) {
    // tcpdump checks the record header before anything else and prints
    // no time stamp or packet for a bad one (print.c: pretty_print_packet).
    constexpr std::uint32_t maximum_snaplen = 262144;
    // -#: tcpdump numbers every packet first, even one it calls invalid.
    std::string number;
    if (options_.number) {
        char b[24];
        std::snprintf(b, sizeof b, "%5lu  ", ++packets_);
        number = b;
    }
    std::string invalid;
    auto note = [&](const std::string& s) { invalid += (invalid.empty() ? "[Invalid header: " : ", ") + s; };
    if (caplen == 0) note("caplen==0");
    if (wirelen == 0) note("len==0");
    else if (wirelen < caplen) note("len(" + std::to_string(wirelen) + ") < caplen(" + std::to_string(caplen) + ")");
    if (caplen > maximum_snaplen) note("caplen(" + std::to_string(caplen) + ") > " + std::to_string(maximum_snaplen));
    if (wirelen > maximum_snaplen) note("len(" + std::to_string(wirelen) + ") > " + std::to_string(maximum_snaplen));
    if (!invalid.empty()) return number + invalid + "]\n";
    Decoded d = decode(dlt_, data, caplen, wirelen, decode_);
    std::string line = number + timestamp(sec, usec) + d.text;
    std::size_t skip = d.link_length;
    if (options_.hex_ascii > 0) {
        std::size_t from = options_.hex_ascii > 1 ? 0 : skip;
        line += hex_dump(data + from, caplen - from, true);
    } else if (options_.hex > 0) {
        std::size_t from = options_.hex > 1 ? 0 : skip;
        line += hex_dump(data + from, caplen - from, false);
    } else if (options_.ascii) {
        line += ascii_dump(data + skip, caplen - skip);
    }
    line += '\n';
    return line;
}

void Printer::print(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
                    std::uint32_t wirelen) {
    std::string line = format(sec, usec, data, caplen, wirelen);
    std::fwrite(line.data(), 1, line.size(), out_);
}

}  // namespace fcap::capture
