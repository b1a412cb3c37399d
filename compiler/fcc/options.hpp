// fcc's command line: every option in one struct, parsed by CLI11 from a
// table (options.cpp), and which of them the user actually gave, so that a
// mode can refuse what it would otherwise ignore.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fcap::fcc {

struct Options {
    std::vector<std::string> words;  // the expression, joined as tcpdump joins them
    std::string filter_file;         // -F
    std::string expression;          // from the words or -F
    int listing = 1;                 // -d 1, -dd 2, -ddd 3
    bool no_optimize = false;        // -O0
    std::uint32_t snaplen = 262144;  // -s
    std::string dlt_name = "EN10MB";  // --dlt
    std::uint32_t netmask = 0xffffffff;  // --netmask A.B.C.D, host order (unknown: `ip broadcast` is refused)
    bool dump_ast = false, dump_ir = false;
    std::vector<std::string> dump_after;  // --dump-after=PASS,...
    std::string target = "cbpf";     // --target cbpf|socket|xdp
    bool invert = false;             // --invert (xdp)
    bool ancillary = false;          // --ancillary (socket, xdp)
    std::string from_cbpf;           // --from-cbpf FILE|-
    std::string output;              // -o
    std::string replay_file;         // -r
    bool verbose = false;            // -v
    bool expect = false;             // --expect

    std::set<std::string> given;     // the options the user gave, by their table name ("-r", "--dlt", ...)
    bool has(const std::string& name) const { return given.count(name) != 0; }
};

// Parses argv into `options`.  nullopt when parsing is done and fcc should
// go on; otherwise the exit status (help and version: 0, a usage error: 2,
// printed with a hint).
std::optional<int> parse_options(int argc, char** argv, Options& options);

// A usage error: the message, a pointer to --help (`command`'s), exit status 2.
int usage_error(const std::string& message, const std::string& command = "fcc");

}  // namespace fcap::fcc
