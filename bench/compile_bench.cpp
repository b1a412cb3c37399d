// Compiles the corpora in one process with fcc's library and with libpcap's
// pcap_compile, and prints the time ratio and the instruction-count ratio;
// then the scale case `not (host A1 and port P1 or host A2 and port P2 ...)`
// with distinct addresses and ports, for both compilers.
//
//   fcap_bench [--libpcap-400] [--scale-max N] [CORPUS...]
//     CORPUS: corpus files (default: every tests/corpus file but refused.txt,
//             each for its link type; a file given here is compiled for EN10MB)
//     --libpcap-400: also time libpcap at 400 terms (about 20 s; off by default)
//     --scale-max N: stop the scale case after N terms (default 400)
//   fcap_bench --profile N    compile the 400-term case N times with fcc only (for perf)
#include "fcap/compiler.hpp"
#include "support/corpus.hpp"

#include <pcap/pcap.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;


struct Result {
    bool ok = false;
    std::size_t insns = 0;
    double seconds = 0;
};

Result libpcap_compile(const std::string& e, int repeat, int dlt = DLT_EN10MB) {
    Result r;
    pcap_t* p = pcap_open_dead(dlt, 262144);
    auto t0 = Clock::now();
    for (int i = 0; i < repeat; ++i) {
        bpf_program prog;
        r.ok = pcap_compile(p, &prog, e.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
        if (r.ok) {
            r.insns = prog.bf_len;
            pcap_freecode(&prog);
        }
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() / repeat;
    pcap_close(p);
    return r;
}

Result fcap_compile(const std::string& e, int repeat, int dlt = DLT_EN10MB) {
    Result r;
    auto t0 = Clock::now();
    for (int i = 0; i < repeat; ++i) {
        fcap::CompileOptions options;
        options.dlt = dlt;
        fcap::diag::Sink sink;
        auto code = fcap::compile_cbpf(e, options, sink);
        r.ok = code.has_value();
        if (code) r.insns = code->size();
    }
    r.seconds = std::chrono::duration<double>(Clock::now() - t0).count() / repeat;
    return r;
}

std::string scale_expression(int terms) {
    std::string e = "not (";
    for (int i = 0; i < terms; ++i) {
        if (i) e += " or ";
        char buf[96];
        std::snprintf(buf, sizeof buf, "host 10.%d.%d.%d and port %d", (i >> 16) & 255, (i >> 8) & 255, i & 255,
                      1000 + i);
        e += buf;
    }
    return e + ")";
}

struct CorpusFile {
    std::string path;
    int dlt;
};

struct Totals {
    double t_pcap = 0, t_fcap = 0;
    std::size_t n_pcap = 0, n_fcap = 0, both = 0, larger = 0, smaller = 0;
};

// Every expression both compilers accept, five times each.
void compile_corpus(const CorpusFile& file, Totals& all) {
    Totals t;
    for (const auto& e : fcap::test::read_corpus(file.path)) {
        Result a = libpcap_compile(e, 5, file.dlt), b = fcap_compile(e, 5, file.dlt);
        if (!a.ok || !b.ok) continue;
        ++t.both;
        t.t_pcap += a.seconds;
        t.t_fcap += b.seconds;
        t.n_pcap += a.insns;
        t.n_fcap += b.insns;
        t.larger += b.insns > a.insns;
        t.smaller += b.insns < a.insns;
    }
    std::printf("  %-40s %-10s %5zu %10.3f %10.3f %6.2f %8zu %8zu %6.3f %5zu %5zu\n",
                file.path.substr(file.path.rfind('/') + 1).c_str(), pcap_datalink_val_to_name(file.dlt), t.both,
                t.t_pcap * 1e3, t.t_fcap * 1e3, t.t_fcap / t.t_pcap, t.n_pcap, t.n_fcap,
                double(t.n_fcap) / double(t.n_pcap), t.smaller, t.larger);
    all.t_pcap += t.t_pcap;
    all.t_fcap += t.t_fcap;
    all.n_pcap += t.n_pcap;
    all.n_fcap += t.n_fcap;
    all.both += t.both;
    all.larger += t.larger;
    all.smaller += t.smaller;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = std::string(FCAP_SOURCE_DIR) + "/tests/corpus/";
    std::vector<CorpusFile> files;
    int scale_max = 400;
    bool libpcap_400 = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            // Compile the 400-term case N times, nothing else (for perf).
            int n = std::atoi(argv[++i]);
            Result r = fcap_compile(scale_expression(400), n);
            std::printf("400 terms: %.3f ms each, %zu instructions\n", r.seconds * 1e3, r.insns);
            return 0;
        }
        if (std::strcmp(argv[i], "--scale-max") == 0 && i + 1 < argc) scale_max = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--libpcap-400") == 0) libpcap_400 = true;
        else files.push_back({argv[i], DLT_EN10MB});
    }
    if (files.empty()) {
        // linux_sll2.txt holds only what v2 adds; v2 compiles linux_sll.txt too.
        files = {{dir + "en10mb.txt", DLT_EN10MB},     {dir + "raw.txt", DLT_RAW},
                 {dir + "linux_sll.txt", DLT_LINUX_SLL}, {dir + "linux_sll.txt", DLT_LINUX_SLL2},
                 {dir + "linux_sll2.txt", DLT_LINUX_SLL2}};
    }

    std::printf("corpus: each expression both compile, 5 times; times are the sum of one compile of each\n");
    std::printf("  %-40s %-10s %5s %10s %10s %6s %8s %8s %6s %5s %5s\n", "file", "link", "exprs", "libpcap ms",
                "fcap ms", "ratio", "libpcap", "fcap", "ratio", "fewer", "more");
    Totals all;
    for (const auto& f : files) compile_corpus(f, all);
    std::printf("  %-40s %-10s %5zu %10.3f %10.3f %6.2f %8zu %8zu %6.3f %5zu %5zu\n", "total", "", all.both,
                all.t_pcap * 1e3, all.t_fcap * 1e3, all.t_fcap / all.t_pcap, all.n_pcap, all.n_fcap,
                double(all.n_fcap) / double(all.n_pcap), all.smaller, all.larger);
    std::printf("  compile time ratio fcap/libpcap %.2f; instruction count ratio fcap/libpcap %.3f\n",
                all.t_fcap / all.t_pcap, double(all.n_fcap) / double(all.n_pcap));

    std::printf("scale: not (host A1 and port P1 or ... ), distinct addresses and ports\n");
    std::printf("  %6s %14s %10s %14s %10s\n", "terms", "libpcap time", "insns", "fcap time", "insns");
    for (int terms : {25, 50, 100, 200, 400}) {
        if (terms > scale_max) break;
        std::string e = scale_expression(terms);
        Result b = fcap_compile(e, 3);
        if (terms == 400 && !libpcap_400) {
            std::printf("  %6d %14s %10s %12.3f ms %10zu\n", terms, "(--libpcap-400)", "", b.seconds * 1e3, b.insns);
            continue;
        }
        Result a = libpcap_compile(e, 1);
        std::printf("  %6d %12.3f s %10zu %12.3f ms %10zu\n", terms, a.seconds, a.insns, b.seconds * 1e3, b.insns);
    }
    return 0;
}
