// Time per packet through BPF_PROG_RUN (with repeat), in one run:
//   * fcc's XDP program against libpcap's optimized cBPF translated one to
//     one (`fcc -O0 --from-cbpf`: what the kernel itself runs for tcpdump,
//     converted from classic BPF), over the corpus;
//   * fcc's XDP program against hand-written C filters built with clang -O2
//     (bench/xdp_floor.bpf.c), for a handful of expressions.
// Two figures per program: the test run's wall time per packet (what a
// harness timing BPF_PROG_TEST_RUN sees: ~27 ns of it is the runner's own
// loop, even for an empty program) and the program's own run time (the
// kernel's bpf_stats).  Every verdict is checked against libpcap's first.
// Needs root or CAP_BPF.
//
//   fcap_ebpf_bench [CORPUS] [--repeat N] [--limit N]   (default: 2000
//   repeats, the first 100 expressions, 64 packets of tests/pcaps/ethernet.pcap)
#include "backend/cbpf/run.hpp"
#include "backend/ebpf/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/replay.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "driver/compile.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <pcap/dlt.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Packets = std::vector<std::vector<std::uint8_t>>;

struct Time {
    double wall = 0;     // ns per packet, the whole test run
    double program = 0;  // ns per packet, the program alone (bpf_stats)
};

// One round: every packet, `repeat` runs each.
Time measure(int fd, const Packets& packets, unsigned repeat) {
    bpf_prog_info before{}, after{};
    std::uint32_t size = sizeof before;
    bpf_obj_get_info_by_fd(fd, &before, &size);
    auto start = std::chrono::steady_clock::now();
    for (const auto& p : packets) {
        LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.data(), .data_size_in = std::uint32_t(p.size()),
                    .repeat = int(repeat));
        if (bpf_prog_test_run_opts(fd, &o) != 0) return {-1, -1};
    }
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
    size = sizeof after;
    bpf_obj_get_info_by_fd(fd, &after, &size);
    double runs = double(packets.size()) * repeat;
    double counted = double(after.run_cnt - before.run_cnt);
    return {ns / runs, counted > 0 ? double(after.run_time_ns - before.run_time_ns) / counted : -1};
}

// Programs measured in turns, the best of three rounds each (noise only adds).
std::vector<Time> compare(const std::vector<int>& fds, const Packets& packets, unsigned repeat) {
    std::vector<Time> best(fds.size(), Time{1e18, 1e18});
    for (int round = 0; round < 3; ++round)
        for (std::size_t i = 0; i < fds.size(); ++i) {
            Time t = measure(fds[i], packets, repeat);
            best[i].wall = std::min(best[i].wall, t.wall);
            best[i].program = std::min(best[i].program, t.program);
        }
    return best;
}

bool matches(int fd, const std::vector<std::uint8_t>& p) {
    LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.data(), .data_size_in = std::uint32_t(p.size()), .repeat = 1);
    return bpf_prog_test_run_opts(fd, &o) == 0 && o.retval == XDP_DROP;
}

// The number of packets whose verdict differs from libpcap's.
int wrong_verdicts(int fd, const std::vector<fcap::cbpf::Insn>& reference, const Packets& packets) {
    int wrong = 0;
    for (const auto& p : packets) {
        auto size = std::uint32_t(p.size());
        wrong += matches(fd, p) != (fcap::cbpf::run(reference, p.data(), size, size) != 0);
    }
    return wrong;
}

std::optional<fcap::ebpf::LoadedProgram> load_xdp(const fcap::ir::Program& ir) {
    fcap::diag::Sink sink;
    auto code = fcap::ebpf::lower_xdp(ir, {}, sink);
    if (!code) return std::nullopt;
    std::string log;
    return fcap::ebpf::load(*code, &log);
}

struct Ratios {
    double log_wall = 0, log_program = 0;
    int n = 0;
    void add(const Time& ours, const Time& theirs) {
        log_wall += std::log(ours.wall / theirs.wall);
        log_program += std::log(ours.program / theirs.program);
        ++n;
    }
    void print(const char* what) const {
        if (n == 0) return;
        std::printf("%s, geometric mean of %d ratios: %.3f for the test run, %.3f for the program alone\n", what, n,
                    std::exp(log_wall / n), std::exp(log_program / n));
    }
};

void print_row(const std::string& e, const Time& a, const Time& b) {
    std::printf("%-46.46s %7.2f %7.2f %6.3f   %6.2f %6.2f %6.3f\n", e.c_str(), a.wall, b.wall, a.wall / b.wall,
                a.program, b.program, a.program / b.program);
}

