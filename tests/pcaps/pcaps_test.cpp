// The committed captures are the generator's output, byte for byte, and
// each theme has packets that its filter matches.
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace fcap::test {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(PcapsTest, CommittedFilesAreTheGeneratorsOutput) {
    auto dir = std::filesystem::temp_directory_path() / ("fcap-pcaps-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string cmd = std::string(FCAP_BIN_DIR) + "/make_pcaps " + dir.string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    int files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        ++files;
        std::string committed = own_pcaps_dir() + "/" + e.path().filename().string();
        EXPECT_EQ(slurp(e.path().string()), slurp(committed))
            << committed << " differs from the generator's output: run `build/bin/make_pcaps tests/pcaps`";
    }
    EXPECT_GE(files, 5);
    std::filesystem::remove_all(dir);
}

struct Theme {
    const char* file;
    int dlt;
    const char* expression;
};

TEST(PcapsTest, EveryThemeHasMatchesAndMisses) {
    const Theme themes[] = {
        {"ethernet.pcap", DLT_EN10MB, "vlan"},
        {"ethernet.pcap", DLT_EN10MB, "vlan and vlan"},
        {"ethernet.pcap", DLT_EN10MB, "vlan and vlan and vlan"},
        {"ethernet.pcap", DLT_EN10MB, "mpls and mpls and mpls"},
        {"ethernet.pcap", DLT_EN10MB, "pppoes and ip6"},
        {"ethernet.pcap", DLT_EN10MB, "pppoed"},
        {"ethernet.pcap", DLT_EN10MB, "geneve and ip"},
        {"ethernet.pcap", DLT_EN10MB, "ip[0] & 0xf > 5"},
        {"ethernet.pcap", DLT_EN10MB, "ip[6:2] & 0x1fff != 0"},
        {"ethernet.pcap", DLT_EN10MB, "ip6 protochain 6"},
        {"ethernet.pcap", DLT_EN10MB, "ip6 protochain 17"},
        {"ethernet.pcap", DLT_EN10MB, "tcp[tcpflags] = tcp-cwr"},
        {"ethernet.pcap", DLT_EN10MB, "icmp[icmptype] = icmp-maskreply"},
        {"ethernet.pcap", DLT_EN10MB, "icmp6[icmp6type] = icmp6-neighboradvert"},
        {"ethernet.pcap", DLT_EN10MB, "arp"},
        {"ethernet.pcap", DLT_EN10MB, "rarp"},
        {"ethernet.pcap", DLT_EN10MB, "stp"},
        {"ethernet.pcap", DLT_EN10MB, "ipx"},
        {"ethernet.pcap", DLT_EN10MB, "atalk"},
        {"ethernet.pcap", DLT_EN10MB, "isis and l1"},
        {"ethernet.pcap", DLT_EN10MB, "llc rnr"},
        {"ethernet.pcap", DLT_EN10MB, "decnet"},
        {"truncated.pcap", DLT_EN10MB, "len > 60"},
        {"raw.pcap", DLT_RAW, "ip6 and udp"},
        {"linux_sll.pcap", DLT_LINUX_SLL, "outbound"},
        {"linux_sll2.pcap", DLT_LINUX_SLL2, "ifindex 2"},
    };
    for (const auto& t : themes) {
        auto capture = read_capture(own_pcaps_dir() + "/" + t.file);
        ASSERT_TRUE(capture) << t.file;
        ASSERT_EQ(capture->dlt, t.dlt) << t.file;
        Verdicts v = libpcap_verdicts(t.expression, t.dlt, capture->packets);
        ASSERT_FALSE(v.refused) << t.expression << ": " << v.error;
        std::size_t hits = 0;
        for (auto x : v.values) hits += x != 0;
        EXPECT_GT(hits, 0u) << "no packet of " << t.file << " matches `" << t.expression << "`";
        EXPECT_LT(hits, v.values.size()) << "every packet of " << t.file << " matches `" << t.expression << "`";
    }
}

TEST(PcapsTest, TruncatedFileIsTruncated) {
    auto capture = read_capture(own_pcaps_dir() + "/truncated.pcap");
    ASSERT_TRUE(capture);
    for (const auto& p : capture->packets) EXPECT_LT(p.caplen, p.wirelen);
}

}  // namespace
}  // namespace fcap::test
