// Replay: a loaded eBPF program run in the kernel (BPF_PROG_TEST_RUN) on
// every packet of a pcap or pcapng file, each verdict held against
// libpcap's (bpf_filter on a classic program) when one is given.
//
// What the kernel's test runners see (Linux 6.x):
//   * XDP: the captured bytes as the whole frame, 14 bytes at least and at
//     most about 3,500 (a page less headroom and tailroom);
//   * a socket program, loaded as SCHED_CLS: an skb that starts at the
//     Ethernet header, as a raw socket's does; the runner refuses IPv4
//     frames under 34 bytes, IPv6 frames under 54, and frames past a page.
// A packet a runner refuses has no kernel verdict: it is reported, line by
// line, never skipped silently.  A truncated packet (caplen < len) is run
// with its captured bytes, so `len` there is the captured length while
// libpcap's is the wire length; a verdict that differs because of it says
// so.
#pragma once

#include "fcap/cbpf.hpp"
#include "kernel/loader.hpp"

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace fcap::ebpf {

struct ReplayOptions {
    bool verbose = false;   // a line for every packet, not only for the noteworthy ones
    bool invert = false;    // XDP: the program drops the misses (a match is XDP_PASS)
    bool progress = true;   // long runs show a packet count on `err`
};

struct ReplayReport {
    int link_type = -1;
    std::size_t packets = 0;      // read from the file
    std::size_t run = 0;          // run in the kernel
    std::size_t matched = 0;      // of those, matched
    std::size_t not_run = 0;      // refused by the kernel's test runner
    std::size_t differ = 0;       // kernel and libpcap disagree
    std::size_t truncated_len = 0;  // of those, on truncated packets (len is caplen in the kernel)
    std::optional<Counters> counters;  // the program's map after the run, summed over CPUs
    double seconds = 0;
};

// Runs `program` on every packet of `path`.  `reference`, if given, is a
// classic program whose bpf_filter verdict each kernel verdict must equal.
// Lines go to `out` (per packet: every one with `verbose`, else those that
// differ or were not run); false (and why, on `err`) when the file cannot
// be read.
bool replay(const LoadedProgram& program, Target target, const std::string& path,
            const std::vector<cbpf::Insn>* reference, const ReplayOptions& options, std::ostream& out,
            std::ostream& err, ReplayReport& report);

}  // namespace fcap::ebpf
