// The eBPF backends for the differential harness (diff/oracle.hpp): fcc's
// programs, and libpcap's own classic programs translated (--from-cbpf),
// run in the kernel with BPF_PROG_TEST_RUN, a socket program as SCHED_CLS
// (whose runner starts at the Ethernet header, as a raw socket does).
#pragma once

#include "fcap/ebpf.hpp"
#include "diff/oracle.hpp"

#include <cstddef>
#include <string>

namespace fcap::test {

// What the kernel runs came to, over every call of a backend.
struct KernelStats {
    std::size_t run = 0;            // packets the kernel judged
    std::size_t refused_frame = 0;  // frames its test runner would not take (size, type)
    std::size_t len_on_truncated = 0;  // not compared: the kernel's `len` is the captured length
    std::size_t checker_refused = 0;   // --from-cbpf: programs the kernel's classic checker refuses
    std::string counter_errors;        // counter sums that disagreed with the verdicts
};

// fcc's IR lowered for `target`.
Backend ebpf_backend(ebpf::Target target, KernelStats& stats);

// libpcap's optimized program (pcap_compile), checked and translated as
// `fcc --from-cbpf` does, one to one when `straight` (-O0).
Backend from_cbpf_backend(ebpf::Target target, bool straight, KernelStats& stats);

}  // namespace fcap::test
