// Time per packet through BPF_PROG_RUN (with repeat) over the corpus, in
// one run: fcc's XDP program against libpcap's optimized cBPF translated
// one to one (--from-cbpf -O0: what the kernel itself runs for tcpdump,
// converted from classic BPF).  Prints each ratio and the geometric mean.
// Needs root or CAP_BPF.
//
//   fcap_ebpf_bench [CORPUS] [--repeat N] [--limit N]   (default: 200 repeats,
//   the first 80 expressions of the corpus, 16 sample packets)
#include "backend/ebpf/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "driver/compile.hpp"
#include "support/corpus.hpp"

#include <pcap/pcap.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {


// Mean ns per packet over the sample packets, from the kernel's own timer.
double ns_per_packet(const fcap::ebpf::LoadedProgram& prog, const std::vector<std::vector<std::uint8_t>>& packets,
                     unsigned repeat) {
    double total = 0;
    for (const auto& p : packets) {
        auto ns = fcap::ebpf::time_run(prog, p.data(), std::uint32_t(p.size()), repeat);
        if (!ns) return -1;
        total += *ns;
    }
    return total / double(packets.size());
}

}  // namespace

int main(int argc, char** argv) {
    std::string corpus = std::string(FCAP_SOURCE_DIR) + "/tests/corpus/en10mb.txt";
    unsigned repeat = 200;
    int limit = 80;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) repeat = unsigned(std::atoi(argv[++i]));
        else if (std::strcmp(argv[i], "--limit") == 0 && i + 1 < argc) limit = std::atoi(argv[++i]);
        else corpus = argv[i];
    }
    std::string why;
    if (!fcap::ebpf::can_load_bpf(&why)) {
        std::printf("skipped: %s\n", why.c_str());
        return 0;
    }
    // Sample packets: the project's own Ethernet capture.
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* f = pcap_open_offline((std::string(FCAP_SOURCE_DIR) + "/tests/pcaps/ethernet.pcap").c_str(), errbuf);
    if (!f) return 1;
    std::vector<std::vector<std::uint8_t>> packets;
    pcap_pkthdr* h;
    const u_char* bytes;
    while (pcap_next_ex(f, &h, &bytes) == 1)
        if (h->caplen >= 14 && h->caplen <= 1500 && packets.size() < 16) packets.emplace_back(bytes, bytes + h->caplen);
    pcap_close(f);

    double log_sum = 0;
    int n = 0;
    std::printf("%-60s %10s %10s %7s\n", "expression", "fcc ns", "cbpf ns", "ratio");
    for (const auto& e : fcap::test::read_corpus(corpus)) {
        if (n >= limit) break;
        fcap::CompileOptions o;
        fcap::diag::Sink sink;
        auto ir = fcap::compile_to_ir(e, o, sink);
        pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
        bpf_program ref;
        bool ok = ir && pcap_compile(dead, &ref, e.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
        pcap_close(dead);
        if (!ok) continue;
        std::vector<fcap::cbpf::Insn> code(reinterpret_cast<fcap::cbpf::Insn*>(ref.bf_insns),
                                           reinterpret_cast<fcap::cbpf::Insn*>(ref.bf_insns) + ref.bf_len);
        pcap_freecode(&ref);
        if (!fcap::cbpf_import::check(code, sink)) continue;
        auto ours = fcap::ebpf::lower_xdp(*ir, {}, sink);
        auto theirs = fcap::ebpf::lower_xdp(fcap::cbpf_import::translate(code, true), {}, sink);
        if (!ours || !theirs) continue;
        std::string log;
        auto a = fcap::ebpf::load(*ours, &log), b = fcap::ebpf::load(*theirs, &log);
        if (!a || !b) continue;
        double ta = ns_per_packet(*a, packets, repeat), tb = ns_per_packet(*b, packets, repeat);
        if (ta <= 0 || tb <= 0) continue;
        log_sum += std::log(ta / tb);
        ++n;
        std::printf("%-60.60s %10.1f %10.1f %7.2f\n", e.c_str(), ta, tb, ta / tb);
    }
    std::printf("\nXDP, fcc against libpcap's cBPF translated one to one: geometric mean of %d ratios: %.3f\n", n,
                n ? std::exp(log_sum / n) : 0.0);
    return 0;
}
