// Replay through the kernel (ebpf::replay) and fcc's eBPF commands: every
// packet is counted, run or reported as refused by the test runner, each
// verdict held against libpcap's; the counters agree; --expect fails on a
// difference; a verifier refusal comes with its log.  Needs root or
// CAP_BPF; skips with the reason otherwise.
#include "reference/libpcap.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "kernel/replay.hpp"
#include "io/capture_file.hpp"
#include "api/compile_ir.hpp"
#include "support/pcap_file.hpp"
#include "support/skip_without_bpf.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace fcap::ebpf {
namespace {

std::string pcap(const std::string& name) { return test::own_pcaps_dir() + "/" + name; }

struct Replayed {
    ReplayReport report;
    std::string out, err;
};

Replayed replay_file(const std::string& expression, Target target, const std::string& file,
                     const std::string& reference_expression = "") {
    Replayed r;
    std::string error;
    int dlt = capture_link_type(file, &error);
    EXPECT_GE(dlt, 0) << error;
    CompileOptions o;
    o.dlt = dlt;
    diag::Sink sink;
    auto ir = compile_to_ir(expression, o, sink);
    EXPECT_TRUE(ir) << sink.first_error();
    if (!ir) return r;
    auto code = lower(*ir, target, {}, sink);
    std::string log;
    auto loaded = load(*code, &log, true);
    EXPECT_TRUE(loaded) << log;
    auto reference = fcap::reference::compile(reference_expression.empty() ? expression : reference_expression, dlt, 262144,
                                     &error);
    EXPECT_TRUE(reference) << error;
    std::ostringstream out, err;
    ReplayOptions options;
    options.progress = false;
    EXPECT_TRUE(replay(*loaded, target, file, &*reference, options, out, err, r.report));
    r.out = out.str();
    r.err = err.str();
    return r;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

TEST(ReplayTest, EveryPacketIsRunOrReportedAndAgreesWithLibpcap) {
    FCAP_SKIP_WITHOUT_BPF();
    for (Target t : {Target::xdp, Target::socket}) {
        auto r = replay_file("tcp or udp or vlan", t, pcap("truncated.pcap"));
        auto capture = test::read_capture(pcap("truncated.pcap"));
        ASSERT_TRUE(capture);
        EXPECT_EQ(r.report.packets, capture->packets.size());
        EXPECT_EQ(r.report.run + r.report.not_run, r.report.packets);
        EXPECT_GT(r.report.not_run, 0u) << "truncated.pcap holds frames shorter than an Ethernet header";
        EXPECT_EQ(count(r.out, ": not run: "), r.report.not_run) << "each refused packet has its line";
        EXPECT_EQ(r.report.differ, 0u) << r.out;
        ASSERT_TRUE(r.report.counters);
        EXPECT_EQ(r.report.counters->packets, r.report.run);
        EXPECT_EQ(r.report.counters->matched_packets, r.report.matched);
    }
}

TEST(ReplayTest, DifferencesAreReportedPerPacket) {
    FCAP_SKIP_WITHOUT_BPF();
    auto r = replay_file("tcp", Target::xdp, pcap("ethernet.pcap"), "udp");  // a deliberately wrong reference
    EXPECT_GT(r.report.differ, 0u);
    EXPECT_EQ(count(r.out, "DIFFERS: libpcap says"), r.report.differ);
}

// XDP and the skb test runner see a truncated packet's captured bytes as
// the whole packet: `len` there is the captured length, and says so.
TEST(ReplayTest, LengthOnTruncatedPacketsIsExplained) {
    FCAP_SKIP_WITHOUT_BPF();
    auto r = replay_file("greater 100", Target::xdp, pcap("truncated.pcap"));
    EXPECT_GT(r.report.differ, 0u);
    EXPECT_EQ(r.report.truncated_len, r.report.differ) << r.out;
    EXPECT_EQ(count(r.out, "a truncated packet"), r.report.differ);
}

TEST(LoaderTest, ARefusalComesWithTheVerifiersLog) {
    FCAP_SKIP_WITHOUT_BPF();
    Program p;
    p.target = Target::xdp;
    p.insns = {Insn{0xbf, 0, 5, 0, 0}, Insn{0x95, 0, 0, 0, 0}};  // r0 = r5 (never written); exit
    std::string log;
    EXPECT_FALSE(load(p, &log));
    EXPECT_NE(log.find("R5 !read_ok"), std::string::npos) << log;
}

struct Run {
    int status = -1;
    std::string out;
};

Run fcc(const std::string& args) {
    std::string cmd = std::string(FCAP_BIN_DIR) + "/fcc " + args + " 2>&1";
    Run r;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

TEST(FccEbpfTest, PrintsAssembly) {
    auto x = fcc("--target xdp -- 'ip and tcp'");
    EXPECT_EQ(x.status, 0) << x.out;
    EXPECT_NE(x.out.find("bpf_map_lookup_elem"), std::string::npos) << x.out;
    EXPECT_NE(x.out.find("exit"), std::string::npos);
    auto s = fcc("--target socket -- 'ip and tcp'");
    EXPECT_EQ(s.status, 0) << s.out;
    EXPECT_NE(s.out.find("LD_ABS"), std::string::npos) << s.out;
}

TEST(FccEbpfTest, ReplayWithExpect) {
    FCAP_SKIP_WITHOUT_BPF();
    std::string file = pcap("ethernet.pcap");
    for (const char* target : {"xdp", "socket"}) {
        auto ok = fcc(std::string("--target ") + target + " -r " + file + " --expect 'tcp port 80 or icmp'");
        EXPECT_EQ(ok.status, 0) << ok.out;
        EXPECT_NE(ok.out.find("0 differ from libpcap"), std::string::npos) << ok.out;
        EXPECT_NE(ok.out.find("counters (summed over CPUs)"), std::string::npos) << ok.out;
    }
    // The kernel's `len` on truncated packets differs from libpcap's: --expect fails.
    auto bad = fcc("--target xdp -r " + pcap("truncated.pcap") + " --expect 'greater 100'");
    EXPECT_EQ(bad.status, 1) << bad.out;
    auto verbose = fcc("--target xdp -v -r " + file + " 'arp'");
    EXPECT_EQ(verbose.status, 0);
    auto capture = test::read_capture(file);
    ASSERT_TRUE(capture);
    // Packets the kernel's test runner refuses get a line of their own.
    EXPECT_EQ(count(verbose.out, ": match\n") + count(verbose.out, ": no match\n") + count(verbose.out, ": not run: "),
              capture->packets.size())
        << "a line per packet";
}

TEST(FccEbpfTest, FromCbpfKeepsBpfFiltersVerdicts) {
    FCAP_SKIP_WITHOUT_BPF();
    std::string file = pcap("ethernet.pcap");
    std::string error;
    auto code = fcap::reference::compile("tcp port 80 or udp", DLT_EN10MB, 262144, &error);
    ASSERT_TRUE(code) << error;
    std::string text = std::to_string(code->size()) + "\n";
    for (const auto& i : *code)
        text += std::to_string(i.code) + " " + std::to_string(i.jt) + " " + std::to_string(i.jf) + " " +
                std::to_string(i.k) + "\n";
    std::string path = "/tmp/fcap-ebpf-test-" + std::to_string(::getpid()) + ".ddd";
    std::ofstream(path) << text;
    for (const char* o : {"", "-O0 "}) {
        auto r = fcc(std::string(o) + "--target socket --from-cbpf " + path + " -r " + file + " --expect");
        EXPECT_EQ(r.status, 0) << r.out;
        EXPECT_NE(r.out.find("0 differ from libpcap"), std::string::npos) << r.out;
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace fcap::ebpf
