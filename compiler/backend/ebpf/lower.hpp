// Lowers an IR program to eBPF, for the two places users attach filters.
//
// XDP: direct packet access with bounds checks; a load past the end
// rejects the packet (libpcap's rule, even under `not`); a match returns
// XDP_DROP and a miss XDP_PASS (swapped with `invert`).
//
// Socket filter (BPF_PROG_TYPE_SOCKET_FILTER, and valid as SCHED_CLS too,
// whose test runner replays packets from the Ethernet header as a raw
// socket sees them): packet bytes through LD_ABS/LD_IND, which end the
// program with 0 past the end (libpcap's rule again).  A match returns the
// program's own return value (the snaplen), a miss 0.
//
// Both carry the per-CPU counter map (program.hpp) and count every run.
#pragma once

#include "fcap/ebpf.hpp"
#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"

#include <optional>

namespace fcap::ebpf {

struct LowerOptions {
    bool invert = false;  // XDP: drop everything but the matches
    // Socket: judge a packet whose 802.1Q tag the kernel moved into skb
    // metadata (skb->vlan_present, on a live socket) as if the tag were
    // inline, as the capture file will hold it: offsets from 12 on shift by
    // 4, bytes 12..15 are vlan_proto and vlan_tci, and `len` counts the tag.
    // Only meaningful for Ethernet programs.
    bool vlan_metadata = true;
    // Linux's SKF_AD_* ancillary loads (`inbound`, `ifindex`, translated
    // cBPF) read the skb or xdp_md where the target has the field.  Off, they
    // reject the packet, as libpcap's bpf_filter does on a capture file, so
    // that replayed verdicts equal libpcap's; a live capture turns this on.
    bool ancillary = false;
    // A chain of at least this many equality tests of one value against
    // constants, all with one outcome (`src host A1 or ... or An`), becomes
    // one lookup in a hash map (Program::sets); 0 never.  The chain's first
    // test evaluates the value, so a packet too short for it is rejected
    // exactly as before (libpcap's rule).  Needs a loader that creates the
    // sets' maps (fxdp's); ELF objects cannot carry their contents.
    std::uint32_t lookup_sets = 0;
};

constexpr std::int32_t xdp_drop = 1, xdp_pass = 2;

// The number of headers protochain's walk may step over: a chain of the
// smallest (8-byte) headers across a 4 KiB frame.  A longer chain rejects
// the packet (libpcap walks on without a bound; the verifier wants one).
constexpr std::uint32_t protochain_steps = 512;

std::optional<Program> lower(const ir::Program& program, Target target, const LowerOptions& options,
                             diag::Sink& sink);

inline std::optional<Program> lower_xdp(const ir::Program& program, const LowerOptions& options, diag::Sink& sink) {
    return lower(program, Target::xdp, options, sink);
}
inline std::optional<Program> lower_socket(const ir::Program& program, diag::Sink& sink,
                                           const LowerOptions& options = {}) {
    return lower(program, Target::socket, options, sink);
}

}  // namespace fcap::ebpf