void header(const char* theirs) {
    std::printf("\n%-46s %23s   %22s\n", "", "test run, ns/packet", "program alone (bpf_stats)");
    std::printf("%-46s %7s %7s %6s   %6s %6s %6s\n", "expression", "fcc", theirs, "ratio", "fcc", theirs, "ratio");
}

}  // namespace

int main(int argc, char** argv) {
    std::string corpus = std::string(FCAP_SOURCE_DIR) + "/tests/corpus/en10mb.txt";
    unsigned repeat = 2000;
    int limit = 100;
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
    int stats = bpf_enable_stats(BPF_STATS_RUN_TIME);  // while this descriptor is open
    if (stats < 0) std::printf("note: bpf_stats unavailable; the program-alone figures are missing\n");
    auto capture = fcap::test::read_capture(std::string(FCAP_SOURCE_DIR) + "/tests/pcaps/ethernet.pcap");
    if (!capture) return 1;
    Packets packets;
    for (const auto& p : capture->packets)
        if (p.caplen >= 14 && p.caplen <= 1500 && p.caplen == p.wirelen && packets.size() < 64)
            packets.push_back(p.data);

    // The runner's own cost: an XDP program that only returns.
    fcap::ebpf::Program empty;
    empty.target = fcap::ebpf::Target::xdp;
    empty.insns = {{0xb7, 0, 0, 0, XDP_PASS}, {0x95, 0, 0, 0, 0}};
    std::string log;
    auto nothing = fcap::ebpf::load(empty, &log);
    Time base = compare({nothing->fd()}, packets, repeat)[0];
    std::printf("an XDP program that only returns: %.2f ns/packet for the test run, %.2f ns alone\n", base.wall,
                base.program);

    header("cBPF");
    Ratios vs_cbpf;
    int n = 0;
    for (const auto& e : fcap::test::read_corpus(corpus)) {
        if (n >= limit) break;
        fcap::CompileOptions o;
        fcap::diag::Sink sink;
        auto ir = fcap::compile_to_ir(e, o, sink);
        std::string error;
        auto reference = fcap::ebpf::libpcap_program(e, DLT_EN10MB, 262144, &error);
        if (!ir || !reference || !fcap::cbpf_import::check(*reference, sink)) continue;
        auto ours = load_xdp(*ir);
        auto theirs = load_xdp(fcap::cbpf_import::translate(*reference, true));  // -O0 --from-cbpf
        if (!ours || !theirs) continue;
        if (int w = wrong_verdicts(ours->fd(), *reference, packets) + wrong_verdicts(theirs->fd(), *reference, packets))
            std::printf("%-46.46s %d verdicts differ from libpcap's!\n", e.c_str(), w);
        auto t = compare({ours->fd(), theirs->fd()}, packets, repeat);
        print_row(e, t[0], t[1]);
        vs_cbpf.add(t[0], t[1]);
        ++n;
    }

    Ratios vs_c;
#ifdef FCAP_XDP_FLOOR
    header("C");
    bpf_object* obj = bpf_object__open_file(FCAP_XDP_FLOOR, nullptr);
    if (!obj || bpf_object__load(obj) != 0) {
        std::printf("cannot load %s\n", FCAP_XDP_FLOOR);
    } else {
        const std::pair<const char*, const char*> floors[] = {
            {"ip", "floor_ip"},
            {"tcp port 80", "floor_tcp_port_80"},
            {"udp and dst port 53", "floor_udp_dst_53"},
            {"host 10.0.0.1", "floor_host"},
            {"ip6 and tcp", "floor_ip6_tcp"},
            {"icmp or arp", "floor_icmp_or_arp"},
        };
        for (const auto& [e, name] : floors) {
            fcap::CompileOptions o;
            fcap::diag::Sink sink;
            auto ir = fcap::compile_to_ir(e, o, sink);
            std::string error;
            auto reference = fcap::ebpf::libpcap_program(e, DLT_EN10MB, 262144, &error);
            auto ours = ir ? load_xdp(*ir) : std::nullopt;
            int c = bpf_program__fd(bpf_object__find_program_by_name(obj, name));
            if (!ours || !reference || c < 0) continue;
            if (int w = wrong_verdicts(c, *reference, packets))
                std::printf("%-46.46s the C filter differs from libpcap on %d packets!\n", e, w);
            auto t = compare({ours->fd(), c}, packets, repeat);
            print_row(e, t[0], t[1]);
            vs_c.add(t[0], t[1]);
        }
        bpf_object__close(obj);
    }
#else
    std::printf("\n(no clang: the hand-written C floor was not built)\n");
#endif
    std::printf("\n");
    vs_cbpf.print("XDP: fcc / libpcap's cBPF translated one to one (-O0 --from-cbpf)");
    vs_c.print("XDP: fcc / hand-written C (clang -O2)");
    if (stats >= 0) ::close(stats);
    return 0;
}
