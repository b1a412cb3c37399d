#include "capture/report.hpp"

#include <cstdio>

namespace fcap::capture {

namespace {

std::string plural(std::uint64_t n, const char* what) {
    return std::to_string(n) + (n == 1 ? " packet " : " packets ") + what + "\n";
}

}  // namespace

std::string final_report(const CaptureCounts& c, const std::optional<EbpfCounts>& ebpf) {
    std::string s = plural(c.captured, "captured") + plural(c.received, "received by filter") +
                    plural(c.dropped, "dropped by kernel");
    if (ebpf) {
        s += "eBPF filter counters (summed over CPUs): " + std::to_string(ebpf->packets) + " packets seen (" +
             std::to_string(ebpf->bytes) + " bytes), " + std::to_string(ebpf->matched_packets) + " matched (" +
             std::to_string(ebpf->matched_bytes) + " bytes)\n";
    }
    return s;
}

std::string interval_report(const CaptureCounts& now, const CaptureCounts& before, double elapsed,
                            double interval) {
    auto rate = [&](std::uint64_t a, std::uint64_t b) { return interval > 0 ? double(a - b) / interval : 0.0; };
    char s[256];
    std::snprintf(s, sizeof s,
                  "fcap: %.1f s: %llu captured (%.0f/s), %llu received by filter (%.0f/s), %llu dropped by kernel "
                  "(%.0f/s)\n",
                  elapsed, (unsigned long long)now.captured, rate(now.captured, before.captured),
                  (unsigned long long)now.received, rate(now.received, before.received),
                  (unsigned long long)now.dropped, rate(now.dropped, before.dropped));
    return s;
}

}  // namespace fcap::capture
