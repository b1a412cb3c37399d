// Randomized differential test: expressions drawn from the grammar,
// compiled by libpcap and by fcc, run over every Ethernet test packet.
// CI uses a fixed seed and a modest count; for long runs:
//   FCAP_RANDOM_SEED=12345 FCAP_RANDOM_COUNT=100000 build/bin/diff_test --gtest_filter='Random*'
#include "diff/oracle.hpp"
#include "diff/random_expr.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <cstdlib>

namespace fcap::test {
namespace {

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtoull(v, nullptr, 0) : fallback;
}

TEST(RandomDiffTest, EthernetAgainstLibpcap) {
    std::uint64_t seed = env_or("FCAP_RANDOM_SEED", 20261123);
    std::uint64_t count = env_or("FCAP_RANDOM_COUNT", 1500);
    std::vector<std::string> dirs = {own_pcaps_dir()};
    if (!shared_pcaps_dir().empty()) dirs.push_back(shared_pcaps_dir());
    Capture all;
    all.dlt = DLT_EN10MB;
    all.path = "(all Ethernet captures)";
    for (auto& c : captures_of_type(dirs, DLT_EN10MB))
        all.packets.insert(all.packets.end(), c.packets.begin(), c.packets.end());
    ASSERT_FALSE(all.packets.empty());
    RandomExpressions gen(seed);
    Backend optimized = cbpf_backend(true), plain = cbpf_backend(false);
    std::uint64_t refused = 0, failures = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        std::string e = gen.next();
        Verdicts ref = libpcap_verdicts(e, DLT_EN10MB, all.packets);
        refused += ref.refused;
        std::string report = compare(optimized, e, all, ref);
        if (report.empty()) report = compare(plain, e, all, libpcap_verdicts(e, DLT_EN10MB, all.packets, false));
        if (!report.empty()) {
            ++failures;
            if (failures <= 30) std::cout << "differs: seed " << seed << " #" << i << ": " << report << "\n";
        }
    }
    std::cout << "random: seed " << seed << ", " << count << " expressions (" << refused << " refused by libpcap), "
              << all.packets.size() << " packets, " << failures << " differences\n";
    // Known gap (docs/divergences.md): libpcap's optimizer folds comparisons
    // of constants only in some shapes (`1 = 0` yes, `2 = 1 + 1` no), so
    // for relations between constants fcc may drop loads or refuse "rejects
    // all packets" where libpcap does not.  The grammar generator writes
    // such relations often; everyday filters have none.  Hold the rate.
    EXPECT_LE(failures * 100, count * 2) << "more than 2% of random expressions differ from libpcap";
}

}  // namespace
}  // namespace fcap::test
