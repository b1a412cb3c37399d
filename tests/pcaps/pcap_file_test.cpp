// The capture reader the tests share (tests/support/pcap_file.hpp).
#include "support/pcap_file.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fcap::test {
namespace {

namespace fs = std::filesystem;

TEST(PcapFileTest, ReadsEveryPacketWithItsHeader) {
    auto c = read_capture(own_pcaps_dir() + "/truncated.pcap");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->dlt, DLT_EN10MB);
    ASSERT_GT(c->packets.size(), 1u);
    for (const auto& p : c->packets) {
        EXPECT_EQ(p.data.size(), p.caplen);
        EXPECT_LE(p.caplen, p.wirelen);
    }
    // make_pcaps stamps packet i at 1700000000 s + i ms.
    EXPECT_EQ(c->packets[0].sec, 1700000000);
    EXPECT_EQ(c->packets[1].usec, 1000);
    EXPECT_EQ(c->packets[0].caplen, 1u);  // the first cut of the first sample
}

TEST(PcapFileTest, ReportsAFileItCannotRead) {
    std::string error;
    EXPECT_FALSE(read_capture("/nonexistent/x.pcap", &error));
    EXPECT_NE(error.find("x.pcap"), std::string::npos) << error;
    EXPECT_FALSE(read_capture(own_pcaps_dir() + "/README.md", &error));
    EXPECT_FALSE(error.empty());
}

TEST(PcapFileTest, KeepsThePacketsBeforeADamagedTail) {
    std::string path = own_pcaps_dir() + "/vlan.pcap";
    auto whole = read_capture(path);
    ASSERT_TRUE(whole);
    std::ifstream in(path, std::ios::binary);
    std::string bytes{std::istreambuf_iterator<char>(in), {}};
    fs::path cut = fs::temp_directory_path() / ("fcap-cut-" + std::to_string(::getpid()) + ".pcap");
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 10);  // inside the last packet
    auto damaged = read_capture(cut.string());
    fs::remove(cut);
    ASSERT_TRUE(damaged);
    EXPECT_EQ(damaged->packets.size() + 1, whole->packets.size());
}

TEST(PcapFileTest, ListsOwnCapturesSorted) {
    auto files = list_captures(own_pcaps_dir());
    EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
    auto has = [&](const char* name) {
        return std::any_of(files.begin(), files.end(), [&](const std::string& f) { return fs::path(f).filename() == name; });
    };
    EXPECT_TRUE(has("vlan.pcap"));
    EXPECT_TRUE(has("linux_sll2.pcap"));
    EXPECT_FALSE(has("README.md"));
    EXPECT_TRUE(list_captures("/nonexistent").empty());
    EXPECT_TRUE(list_captures("").empty());
}

TEST(PcapFileTest, SelectsCapturesByLinkType) {
    auto raw = captures_of_type({own_pcaps_dir()}, DLT_RAW);
    ASSERT_EQ(raw.size(), 1u);
    EXPECT_EQ(fs::path(raw[0].path).filename(), "raw_ip.pcap");
    EXPECT_EQ(captures_of_type({own_pcaps_dir()}, DLT_LINUX_SLL2).size(), 1u);
    EXPECT_GE(captures_of_type({own_pcaps_dir()}, DLT_EN10MB).size(), 13u);
}

TEST(PcapFileTest, ReadsTheSharedCapturesPcapngIncluded) {
    std::string dir = shared_pcaps_dir();
    if (dir.empty()) GTEST_SKIP() << "../shared/pcaps is absent: the real captures are not part of a fresh clone";
    auto files = list_captures(dir);
    ASSERT_FALSE(files.empty());
    auto pcapng = std::find_if(files.begin(), files.end(),
                               [](const std::string& f) { return fs::path(f).extension() == ".pcapng"; });
    if (pcapng == files.end()) GTEST_SKIP() << "no pcapng file in " << dir;
    std::string error;
    auto c = read_capture(*pcapng, &error);
    ASSERT_TRUE(c) << *pcapng << ": " << error;
    EXPECT_FALSE(c->packets.empty()) << *pcapng;
}

}  // namespace
}  // namespace fcap::test
