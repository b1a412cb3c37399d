#include "fcc/options.hpp"

#include "opt/pipeline.hpp"

#include <CLI/CLI.hpp>
#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <iostream>

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
  fcc --target xdp -o drop.o 'udp dst port 53'
                                              an XDP object: ip link set dev eth0 xdp obj drop.o sec xdp
)";

// Before the examples, whose every line --help's test runs from anywhere.
const char* subcommands = R"(subcommands (each has --help):
  fcc test [-k PATTERN] [--junit FILE] [--update] SUITE...
                                              run suites of filters, captures and expected verdicts
  fcc diff EXPR_A EXPR_B -r FILE...           the packets on which two filters disagree
)";

// --dump-after names: sema, a pass of the pipeline, or all.
std::string unknown_pass(const std::vector<std::string>& names) {
    const auto& passes = opt::default_pipeline();
    for (const auto& n : names) {
        if (n == "sema" || n == "all") continue;
        if (std::none_of(passes.begin(), passes.end(), [&](const opt::PassInfo& p) { return p.name == n; })) {
            std::string known = "sema";
            for (const auto& p : passes)
                if (known.find(p.name) == std::string::npos) known += ", " + std::string(p.name);
            return "no pass is named '" + n + "' (--dump-after takes " + known + " or all)";
        }
    }
    return "";
}

std::vector<std::string> split_commas(const std::string& list) {
    std::vector<std::string> out;
    for (std::size_t start = 0; start < list.size();) {
        std::size_t comma = std::min(list.find(',', start), list.size());
        out.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

// tcpdump spells them -dd, -ddd and -O0; CLI11 wants long options for
// multi-letter names, so those words are rewritten before parsing (never
// after `--`, where an expression may begin with '-').
std::vector<std::string> tcpdump_spellings(int argc, char** argv) {
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
    return args;
}

}  // namespace

int usage_error(const std::string& message, const std::string& command) {
    std::cerr << command << ": error: " << message << "\n  hint: " << command << " --help lists the options, with examples\n";
    return 2;
}

std::optional<int> parse_options(int argc, char** argv, Options& o) {
    CLI::App app{"fcc: compile tcpdump / pcap-filter(7) expressions to classic BPF and eBPF"};
    app.name("fcc");
    app.footer(std::string(subcommands) + "\n" + examples);
    app.set_version_flag("--version", std::string("fcc " FCAP_VERSION " (reference: ") + pcap_lib_version() + ")");
    bool d1 = false, d2 = false, d3 = false;
    std::string dump_after, netmask;
    // The table: every option, its help, and the name modes refer to it by.
    std::vector<std::pair<std::string, CLI::Option*>> table = {
        {"-d", app.add_flag("-d", d1, "print the program as tcpdump -d does")},
        {"-dd", app.add_flag("--dd,-D", d2, "-dd: print the program as tcpdump -dd does (C array)")},
        {"-ddd", app.add_flag("--ddd", d3, "-ddd: print the program as tcpdump -ddd does (decimal)")},
        {"-O0", app.add_flag("--O0", o.no_optimize,
                             "-O0: turn the optimizer off (with --from-cbpf: convert one to one, as the kernel does)")},
        {"-s", app.add_option("-s,--snaplen", o.snaplen, "the value a match returns (default 262144; 0 means 262144)")},
        {"--dlt", app.add_option("--dlt,-y", o.dlt_name,
                                 "link type: EN10MB (default), RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2, or a number")
                      ->option_text("NAME|NUM")},
        {"--netmask", app.add_option("--netmask", netmask,
                                     "the network's netmask, for `ip broadcast` (tcpdump passes the interface's)")
                          ->option_text("A.B.C.D")},
        {"-F", app.add_option("-F", o.filter_file, "read the expression from FILE")->option_text("FILE")},
        {"--dump-ast", app.add_flag("--dump-ast", o.dump_ast, "print the syntax tree")},
        {"--dump-ir", app.add_flag("--dump-ir", o.dump_ir, "print the IR after optimization")},
        {"--dump-after", app.add_option("--dump-after", dump_after,
                                        "print the IR after PASS,PASS... (sema, a pass name, or all)")
                             ->option_text("PASS,...")},
        {"--target", app.add_option("--target", o.target,
                                    "cbpf (default), socket or xdp: the eBPF targets print assembly; with -r they "
                                    "run in the kernel")
                         ->check(CLI::IsMember({"cbpf", "socket", "xdp"}))},
        {"--invert", app.add_flag("--invert", o.invert,
                                  "xdp: drop everything but the matches (default: drop the matches)")},
        {"--ancillary", app.add_flag("--ancillary", o.ancillary,
                                     "socket/xdp: read Linux SKF_AD_* data (inbound, ifindex, ...) from the kernel's "
                                     "packet metadata; without it such loads reject the packet, as libpcap does on "
                                     "a capture file")},
        {"--from-cbpf", app.add_option("--from-cbpf", o.from_cbpf,
                                       "read a classic BPF program (tcpdump -ddd or -dd text; - for stdin), check it "
                                       "as the kernel does, and translate it for --target socket|xdp")},
        {"-o", app.add_option("-o", o.output, "socket/xdp: write an ELF object (libbpf, bpftool, ip link xdp obj)")},
        {"-r", app.add_option("-r", o.replay_file, "run the filter over every packet of a pcap/pcapng file")
                   ->option_text("FILE")},
        {"-v", app.add_flag("-v", o.verbose, "with -r: one line per packet")},
        {"--expect", app.add_flag("--expect", o.expect,
                                  "with -r: compare every verdict with libpcap's; exit 1 on any difference")},
        {"expression", app.add_option("expression", o.words, "the filter expression (words are joined with spaces)")},
    };
    try {
        app.parse(tcpdump_spellings(argc, argv));
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what());
    }
    for (const auto& [name, option] : table)
        if (option->count() > 0) o.given.insert(name);
    o.listing = d3 ? 3 : d2 ? 2 : 1;
    // tcpdump: "-s 0" sets the snapshot length to the default, 262144.
    if (o.snaplen == 0) o.snaplen = 262144;
    if (!netmask.empty()) {
        in_addr mask{};
        if (inet_pton(AF_INET, netmask.c_str(), &mask) != 1) return usage_error("--netmask wants A.B.C.D, not " + netmask);
        o.netmask = ntohl(mask.s_addr);
    }
    o.dump_after = split_commas(dump_after);
    if (auto why = unknown_pass(o.dump_after); !why.empty()) return usage_error(why);
    return std::nullopt;
}

}  // namespace fcap::fcc
