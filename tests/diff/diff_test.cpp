// Every backend against libpcap, packet by packet, over the corpus: on the
// project's own captures (tests/pcaps) and, when present, on the real ones
// in ../shared/pcaps.
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

namespace fcap::test {
namespace {

std::string corpus(const std::string& name) { return std::string(FCAP_TESTS_DIR) + "/corpus/" + name; }

// One capture holding every packet of every file of the type, so each
// expression is compiled once per backend.
Capture merged(const std::vector<Capture>& captures, int dlt, const std::string& name) {
    Capture all;
    all.dlt = dlt;
    all.path = name;
    for (const auto& c : captures) all.packets.insert(all.packets.end(), c.packets.begin(), c.packets.end());
    return all;
}

void check_corpus(const std::string& file, int dlt, const std::vector<Capture>& captures) {
    auto expressions = read_corpus(corpus(file));
    ASSERT_GT(expressions.size(), 0u) << "empty corpus " << file;
    Capture all = merged(captures, dlt, "(all " + file + " captures)");
    ASSERT_FALSE(all.packets.empty());
    std::vector<Backend> backends = {cbpf_backend(true), cbpf_backend(false)};
    int failures = 0, refused = 0;
    for (const auto& e : expressions) {
        Verdicts reference = libpcap_verdicts(e, dlt, all.packets);
        Verdicts unoptimized = libpcap_verdicts(e, dlt, all.packets, false);
        refused += reference.refused;
        for (const auto& b : backends) {
            // -O0 is held against libpcap -O0 (which never refuses a filter
            // for matching nothing).
            const Verdicts& ref = b.name == "cbpf -O0" ? unoptimized : reference;
            std::string report = compare(b, e, all, ref);
            if (!report.empty()) {
                ++failures;
                ADD_FAILURE() << report;
            }
        }
    }
    std::cout << file << ": " << expressions.size() << " expressions (" << refused << " refused by libpcap), "
              << all.packets.size() << " packets, " << failures << " differences\n";
}

TEST(DiffTest, EthernetOwnCaptures) {
    auto captures = captures_of_type({own_pcaps_dir()}, DLT_EN10MB);
    if (captures.empty()) GTEST_SKIP() << "no Ethernet captures in " << own_pcaps_dir();
    check_corpus("en10mb.txt", DLT_EN10MB, captures);
}

TEST(DiffTest, EthernetSharedCaptures) {
    std::string dir = shared_pcaps_dir();
    if (dir.empty()) GTEST_SKIP() << "../shared/pcaps is absent: the real captures are not part of a fresh clone";
    auto captures = captures_of_type({dir}, DLT_EN10MB);
    ASSERT_FALSE(captures.empty());
    check_corpus("en10mb.txt", DLT_EN10MB, captures);
}

void check_type(const std::string& file, int dlt) {
    std::vector<std::string> dirs = {own_pcaps_dir()};
    if (!shared_pcaps_dir().empty()) dirs.push_back(shared_pcaps_dir());
    auto captures = captures_of_type(dirs, dlt);
    if (captures.empty()) GTEST_SKIP() << "no captures of link type " << dlt;
    check_corpus(file, dlt, captures);
}

TEST(DiffTest, RawIp) { check_type("raw.txt", DLT_RAW); }
TEST(DiffTest, RawIpv4) { check_type("raw.txt", DLT_IPV4); }
TEST(DiffTest, RawIpv6) { check_type("raw.txt", DLT_IPV6); }
TEST(DiffTest, LinuxCooked) { check_type("linux_sll.txt", DLT_LINUX_SLL); }
TEST(DiffTest, LinuxCookedV2) { check_type("linux_sll.txt", DLT_LINUX_SLL2); }

TEST(DiffTest, RefusedExpressionsAreRefused) {
    std::vector<Packet> none;
    for (const auto& e : read_corpus(corpus("refused.txt"))) {
        Verdicts reference = libpcap_verdicts(e, DLT_EN10MB, none);
        EXPECT_TRUE(reference.refused) << "libpcap accepts `" << e << "`: it does not belong in refused.txt";
        Verdicts ours = cbpf_backend(true).verdicts(e, DLT_EN10MB, none);
        EXPECT_TRUE(ours.refused) << "fcc accepts `" << e << "`, which libpcap refuses: " << reference.error;
        if (ours.refused) {
            EXPECT_FALSE(ours.error.empty()) << "refusal of `" << e << "` has no message";
        }
    }
}

}  // namespace
}  // namespace fcap::test
