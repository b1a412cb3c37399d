#include "fcc/replay.hpp"

#include "reference/libpcap.hpp"
#include "io/capture_file.hpp"

#include <optional>
#include <ostream>

namespace fcap::replay {

bool run_cbpf(const std::string& path, const std::string& expression, const Options& options,
              const std::vector<cbpf::Insn>& program, std::ostream& out, std::ostream& err, Report& report) {
    auto file = CaptureFile::open(path, err);
    if (!file) return false;
    report.link_type = file->link_type();
    std::optional<std::vector<cbpf::Insn>> libpcap;
    if (options.expect) {
        std::string why;
        libpcap = reference::compile(expression, report.link_type, options.snaplen, &why, true, options.netmask);
        if (!libpcap) err << "fcc: note: libpcap refuses the expression (" << why << "); nothing to compare\n";
    }
    file->for_each([&](const pcap_pkthdr& h, const std::uint8_t* bytes) {
        ++report.packets;
        std::uint32_t ours = reference::run(program, bytes, h.caplen, h.len);
        if (ours) ++report.matched;
        bool differs = false;
        std::uint32_t theirs = 0;
        if (libpcap) {
            theirs = reference::run(*libpcap, bytes, h.caplen, h.len);
            differs = (theirs != 0) != (ours != 0);
            if (differs) ++report.differences;
        }
        if (options.verbose || differs) {
            out << report.packets << ": " << (ours ? "match" : "no match") << " (caplen " << h.caplen << ", len "
                << h.len << ")";
            if (differs) out << "  DIFFERS: libpcap says " << (theirs ? "match" : "no match");
            out << "\n";
        }
    }, err);
    return true;
}

}  // namespace fcap::replay
