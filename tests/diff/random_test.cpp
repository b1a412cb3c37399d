// Randomized differential test: expressions drawn from the grammar
// (diff/random_expr.hpp), compiled by libpcap and by fcc, optimized and at
// -O0, and run over every test packet of the link type.  libpcap refuses
// <=> fcc refuses; otherwise equal verdicts, except the known gap of
// docs/divergences.md, which is let through only in its exact shape and
// counted (diff/oracle.hpp, CompareOptions).
//
// CI uses a fixed seed and a modest count (a few seconds).  Long runs:
//   FCAP_RANDOM_SEED=12345 FCAP_RANDOM_COUNT=100000 build/bin/diff_test --gtest_filter='Random*'
// FCAP_RANDOM_COUNT applies to Ethernet; the other link types get a fifth.
#include "diff/oracle.hpp"
#include "diff/random_expr.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

namespace fcap::test {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

void check_random(int dlt, std::uint64_t count) {
    std::uint64_t seed = env_or("FCAP_RANDOM_SEED", 20261123) + std::uint64_t(dlt);
    std::vector<std::string> dirs = {own_pcaps_dir()};
    if (!shared_pcaps_dir().empty()) dirs.push_back(shared_pcaps_dir());
    PacketSet set = merge_captures(captures_of_type(dirs, dlt), dlt, pcap_datalink_val_to_name(dlt));
    ASSERT_FALSE(set.all.packets.empty()) << "no captures of link type " << dlt;

    RandomExpressions gen(seed);
    Backend optimized = cbpf_backend(true), plain = cbpf_backend(false);
    CompareOptions tolerant;
    tolerant.tolerate_dead_loads = true;
    CompareStats stats;
    std::uint64_t refused = 0, failures = 0, self_contradictions = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string e = gen.next();
        Verdicts ref = libpcap_verdicts(e, dlt, set.all.packets);
        Verdicts ref0 = libpcap_verdicts(e, dlt, set.all.packets, false);
        refused += ref.refused;
        // Where libpcap's optimized program contradicts its own -O0 program
        // on a packet, the -O0 verdict is the meaning of the filter (libpcap's
        // optimizer miscompiles `port 80 or port 80 and port 1 or port 443
        // or port 80`, and may test the second half of an `or` first on a
        // truncated packet): fcc's optimized code must give that one.
        if (!ref.refused && !ref0.refused)
            for (std::size_t k = 0; k < ref.values.size(); ++k) {
                bool undefined = (!ref.undefined.empty() && ref.undefined[k]) ||
                                 (!ref0.undefined.empty() && ref0.undefined[k]);
                if (undefined || (ref.values[k] != 0) == (ref0.values[k] != 0)) continue;
                ++self_contradictions;
                ref.values[k] = ref0.values[k];
                bool aborted0 = !ref0.aborted.empty() && ref0.aborted[k];
                if (aborted0 || !ref.aborted.empty()) {
                    ref.aborted.resize(ref.values.size());
                    ref.aborted[k] = aborted0;
                }
            }
        std::string report = compare(optimized, e, set.all, ref, &set.origin, &stats, tolerant);
        if (report.empty()) report = compare(plain, e, set.all, ref0, &set.origin, &stats, tolerant);
        if (!report.empty() && failures++ < 10)
            std::cout << "differs: seed " << seed << " #" << i << " (" << set.all.path << "):\n" << report;
    }
    std::cout << "random " << set.all.path << ": seed " << seed << ", " << count << " expressions (" << refused
              << " refused by libpcap), " << set.all.packets.size() << " packets, " << stats.verdicts
              << " verdicts compared, " << failures << " expressions differ; let through as the known gap: "
              << stats.dead_loads << " verdicts where libpcap failed a load fcc does not make, "
              << stats.folded_refusals << " \"rejects all packets\" refusals where libpcap matches nothing; skipped "
              << stats.undefined << " undefined libpcap verdicts; held to libpcap -O0 where its optimizer "
              << "contradicts it: " << self_contradictions << " verdicts\n";
    // Two shapes remain outside the known gap (docs/divergences.md, "Known
    // gaps"): libpcap's optimizer reordering an `or` so that a truncated
    // packet is accepted before a load -O0 would fail, and libpcap's
    // geneve code reading a scratch slot another part of the filter wrote.
    // Both are rare; hold them at one expression in 500.
    EXPECT_LE(failures, std::max<std::uint64_t>(1, count / 500)) << failures << " random expressions differ from libpcap (printed above)";
    // The generator must mostly write filters libpcap accepts (it writes
    // for Ethernet: on the other link types link-layer words are refused).
    if (dlt == DLT_EN10MB) {
        EXPECT_LT(refused * 3, count) << "over a third of the random expressions are refused";
    }
}

TEST(RandomDiffTest, Ethernet) { check_random(DLT_EN10MB, env_or("FCAP_RANDOM_COUNT", 1500)); }
TEST(RandomDiffTest, RawIp) { check_random(DLT_RAW, env_or("FCAP_RANDOM_COUNT", 1500) / 5); }
TEST(RandomDiffTest, LinuxCookedV2) { check_random(DLT_LINUX_SLL2, env_or("FCAP_RANDOM_COUNT", 1500) / 5); }

}  // namespace
}  // namespace fcap::test
