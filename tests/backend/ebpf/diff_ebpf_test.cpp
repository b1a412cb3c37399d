// The differential suite, grown to the eBPF backends: for every corpus
// expression and every packet of the captures of its link type (the
// project's own, and ../shared/pcaps when present), libpcap's verdict must
// equal that of fcc's XDP program, fcc's socket program (as SCHED_CLS) and
// libpcap's own program translated by --from-cbpf, each run in the kernel;
// and each program's counters must sum to the packets it ran and matched.
// Needs root or CAP_BPF; skips with the reason otherwise.
#include "kernel/loader.hpp"
#include "ebpf_backends.hpp"
#include "support/skip_without_bpf.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <iostream>

namespace fcap::test {
namespace {

void check(const std::string& corpus, int dlt, bool shared) {
    FCAP_SKIP_WITHOUT_BPF();
    std::string dir = shared ? shared_pcaps_dir() : own_pcaps_dir();
    if (dir.empty()) GTEST_SKIP() << "../shared/pcaps is absent: the real captures are not part of a fresh clone";
    Capture all;
    all.dlt = dlt;
    all.path = "(" + dir + ", link type " + std::to_string(dlt) + ")";
    for (auto& c : captures_of_type({dir}, dlt))
        all.packets.insert(all.packets.end(), c.packets.begin(), c.packets.end());
    if (all.packets.empty()) GTEST_SKIP() << "no captures of link type " << dlt << " in " << dir;
    auto expressions = read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/" + corpus);
    ASSERT_FALSE(expressions.empty());

    KernelStats stats;
    std::vector<Backend> backends = {ebpf_backend(ebpf::Target::xdp, stats),
                                     ebpf_backend(ebpf::Target::socket, stats),
                                     from_cbpf_backend(ebpf::Target::xdp, true, stats),
                                     from_cbpf_backend(ebpf::Target::socket, true, stats),
                                     from_cbpf_backend(ebpf::Target::xdp, false, stats)};
    std::size_t failures = 0;
    for (const auto& e : expressions) {
        Verdicts reference = libpcap_verdicts(e, dlt, all.packets);
        if (reference.refused) continue;
        for (const auto& b : backends) {
            std::string report = compare(b, e, all, reference);
            if (!report.empty() && failures++ < 20) ADD_FAILURE() << report;
        }
    }
    std::cout << corpus << " on " << all.path << ": " << expressions.size() << " expressions, " << all.packets.size()
              << " packets, " << backends.size() << " eBPF backends: " << stats.run << " kernel verdicts, "
              << failures << " expressions differ; not compared: " << stats.refused_frame
              << " frames the test runners refuse (size, or an IP frame too short for the skb runner), "
              << stats.len_on_truncated << " verdicts of `len` on truncated packets, " << stats.checker_refused
              << " programs the kernel's classic checker refuses (protochain loops back)\n";
    EXPECT_EQ(failures, 0u);
    EXPECT_EQ(stats.counter_errors, "");
    EXPECT_GT(stats.run, all.packets.size());
}

TEST(EbpfDiffTest, EthernetOwnCaptures) { check("en10mb.txt", DLT_EN10MB, false); }
TEST(EbpfDiffTest, EthernetSharedCaptures) { check("en10mb.txt", DLT_EN10MB, true); }
TEST(EbpfDiffTest, RawIpOwnCaptures) { check("raw.txt", DLT_RAW, false); }
TEST(EbpfDiffTest, RawIpSharedCaptures) { check("raw.txt", DLT_RAW, true); }
TEST(EbpfDiffTest, LinuxCookedOwnCaptures) { check("linux_sll.txt", DLT_LINUX_SLL, false); }
TEST(EbpfDiffTest, LinuxCookedSharedCaptures) { check("linux_sll.txt", DLT_LINUX_SLL, true); }
// The port and port-range spellings of the grammar audit, on cooked captures.
TEST(EbpfDiffTest, LinuxCookedSpellingsOwnCaptures) { check("linux_sll_more.txt", DLT_LINUX_SLL, false); }
TEST(EbpfDiffTest, LinuxCookedV2SpellingsOwnCaptures) { check("linux_sll_more.txt", DLT_LINUX_SLL2, false); }

}  // namespace
}  // namespace fcap::test
