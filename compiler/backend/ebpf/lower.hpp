// Lowers an IR program to eBPF.  This first part covers XDP: direct packet
// access with bounds checks, where a load past the end rejects the packet
// (libpcap's rule, even under `not`), a match returns XDP_DROP and a miss
// XDP_PASS (swapped with `invert`).
#pragma once

#include "backend/ebpf/program.hpp"
#include "diag/diagnostics.hpp"
#include "ir/ir.hpp"

#include <optional>

namespace fcap::ebpf {

struct LowerOptions {
    bool invert = false;  // XDP: drop everything but the matches
};

constexpr std::int32_t xdp_drop = 1, xdp_pass = 2;

std::optional<Program> lower_xdp(const ir::Program& program, const LowerOptions& options, diag::Sink& sink);

// A socket filter (BPF_PROG_TYPE_SOCKET_FILTER, loadable as SCHED_CLS too):
// packet bytes through the kernel's LD_ABS/LD_IND, which end the program
// with 0 past the end: libpcap's rule, the packet rejected.  A match
// returns the snaplen, a miss 0.
std::optional<Program> lower_socket(const ir::Program& program, diag::Sink& sink);

}  // namespace fcap::ebpf
