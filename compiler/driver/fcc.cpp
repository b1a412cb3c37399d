#include "driver/fcc.hpp"

#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "driver/compile.hpp"
#include "driver/replay.hpp"
#ifdef FCAP_HAVE_EBPF
#include "backend/ebpf/elf_writer.hpp"
#include "backend/ebpf/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/print.hpp"
#endif
#include "parse/parse.hpp"
#include "sema/link_layer.hpp"

#include <CLI/CLI.hpp>
#include <pcap/pcap.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fcap::fcc {

namespace {

const char* examples = R"(examples:
  fcc -d 'tcp and dst port 7070'            tcpdump -d listing
  fcc -ddd -- 'icmp[icmptype] = icmp-echo'  tcpdump -ddd form, for --from-cbpf or SO_ATTACH_FILTER
  fcc --dlt LINUX_SLL -d 'ip6 and udp'       for a Linux cooked capture (-i any)
  fcc --dump-ir 'vlan 10 and host 10.0.0.1'  the IR after optimization
  fcc -O0 -d 'port 53'                       without the optimizer
  fcc -- '-1 + ip[0] = 4'                    an expression that begins with '-'
  fcc -r tests/pcaps/ethernet.pcap --expect 'vlan and tcp'
                                              prove the verdicts on a capture equal libpcap's
)";

}  // namespace

