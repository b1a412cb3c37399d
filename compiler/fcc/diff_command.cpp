#include "fcc/diff_command.hpp"

#include "fcap/compiler.hpp"
#include "fcc/options.hpp"
#include "io/capture_file.hpp"
#include "reference/libpcap.hpp"
#include "suite/run.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>

namespace fcap::fcc {

namespace {

const char* diff_examples = R"(examples:
  fcc diff 'tcp port 80' 'tcp dst port 80' -r tests/pcaps/ethernet.pcap
  fcc diff 'vlan and ip' 'ip' -r a.pcap -r b.pcapng
Each line: "FILE #N: A match, B no match" and the packet's first bytes; fcap -r FILE -# shows it decoded.
)";

std::optional<std::vector<cbpf::Insn>> compile_for(const std::string& expression, int dlt) {
    CompileOptions options;
    options.dlt = dlt;
    diag::Sink sink;
    auto code = compile_cbpf(expression, options, sink);
    sink.print(std::cerr, "fcc", expression);
    return code;
}

}  // namespace

int diff_command(int argc, char** argv) {
    CLI::App app{"fcc diff: the packets of captures on which two filters give different verdicts"};
    app.name("fcc diff");
    app.footer(diff_examples);
    std::string a, b;
    std::vector<std::string> files;
    app.add_option("A", a, "the first expression (quote it)")->required();
    app.add_option("B", b, "the second expression")->required();
    app.add_option("-r", files, "a capture (pcap or pcapng); give -r again for more")->required()->option_text("FILE");
    try {
        app.parse(argc - 1, argv + 1);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return usage_error(e.what(), "fcc diff");
    }
    std::size_t packets = 0, differ = 0;
    for (const auto& path : files) {
        auto file = CaptureFile::open(path, std::cerr);
        if (!file) return 2;
        auto code_a = compile_for(a, file->link_type());
        auto code_b = compile_for(b, file->link_type());
        if (!code_a || !code_b) return 2;
        std::uint64_t number = 0;
        std::string name = std::filesystem::path(path).filename().string();
        file->for_each([&](const pcap_pkthdr& h, const std::uint8_t* bytes) {
            ++number;
            ++packets;
            bool va = reference::run(*code_a, bytes, h.caplen, h.len) != 0;
            bool vb = reference::run(*code_b, bytes, h.caplen, h.len) != 0;
            if (va == vb) return;
            ++differ;
            suite::PacketInfo info{name, number, h.caplen, h.len,
                                   std::vector<std::uint8_t>(bytes, bytes + std::min<std::uint32_t>(h.caplen, 16))};
            std::string detail = suite::summary(info);
            std::cout << path << " #" << number << ": A " << (va ? "match" : "no match") << ", B "
                      << (vb ? "match" : "no match") << "  (" << detail.substr(detail.find("caplen")) << ")\n";
        }, std::cerr);
    }
    std::cout << packets << " packets, " << differ << " differ\n";
    return differ ? 1 : 0;
}

}  // namespace fcap::fcc
