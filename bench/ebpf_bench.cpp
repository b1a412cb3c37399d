// Time per packet through BPF_PROG_RUN (with repeat), in one run:
//   * fcc's XDP program against libpcap's optimized cBPF converted one to
//     one (`fcc -O0 --from-cbpf`: what the kernel itself runs for tcpdump,
//     a call per packet load), over the corpus; and, to show where the
//     difference comes from, against the same conversion with each load
//     read directly after its own bounds check, and against libpcap's code
//     through fcc's optimizer (`fcc --from-cbpf`);
//   * fcc's XDP program against hand-written C filters built with clang -O2
//     (bench/xdp_floor.bpf.c), for a handful of expressions.
// Two figures per program: the kernel's own timing of the test run (the
// `duration` BPF_PROG_TEST_RUN returns, per run; about 22 ns of it is the
// runner's loop, even for an XDP program that only returns), and that less
// the runner's cost: the program's share.  Every verdict is checked against
// libpcap's first.  Needs root or CAP_BPF.
//
//   fcap_ebpf_bench [CORPUS] [--repeat N] [--limit N]   (default: 2000
//   repeats, the first 100 expressions, 64 packets of tests/pcaps/ethernet.pcap)
#include "reference/libpcap.hpp"
#include "backend/ebpf/convert.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "kernel/replay.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "api/compile_ir.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include "kernel/bpf_sys.h"
#include "support/libbpf_object.h"
#include <pcap/dlt.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Packets = std::vector<std::vector<std::uint8_t>>;
using Classic = std::vector<fcap::cbpf::Insn>;

struct Time {
    double run = 0;      // ns per packet: the kernel's own timing of the test run
    double program = 0;  // ns per packet: that, less an XDP program that only returns
};

// One round: every packet, `repeat` runs each; the mean of the kernel's
// per-run durations.  (An XDP test run with repeat > 1 costs milliseconds
// per call to set up, so a wall clock around the call would time that.)
double measure(int fd, const Packets& packets, unsigned repeat) {
    double sum = 0;
    for (const auto& p : packets) {
        std::uint32_t duration = 0;
        if (fcap_test_run(fd, p.data(), std::uint32_t(p.size()), repeat, nullptr, &duration) != 0) return -1;
        sum += duration;
    }
    return sum / double(packets.size());
}

// Programs measured in turns, the best of `rounds` rounds each (noise only
// adds); the runner's own cost is `base`.
std::vector<Time> compare(const std::vector<int>& fds, const Packets& packets, unsigned repeat, double base,
                          int rounds = 3) {
    std::vector<Time> best(fds.size(), Time{1e18, 1e18});
    for (int round = 0; round < rounds; ++round)
        for (std::size_t i = 0; i < fds.size(); ++i) best[i].run = std::min(best[i].run, measure(fds[i], packets, repeat));
    for (auto& t : best) t.program = std::max(t.run - base, 0.1);
    return best;
}

bool matches(int fd, const std::vector<std::uint8_t>& p) {
    std::uint32_t retval = 0;
    return fcap_test_run(fd, p.data(), std::uint32_t(p.size()), 1, &retval, nullptr) == 0 &&
           retval == std::uint32_t(fcap::ebpf::xdp_drop);
}

// The number of packets whose verdict differs from libpcap's.
int wrong_verdicts(int fd, const Classic& reference, const Packets& packets) {
    int wrong = 0;
    for (const auto& p : packets) {
        auto size = std::uint32_t(p.size());
        wrong += matches(fd, p) != (fcap::reference::run(reference, p.data(), size, size) != 0);
    }
    return wrong;
}

std::optional<fcap::ebpf::LoadedProgram> load_xdp(const std::optional<fcap::ebpf::Program>& code) {
    if (!code) return std::nullopt;
    std::string log;
    return fcap::ebpf::load(*code, &log);
}

std::optional<fcap::ebpf::LoadedProgram> load_xdp(const fcap::ir::Program& ir) {
    fcap::diag::Sink sink;
    return load_xdp(fcap::ebpf::lower_xdp(ir, {}, sink));
}

// `fcc [-O0] --from-cbpf - --target xdp`
std::optional<fcap::ebpf::LoadedProgram> load_xdp(const Classic& classic, bool straight) {
    fcap::diag::Sink sink;
    return load_xdp(fcap::ebpf::from_cbpf(classic, straight, fcap::ebpf::Target::xdp, {}, sink));
}

// One to one, but each load read directly after its own bounds check.
std::optional<fcap::ebpf::LoadedProgram> load_xdp_direct(const Classic& classic) {
    fcap::diag::Sink sink;
    return load_xdp(fcap::ebpf::convert_cbpf(classic, fcap::ebpf::Target::xdp, {}, sink, fcap::ebpf::XdpLoads::direct));
}

