#include "driver/replay.hpp"

#include "backend/cbpf/run.hpp"

#include <pcap/pcap.h>

#include <ostream>

namespace fcap::replay {

bool run_cbpf(const std::string& path, const std::string& expression, const Options& options,
              const std::vector<cbpf::Insn>& program, std::ostream& out, std::ostream& err, Report& report) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        err << "fcc: error: cannot read " << path << ": " << errbuf << "\n";
        return false;
    }
    report.link_type = pcap_datalink(p);
    bpf_program reference{};
    bool have_reference = false;
    if (options.expect) {
        if (pcap_compile(p, &reference, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
            err << "fcc: note: libpcap refuses the expression (" << pcap_geterr(p) << "); nothing to compare\n";
        } else {
            have_reference = true;
        }
    }
    pcap_pkthdr* h;
    const u_char* bytes;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
        ++report.packets;
        std::uint32_t ours = cbpf::run(program, bytes, h->caplen, h->len);
        if (ours) ++report.matched;
        bool differs = false;
        std::uint32_t theirs = 0;
        if (have_reference) {
            theirs = bpf_filter(reference.bf_insns, bytes, h->len, h->caplen);
            differs = (theirs != 0) != (ours != 0);
            if (differs) ++report.differences;
        }
        if (options.verbose || differs) {
            out << report.packets << ": " << (ours ? "match" : "no match") << " (caplen " << h->caplen << ", len "
                << h->len << ")";
            if (differs) out << "  DIFFERS: libpcap says " << (theirs ? "match" : "no match");
            out << "\n";
        }
    }
    if (rc == -1) err << "fcc: warning: " << path << ": " << pcap_geterr(p) << " (after " << report.packets
                      << " packets)\n";
    if (have_reference) pcap_freecode(&reference);
    pcap_close(p);
    return true;
}

}  // namespace fcap::replay
