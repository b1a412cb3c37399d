// fcc's eBPF targets (`--target socket|xdp`): print the program, write it
// as an ELF object (-o), or replay a capture through it in the kernel (-r),
// from an expression or from an imported classic program (--from-cbpf).
#pragma once

#include "fcap/cbpf.hpp"
#include "fcap/compiler.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fcap::fcc {

struct EbpfCommand {
    std::string target = "xdp";  // "socket" or "xdp"
    std::string expression;      // the filter, unless from_cbpf
    std::optional<std::vector<cbpf::Insn>> from_cbpf;  // a checked classic program to translate instead
    CompileOptions options;      // link type, snaplen; optimize off (-O0) translates cBPF one to one
    bool invert = false;         // XDP: drop everything but the matches
    bool ancillary = false;      // read SKF_AD_* data from the skb / xdp_md (live use)
    std::string output;          // -o: ELF object
    std::string replay_file;     // -r: capture to run in the kernel
    bool verbose = false;        // -v: a line per packet
    bool expect = false;         // --expect: exit 1 on any difference from libpcap
};

// Exit status: 0, or 1 after an error (printed on stderr) or, with
// --expect, a verdict that differs from libpcap's.
int run_ebpf_command(const EbpfCommand& command);

}  // namespace fcap::fcc
