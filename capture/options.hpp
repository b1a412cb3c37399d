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

    // Output
    int numeric = 0;        // -n / -nn: no port names (hosts are never looked up)
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

}  // namespace fcap::capture
