// -C, -W and -G: file names and rotation points as tcpdump 4.99's, every
// file a valid pcap, and every packet kept, in order.  The size cases read
// a generated capture with -r (tcpdump rotates there too) and, when
// tcpdump is installed, compare the files byte for byte with its own; -G
// runs on a fake clock (tcpdump rotates by the wall clock, not by the
// packets' time stamps) and once live on the loopback interface.
#include "capture/rotating_writer.hpp"
#include "support/netns/inet.hpp"
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"
#include "support/pcap_file.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

namespace fcap {
namespace {

namespace fs = std::filesystem;
using capture::Rotation;
using capture::RotatingWriter;
using capture::rotation_file_name;

const std::string fcap_bin = std::string(FCAP_BIN_DIR) + "/fcap";
constexpr std::size_t record = 16 + 1000;  // pcap record header + packet

// 2500 Ethernet frames of 1000 bytes, numbered in their payload: 2.5 MB.
std::string make_big_capture(const fs::path& dir) {
    std::string path = (dir / "big.pcap").string();
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t* d = pcap_dump_open(dead, path.c_str());
    std::vector<std::uint8_t> frame(1000, 0);
    for (int i = 0; i < 6; ++i) frame[i] = 0xff;
    frame[12] = 0x08;
    for (std::uint32_t i = 0; i < 2500; ++i) {
        pcap_pkthdr h{};
        h.ts.tv_sec = 1700000000 + i / 10;
        h.ts.tv_usec = (i % 10) * 100000;
        h.caplen = h.len = std::uint32_t(frame.size());
        std::memcpy(&frame[20], &i, sizeof i);
        pcap_dump(reinterpret_cast<u_char*>(d), &h, frame.data());
    }
    pcap_dump_close(d);
    pcap_close(dead);
    return path;
}

int run(const std::vector<std::string>& argv) { return tools::run_command(argv); }

bool have_tcpdump() { return tools::run_command({"tcpdump", "--version"}) == 0; }

std::string bytes_of(const fs::path& p) { return tools::read_text(p.string()); }

// The packets of `files`, one after the other, are those of `original`.
void expect_same_packets(const std::vector<fs::path>& files, const std::string& original) {
    auto all = test::read_capture(original);
    ASSERT_TRUE(all);
    std::size_t at = 0;
    for (const auto& f : files) {
        auto part = test::read_capture(f.string());
        ASSERT_TRUE(part) << f << " is not a readable pcap";
        for (const auto& p : part->packets) {
            ASSERT_LT(at, all->packets.size());
            EXPECT_EQ(p.data, all->packets[at].data) << f << " packet " << at;
            EXPECT_EQ(p.sec, all->packets[at].sec);
            ++at;
        }
    }
    EXPECT_EQ(at, all->packets.size());
}

TEST(RotationName, AsTcpdumpMakesThem) {
    std::string e;
    std::time_t t = 1700000000;
    EXPECT_EQ(rotation_file_name("f", Rotation{}, t, 0, &e), "f");
    EXPECT_EQ(rotation_file_name("f", Rotation{1000000, 0, 0}, t, 0, &e), "f");
    EXPECT_EQ(rotation_file_name("f", Rotation{1000000, 0, 0}, t, 12, &e), "f12");
    EXPECT_EQ(rotation_file_name("f", Rotation{1000000, 0, 10}, t, 0, &e), "f0");   // -W 10: one digit
    EXPECT_EQ(rotation_file_name("f", Rotation{1000000, 0, 11}, t, 3, &e), "f03");  // -W 11: two
    EXPECT_EQ(rotation_file_name("f", Rotation{1000000, 0, 1}, t, 0, &e), "f");     // -W 1: none
    EXPECT_EQ(rotation_file_name("f", Rotation{0, 0, 5}, t, 0, &e), "f");           // -W alone: none
    // %s is the same in every time zone; without -G the pattern is a name.
    EXPECT_EQ(rotation_file_name("f-%s", Rotation{0, 60, 0}, t, 0, &e), "f-1700000000");
    EXPECT_EQ(rotation_file_name("f-%s", Rotation{0, 0, 0}, t, 0, &e), "f-%s");
    EXPECT_EQ(rotation_file_name("f-%s.", Rotation{1000000, 60, 3}, t, 2, &e), "f-1700000000.2");
    EXPECT_EQ(rotation_file_name("", Rotation{}, t, 0, &e), "");
    EXPECT_NE(e.find("empty"), std::string::npos);
}

// -G on a clock the test moves: a new file on the first packet a window
// or more after the last one; -W then stops; -C counts again in each.
TEST(RotatingWriter, TimeWindowsOnTheWallClock) {
    test::TempDir dir("fcap-rotate");
    std::time_t now = 1700000000;
    RotatingWriter w(Rotation{0, 10, 3}, [&] { return now; });
    std::string e;
    ASSERT_TRUE(w.open((dir.path / "g-%s").string(), DLT_EN10MB, 65535, false, &e)) << e;
    std::uint8_t frame[60] = {};
    auto put = [&] { return w.write(now, 0, sizeof frame, sizeof frame, frame, false); };
    EXPECT_EQ(put(), RotatingWriter::Step::written);
    now += 9;
    EXPECT_EQ(put(), RotatingWriter::Step::written);  // same window
    now += 1;
    EXPECT_EQ(put(), RotatingWriter::Step::written);  // 10 s: the second file
    now += 25;
    EXPECT_EQ(put(), RotatingWriter::Step::written);  // the third
    now += 10;
    EXPECT_EQ(put(), RotatingWriter::Step::file_limit);  // a fourth would pass -W 3
    EXPECT_TRUE(w.close(&e)) << e;
    auto count = [&](const std::string& name) {
        auto c = test::read_capture((dir.path / name).string());
        return c ? int(c->packets.size()) : -1;
    };
    EXPECT_EQ(count("g-1700000000"), 2);
    EXPECT_EQ(count("g-1700000010"), 1);
    EXPECT_EQ(count("g-1700000035"), 1);
    EXPECT_FALSE(fs::exists(dir.path / "g-1700000045"));
}

TEST(RotatingWriter, SizeCountStartsAgainInEachTimeWindow) {
    test::TempDir dir("fcap-rotate");
    std::time_t now = 1700000000;
    RotatingWriter w(Rotation{1000, 10, 0}, [&] { return now; });
    std::string e;
    ASSERT_TRUE(w.open((dir.path / "g-%s.").string(), DLT_EN10MB, 65535, false, &e)) << e;
    std::vector<std::uint8_t> frame(600, 0);
    auto put = [&] { return w.write(now, 0, 600, 600, frame.data(), false); };
    for (int i = 0; i < 3; ++i) EXPECT_EQ(put(), RotatingWriter::Step::written);  // 24+616, +616 > 1000: next
    now += 10;
    EXPECT_EQ(put(), RotatingWriter::Step::written);
    EXPECT_TRUE(w.close(&e)) << e;
    EXPECT_TRUE(fs::exists(dir.path / "g-1700000000."));
    EXPECT_TRUE(fs::exists(dir.path / "g-1700000000.1"));
    EXPECT_TRUE(fs::exists(dir.path / "g-1700000010."));
    EXPECT_FALSE(fs::exists(dir.path / "g-1700000000.2"));
}

TEST(FcapRotate, BySizeWithR) {
    test::TempDir dir("fcap-rotate");
    std::string big = make_big_capture(dir.path);
    ASSERT_EQ(run({fcap_bin, "-r", big, "-w", (dir.path / "f").string(), "-C", "1"}), 0);
    std::vector<fs::path> files = {dir.path / "f", dir.path / "f1", dir.path / "f2"};
    EXPECT_FALSE(fs::exists(dir.path / "f3"));
    expect_same_packets(files, big);
    // A file is closed at the first packet that finds it past 1,000,000
    // bytes: it passes the size by less than one packet.
    for (int i = 0; i < 2; ++i) {
        EXPECT_GT(fs::file_size(files[i]), 1000000u);
        EXPECT_LE(fs::file_size(files[i]), 1000000u + record);
    }
    if (!have_tcpdump()) GTEST_SKIP() << "tcpdump is not installed: not compared";
    // -Z root: Debian's tcpdump would otherwise write as user tcpdump.
    ASSERT_EQ(run({"tcpdump", "-Z", "root", "-r", big, "-w", (dir.path / "t").string(), "-C", "1"}), 0);
    for (const char* n : {"", "1", "2"})
        EXPECT_EQ(bytes_of(dir.path / ("f" + std::string(n))), bytes_of(dir.path / ("t" + std::string(n)))) << n;
}

TEST(FcapRotate, RingOfWFiles) {
    test::TempDir dir("fcap-rotate");
    std::string big = make_big_capture(dir.path);
    // Three files' worth in a ring of two: the third overwrites the first.
    ASSERT_EQ(run({fcap_bin, "-r", big, "-w", (dir.path / "f").string(), "-C", "1", "-W", "2"}), 0);
    EXPECT_TRUE(fs::exists(dir.path / "f0"));
    EXPECT_TRUE(fs::exists(dir.path / "f1"));
    EXPECT_FALSE(fs::exists(dir.path / "f"));
    EXPECT_FALSE(fs::exists(dir.path / "f2"));
    auto all = test::read_capture(big);
    auto first = test::read_capture((dir.path / "f0").string());
    auto second = test::read_capture((dir.path / "f1").string());
    ASSERT_TRUE(all && first && second);
    // f1 holds the second million bytes, f0 what came after.
    EXPECT_EQ(second->packets.size() + first->packets.size() + 984 + 1, all->packets.size());
    EXPECT_EQ(first->packets.back().data, all->packets.back().data);
    // -W 11 numbers with two digits.
    ASSERT_EQ(run({fcap_bin, "-r", big, "-w", (dir.path / "g").string(), "-C", "1", "-W", "11"}), 0);
    expect_same_packets({dir.path / "g00", dir.path / "g01", dir.path / "g02"}, big);
    if (!have_tcpdump()) GTEST_SKIP() << "tcpdump is not installed: not compared";
    ASSERT_EQ(run({"tcpdump", "-Z", "root", "-r", big, "-w", (dir.path / "t").string(), "-C", "1", "-W", "2"}), 0);
    EXPECT_EQ(bytes_of(dir.path / "f0"), bytes_of(dir.path / "t0"));
    EXPECT_EQ(bytes_of(dir.path / "f1"), bytes_of(dir.path / "t1"));
}

// Bad values: tcpdump's messages and its exit status (1), before anything
// is read or created.
TEST(FcapRotate, BadValuesFailAsTcpdump) {
    test::TempDir dir("fcap-rotate");
    std::string pcap = std::string(FCAP_TESTS_DIR) + "/pcaps/icmp.pcap";
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    std::vector<Case> cases = {
        {{"-C", "1k"}, "invalid file size 1k"},
        {{"-C", "0"}, "invalid file size 0"},
        {{"-C", "-5"}, "invalid file size -5"},
        {{"-C", "99999999999999999"}, "file size 99999999999999999 is too large"},
        {{"-W", "0"}, "invalid number of output files 0"},
        {{"-G", "-1"}, "invalid number of seconds -1"},
        {{"--time-stamp-precision", "pico"}, "unsupported time stamp precision"},
    };
    for (const auto& c : cases) {
        std::string cmd = fcap_bin + " -r " + pcap + " -w " + (dir.path / "x").string();
        for (const auto& a : c.args) cmd += " " + a;
        std::string out;
        int status = tools::run_command({"sh", "-c", cmd + " 2>&1"}, &out);
        EXPECT_EQ(status, 1) << cmd;
        EXPECT_NE(out.find(c.message), std::string::npos) << out;
        EXPECT_FALSE(fs::exists(dir.path / "x")) << cmd;
        if (have_tcpdump()) {
            std::string t = "tcpdump -Z root -r " + pcap + " -w " + (dir.path / "y").string();
            for (const auto& a : c.args) t += " " + a;
            EXPECT_EQ(tools::run_command({"sh", "-c", t + " 2>&1"}, &out), status) << t;
            EXPECT_NE(out.find(c.message), std::string::npos) << out;
        }
    }
}

void send_udp(std::uint16_t port, int count) {
    ASSERT_EQ(tools::send_udp_to_loopback(port, count, "rotate"), count);
}

// Live, -G 1 -W 2: packets a second and more apart go to two files named
// by the strftime pattern, then fcap stops by itself with tcpdump's line
// and exit status 0.
TEST(FcapRotate, LiveTimeRotationStopsAfterWFiles) {
    if (geteuid() != 0) GTEST_SKIP() << "live capture needs CAP_NET_RAW (run the tests as root)";
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    test::TempDir dir("fcap-rotate");
    const std::uint16_t port = 47451;
    fs::path err = dir.path / "err.txt";
    tools::Child c = tools::Child::spawn({fcap_bin, "-i", "lo", "-G", "1", "-W", "2", "-w",
                                          (dir.path / "g-%s.pcap").string(), "udp dst port " + std::to_string(port)},
                                         "", err.string());
    ASSERT_TRUE(tools::wait_for_text(err.string(), "listening on", 10000)) << tools::read_text(err.string());
    std::size_t sent = 0;
    for (int i = 0; i < 30 && c.running(); ++i) {
        send_udp(port, 2);
        sent += 2;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    int status = c.wait(5000);
    std::string text = tools::read_text(err.string());
    EXPECT_EQ(status, 0) << text;
    EXPECT_NE(text.find("Maximum file limit reached: 2"), std::string::npos) << text;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir.path))
        if (entry.path().extension() == ".pcap") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    ASSERT_EQ(files.size(), 2u) << text;
    std::size_t packets = 0;
    std::int64_t previous = 0;
    for (const auto& f : files) {
        auto name = f.filename().string();  // g-<epoch>.pcap
        std::int64_t opened = std::stoll(name.substr(2, name.size() - 7));
        EXPECT_GE(opened - previous, previous ? 1 : 0) << name;
        previous = opened;
        auto capture = test::read_capture(f.string());
        ASSERT_TRUE(capture) << name;
        EXPECT_FALSE(capture->packets.empty()) << name;
        for (const auto& p : capture->packets) EXPECT_GE(p.sec, opened - 1) << name;
        packets += capture->packets.size();
    }
    EXPECT_LT(packets, sent);
}

}  // namespace
}  // namespace fcap
