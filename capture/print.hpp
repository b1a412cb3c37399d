// Prints packets as tcpdump does: a timestamp in the chosen format, the
// decoder's line, and with -x/-xx/-X/-XX/-A the bytes.
#pragma once

#include "capture/decode.hpp"
#include "capture/options.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

namespace fcap::capture {

class Printer {
public:
    Printer(std::FILE* out, int dlt, const Options& options);

    // `usec` is the fraction of the second: microseconds, or nanoseconds
    // under --time-stamp-precision nano (options.nano).
    void print(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
               std::uint32_t wirelen);

    // The line for one packet, newline included (what print() writes).
    std::string format(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
                       std::uint32_t wirelen);

    std::string timestamp(std::int64_t sec, std::int64_t usec);

private:
    std::FILE* out_;
    int dlt_;
    Options options_;  // a copy: a printer may outlive the options it was given
    DecodeOptions decode_;
    TcpConversations conversations_;
    IsakmpInitiators isakmp_;
    bool have_first_ = false;
    unsigned long packets_ = 0;  // for -#
    // Seconds and microseconds apart, as the file has them (tcpdump does
    // not normalize a fraction of a million or more, neither do we).
    std::int64_t first_sec_ = 0, first_usec_ = 0, previous_sec_ = 0, previous_usec_ = 0;
};

// "\t0x0000:  4500 0028 ..." lines, 16 bytes each; with `ascii` the bytes
// as text beside them (-X).  Each line begins with a newline.
std::string hex_dump(const std::uint8_t* data, std::size_t size, bool ascii);
// -A: the bytes as text after a newline, non-printing ones as '.'.
std::string ascii_dump(const std::uint8_t* data, std::size_t size);

}  // namespace fcap::capture
