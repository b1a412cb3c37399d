// Every backend against libpcap, packet by packet, over the corpus: on the
// project's own captures (tests/pcaps) and, when present, on the real ones
// in ../shared/pcaps.  For each expression: libpcap refuses <=> fcc
// refuses; otherwise equal verdicts on every packet, optimized (against
// pcap_compile(optimize=1)) and at -O0 (against optimize=0).
//
// FCAP_DIFF_VERBOSE=1 also lists the corpus lines that match no packet.
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdlib>
#include <iostream>

namespace fcap::test {
namespace {

std::string corpus(const std::string& name) { return std::string(FCAP_TESTS_DIR) + "/corpus/" + name; }

// `files`: the corpus files for the link type, read in order.  `mixed`:
// the corpus is written for this link type, so its verdicts must be mixed.
void check_corpus(const std::vector<std::string>& files, int dlt, const std::vector<Capture>& captures,
                  const std::string& where, bool mixed = true) {
    std::vector<std::string> expressions;
    std::string file;
    for (const auto& f : files) {
        auto more = read_corpus(corpus(f));
        ASSERT_GT(more.size(), 0u) << "empty corpus " << f;
        expressions.insert(expressions.end(), more.begin(), more.end());
        file += (file.empty() ? "" : " + ") + f;
    }
    PacketSet set = merge_captures(captures, dlt, where);
    ASSERT_FALSE(set.all.packets.empty());
    std::vector<Backend> backends = {cbpf_backend(true), cbpf_backend(false)};
    bool verbose = std::getenv("FCAP_DIFF_VERBOSE") != nullptr;
    std::size_t failures = 0, refused = 0, accepted = 0, match_none = 0, match_all = 0;
    CompareStats stats;
    for (const auto& e : expressions) {
        Verdicts reference = libpcap_verdicts(e, dlt, set.all.packets);
        Verdicts unoptimized = libpcap_verdicts(e, dlt, set.all.packets, false);
        if (reference.refused) {
            ++refused;
        } else {
            ++accepted;
            std::size_t matches = 0;
            for (auto v : reference.values) matches += v != 0;
            match_none += matches == 0;
            match_all += matches == reference.values.size();
            if (verbose && matches == 0) std::cout << "  matches no packet: " << e << "\n";
        }
        for (const auto& b : backends) {
            std::string report = compare(b, e, set.all, b.unoptimized ? unoptimized : reference, &set.origin, &stats);
            if (!report.empty() && failures++ < 20) ADD_FAILURE() << report;
        }
    }
    std::cout << file << " on " << where << " (" << pcap_datalink_val_to_name(dlt) << ")" << ": " << expressions.size() << " expressions (" << refused
              << " refused by libpcap; of the rest " << match_none << " match no packet, " << match_all
              << " every packet), " << set.all.packets.size() << " packets in " << captures.size() << " files, "
              << stats.verdicts << " verdicts compared, " << stats.undefined
              << " skipped where libpcap reads scratch memory it never wrote, " << failures << " differences\n";
    EXPECT_EQ(failures, 0u);
    if (!mixed) return;
    // The corpus is worth something only if verdicts are mixed: most
    // expressions must match some packets and not others.
    EXPECT_LE(match_none * 4, accepted) << "over a quarter of " << file << " matches nothing in " << where;
    EXPECT_LE(match_all * 10, accepted) << "over a tenth of " << file << " matches everything in " << where;
}

std::vector<Capture> own(int dlt) { return captures_of_type({own_pcaps_dir()}, dlt); }

TEST(DiffTest, EthernetOwnCaptures) {
    auto captures = own(DLT_EN10MB);
    ASSERT_FALSE(captures.empty()) << "no Ethernet captures in " << own_pcaps_dir();
    check_corpus({"en10mb.txt"}, DLT_EN10MB, captures, "tests/pcaps");
}

TEST(DiffTest, EthernetSharedCaptures) {
    std::string dir = shared_pcaps_dir();
    if (dir.empty()) GTEST_SKIP() << "../shared/pcaps is absent: the real captures are not part of a fresh clone";
    auto captures = captures_of_type({dir}, DLT_EN10MB);
    ASSERT_FALSE(captures.empty());
    // Real captures: what they hold is not chosen for the corpus.
    check_corpus({"en10mb.txt"}, DLT_EN10MB, captures, "../shared/pcaps", false);
}

// The other link types: own captures always, shared ones when present.
void check_type(const std::vector<std::string>& files, int dlt, bool mixed = true) {
    auto captures = own(dlt);
    ASSERT_FALSE(captures.empty()) << "no captures of link type " << dlt << " in " << own_pcaps_dir();
    std::string where = "tests/pcaps";
    if (!shared_pcaps_dir().empty()) {
        auto shared = captures_of_type({shared_pcaps_dir()}, dlt);
        captures.insert(captures.end(), shared.begin(), shared.end());
        where += " and ../shared/pcaps";
    }
    check_corpus(files, dlt, captures, where, mixed);
}

// raw.txt is written for DLT_RAW, which carries both IP versions; on the
// one-version types half of it cannot match.
TEST(DiffTest, RawIp) { check_type({"raw.txt"}, DLT_RAW); }
TEST(DiffTest, RawIpv4) { check_type({"raw.txt"}, DLT_IPV4, false); }
TEST(DiffTest, RawIpv6) { check_type({"raw.txt"}, DLT_IPV6, false); }
TEST(DiffTest, LinuxCooked) { check_type({"linux_sll.txt", "linux_sll_more.txt"}, DLT_LINUX_SLL); }
TEST(DiffTest, LinuxCookedV2) { check_type({"linux_sll.txt", "linux_sll_more.txt", "linux_sll2.txt"}, DLT_LINUX_SLL2); }

// `ip broadcast` with the netmask tcpdump would pass (pcap_compile's last
// argument); the listing printed on a difference is libpcap's without it.
TEST(DiffTest, NetmaskForms) {
    const char* expressions[] = {
        "ip broadcast", "not ip broadcast", "ip broadcast or ether broadcast", "udp and ip broadcast",
        "ip broadcast and not host (10.0.0.255 or 192.168.1.255)", "ip broadcast or ip multicast",
    };
    const std::uint32_t netmasks[] = {0xffffff00, 0xffff0000, 0xff000000, 0xfffffffc, 0};
    std::size_t compared = 0, matched = 0;
    for (int dlt : {DLT_EN10MB, DLT_RAW, DLT_IPV4, DLT_LINUX_SLL, DLT_LINUX_SLL2}) {
        std::vector<std::string> dirs = {own_pcaps_dir()};
        if (!shared_pcaps_dir().empty()) dirs.push_back(shared_pcaps_dir());
        PacketSet set = merge_captures(captures_of_type(dirs, dlt), dlt, pcap_datalink_val_to_name(dlt));
        for (std::uint32_t mask : netmasks)
            for (const char* e : expressions)
                for (bool optimize : {true, false}) {
                    Verdicts reference = libpcap_verdicts(e, dlt, set.all.packets, optimize, 262144, mask);
                    for (auto v : reference.values) matched += v != 0;
                    CompareStats stats;
                    EXPECT_EQ(compare(cbpf_backend(optimize, mask), e, set.all, reference, &set.origin, &stats), "")
                        << "netmask " << std::hex << mask;
                    compared += stats.verdicts;
                }
    }
    std::cout << "netmask forms: " << compared << " verdicts compared, " << matched << " matches\n";
    EXPECT_GT(matched, 0u);
    // Without a netmask both refuse.
    EXPECT_TRUE(cbpf_backend(true).verdicts("ip broadcast", DLT_EN10MB, {}).refused);
}

TEST(DiffTest, CorpusIsLargeEnough) {
    std::size_t total = 0;
    for (auto f : {"en10mb.txt", "raw.txt", "linux_sll.txt", "linux_sll2.txt"}) total += read_corpus(corpus(f)).size();
    EXPECT_GE(total, 600u);
}

TEST(DiffTest, RefusedExpressionsAreRefused) {
    std::vector<Packet> none;
    auto expressions = read_corpus(corpus("refused.txt"));
    ASSERT_FALSE(expressions.empty());
    for (const auto& e : expressions) {
        Verdicts reference = libpcap_verdicts(e, DLT_EN10MB, none);
        EXPECT_TRUE(reference.refused) << "libpcap accepts `" << e << "`: it does not belong in refused.txt";
        for (bool optimize : {true, false}) {
            Verdicts ours = cbpf_backend(optimize).verdicts(e, DLT_EN10MB, none);
            Verdicts theirs = libpcap_verdicts(e, DLT_EN10MB, none, optimize);
            EXPECT_EQ(ours.refused, theirs.refused)
                << "`" << e << "`" << (optimize ? "" : " at -O0") << ": libpcap "
                << (theirs.refused ? "refuses (" + theirs.error + ")" : "accepts") << ", fcc "
                << (ours.refused ? "refuses" : "accepts");
            if (ours.refused) {
                EXPECT_FALSE(ours.error.empty()) << "refusal of `" << e << "` has no message";
            }
        }
    }
}

}  // namespace
}  // namespace fcap::test