struct Ratios {
    double log_run = 0, log_program = 0;
    int n = 0;
    void add(const Time& ours, const Time& theirs) {
        log_run += std::log(ours.run / theirs.run);
        log_program += std::log(ours.program / theirs.program);
        ++n;
    }
    void print(const char* what) const {
        if (n == 0) return;
        std::printf("%s,\n  geometric mean of %d ratios: %.3f for the test run, %.3f for the program's share\n", what, n,
                    std::exp(log_run / n), std::exp(log_program / n));
    }
};

void print_row(const std::string& e, const Time& a, const Time& b) {
    std::printf("%-46.46s %7.2f %7.2f %6.3f   %6.2f %6.2f %6.3f\n", e.c_str(), a.run, b.run, a.run / b.run, a.program,
                b.program, a.program / b.program);
}

void header(const char* theirs) {
    std::printf("\n%-46s %23s   %22s\n", "", "test run, ns/packet", "less the runner's cost");
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
    auto capture = fcap::test::read_capture(std::string(FCAP_SOURCE_DIR) + "/tests/pcaps/ethernet.pcap");
    if (!capture) return 1;
    Packets packets;
    for (const auto& p : capture->packets)
        if (p.caplen >= 14 && p.caplen <= 1500 && p.caplen == p.wirelen && packets.size() < 64)
            packets.push_back(p.data);

    // The runner's own cost: an XDP program that only returns.
    fcap::ebpf::Program empty;
    empty.target = fcap::ebpf::Target::xdp;
    empty.insns = {{0xb7, 0, 0, 0, fcap::ebpf::xdp_pass}, {0x95, 0, 0, 0, 0}};
    std::string log;
    auto nothing = fcap::ebpf::load(empty, &log);
    if (!nothing) {
        std::printf("cannot load an empty XDP program:\n%s", log.c_str());
        return 1;
    }
    double base = compare({nothing->fd()}, packets, repeat, 0, 5)[0].run;
    std::printf("an XDP program that only returns: %.2f ns/packet (the runner's own cost)\n", base);

    header("-O0");
    Ratios vs_cbpf, vs_direct, vs_optimized;
    int n = 0;
    for (const auto& e : fcap::test::read_corpus(corpus)) {
        if (n >= limit) break;
        fcap::CompileOptions o;
        fcap::diag::Sink sink;
        auto ir = fcap::compile_to_ir(e, o, sink);
        std::string error;
        auto reference = fcap::reference::compile(e, DLT_EN10MB, 262144, &error);
        if (!ir || !reference || !fcap::cbpf_import::check(*reference, sink)) continue;
        auto ours = load_xdp(*ir);
        auto theirs = load_xdp(*reference, true);      // -O0 --from-cbpf
        auto direct = load_xdp_direct(*reference);
        auto optimized = load_xdp(*reference, false);  // --from-cbpf
        if (!ours || !theirs || !direct || !optimized) continue;
        int wrong = 0;
        for (const auto* p : {&ours, &theirs, &direct, &optimized}) wrong += wrong_verdicts((*p)->fd(), *reference, packets);
        if (wrong) std::printf("%-46.46s %d verdicts differ from libpcap's!\n", e.c_str(), wrong);
        auto t = compare({ours->fd(), theirs->fd(), direct->fd(), optimized->fd()}, packets, repeat, base);
        print_row(e, t[0], t[1]);
        vs_cbpf.add(t[0], t[1]);
        vs_direct.add(t[0], t[2]);
        vs_optimized.add(t[0], t[3]);
        ++n;
    }

    Ratios vs_c;
#ifdef FCAP_XDP_FLOOR
    header("C");
    char floor_error[256] = "";
    fcap_object* obj = fcap_object_load(FCAP_XDP_FLOOR, floor_error, sizeof floor_error);
    if (!obj) {
        std::printf("cannot load %s: %s\n", FCAP_XDP_FLOOR, floor_error);
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
            auto reference = fcap::reference::compile(e, DLT_EN10MB, 262144, &error);
            auto ours = ir ? load_xdp(*ir) : std::nullopt;
            int c = fcap_object_prog_fd(obj, name);
            if (!ours || !reference || c < 0) continue;
            if (int w = wrong_verdicts(c, *reference, packets))
                std::printf("%-46.46s the C filter differs from libpcap on %d packets!\n", e, w);
            auto t = compare({ours->fd(), c}, packets, repeat, base);
            print_row(e, t[0], t[1]);
            vs_c.add(t[0], t[1]);
        }
        fcap_object_close(obj);
    }
#else
    std::printf("\n(no clang: the hand-written C floor was not built)\n");
#endif
    std::printf("\n");
    vs_cbpf.print("XDP: fcc / libpcap's cBPF converted one to one, a call per load (-O0 --from-cbpf)");
    vs_direct.print("XDP: fcc / libpcap's cBPF one to one, each load direct after its own bounds check");
    vs_optimized.print("XDP: fcc / libpcap's cBPF through fcc's optimizer (--from-cbpf)");
    vs_c.print("XDP: fcc / hand-written C (clang -O2)");
    return 0;
}
