// The XDP backend against libpcap, packet by packet, in the kernel
// (BPF_PROG_TEST_RUN): every corpus expression, every Ethernet test packet.
// Needs root or CAP_BPF; skips with the reason otherwise.
#include "backend/ebpf/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "diff/oracle.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "driver/compile.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <pcap/pcap.h>

namespace fcap::ebpf {
namespace {

using test::Capture;

// Every corpus expression on every Ethernet test packet, in the kernel.
void hold_against_libpcap(Target target) {
    std::string why;
    if (!can_load_bpf(&why)) GTEST_SKIP() << why;
    std::vector<std::string> dirs = {test::own_pcaps_dir()};
    if (!test::shared_pcaps_dir().empty()) dirs.push_back(test::shared_pcaps_dir());
    std::vector<test::Packet> packets;
    for (auto& c : test::captures_of_type(dirs, DLT_EN10MB))
        for (auto& p : c.packets) packets.push_back(std::move(p));
    auto expressions = test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/en10mb.txt");
    std::size_t compared = 0, unsupported = 0, refused_runs = 0, len_on_truncated = 0, failures = 0;
    for (const auto& e : expressions) {
        test::Verdicts ref = test::libpcap_verdicts(e, DLT_EN10MB, packets);
        if (ref.refused) continue;
        CompileOptions o;
        diag::Sink sink;
        auto ir = compile_to_ir(e, o, sink);
        ASSERT_TRUE(ir) << e << ": " << sink.first_error();
        auto prog = target == Target::xdp ? lower_xdp(*ir, {}, sink) : lower_socket(*ir, sink);
        if (!prog) {
            ++unsupported;  // protochain, for now
            continue;
        }
        std::string log;
        auto loaded = load(*prog, &log, true);
        ASSERT_TRUE(loaded) << "verifier refused `" << e << "`:\n" << log.substr(0, 3000);
        // And as a real socket filter, for fcap.
        if (target == Target::socket) {
            auto as_socket = load(*prog, &log, false);
            ASSERT_TRUE(as_socket) << "refused as a socket filter: `" << e << "`:\n" << log.substr(0, 3000);
        }
        // `len` is the wire length for libpcap, but XDP sees only the captured bytes
        // (some capture records even claim a wire length below the captured one).
        bool uses_len = e.find("len") != std::string::npos || e.find("less") != std::string::npos ||
                        e.find("greater") != std::string::npos;
        for (std::size_t i = 0; i < packets.size(); ++i) {
            const auto& pkt = packets[i];
            if (uses_len && pkt.caplen != pkt.wirelen) {
                ++len_on_truncated;
                continue;
            }
            // Past about 3,500 bytes the XDP test runner splits the frame into
            // fragments and the program sees only the first part.
            if (pkt.caplen > 3500 || pkt.caplen < 14) {
                ++refused_runs;
                continue;
            }
            auto r = test_run(*loaded, pkt.data.data(), pkt.caplen);
            if (!r) {
                ++refused_runs;  // shorter than an Ethernet header, or larger than a page
                continue;
            }
            ++compared;
            bool ours = target == Target::xdp ? *r == std::uint32_t(xdp_drop) : *r != 0;
            bool theirs = ref.values[i] != 0;
            if (ours != theirs && failures++ < 10)
                ADD_FAILURE() << "`" << e << "` packet " << i << " (caplen " << pkt.caplen << "): libpcap "
                              << theirs << ", XDP " << ours << " (wire length " << pkt.wirelen << ")";
        }
    }
    std::cout << (target == Target::xdp ? "xdp: " : "socket (as sched_cls): ") << compared << " verdicts compared, " << failures << " differ; " << unsupported
              << " expressions not lowered yet (protochain); " << refused_runs
              << " runs the kernel's test runner refused (packet size); " << len_on_truncated
              << " `len` verdicts on packets whose wire and captured lengths differ not compared\n";
    EXPECT_EQ(failures, 0u);
    EXPECT_GT(compared, 100000u);
}

TEST(XdpTest, VerifierAcceptsAndVerdictsEqualLibpcap) { hold_against_libpcap(Target::xdp); }
TEST(SocketTest, VerifierAcceptsAndVerdictsEqualLibpcap) { hold_against_libpcap(Target::socket); }

// The per-CPU counters, summed, equal the packets run and matched; counting
// never changes a verdict (the verdicts above were taken with counting on).
TEST(CountersTest, SumsEqualPacketsRunAndMatched) {
    std::string why;
    if (!can_load_bpf(&why)) GTEST_SKIP() << why;
    auto capture = test::read_capture(test::own_pcaps_dir() + "/ethernet.pcap");
    ASSERT_TRUE(capture);
    for (Target target : {Target::xdp, Target::socket}) {
        CompileOptions o;
        diag::Sink sink;
        auto ir = compile_to_ir("tcp or udp", o, sink);
        ASSERT_TRUE(ir);
        auto prog = target == Target::xdp ? lower_xdp(*ir, {}, sink) : lower_socket(*ir, sink);
        ASSERT_TRUE(prog);
        std::string log;
        auto loaded = load(*prog, &log, true);
        ASSERT_TRUE(loaded) << log;
        std::uint64_t runs = 0, matches = 0, bytes = 0, matched_bytes = 0;
        for (const auto& pkt : capture->packets) {
            auto r = test_run(*loaded, pkt.data.data(), pkt.caplen);
            if (!r) continue;
            ++runs;
            bytes += pkt.caplen;
            bool match = target == Target::xdp ? *r == std::uint32_t(xdp_drop) : *r != 0;
            matches += match;
            if (match) matched_bytes += pkt.caplen;
        }
        auto c = read_counters(*loaded);
        ASSERT_TRUE(c);
        EXPECT_GT(runs, 100u);
        EXPECT_EQ(c->packets, runs);
        EXPECT_EQ(c->matched_packets, matches);
        EXPECT_EQ(c->bytes, bytes);
        EXPECT_EQ(c->matched_bytes, matched_bytes);
    }
}

// libpcap's own optimized cBPF, translated (--from-cbpf), as XDP and as a
// socket program, in the kernel: the verdicts of bpf_filter on that code.
TEST(FromCbpfTest, TranslatedLibpcapProgramsKeepTheirVerdicts) {
    std::string why;
    if (!can_load_bpf(&why)) GTEST_SKIP() << why;
    auto captures = test::captures_of_type({test::own_pcaps_dir()}, DLT_EN10MB);
    ASSERT_FALSE(captures.empty());
    std::size_t compared = 0, skipped = 0;
    for (const auto& e : test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/en10mb.txt")) {
        pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
        bpf_program ref;
        bool ok = pcap_compile(dead, &ref, e.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
        pcap_close(dead);
        if (!ok) continue;
        std::vector<cbpf::Insn> code(reinterpret_cast<cbpf::Insn*>(ref.bf_insns),
                                     reinterpret_cast<cbpf::Insn*>(ref.bf_insns) + ref.bf_len);
        diag::Sink sink;
        if (!cbpf_import::check(code, sink)) {  // protochain's backward jump
            ++skipped;
            pcap_freecode(&ref);
            continue;
        }
        ir::Program program = cbpf_import::translate(code, true);
        for (Target target : {Target::xdp, Target::socket}) {
            auto prog = target == Target::xdp ? lower_xdp(program, {}, sink) : lower_socket(program, sink);
            ASSERT_TRUE(prog) << e << ": " << sink.first_error();
            std::string log;
            auto loaded = load(*prog, &log, true);
            ASSERT_TRUE(loaded) << "verifier refused translated `" << e << "`:\n" << log.substr(0, 2000);
            for (const auto& c : captures)
                for (const auto& pkt : c.packets) {
                    if (pkt.caplen != pkt.wirelen || pkt.caplen > 3500) continue;
                    auto r = test_run(*loaded, pkt.data.data(), pkt.caplen);
                    if (!r) continue;
                    bool ours = target == Target::xdp ? *r == std::uint32_t(xdp_drop) : *r != 0;
                    bool theirs = bpf_filter(ref.bf_insns, pkt.data.data(), pkt.wirelen, pkt.caplen) != 0;
                    ASSERT_EQ(ours, theirs) << e;
                    ++compared;
                }
        }
        pcap_freecode(&ref);
    }
    std::cout << "from-cbpf: " << compared << " verdicts compared; " << skipped
              << " programs the kernel's checker would refuse (protochain loops)\n";
    EXPECT_GT(compared, 100000u);
}

TEST(XdpTest, InvertSwapsTheActions) {
    std::string why;
    if (!can_load_bpf(&why)) GTEST_SKIP() << why;
    CompileOptions o;
    diag::Sink sink;
    auto ir = compile_to_ir("ip", o, sink);
    ASSERT_TRUE(ir);
    std::vector<std::uint8_t> frame(60, 0);
    frame[12] = 0x08;
    for (bool invert : {false, true}) {
        auto prog = lower_xdp(*ir, {invert}, sink);
        ASSERT_TRUE(prog);
        std::string log;
        auto loaded = load(*prog, &log);
        ASSERT_TRUE(loaded) << log;
        EXPECT_EQ(test_run(*loaded, frame.data(), 60), std::uint32_t(invert ? xdp_pass : xdp_drop));
    }
}

}  // namespace
}  // namespace fcap::ebpf
