#include "fcc/test_command.hpp"

#include "fcc/options.hpp"
#include "suite/report.hpp"
#include "suite/run.hpp"
#include "suite/update.hpp"

#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>

namespace fcap::fcc {

namespace {

const char* test_examples = R"(examples:
  fcc test examples/suites/basics.toml          run every case on every target it names
  fcc test -k vlan examples/suites/basics.toml  only the cases whose name contains "vlan"
  fcc test --junit results.xml suites/*.toml    also write JUnit XML for a CI runner
  fcc test --update suites/web.toml             write the observed counts, packet lists and snapshots back
A failure names the packet: "ethernet.pcap #7 caplen 60 len 60: 02 00 ..."; fcap -r FILE -# shows it decoded.
)";

}  // namespace

int test_command(int argc, char** argv) {
    CLI::App app{"fcc test: run filter test suites (TOML) over captures, on libpcap, cbpf, socket and xdp"};
    app.name("fcc test");
    app.footer(test_examples);
    std::vector<std::string> files;
    std::string junit;
    suite::RunOptions options;
    bool tap = false, update = false;
    app.add_option("-k", options.name_filter, "run only the cases whose name contains PATTERN")->option_text("PATTERN");
    app.add_option("--junit", junit, "also write the results as JUnit XML to FILE")->option_text("FILE");
    app.add_option("-j", options.jobs, "run N cases at once (the report keeps the suite's order)")
        ->check(CLI::Range(1u, 256u))
        ->option_text("N");
    app.add_flag("--tap", tap, "print TAP (version 13) instead of text");
    app.add_flag("--require-kernel", options.require_kernel,
                 "a kernel target (socket, xdp) that cannot run here fails instead of skipping");
    app.add_flag("--update", update,
                 "write what was observed into the suites: count and packets values, snapshot files (comments and "
                 "order are kept)");
    app.add_option("suites", files, "suite files")->required();
    try {
        app.parse(argc - 1, argv + 1);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what(), "fcc test");
    }

    // Every suite is read before any runs: a wrong file stops everything.
    std::vector<suite::Suite> suites;
    for (const auto& file : files) {
        auto s = suite::read(file, std::cerr, update);
        if (!s) return 2;
        suites.push_back(std::move(*s));
    }
    std::vector<suite::SuiteResults> all;
    std::vector<suite::Result> every;
    if (tap) std::cout << "TAP version 13\n";
    for (const auto& s : suites) {
        std::vector<suite::Observation> observed;
        auto results = suite::run(s, options, update ? &observed : nullptr);
        if (tap) std::cout << "# " << s.path << "\n";
        else if (suites.size() > 1) std::cout << s.path << ":\n";
        if (tap) suite::print_tap(results, every.size() + 1, std::cout);
        else suite::print_text(results, std::cout);
        if (update && !suite::update(s, observed, std::cout, std::cerr)) return 2;
        every.insert(every.end(), results.begin(), results.end());
        all.push_back({s.path, std::move(results)});
    }
    if (tap) std::cout << "1.." << every.size() << "\n";
    if (every.empty() && !options.name_filter.empty())
        std::cerr << "fcc test: warning: no case name contains '" << options.name_filter << "'\n";
    suite::Totals totals = suite::totals(every);
    std::cout << (tap ? "# " : "") << suite::summary_line(totals) << "\n";
    if (!junit.empty()) {
        std::ofstream out(junit, std::ios::trunc);
        suite::write_junit(all, out);
        if (!out) {
            std::cerr << "fcc: error: cannot write " << junit << "\n";
            return 2;
        }
    }
    return totals.failed ? 1 : 0;
}

}  // namespace fcap::fcc