#ifdef FCAP_HAVE_EBPF
// --target socket|xdp: print the program, or run it over a capture in the
// kernel (BPF_PROG_TEST_RUN; a socket program as SCHED_CLS, which sees the
// Ethernet header as a raw socket does) and compare with libpcap.
static int ebpf_command(const std::string& target, const std::string& expression, CompileOptions options,
                        bool invert, const std::string& replay_file, const std::string& output, bool verbose,
                        diag::Sink& sink, std::optional<ir::Program> program = std::nullopt) {
    bool xdp = target == "xdp";
    if (!program) program = compile_to_ir(expression, options, sink);
    sink.print(std::cerr, "fcc", expression);
    if (!program) return 1;
    diag::Sink lower_sink;
    auto code = xdp ? ebpf::lower_xdp(*program, {invert}, lower_sink) : ebpf::lower_socket(*program, lower_sink);
    lower_sink.print(std::cerr, "fcc", expression);
    if (!code) return 1;
    if (!output.empty()) {
        diag::Sink write_sink;
        bool written = ebpf::write_elf(*code, output, write_sink);
        write_sink.print(std::cerr, "fcc", expression);
        if (!written) return 1;
        if (replay_file.empty()) return 0;
    }
    if (replay_file.empty()) {
        std::cout << ebpf::print(*code);
        return 0;
    }
    std::string log;
    auto loaded = ebpf::load(*code, &log, true);
    if (!loaded) {
        std::cerr << "fcc: error: the kernel refused the " << target << " program:\n" << log;
        return 1;
    }
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(replay_file.c_str(), errbuf);
    if (p == nullptr) {
        std::cerr << "fcc: error: cannot read " << replay_file << ": " << errbuf << "\n";
        return 1;
    }
    bpf_program reference{};
    bool have_reference =
        !expression.empty() && pcap_compile(p, &reference, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
    pcap_pkthdr* h;
    const u_char* bytes;
    std::size_t packets = 0, matched = 0, differ = 0, not_run = 0;
    std::int32_t match_action = invert ? ebpf::xdp_pass : ebpf::xdp_drop;
    while (pcap_next_ex(p, &h, &bytes) == 1) {
        ++packets;
        auto r = ebpf::test_run(*loaded, bytes, h->caplen);
        if (!r || h->caplen > 3500) {
            // The kernel's test runners take about 14 (XDP) or 34/54 (skb)
            // to 3,500 bytes.
            ++not_run;
            if (verbose) std::cout << packets << ": not run (caplen " << h->caplen << ")\n";
            continue;
        }
        bool ours = xdp ? *r == std::uint32_t(match_action) : *r != 0;
        matched += ours;
        bool theirs = have_reference && bpf_filter(reference.bf_insns, bytes, h->len, h->caplen) != 0;
        bool differs = have_reference && ours != theirs;
        differ += differs;
        if (verbose || differs)
            std::cout << packets << ": " << (ours ? "match" : "no match") << (differs ? "  DIFFERS from libpcap" : "")
                      << "\n";
    }
    if (have_reference) pcap_freecode(&reference);
    pcap_close(p);
    if (auto c = ebpf::read_counters(*loaded))
        std::cout << "counters (summed over CPUs): " << c->packets << " packets, " << c->bytes << " bytes, "
                  << c->matched_packets << " matched, " << c->matched_bytes << " matched bytes\n";
    std::cout << replay_file << ": " << packets << " packets, " << matched << " matched (" << target << ", in the kernel), "
              << not_run << " not run, "
              << (have_reference ? std::to_string(differ) + " differ from libpcap" : std::string("no expression to compare"))
              << "\n";
    return differ ? 1 : 0;
}
#endif

int main(int argc, char** argv) {
    CLI::App app{"fcc: compile tcpdump / pcap-filter(7) expressions to classic BPF and eBPF"};
    app.footer(examples);
    int dump_level = 0;
    bool d1 = false, d2 = false, d3 = false, no_opt = false, dump_ast = false, dump_ir = false;
    std::uint32_t snaplen = 262144;
    std::string dlt_name = "EN10MB", file;
    std::vector<std::string> dump_after, words;
    app.add_flag("-d", d1, "print the program as tcpdump -d does");
    app.add_flag("--dd,-D", d2, "print the program as tcpdump -dd does (C array)");
    app.add_flag("--ddd", d3, "print the program as tcpdump -ddd does (decimal)");
    app.add_flag("--O0", no_opt, "turn the optimizer off");
    app.add_option("-s,--snaplen", snaplen, "the value a match returns (default 262144)");
    app.add_option("--dlt,-y", dlt_name, "link type: EN10MB (default), RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2");
    app.add_option("-F", file, "read the expression from FILE");
    app.add_flag("--dump-ast", dump_ast, "print the syntax tree");
    app.add_flag("--dump-ir", dump_ir, "print the IR after optimization");
    std::string dump_after_list;
    app.add_option("--dump-after", dump_after_list, "print the IR after PASS,PASS... (sema, a pass name, or all)");
    std::string target = "cbpf";
    bool invert = false;
    app.add_option("--target", target,
                   "cbpf (default), socket or xdp: the eBPF targets print assembly; with -r they run in the kernel")
        ->check(CLI::IsMember({"cbpf", "socket", "xdp"}));
    app.add_flag("--invert", invert, "xdp: drop everything but the matches (default: drop the matches)");
    std::string replay_file, output, from_cbpf;
    app.add_option("--from-cbpf", from_cbpf,
                   "read a classic BPF program (tcpdump -ddd or -dd text; - for stdin), check it as the kernel "
                   "does, and translate it for --target socket|xdp");
    bool verbose = false, expect = false;
    app.add_option("-o", output, "socket/xdp: write an ELF object (libbpf, bpftool, ip link xdp obj)");
    app.add_option("-r", replay_file, "run the filter over every packet of a pcap/pcapng file");
    app.add_flag("-v", verbose, "with -r: one line per packet");
    app.add_flag("--expect", expect, "with -r: compare every verdict with libpcap's; exit 1 on any difference");
    app.add_option("expression", words, "the filter expression (words are joined with spaces)");

    // tcpdump spells them -dd, -ddd and -O0; CLI11 wants long options for
    // multi-letter names, so rewrite those words before parsing.
    std::vector<std::string> args;
    bool rest = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (!rest) {
            if (a == "--") rest = true;
            else if (a == "-dd") a = "--dd";
            else if (a == "-ddd") a = "--ddd";
            else if (a == "-O0") a = "--O0";
        }
        args.push_back(std::move(a));
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
        app.parse(std::move(args));
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    dump_level = d3 ? 3 : d2 ? 2 : 1;

    std::string expression;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) {
            std::cerr << "fcc: error: cannot read " << file << "\n";
            return 2;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        expression = ss.str();
        for (auto& c : expression)
            if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    } else {
        expression = join_words(words);
    }

    CompileOptions options;
    options.dlt = sema::link_type_from_name(dlt_name);
    if (options.dlt < 0) {
        std::cerr << "fcc: error: unknown link type '" << dlt_name << "'\n  hint: use one of "
                  << sema::supported_link_types() << "\n";
        return 2;
    }
    options.snaplen = snaplen;
    options.optimize = !no_opt;
    std::string trace;
    options.trace = &trace;
    for (std::size_t start = 0; start < dump_after_list.size();) {
        std::size_t comma = dump_after_list.find(',', start);
        if (comma == std::string::npos) comma = dump_after_list.size();
        dump_after.push_back(dump_after_list.substr(start, comma - start));
        start = comma + 1;
    }
    options.dump_after = dump_after;

    diag::Sink sink;
    if (dump_ast) {
        auto parsed = parse::parse(expression, sink);
        if (!parsed) {
            sink.print(std::cerr, "fcc", expression);
            return 1;
        }
        std::cout << parse::dump(*parsed);
        return 0;
    }
    if (dump_ir) {
        auto program = compile_to_ir(expression, options, sink);
        sink.print(std::cerr, "fcc", expression);
        if (!program) return 1;
        std::cout << trace << ir::print(*program);
        return 0;
    }
    if (!from_cbpf.empty()) {
        std::string text;
        if (from_cbpf == "-") {
            std::stringstream ss;
            ss << std::cin.rdbuf();
            text = ss.str();
        } else {
            std::ifstream in(from_cbpf);
            if (!in) {
                std::cerr << "fcc: error: cannot read " << from_cbpf << "\n";
                return 1;
            }
            std::stringstream ss;
            ss << in.rdbuf();
            text = ss.str();
        }
        diag::Sink import_sink;
        auto code = cbpf_import::read(text, import_sink);
        if (!code || !cbpf_import::check(*code, import_sink)) {
            import_sink.print(std::cerr, "fcc", "");
            return 1;
        }
        if (target == "cbpf") {
            std::cout << cbpf::dump(*code, dump_level);
            return 0;
        }
#ifdef FCAP_HAVE_EBPF
        ir::Program translated = cbpf_import::translate(*code, no_opt);
        return ebpf_command(target, "", options, invert, replay_file, output, verbose, sink, std::move(translated));
#else
        std::cerr << "fcc: error: this fcc was built without the eBPF backends\n";
        return 1;
#endif
    }
#ifdef FCAP_HAVE_EBPF
    if (target != "cbpf")
        return ebpf_command(target, expression, options, invert, replay_file, output, verbose, sink);
#endif
    if (!replay_file.empty()) {
        // The capture decides the link type.
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t* peek = pcap_open_offline(replay_file.c_str(), errbuf);
        if (peek == nullptr) {
            std::cerr << "fcc: error: cannot read " << replay_file << ": " << errbuf << "\n";
            return 1;
        }
        options.dlt = pcap_datalink(peek);
        pcap_close(peek);
    }
    auto code = compile_cbpf(expression, options, sink);
    sink.print(std::cerr, "fcc", expression);
    std::cerr << trace;
    if (!code) return 1;
    if (replay_file.empty()) {
        std::cout << cbpf::dump(*code, dump_level);
        return 0;
    }
    replay::Options ro;
    ro.verbose = verbose;
    ro.expect = expect;
    replay::Report report;
    if (!replay::run_cbpf(replay_file, expression, ro, *code, std::cout, std::cerr, report)) return 1;
    std::cout << replay_file << ": " << report.packets << " packets, " << report.matched << " matched";
    if (expect) std::cout << ", " << report.differences << " differ from libpcap";
    std::cout << "\n";
    return expect && report.differences ? 1 : 0;
}

}  // namespace fcap::fcc
