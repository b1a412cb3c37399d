// Compiles the corpus in one process with fcc's library and with libpcap's
// pcap_compile, and prints the time ratio and the instruction-count ratio;
// then the scale case `not (host A1 and port P1 or host A2 and port P2 ...)`.
//
//   fcap_bench [CORPUS] [--scale-max N]    (default corpus: tests/corpus/en10mb.txt,
//                                           scale up to 400 terms; libpcap at 400 takes ~20 s,
//                                           --scale-max 200 keeps a run short)
#include "driver/compile.hpp"
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

Result libpcap_compile(const std::string& e, int repeat) {
    Result r;
    pcap_t* p = pcap_open_dead(DLT_EN10MB, 262144);
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

Result fcap_compile(const std::string& e, int repeat) {
    Result r;
    auto t0 = Clock::now();
    for (int i = 0; i < repeat; ++i) {
        fcap::CompileOptions options;
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

}  // namespace

int main(int argc, char** argv) {
    std::string corpus = std::string(FCAP_SOURCE_DIR) + "/tests/corpus/en10mb.txt";
    int scale_max = 400;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--profile") == 0 && i + 1 < argc) {
            // Compile the 400-term case N times, nothing else (for perf).
            int n = std::atoi(argv[++i]);
            Result r = fcap_compile(scale_expression(400), n);
            std::printf("400 terms: %.3f ms each, %zu instructions\n", r.seconds * 1e3, r.insns);
            return 0;
        }
        if (std::strcmp(argv[i], "--scale-max") == 0 && i + 1 < argc) scale_max = std::atoi(argv[++i]);
        else corpus = argv[i];
    }
    auto expressions = fcap::test::read_corpus(corpus);
    double t_pcap = 0, t_fcap = 0;
    std::size_t n_pcap = 0, n_fcap = 0, both = 0, larger = 0;
    for (const auto& e : expressions) {
        Result a = libpcap_compile(e, 5), b = fcap_compile(e, 5);
        if (!a.ok || !b.ok) continue;
        ++both;
        t_pcap += a.seconds;
        t_fcap += b.seconds;
        n_pcap += a.insns;
        n_fcap += b.insns;
        if (b.insns > a.insns) ++larger;
    }
    std::printf("corpus %s: %zu expressions compiled by both\n", corpus.c_str(), both);
    std::printf("  compile time: libpcap %.3f ms, fcap %.3f ms, ratio fcap/libpcap %.2f\n", t_pcap * 1e3,
                t_fcap * 1e3, t_fcap / t_pcap);
    std::printf("  instructions: libpcap %zu, fcap %zu, ratio fcap/libpcap %.3f (%zu expressions larger)\n", n_pcap,
                n_fcap, double(n_fcap) / double(n_pcap), larger);

    std::printf("scale: not (host A1 and port P1 or ... ), distinct addresses and ports\n");
    std::printf("  %6s %14s %10s %14s %10s\n", "terms", "libpcap time", "insns", "fcap time", "insns");
    for (int terms : {25, 50, 100, 200, 400}) {
        if (terms > scale_max) break;
        std::string e = scale_expression(terms);
        Result b = fcap_compile(e, 3);
        Result a = libpcap_compile(e, 1);
        std::printf("  %6d %12.3f s %10zu %12.3f ms %10zu\n", terms, a.seconds, a.insns, b.seconds * 1e3, b.insns);
    }
    return 0;
}
