// The filter fcap attaches to its socket, built from the expression with
// fcap's own compiler.
//
// The expression is compiled for the capture file's link type (what
// libpcap's pcap_compile gives, and what -d prints).  For the socket it is
// then adapted to what the socket's filter sees (compiler/backend/cbpf/
// live_vlan.hpp: the VLAN tag in metadata, no cooked header), restricted to
// the directions -Q asks for, and lowered: classic BPF for SO_ATTACH_FILTER,
// or eBPF with per-CPU counters for SO_ATTACH_BPF.
#pragma once

#include "fcap/cbpf.hpp"
#include "capture/options.hpp"
#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"

#include "kernel/loader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::capture {

struct FilterRequest {
    std::string expression;
    int dlt = 0;            // the capture file's link type
    bool live = true;       // false for -r: no socket program
    bool load = true;       // false for -d: build the eBPF program, do not load it
    bool cooked = false;    // a SOCK_DGRAM socket (Linux cooked capture)
    Direction direction = Direction::inout;
    // On a loopback interface every packet passes twice (out, then in):
    // keep one copy, as libpcap does.  For "any", the loopback's index.
    bool loopback = false;
    int loopback_index = 0;
    std::uint32_t snaplen = 262144;
    Engine engine = Engine::cbpf;
};

struct KernelFilter {
    Engine engine = Engine::cbpf;
    // The expression for the file's link type, as libpcap compiles it:
    // run in user space for -r, and for live packets when `user_check`.
    std::vector<cbpf::Insn> file_program;
    // What SO_ATTACH_FILTER gets (classic engine).
    std::vector<cbpf::Insn> socket_program;
    // Some paths of the socket program accept without judging (bytes the
    // socket cannot read, such as the cooked header's link address): every
    // packet it delivers is judged again by file_program.
    bool user_check = false;
    std::string ebpf_listing;  // the eBPF program, for -d with --engine ebpf
    std::optional<ebpf::LoadedProgram> ebpf;
};

// Compiles and, for a live eBPF capture, loads.  Compile errors go to
// `sink` (with positions in the expression); other failures to *error,
// with *privilege set when the kernel refused for lack of CAP_BPF.
std::optional<KernelFilter> build_filter(const FilterRequest& request, diag::Sink& sink, std::string* error,
                                         bool* privilege);

// Restricts a program to packets of the requested direction (SKF_AD_PKTTYPE
// is PACKET_OUTGOING for sent packets), dropping loopback's second copy.
void restrict_direction(ir::Program& program, const FilterRequest& request);

// Whether the eBPF engine is built in.
bool have_ebpf();

}  // namespace fcap::capture
