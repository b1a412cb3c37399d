// What fcap says on standard error about a capture: tcpdump's three lines
// at the end, the eBPF counters, and the --stats-every line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fcap::capture {

struct CaptureCounts {
    std::uint64_t captured = 0;  // handed to the printer or the file
    std::uint64_t received = 0;  // accepted by the kernel filter (PACKET_STATISTICS tp_packets)
    std::uint64_t dropped = 0;   // no room in the ring (tp_drops)
};

struct EbpfCounts {
    std::uint64_t packets = 0, bytes = 0, matched_packets = 0, matched_bytes = 0;
};

// "12 packets captured\n12 packets received by filter\n0 packets dropped by kernel\n"
std::string final_report(const CaptureCounts& counts, const std::optional<EbpfCounts>& ebpf);

// One line: totals and the rates since the previous line.
std::string interval_report(const CaptureCounts& now, const CaptureCounts& before, double elapsed_seconds,
                            double interval_seconds);

}  // namespace fcap::capture
