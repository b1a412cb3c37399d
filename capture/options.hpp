// Everything fcap's command line can ask for, as main.cpp's option table
// fills it in.  Names follow tcpdump's options.
#pragma once

#include <cstdint>
#include <string>

namespace fcap::capture {

enum class Engine { cbpf, ebpf };

// -Q: which directions a live capture keeps.
enum class Direction { inout, in, out };

// -t (none), default (time of day), -tt (epoch), -ttt (since the previous
// packet), -tttt (date and time), -ttttt (since the first packet).
enum class TimeFormat { none, time_of_day, epoch, delta, date, since_first };

struct Options {
    // What to do
    std::string interface;  // -i: a name, an index, or "any"; empty: the first interface up
    std::string link_type;  // -y: LINUX_SLL or LINUX_SLL2 for a cooked capture; "" the default
    std::string read_file;  // -r
    std::string write_file; // -w ("-" for standard output)
    bool list_interfaces = false;  // -D
    bool list_link_types = false;  // -L: the link types -y can choose for the interface
    int dump_level = 0;            // -d, -dd, -ddd: print the program and exit
    std::string expression;

    // Capture
    std::int64_t count = -1;      // -c: stop after this many packets
    std::uint32_t snaplen = 262144;  // -s (0 means the default, as tcpdump)
    bool promiscuous = true;      // -p turns it off
    Direction direction = Direction::inout;
    std::uint64_t buffer_bytes = 4u << 20;  // -B (KiB on the command line)
    Engine engine = Engine::cbpf;
    double stats_every = 0;  // --stats-every SECONDS; 0: off
    bool immediate = false;  // --immediate-mode: the kernel hands packets over at once
    bool nano = false;       // --time-stamp-precision nano (--nano): nanosecond time stamps
    std::string user;        // -Z: whom to become once the socket and input are open

    // Writing (-w), as tcpdump rotates it
    std::int64_t rotate_bytes = 0;  // -C, in bytes (the option counts millions): a new file past it
    int rotate_seconds = 0;         // -G: a new file every SECONDS; the name is a strftime(3) pattern
    int file_count = 0;             // -W: with -C a ring of N files, with -G only: stop after N files
    bool print_too = false;         // --print: print the packets while writing them

    // Output
    int numeric = 0;        // -n / -nn: no port names (hosts are never looked up)
    int no_domain = 0;      // -N: no effect, no host name is ever printed (see fcap.1)
    bool link_header = false;  // -e
    int hex = 0;            // -x / -xx
    int hex_ascii = 0;      // -X / -XX
    bool ascii = false;     // -A
    bool quiet = false;     // -q
    bool absolute_tcp = false;  // -S: TCP sequence numbers as they are
    int verbose = 0;        // -v
    bool dont_verify_checksums = false;  // -K
    TimeFormat time = TimeFormat::time_of_day;
    bool packet_buffered = false;  // -U: flush the file after every packet
    bool line_buffered = false;    // -l
    bool number = false;           // -#: each packet's number first
    bool count_only = false;       // --count: print how many packets matched, nothing else
};

// The values of the options tcpdump checks itself, with its messages
// ("invalid file size 1k"); each false (and *error) on a bad value.
bool parse_file_size(const std::string& text, std::int64_t* bytes, std::string* error);        // -C
bool parse_file_count(const std::string& text, int* count, std::string* error);               // -W
bool parse_rotate_seconds(const std::string& text, int* seconds, std::string* error);         // -G
bool parse_time_stamp_precision(const std::string& text, bool* nano, std::string* error);     // --time-stamp-precision

}  // namespace fcap::capture
