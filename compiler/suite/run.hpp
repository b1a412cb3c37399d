// Runs a suite: every case on every target, each expectation checked
// packet by packet, and what was observed kept for --update.
#pragma once

#include "suite/suite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::suite {

enum class Outcome { ok, fail, skip };

// One case on one target.
struct Result {
    std::string case_name;
    Target target = Target::libpcap;
    Outcome outcome = Outcome::ok;
    std::string reason;                 // skip: why
    std::vector<std::string> failures;  // fail: what differed, a line each
    std::string note;                   // ok: something worth saying (packets the kernel did not run)
    double seconds = 0;
};

// A packet as a failure shows it: its number in its file and the first
// bytes.  fcap -r FILE -# decodes it fully.
struct PacketInfo {
    std::string file;
    std::uint64_t number = 0;  // in its file, from 1
    std::uint32_t caplen = 0, len = 0;
    std::vector<std::uint8_t> head;
};
std::string summary(const PacketInfo& packet);

// What one case gave on the first target that ran it, for --update.
struct Observation {
    std::size_t case_index = 0;
    std::vector<int> verdicts;          // 1 match, 0 no match, -1 not run (kernel)
    std::vector<PacketInfo> packets;
};

struct RunOptions {
    std::string name_filter;       // -k: only cases whose name contains it
    bool require_kernel = false;   // a kernel target that cannot run fails instead of skipping
    unsigned jobs = 1;             // -j: cases run at once (the report keeps the suite's order)
};

std::vector<Result> run(const Suite& suite, const RunOptions& options, std::vector<Observation>* observed);

// One snapshot line per packet: "FILE #N match" / "FILE #N no match".
std::string snapshot_text(const Observation& observation);

}  // namespace fcap::suite
