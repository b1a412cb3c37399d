#include "fcc/fcc.hpp"

#include "api/compile_ir.hpp"
#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "fcc/diff_command.hpp"
#include "fcc/ebpf_commands.hpp"
#include "fcc/options.hpp"
#include "fcc/replay.hpp"
#include "fcc/test_command.hpp"
#include "io/capture_file.hpp"
#include "parse/parse.hpp"
#include "sema/link_layer.hpp"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

namespace fcap::fcc {

namespace {

// What fcc does is chosen by a few options; each mode lists the options it
// reads, and any other option given with it is refused rather than ignored.
struct Mode {
    const char* name;  // how messages name the mode
    bool (*selected)(const Options&);
    std::vector<std::string_view> reads;
    int (*run)(Options&);
};

bool read_file(const std::string& path, std::string& text) {
    std::stringstream ss;
    if (path == "-") {
        ss << std::cin.rdbuf();
    } else {
        std::ifstream in(path);
        if (!in) {
            std::cerr << "fcc: error: cannot read " << path << "\n";
            return false;
        }
        ss << in.rdbuf();
    }
    text = ss.str();
    return true;
}

// The compile options every expression mode shares.
CompileOptions compile_options(const Options& o, std::string& trace) {
    CompileOptions options;
    options.dlt = sema::link_type_from_name(o.dlt_name);
    options.snaplen = o.snaplen;
    options.optimize = !o.no_optimize;
    options.netmask = o.netmask;
    options.dump_after = o.dump_after;
    options.trace = &trace;
    return options;
}

int dump_ast(Options& o) {
    diag::Sink sink;
    auto parsed = parse::parse(o.expression, sink);
    sink.print(std::cerr, "fcc", o.expression);
    if (!parsed) return 1;
    std::cout << parse::dump(*parsed);
    return 0;
}

int dump_ir(Options& o) {
    std::string trace;
    diag::Sink sink;
    auto program = compile_to_ir(o.expression, compile_options(o, trace), sink);
    sink.print(std::cerr, "fcc", o.expression);
    if (!program) return 1;
    std::cout << trace << ir::print(*program);
    return 0;
}

EbpfCommand ebpf_command(const Options& o, const CompileOptions& options) {
    EbpfCommand c;
    c.target = o.target;
    c.expression = o.expression;
    c.options = options;
    c.invert = o.invert;
    c.ancillary = o.ancillary;
    c.output = o.output;
    c.replay_file = o.replay_file;
    c.verbose = o.verbose;
    c.expect = o.expect;
    return c;
}

int from_cbpf(Options& o) {
    std::string text;
    if (!read_file(o.from_cbpf, text)) return 1;
    diag::Sink sink;
    auto code = cbpf_import::read(text, sink);
    if (!code || !cbpf_import::check(*code, sink)) {
        sink.print(std::cerr, "fcc", "");
        return 1;
    }
    if (o.target == "cbpf") {
        std::cout << cbpf::dump(*code, o.listing);
        return 0;
    }
    std::string trace;
    EbpfCommand c = ebpf_command(o, compile_options(o, trace));
    c.from_cbpf = std::move(*code);
    return run_ebpf_command(c);
}

int ebpf(Options& o) {
    if (o.invert && o.target != "xdp") return usage_error("--invert is for --target xdp (a socket filter keeps its matches)");
    std::string trace;
    int status = run_ebpf_command(ebpf_command(o, compile_options(o, trace)));
    std::cerr << trace;
    return status;
}

int replay(Options& o) {
    std::string trace;
    CompileOptions options = compile_options(o, trace);
    std::string error;
    options.dlt = capture_link_type(o.replay_file, &error);  // the capture decides the link type
    if (options.dlt < 0) {
        std::cerr << "fcc: error: cannot read " << o.replay_file << ": " << error << "\n";
        return 1;
    }
    diag::Sink sink;
    auto code = compile_cbpf(o.expression, options, sink);
    sink.print(std::cerr, "fcc", o.expression);
    std::cerr << trace;
    if (!code) return 1;
    replay::Options ro;
    ro.verbose = o.verbose;
    ro.expect = o.expect;
    ro.snaplen = options.snaplen;
    ro.netmask = options.netmask;
    replay::Report report;
    if (!replay::run_cbpf(o.replay_file, o.expression, ro, *code, std::cout, std::cerr, report)) return 1;
    std::cout << o.replay_file << ": " << report.packets << " packets, " << report.matched << " matched";
    if (o.expect) std::cout << ", " << report.differences << " differ from libpcap";
    std::cout << "\n";
    return o.expect && report.differences ? 1 : 0;
}

int listing(Options& o) {
    std::string trace;
    diag::Sink sink;
    auto code = compile_cbpf(o.expression, compile_options(o, trace), sink);
    sink.print(std::cerr, "fcc", o.expression);
    std::cerr << trace;
    if (!code) return 1;
    std::cout << cbpf::dump(*code, o.listing);
    return 0;
}

// In order: the first selected mode runs.  "expression" stands for the
// expression words and -F.
const Mode modes[] = {
    {"--dump-ast", [](const Options& o) { return o.dump_ast; }, {"--dump-ast", "expression"}, dump_ast},
    {"--dump-ir", [](const Options& o) { return o.dump_ir; },
     {"--dump-ir", "expression", "--dlt", "--netmask", "-s", "-O0", "--dump-after"}, dump_ir},
    {"--from-cbpf", [](const Options& o) { return o.has("--from-cbpf"); },
     {"--from-cbpf", "--target", "-O0", "-d", "-dd", "-ddd", "-s", "-o", "-r", "-v", "--expect", "--invert",
      "--ancillary"},
     from_cbpf},
    {"--target socket|xdp", [](const Options& o) { return o.target != "cbpf"; },
     {"expression", "--target", "--dlt", "--netmask", "-s", "-O0", "--dump-after", "-o", "-r", "-v", "--expect", "--invert",
      "--ancillary"},
     ebpf},
    {"-r", [](const Options& o) { return o.has("-r"); },
     {"-r", "expression", "--target", "--netmask", "-s", "-O0", "--dump-after", "-v", "--expect"}, replay},
    {"a listing", [](const Options&) { return true; },
     {"expression", "--target", "--dlt", "--netmask", "-s", "-O0", "--dump-after", "-d", "-dd", "-ddd"}, listing},
};

// The options given that `mode` would not read, as a usage error.
std::string refused_option(const Mode& mode, const Options& o) {
    for (const auto& given : o.given) {
        // Both arms views: a conditional of a literal and a std::string is a
        // temporary std::string, gone before the view is read.
        std::string_view name = given == "-F" ? std::string_view("expression") : std::string_view(given);
        if (std::find(mode.reads.begin(), mode.reads.end(), name) != mode.reads.end()) continue;
        if (given == "expression" || given == "-F")
            return std::string("an expression has no place with ") + mode.name +
                   (std::string_view(mode.name) == "--from-cbpf" ? " (the program comes from the file)" : "");
        if (given == "--dlt" && o.has("-r")) return "-r takes the link type from the capture; drop --dlt";
        std::string why = given + " has no effect with " + mode.name;
        if (given == "-o" || given == "--invert" || given == "--ancillary")
            why += " (it is for the eBPF targets: add --target xdp or --target socket)";
        else if (given == "-v" || given == "--expect")
            why += " (it goes with -r FILE)";
        return why;
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    // Subcommands, before the compiler's own options: `fcc test`, `fcc diff`.
    if (argc > 1 && std::string_view(argv[1]) == "test") return test_command(argc, argv);
    if (argc > 1 && std::string_view(argv[1]) == "diff") return diff_command(argc, argv);
    Options o;
    if (auto status = parse_options(argc, argv, o)) return *status;

    const Mode* mode = nullptr;
    for (const auto& m : modes)
        if (m.selected(o)) {
            mode = &m;
            break;
        }
    if (auto why = refused_option(*mode, o); !why.empty()) return usage_error(why);

    int dlt = sema::link_type_from_name(o.dlt_name);
    if (dlt < 0 || sema::find_link_layer(dlt) == nullptr) {
        std::cerr << "fcc: error: " << (dlt < 0 ? "unknown" : "unsupported") << " link type '" << o.dlt_name
                  << "'\n  hint: use one of " << sema::supported_link_types() << "\n";
        return 2;
    }
    if (!o.filter_file.empty()) {
        if (!read_file(o.filter_file, o.expression)) return 1;
        // tcpdump -F: words on the command line are ignored, with a warning.
        if (!o.words.empty())
            std::cerr << "fcc: warning: -F " << o.filter_file << " given; the command-line expression is ignored\n";
        o.expression = expression_from_file_text(o.expression);
    } else {
        o.expression = join_words(o.words);
    }
    return mode->run(o);
}

}  // namespace fcap::fcc
