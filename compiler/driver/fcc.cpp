#include "driver/fcc.hpp"

#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "driver/compile.hpp"
#include "driver/replay.hpp"
#include "opt/pipeline.hpp"
#ifdef FCAP_HAVE_EBPF
#include "driver/ebpf_commands.hpp"
#endif
#include "parse/parse.hpp"
#include "sema/link_layer.hpp"

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
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

// A usage error: the message, a pointer to --help, exit status 2 (as the
// man page promises; CLI11's own codes start at 100).
int usage_error(const std::string& message) {
    std::cerr << "fcc: error: " << message << "\n  hint: fcc --help lists the options, with examples\n";
    return 2;
}

// --dump-after names: sema, a pass of the pipeline, or all.
std::string unknown_pass(const std::vector<std::string>& names) {
    for (const auto& n : names) {
        if (n == "sema" || n == "all") continue;
        const auto& passes = opt::default_pipeline();
        if (std::none_of(passes.begin(), passes.end(), [&](const opt::PassInfo& p) { return p.name == n; })) {
            std::string known = "sema";
            for (const auto& p : passes)
                if (known.find(p.name) == std::string::npos) known += ", " + std::string(p.name);
            return "no pass is named '" + n + "' (--dump-after takes " + known + " or all)";
        }
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fcc: compile tcpdump / pcap-filter(7) expressions to classic BPF and eBPF"};
    app.name("fcc");
    app.footer(examples);
    app.set_version_flag("--version", std::string("fcc " FCAP_VERSION " (reference: ") + pcap_lib_version() + ")");
    int dump_level = 0;
    bool d1 = false, d2 = false, d3 = false, no_opt = false, dump_ast = false, dump_ir = false;
    std::uint32_t snaplen = 262144;
    std::string dlt_name = "EN10MB", file;
    std::vector<std::string> dump_after, words;
    app.add_flag("-d", d1, "print the program as tcpdump -d does");
    app.add_flag("--dd,-D", d2, "-dd: print the program as tcpdump -dd does (C array)");
    app.add_flag("--ddd", d3, "-ddd: print the program as tcpdump -ddd does (decimal)");
    app.add_flag("--O0", no_opt, "-O0: turn the optimizer off (with --from-cbpf: convert one to one, as the kernel does)");
    app.add_option("-s,--snaplen", snaplen, "the value a match returns (default 262144; 0 means 262144)");
    app.add_option("--dlt,-y", dlt_name, "link type: EN10MB (default), RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2, or a number")
        ->option_text("NAME|NUM");
    std::string netmask;
    app.add_option("--netmask", netmask, "the network's netmask, for `ip broadcast` (tcpdump passes the interface's)")
        ->option_text("A.B.C.D");
    app.add_option("-F", file, "read the expression from FILE")->option_text("FILE");
    app.add_flag("--dump-ast", dump_ast, "print the syntax tree");
    app.add_flag("--dump-ir", dump_ir, "print the IR after optimization");
    std::string dump_after_list;
    app.add_option("--dump-after", dump_after_list, "print the IR after PASS,PASS... (sema, a pass name, or all)")
        ->option_text("PASS,...");
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
    app.add_option("-r", replay_file, "run the filter over every packet of a pcap/pcapng file")->option_text("FILE");
    app.add_flag("-v", verbose, "with -r: one line per packet");
    app.add_flag("--expect", expect, "with -r: compare every verdict with libpcap's; exit 1 on any difference");
    app.add_option("expression", words, "the filter expression (words are joined with spaces)");
#ifdef FCAP_HAVE_EBPF
    EbpfCommand ebpf_command;
    add_ebpf_options(app, ebpf_command);
#endif

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
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }
    dump_level = d3 ? 3 : d2 ? 2 : 1;

    std::string expression;
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) {
            std::cerr << "fcc: error: cannot read " << file << "\n";
            return 1;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        expression = ss.str();
        // tcpdump -F: words on the command line are ignored, with a warning.
        if (!words.empty()) std::cerr << "fcc: warning: -F " << file << " given; the command-line expression is ignored\n";
        for (auto& c : expression)
            if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    } else {
        expression = join_words(words);
    }

    CompileOptions options;
    options.dlt = sema::link_type_from_name(dlt_name);
    if (options.dlt < 0 || sema::find_link_layer(options.dlt) == nullptr) {
        std::cerr << "fcc: error: " << (options.dlt < 0 ? "unknown" : "unsupported") << " link type '" << dlt_name
                  << "'\n  hint: use one of " << sema::supported_link_types() << "\n";
        return 2;
    }
    // tcpdump: "-s 0" sets the snapshot length to the default, 262144.
    options.snaplen = snaplen == 0 ? 262144 : snaplen;
    options.optimize = !no_opt;
    if (!netmask.empty()) {
        in_addr mask{};
        if (inet_pton(AF_INET, netmask.c_str(), &mask) != 1)
            return usage_error("--netmask wants A.B.C.D, not " + netmask);
        options.netmask = ntohl(mask.s_addr);
    }
    std::string trace;
    options.trace = &trace;
    for (std::size_t start = 0; start < dump_after_list.size();) {
        std::size_t comma = dump_after_list.find(',', start);
        if (comma == std::string::npos) comma = dump_after_list.size();
        dump_after.push_back(dump_after_list.substr(start, comma - start));
        start = comma + 1;
    }
    if (auto why = unknown_pass(dump_after); !why.empty()) return usage_error(why);
    options.dump_after = dump_after;

#ifdef FCAP_HAVE_EBPF
    auto run_ebpf = [&](EbpfCommand& command) {
        command.target = target;
        command.options = options;
        command.invert = invert;
        command.output = output;
        command.replay_file = replay_file;
        command.verbose = verbose;
        command.expect = expect;
        return run_ebpf_command(command);
    };
#endif
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
        ebpf_command.from_cbpf = std::move(*code);
        return run_ebpf(ebpf_command);
#else
        std::cerr << "fcc: error: this fcc was built without the eBPF backends\n";
        return 1;
#endif
    }
#ifdef FCAP_HAVE_EBPF
    if (target != "cbpf") {
        ebpf_command.expression = expression;
        return run_ebpf(ebpf_command);
    }
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
