// Classic BPF to eBPF one instruction at a time, in the shape of the
// kernel's own converter (net/core/filter.c, bpf_convert_filter): A, X and
// M[0..15] keep fixed places (r8, r7 and the stack), every classic
// instruction becomes a short fixed sequence, and nothing is carried,
// merged or moved.  Packet loads, which the kernel runs as a call to
// bpf_skb_load_helper_* per load, stay LD_ABS/LD_IND in a socket program and
// become a call to bpf_xdp_load_bytes per load in XDP.  This is
// `fcc -O0 --from-cbpf`: what the kernel itself runs for a classic filter,
// the baseline the XDP benchmark measures fcc's code against.
//
// The verdicts are bpf_filter's (the reference, not the kernel's converter,
// where they differ): a load past the end or a division by X = 0 rejects,
// a shift by X >= 32 gives 0, an index sum is not truncated.  SKF_AD_*
// loads follow LowerOptions::ancillary as the IR lowering does; a socket
// program reads a packet as the kernel presents it (no VLAN remapping).
#pragma once

#include "fcap/cbpf.hpp"
#include "backend/ebpf/lower.hpp"

#include <optional>
#include <vector>

namespace fcap::ebpf {

// How XDP reads packet bytes: a bpf_xdp_load_bytes call per load (the
// kernel's shape, -O0), or direct access with its own bounds check per load
// (what the benchmark also measures, to show what the calls cost).
enum class XdpLoads { call, direct };

// `program` must have passed cbpf_import::check().  Backward jumps (the
// protochain loops libpcap writes) are not converted: the verifier cannot
// bound them; cbpf_import::translate folds those into a bounded walk.
std::optional<Program> convert_cbpf(const std::vector<cbpf::Insn>& program, Target target,
                                    const LowerOptions& options, diag::Sink& sink,
                                    XdpLoads loads = XdpLoads::call);

}  // namespace fcap::ebpf
