// A test suite: filters, the captures they run over and what each must
// give, read from a TOML file that people write and review by hand.
//
//     link_type = "EN10MB"             # defaults, at the top
//     targets = ["libpcap", "cbpf", "xdp"]
//     pcap_dir = "../../tests/pcaps"
//     [filters]
//     web = "tcp port 80 or tcp port 443"
//     [[case]]
//     name = "web traffic"
//     use = "web"                      # or filter = "...", filter_file = "x.filter"
//     pcaps = ["ethernet_mix.pcap"]
//     count = 12                       # and/or packets, same_as_libpcap, same_as, snapshot, error
//
// Reading checks the whole file before anything runs: a wrong key, a wrong
// type or a missing filter is an error with its file:line:col.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fcap::suite {

// Where a verdict comes from: libpcap (pcap_compile + bpf_filter), fcc's
// classic program under bpf_filter, or fcc's eBPF run in the kernel.
enum class Target { libpcap, cbpf, socket, xdp };
const char* name(Target target);
bool is_kernel(Target target);

struct Position {
    int line = 0, column = 0;  // 1-based; 0 when absent
};

// Packet numbers counted from 1 over the case's captures in order, as
// tcpdump -# numbers one file.  "1-5, 9" -> {1,2,3,4,5,9}.
std::optional<std::vector<std::uint64_t>> parse_packet_list(const std::string& text, std::string* why);
std::string format_packet_list(const std::vector<std::uint64_t>& numbers);

struct Case {
    std::string name;
    Position header;                  // the [[case]] line
    std::string filter;               // the expression itself
    std::string filter_source;        // how the suite gave it, for messages ("filter", "use = web", "x.filter")
    std::vector<std::string> pcaps;   // resolved paths, globs expanded, in order
    std::vector<Target> targets;
    int dlt = -1;                     // the suite's link_type; -1: each capture's own

    // Expectations; a case has at least one.
    std::optional<std::uint64_t> count;
    std::optional<std::vector<std::uint64_t>> packets;
    bool same_as_libpcap = false;
    std::optional<std::string> same_as;         // an expression (a named filter resolved)
    std::optional<std::string> snapshot;        // resolved path of the verdict file
    std::optional<std::string> error;           // compiling must fail with this in the message

    // Where the expectations sit in the file, for --update (0: absent).
    Position count_at, packets_at;
};

struct Suite {
    std::string path;
    std::uint32_t snaplen = 262144;
    std::vector<Case> cases;
};

// Reads and checks a suite.  Errors go to `err` as "FILE:LINE:COL: error:
// ..." lines; nullopt after any.  `for_update` lets a case expect nothing
// yet (--update fills it in).
std::optional<Suite> read(const std::string& path, std::ostream& err, bool for_update = false);

}  // namespace fcap::suite
