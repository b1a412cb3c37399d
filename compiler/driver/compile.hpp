// The compiler library's public entry points: expression text in, IR or
// classic BPF out.  fcc, fcap, fxdp, the tests and the benchmarks all come
// through here.
#pragma once

#include "diag/diagnostics.hpp"
#include "ir/ir.hpp"

#include "backend/cbpf/insn.hpp"

#include <pcap/dlt.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fcap {

struct CompileOptions {
    int dlt = DLT_EN10MB;              // link type (DLT_EN10MB, DLT_RAW, DLT_LINUX_SLL, ...)
    std::uint32_t snaplen = 262144;    // the value a match returns, as libpcap's programs do
    bool optimize = true;              // -O0 turns the optimizer off
    // The capture network's netmask, host byte order, as tcpdump passes the
    // interface's to pcap_compile; 0xffffffff (PCAP_NETMASK_UNKNOWN) refuses
    // `ip broadcast`, its only user.
    std::uint32_t netmask = 0xffffffff;
    // Passes after which to print the IR to `trace` (--dump-after=PASS; "all").
    std::vector<std::string> dump_after;
    std::string* trace = nullptr;
    bool kernel_limit_is_error = false;
};

// parse -> sema -> (optimizer): the IR of `expression`.  Errors go to `sink`
// with positions in `expression`; returns nullopt after any error.
std::optional<ir::Program> compile_to_ir(std::string_view expression, const CompileOptions& options,
                                         diag::Sink& sink);

// ... -> classic BPF, as pcap_compile would produce (a match returns the
// snaplen, a miss 0).  Refuses, like libpcap, a program that rejects every
// packet when optimizing.  A program past the kernel's 4096 instructions is
// a warning, or an error when `kernel_limit_is_error` (fcap attaching it).
std::optional<std::vector<cbpf::Insn>> compile_cbpf(std::string_view expression, const CompileOptions& options,
                                                  diag::Sink& sink);

// Joins command-line words into one expression, as tcpdump does.
std::string join_words(const std::vector<std::string>& words);

}  // namespace fcap
