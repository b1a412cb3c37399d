// fcap as a user meets it: each failure has its own message and a non-zero
// exit; SIGINT, SIGTERM and SIGHUP stop a capture with a complete file and
// exit status 0.  Live cases capture on the loopback interface, filtered
// to a UDP port of their own, and send a fixed number of datagrams to
// 127.0.0.1 only.
#include "support/netns/inet.hpp"
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"
#include "support/pcap_file.hpp"
#include "support/temp_dir.hpp"
#include "support/text.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fcap {
namespace {

namespace fs = std::filesystem;
using tools::Child;

const std::string fcap_bin = std::string(FCAP_BIN_DIR) + "/fcap";

struct Result {
    int status;
    std::string err;
};

// Runs fcap to its end (at most 20 s) with standard error captured.
Result run_fcap(const std::vector<std::string>& args, const fs::path& dir) {
    std::vector<std::string> argv = {fcap_bin};
    argv.insert(argv.end(), args.begin(), args.end());
    fs::path err = dir / "stderr.txt";
    Child c = Child::spawn(argv, (dir / "stdout.txt").string(), err.string());
    int status = c.wait(20000);
    return {status, tools::read_text(err.string())};
}

bool root() { return geteuid() == 0; }

#define SKIP_UNLESS_ROOT() \
    if (!root()) GTEST_SKIP() << "live capture needs CAP_NET_RAW (run the tests as root)"

void send_udp(std::uint16_t port, int count) {
    ASSERT_EQ(tools::send_udp_to_loopback(port, count, "fcap-cli"), count);
}

TEST(FcapCli, BadExpressionShowsTheCaret) {
    test::TempDir dir("fcap-cli");
    auto r = run_fcap({"-d", "tcp and dst port htp"}, dir.path);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("htp"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
}

// tcpdump compiles with netmask 0 (it looks the interface's up only under
// -f): `ip broadcast` is accepted and means 0.0.0.0 or 255.255.255.255.
TEST(FcapCli, IpBroadcastCompilesAsInTcpdump) {
    test::TempDir dir("fcap-cli");
    auto r = run_fcap({"-d", "ip broadcast"}, dir.path);
    EXPECT_EQ(r.status, 0) << r.err;
    std::string ours = tools::read_text((dir.path / "stdout.txt").string());
    EXPECT_NE(ours.find("jeq      #0xffffffff"), std::string::npos) << ours;
    std::string theirs;
    if (tools::run_command({"tcpdump", "-d", "ip broadcast"}, &theirs) != 0) GTEST_SKIP() << "tcpdump is not installed";
    EXPECT_EQ(ours, theirs.substr(theirs.find("(000)")));
}

TEST(FcapCli, UnknownInterfaceIsNamed) {
    test::TempDir dir("fcap-cli");
    auto r = run_fcap({"-i", "nosuchif0", "udp"}, dir.path);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("nosuchif0"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("fcap -D"), std::string::npos) << r.err;
}

TEST(FcapCli, UnwritableFileIsReportedBeforeCapturing) {
    SKIP_UNLESS_ROOT();
    test::TempDir dir("fcap-cli");
    auto r = run_fcap({"-i", "lo", "-c", "1", "-w", "/nonexistent-dir/x.pcap", "udp"}, dir.path);
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.err.find("/nonexistent-dir/x.pcap"), std::string::npos) << r.err;
}

TEST(FcapCli, MissingPrivilegeNamesTheCapability) {
    SKIP_UNLESS_ROOT();  // needs root to drop to an unprivileged user
    std::string out;
    if (tools::run_command({"setpriv", "--version"}, &out) != 0) GTEST_SKIP() << "setpriv (util-linux) is missing";
    test::TempDir dir("fcap-cli");
    fs::permissions(dir.path, fs::perms::all);
    Child c = Child::spawn({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                            fcap_bin, "-i", "lo", "-c", "1", "udp"},
                           "", (dir.path / "priv.txt").string());
    int status = c.wait(20000);
    std::string err = tools::read_text((dir.path / "priv.txt").string());
    EXPECT_NE(status, 0);
    EXPECT_NE(err.find("CAP_NET_RAW"), std::string::npos) << err;
}

TEST(FcapCli, FullDiskFailsWithAMessage) {
    SKIP_UNLESS_ROOT();
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    if (!fs::exists("/dev/full")) GTEST_SKIP() << "/dev/full is missing";
    test::TempDir dir("fcap-cli");
    const std::uint16_t port = 47411;
    Child c = Child::spawn({fcap_bin, "-i", "lo", "-U", "-w", "/dev/full", "udp", "dst", "port", std::to_string(port)},
                           "", (dir.path / "err.txt").string());
    ASSERT_TRUE(tools::wait_for_text((dir.path / "err.txt").string(), "listening on", 10000));
    for (int i = 0; i < 20 && c.running(); ++i) {
        send_udp(port, 5);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    c.signal(SIGINT);
    int status = c.wait(10000);
    std::string err = tools::read_text((dir.path / "err.txt").string());
    EXPECT_NE(status, 0) << err;
    EXPECT_NE(status, -1) << "fcap did not stop";
    EXPECT_TRUE(err.find("No space left") != std::string::npos || err.find("full") != std::string::npos) << err;
}

// Every packet counted as captured is in the file, whichever signal stops it.
class StopSignal : public ::testing::TestWithParam<int> {};

TEST_P(StopSignal, FileIsCompleteAndStatusZero) {
    SKIP_UNLESS_ROOT();
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    test::TempDir dir("fcap-cli");
    const std::uint16_t port = std::uint16_t(47420 + GetParam());
    fs::path file = dir.path / "out.pcap", err = dir.path / "err.txt";
    Child c = Child::spawn({fcap_bin, "-i", "lo", "-w", file.string(), "udp", "dst", "port", std::to_string(port)}, "",
                           err.string());
    ASSERT_TRUE(tools::wait_for_text(err.string(), "listening on", 10000)) << tools::read_text(err.string());
    const int sent = 25;
    send_udp(port, sent);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ASSERT_TRUE(c.signal(GetParam()));
    int status = c.wait(10000);
    std::string text = tools::read_text(err.string());
    EXPECT_EQ(status, 0) << text;
    auto capture = test::read_capture(file.string());
    ASSERT_TRUE(capture) << "the file is not a readable pcap";
    EXPECT_EQ(capture->packets.size(), std::size_t(sent)) << text;
    auto captured = test::number_before(text, "packets captured");
    if (!captured) captured = test::number_before(text, "packet captured");
    ASSERT_TRUE(captured) << text;
    EXPECT_EQ(*captured, capture->packets.size()) << "the count printed is the count written";
    EXPECT_NE(text.find("received by filter"), std::string::npos) << text;
    EXPECT_NE(text.find("dropped by kernel"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Signals, StopSignal, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const auto& info) { return std::string(sigabbrev_np(info.param)); });

TEST(FcapCli, CountStopsAfterN) {
    SKIP_UNLESS_ROOT();
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    test::TempDir dir("fcap-cli");
    const std::uint16_t port = 47431;
    fs::path file = dir.path / "out.pcap", err = dir.path / "err.txt";
    Child c = Child::spawn({fcap_bin, "-i", "lo", "-c", "3", "-w", file.string(), "udp dst port " + std::to_string(port)},
                           "", err.string());
    ASSERT_TRUE(tools::wait_for_text(err.string(), "listening on", 10000));
    send_udp(port, 10);
    int status = c.wait(10000);
    EXPECT_EQ(status, 0) << tools::read_text(err.string());
    auto capture = test::read_capture(file.string());
    ASSERT_TRUE(capture);
    EXPECT_EQ(capture->packets.size(), 3u);
}

}  // namespace
}  // namespace fcap
