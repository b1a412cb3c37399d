#include "fcc/ebpf_commands.hpp"

#include "api/compile_ir.hpp"
#include "backend/ebpf/convert.hpp"
#include "kernel/elf_writer.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/print.hpp"
#include "kernel/replay.hpp"
#include "reference/libpcap.hpp"
#include "io/capture_file.hpp"
#include "cbpf_import/cbpf_import.hpp"

#include <pcap/dlt.h>

#include <iostream>

namespace fcap::fcc {

int run_ebpf_command(const EbpfCommand& c) {
    ebpf::Target target = c.target == "xdp" ? ebpf::Target::xdp : ebpf::Target::socket;
    CompileOptions options = c.options;
    // A replay judges the capture's packets: compile for its link type.
    if (!c.replay_file.empty() && !c.from_cbpf) {
        std::string error;
        int dlt = capture_link_type(c.replay_file, &error);
        if (dlt < 0) {
            std::cerr << "fcc: error: cannot read " << c.replay_file << ": " << error << "\n";
            return 1;
        }
        options.dlt = dlt;
    }
    ebpf::LowerOptions lower_options;
    lower_options.invert = c.invert;
    lower_options.ancillary = c.ancillary;
    lower_options.vlan_metadata = c.from_cbpf || options.dlt == DLT_EN10MB;  // tags in metadata exist on Ethernet
    std::optional<ebpf::Program> code;
    diag::Sink sink;
    if (c.from_cbpf) {
        code = ebpf::from_cbpf(*c.from_cbpf, !options.optimize, target, lower_options, sink);
    } else {
        auto program = compile_to_ir(c.expression, options, sink);
        if (program) code = ebpf::lower(*program, target, lower_options, sink);
    }
    sink.print(std::cerr, "fcc", c.expression);
    if (!code) return 1;

    if (!c.output.empty()) {
        diag::Sink write_sink;
        bool written = ebpf::write_elf(*code, c.output, write_sink);
        write_sink.print(std::cerr, "fcc", c.expression);
        if (!written) return 1;
    }
    if (c.replay_file.empty()) {
        if (c.output.empty()) std::cout << ebpf::print(*code);
        return 0;
    }

    std::string why;
    if (!ebpf::can_load_bpf(&why)) {
        std::cerr << "fcc: error: cannot replay in the kernel: " << why << "\n";
        return 1;
    }
    std::string log;
    auto loaded = ebpf::load(*code, &log, true);  // a socket program as SCHED_CLS: it sees the Ethernet header
    if (!loaded) {
        std::cerr << "fcc: error: the kernel's verifier refused the " << c.target << " program:\n" << log;
        return 1;
    }
    // libpcap's verdicts: its own program for the expression, or the
    // imported classic program itself, run by bpf_filter.
    std::optional<std::vector<cbpf::Insn>> reference = c.from_cbpf;
    if (!reference) {
        std::string error;
        int dlt = capture_link_type(c.replay_file, &error);
        reference = fcap::reference::compile(c.expression, dlt, options.snaplen, &error, true, options.netmask);
        if (!reference && c.expect) {
            std::cerr << "fcc: error: libpcap refuses the expression (" << error << "); nothing to compare with\n";
            return 1;
        }
    }
    ebpf::ReplayOptions ro;
    ro.verbose = c.verbose;
    ro.invert = c.invert;
    ebpf::ReplayReport report;
    if (!ebpf::replay(*loaded, target, c.replay_file, reference ? &*reference : nullptr, ro, std::cout, std::cerr,
                      report))
        return 1;
    std::cout << c.replay_file << ": " << report.packets << " packets, " << report.matched << " matched ("
              << c.target << ", in the kernel)";
    if (report.not_run) std::cout << ", " << report.not_run << " not run (the kernel's test runner refused them)";
    if (reference) {
        std::cout << ", " << report.differ << " differ from libpcap";
        if (report.truncated_len)
            std::cout << " (" << report.truncated_len << " of them truncated packets, whose length the kernel "
                      << "takes as the captured one)";
    }
    std::cout << "\n";
    if (report.counters) {
        const auto& k = *report.counters;
        std::cout << "counters (summed over CPUs): " << k.packets << " packets, " << k.bytes << " bytes, "
                  << k.matched_packets << " matched, " << k.matched_bytes << " matched bytes\n";
        if (k.packets != report.run || k.matched_packets != report.matched)
            std::cerr << "fcc: warning: the counters disagree with the verdicts (" << report.run << " run, "
                      << report.matched << " matched)\n";
    }
    if (report.seconds > 1)
        std::cerr << "fcc: " << long(double(report.packets) / report.seconds) << " packets a second\n";
    return c.expect && report.differ ? 1 : 0;
}

}  // namespace fcap::fcc
