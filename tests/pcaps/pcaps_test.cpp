// The committed captures are the generator's output, byte for byte, and in
// each theme file libpcap's filters for that theme match some packets and
// not others.
#include "pcaps/theme_filters.hpp"
#include "support/pcap_file.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

namespace fcap::test {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

std::set<std::string> pcap_names(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".pcap") out.insert(e.path().filename().string());
    return out;
}

TEST(PcapsTest, CommittedFilesAreTheGeneratorsOutput) {
    fs::path dir = fs::temp_directory_path() / ("fcap-pcaps-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string cmd = std::string(FCAP_BIN_DIR) + "/make_pcaps " + dir.string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    auto generated = pcap_names(dir);
    EXPECT_EQ(generated, pcap_names(own_pcaps_dir()))
        << "tests/pcaps holds a capture the generator does not write, or misses one it does";
    std::uintmax_t total = 0;
    for (const auto& name : generated) {
        std::string fresh = slurp(dir / name);
        total += fresh.size();
        EXPECT_TRUE(fresh == slurp(fs::path(own_pcaps_dir()) / name))
            << name << " differs from the generator's output: run `build/bin/make_pcaps tests/pcaps`";
    }
    EXPECT_LT(total, 2u << 20) << "the committed captures should stay under 2 MB";
    fs::remove_all(dir);
}

TEST(PcapsTest, GeneratorWantsADirectory) {
    std::string cmd = std::string(FCAP_BIN_DIR) + "/make_pcaps > /dev/null 2>&1";
    EXPECT_NE(std::system(cmd.c_str()), 0);
}

// libpcap's verdict on every packet: pcap_compile + pcap_offline_filter.
std::vector<bool> libpcap_matches(const Capture& capture, const std::string& expression, std::string* error) {
    pcap_t* dead = pcap_open_dead(capture.dlt, 262144);
    bpf_program prog;
    std::vector<bool> out;
    if (pcap_compile(dead, &prog, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) < 0) {
        *error = pcap_geterr(dead);
    } else {
        for (const auto& p : capture.packets) {
            pcap_pkthdr h{};
            h.caplen = p.caplen;
            h.len = p.wirelen;
            out.push_back(pcap_offline_filter(&prog, &h, p.data.data()) != 0);
        }
        pcap_freecode(&prog);
    }
    pcap_close(dead);
    return out;
}

TEST(PcapsTest, EveryThemeHasMatchesAndMisses) {
    for (const auto& t : theme_filters()) {
        auto capture = read_capture(own_pcaps_dir() + "/" + t.file);
        ASSERT_TRUE(capture) << t.file;
        ASSERT_EQ(capture->dlt, t.dlt) << t.file;
        for (const char* e : t.expressions) {
            std::string error;
            auto matches = libpcap_matches(*capture, e, &error);
            if (!error.empty()) {
                ADD_FAILURE() << t.file << ": libpcap refuses `" << e << "`: " << error;
                continue;
            }
            std::size_t hits = 0;
            for (bool m : matches) hits += m;
            EXPECT_GT(hits, 0u) << "no packet of " << t.file << " matches `" << e << "`";
            EXPECT_LT(hits, matches.size()) << "every packet of " << t.file << " matches `" << e << "`";
        }
    }
}

TEST(PcapsTest, TruncatedFileIsTruncated) {
    auto capture = read_capture(own_pcaps_dir() + "/truncated.pcap");
    ASSERT_TRUE(capture);
    ASSERT_GT(capture->packets.size(), 500u);
    for (const auto& p : capture->packets) EXPECT_LT(p.caplen, p.wirelen);
}

TEST(PcapsTest, OnlyTruncatedFileIsTruncated) {
    for (const auto& path : list_captures(own_pcaps_dir())) {
        if (fs::path(path).filename() == "truncated.pcap") continue;
        auto capture = read_capture(path);
        ASSERT_TRUE(capture) << path;
        for (const auto& p : capture->packets) EXPECT_EQ(p.caplen, p.wirelen) << path;
    }
}

}  // namespace
}  // namespace fcap::test
