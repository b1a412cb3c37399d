// fcc -r: run a filter over every packet of a capture file, and (with
// --expect) prove it gives libpcap's verdict on each.
#pragma once

#include "fcap/cbpf.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace fcap::replay {

struct Options {
    bool verbose = false;  // one line per packet
    bool expect = false;   // compare with libpcap's own program; differences fail
    std::uint32_t snaplen = 262144;  // libpcap's program's snaplen (its match value)
    std::uint32_t netmask = 0xffffffff;  // for libpcap's `ip broadcast`, as --netmask gave it
};

struct Report {
    std::size_t packets = 0;
    std::size_t matched = 0;
    std::size_t differences = 0;  // with libpcap, when expect
    int link_type = 0;
};

// Returns false (and says why on `err`) when the file cannot be read.
// `compile` builds the program for the file's link type.
bool run_cbpf(const std::string& path, const std::string& expression, const Options& options,
              const std::vector<cbpf::Insn>& program, std::ostream& out, std::ostream& err, Report& report);

}  // namespace fcap::replay
