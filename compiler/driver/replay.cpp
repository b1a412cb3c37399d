#include "driver/replay.hpp"

#include "backend/cbpf/run.hpp"
#include "capture_file/capture_file.hpp"

#include <pcap/pcap.h>

#include <ostream>

namespace fcap::replay {

bool run_cbpf(const std::string& path, const std::string& expression, const Options& options,
              const std::vector<cbpf::Insn>& program, std::ostream& out, std::ostream& err, Report& report) {
    auto file = CaptureFile::open(path, err);
    if (!file) return false;
    pcap_t* p = file->handle();
    report.link_type = file->link_type();
    bpf_program reference{};
    bool have_reference = false;
    if (options.expect) {
        if (pcap_compile(p, &reference, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
            err << "fcc: note: libpcap refuses the expression (" << pcap_geterr(p) << "); nothing to compare\n";
        } else {
            have_reference = true;
        }
    }
    file->for_each([&](const pcap_pkthdr& h, const std::uint8_t* bytes) {
        ++report.packets;
        std::uint32_t ours = cbpf::run(program, bytes, h.caplen, h.len);
        if (ours) ++report.matched;
        bool differs = false;
        std::uint32_t theirs = 0;
        if (have_reference) {
            theirs = bpf_filter(reference.bf_insns, bytes, h.len, h.caplen);
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
    if (have_reference) pcap_freecode(&reference);
    return true;
}

}  // namespace fcap::replay
