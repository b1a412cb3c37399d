// fcap's compiler library: tcpdump / pcap-filter(7) expressions to classic
// BPF and to eBPF socket-filter and XDP programs, with libpcap's verdict on
// every packet.  This header (and the three it includes) is the whole public
// API; `find_package(fcap)` gives the imported target `fcap::fcap`.
//
//     fcap::diag::Sink sink;
//     fcap::CompileOptions options;               // Ethernet, optimizer on
//     auto code = fcap::compile_cbpf("tcp and dst port 7070", options, sink);
//     if (!code) { sink.print(std::cerr, "myprog", expression); return 1; }
//     std::cout << fcap::format_cbpf(*code, 1);   // what tcpdump -d prints
//
//     auto xdp = fcap::compile_ebpf("tcp and dst port 7070", options, {fcap::ebpf::Target::xdp}, sink);
//     fcap::write_object(*xdp, "filter.o", sink); // ip link set dev eth0 xdp obj filter.o sec xdp
//
// Every function reports errors into `sink` (message, position in the
// expression, hint) and returns nullopt/false after one; none throws for bad
// input.
#pragma once

#include "fcap/cbpf.hpp"
#include "fcap/diagnostics.hpp"
#include "fcap/ebpf.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fcap {

struct CompileOptions {
    int dlt = 1;                       // link type, a DLT_* value (1 = DLT_EN10MB, 12 = DLT_RAW, 113 = DLT_LINUX_SLL, ...)
    std::uint32_t snaplen = 262144;    // the value a match returns, as libpcap's programs do
    bool optimize = true;              // false: -O0, the optimizer off
    // The capture network's netmask, host byte order, as tcpdump passes the
    // interface's to pcap_compile; 0xffffffff (libpcap's PCAP_NETMASK_UNKNOWN)
    // refuses `ip broadcast`, its only user.
    std::uint32_t netmask = 0xffffffff;
    // Passes after which to print the IR to `trace` (--dump-after=PASS; "all").
    std::vector<std::string> dump_after;
    std::string* trace = nullptr;
    bool kernel_limit_is_error = false;  // a classic program over 4096 instructions is an error, not a warning
};

// Expression -> classic BPF, as pcap_compile would produce it (a match
// returns the snaplen, a miss 0).  Refuses, like libpcap, a program that
// rejects every packet when optimizing.  A program past the kernel's 4096
// instructions is a warning, or an error with `kernel_limit_is_error`.
std::optional<std::vector<cbpf::Insn>> compile_cbpf(std::string_view expression, const CompileOptions& options,
                                                  diag::Sink& sink);

// tcpdump's listings: level 1 `-d` (`(000) ldh [12]`), 2 `-dd` (C array),
// 3 `-ddd` (decimal, the form SO_ATTACH_FILTER users paste).
std::string format_cbpf(const std::vector<cbpf::Insn>& program, int level);

// What an eBPF program is for and how it answers.
struct EbpfOptions {
    ebpf::Target target = ebpf::Target::xdp;
    bool invert = false;     // XDP: drop everything but the matches
    bool ancillary = false;  // read Linux's SKF_AD_* data (inbound, ifindex, ...) from the packet's metadata
                             // (live use); off, such loads reject the packet as libpcap does on a capture file
    // Long disjunctions of tests on one field (`src host A1 or ... or An`,
    // `dst port P1 or dst port P2 ...`; networks of several prefix lengths)
    // as one lookup in a hash map or an LPM trie (Program::sets).  The
    // program then needs a loader that fills those maps (fxdp's); no ELF
    // object can carry them, so write_object refuses such a program.
    bool lookup_sets = false;
};

// Expression -> eBPF (socket filter or XDP) with a per-CPU counter map.
std::optional<ebpf::Program> compile_ebpf(std::string_view expression, const CompileOptions& options,
                                          const EbpfOptions& ebpf_options, diag::Sink& sink);

// A classic program (checked as the kernel does) -> eBPF.  `straight`
// converts it one instruction at a time as the kernel's own converter does;
// otherwise it goes through fcc's optimizer.
std::optional<ebpf::Program> ebpf_from_cbpf(const std::vector<cbpf::Insn>& program, bool straight,
                                            const EbpfOptions& ebpf_options, diag::Sink& sink);

// An ELF object that libbpf, bpftool, `ip link ... xdp obj` and xdp-loader
// load.  Written to a temporary file and renamed: never half-written.
bool write_object(const ebpf::Program& program, const std::string& path, diag::Sink& sink);

// The eBPF program as text, one instruction a line.
std::string format_ebpf(const ebpf::Program& program);

// Joins command-line words into one expression, as tcpdump does.
std::string join_words(const std::vector<std::string>& words);

// The expression in a filter file's text, as tcpdump -F reads it: '#' starts
// a comment that runs to the end of its line; line breaks and tabs are blanks.
std::string expression_from_file_text(std::string_view text);

}  // namespace fcap
