// The tcpdump options people script with, held against tcpdump 4.99 where
// it is installed: -Z, --time-stamp-precision / --nano, -L, --print, -N.
#include "support/netns/inet.hpp"
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"
#include "support/pcap_file.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fcap {
namespace {

namespace fs = std::filesystem;

const std::string fcap_bin = std::string(FCAP_BIN_DIR) + "/fcap";
const std::string pcaps = std::string(FCAP_TESTS_DIR) + "/pcaps/";

struct Run {
    int status;
    std::string out;  // standard output and error together
};

Run run(const std::vector<std::string>& argv) {
    Run r;
    r.status = tools::run_command(argv, &r.out);
    return r;
}

// Standard output alone.
Run run_stdout(const std::vector<std::string>& argv) {
    std::string cmd;
    for (const auto& a : argv) cmd += "'" + a + "' ";
    return run({"sh", "-c", cmd + "2>/dev/null"});
}

bool have_tcpdump() { return tools::run_command({"tcpdump", "--version"}) == 0; }
bool root() { return geteuid() == 0; }

// The first word of every line: the time stamp.
std::vector<std::string> first_words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) out.push_back(line.substr(0, line.find(' ')));
    return out;
}

std::uint32_t magic_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::uint32_t m = 0;
    in.read(reinterpret_cast<char*>(&m), sizeof m);
    return m;
}

TEST(FcapNano, WritesANanosecondPcapThatTcpdumpReads) {
    test::TempDir dir("fcap-options");
    std::string file = (dir.path / "n.pcap").string();
    ASSERT_EQ(run({fcap_bin, "--time-stamp-precision", "nano", "-r", pcaps + "icmp.pcap", "-w", file}).status, 0);
    EXPECT_EQ(magic_of(file), 0xa1b23c4du);
    auto fcap_nano = run_stdout({fcap_bin, "--nano", "-r", file, "-n"});
    auto fcap_micro = run_stdout({fcap_bin, "-r", file, "-n", "-tt"});
    ASSERT_EQ(fcap_nano.status, 0);
    auto stamps = first_words(fcap_nano.out);
    ASSERT_FALSE(stamps.empty());
    EXPECT_EQ(stamps[1], "22:13:20.001000000");  // nine digits
    EXPECT_EQ(first_words(fcap_micro.out)[1], "1700000000.001000");
    // A micro file read at nano: the microseconds times a thousand.
    auto from_micro = run_stdout({fcap_bin, "--nano", "-r", pcaps + "icmp.pcap", "-n"});
    EXPECT_EQ(first_words(from_micro.out), stamps);
    if (!have_tcpdump()) GTEST_SKIP() << "tcpdump is not installed: not compared";
    for (std::vector<std::string> flags :
         {std::vector<std::string>{"--nano"}, {"--nano", "-tt"}, {"--nano", "-ttt"}, {"--nano", "-tttt"},
          {"--nano", "-ttttt"}, {"-tt"}, {"--time-stamp-precision=nano"}}) {
        std::vector<std::string> f = {fcap_bin, "-r", file, "-n"}, t = {"tcpdump", "-r", file, "-n"};
        f.insert(f.end(), flags.begin(), flags.end());
        t.insert(t.end(), flags.begin(), flags.end());
        EXPECT_EQ(first_words(run_stdout(f).out), first_words(run_stdout(t).out)) << flags[0];
    }
    // Whole lines where fcap's decoders print what tcpdump prints.
    std::string arp = (dir.path / "arp.pcap").string();
    ASSERT_EQ(run({fcap_bin, "--nano", "-r", pcaps + "arp_rarp.pcap", "-w", arp}).status, 0);
    EXPECT_EQ(run_stdout({fcap_bin, "--nano", "-r", arp, "-n"}).out,
              run_stdout({"tcpdump", "--nano", "-r", arp, "-n"}).out);
    // And the file is the one tcpdump writes.
    std::string theirs = (dir.path / "t.pcap").string();
    ASSERT_EQ(run({"tcpdump", "-Z", "root", "--nano", "-r", pcaps + "arp_rarp.pcap", "-w", theirs}).status, 0);
    EXPECT_EQ(tools::read_text(arp), tools::read_text(theirs));
}

TEST(FcapPrint, PrintsWhileWriting) {
    test::TempDir dir("fcap-options");
    std::string file = (dir.path / "p.pcap").string();
    auto both = run_stdout({fcap_bin, "-r", pcaps + "arp_rarp.pcap", "-n", "-w", file, "--print"});
    auto plain = run_stdout({fcap_bin, "-r", pcaps + "arp_rarp.pcap", "-n"});
    EXPECT_EQ(both.status, 0);
    EXPECT_FALSE(plain.out.empty());
    EXPECT_EQ(both.out, plain.out);
    auto written = test::read_capture(file);
    ASSERT_TRUE(written);
    EXPECT_EQ(written->packets.size(), test::read_capture(pcaps + "arp_rarp.pcap")->packets.size());
    // -N changes nothing: fcap prints addresses, never names.
    EXPECT_EQ(run_stdout({fcap_bin, "-r", pcaps + "arp_rarp.pcap", "-N"}).out,
              run_stdout({fcap_bin, "-r", pcaps + "arp_rarp.pcap"}).out);
}

TEST(FcapUser, UnknownUserFailsAsTcpdump) {
    test::TempDir dir("fcap-options");
    auto r = run({fcap_bin, "-r", pcaps + "icmp.pcap", "-w", (dir.path / "x").string(), "-Z", "nosuchuser0"});
    if (!root()) GTEST_SKIP() << "-Z acts only for root, as in tcpdump";
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("Couldn't find user 'nosuchuser0'"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(dir.path / "x"));
    if (!have_tcpdump()) return;
    auto t = run({"tcpdump", "-r", pcaps + "icmp.pcap", "-w", (dir.path / "y").string(), "-Z", "nosuchuser0"});
    EXPECT_EQ(t.status, r.status);
    EXPECT_NE(t.out.find("Couldn't find user 'nosuchuser0'"), std::string::npos) << t.out;
}

TEST(FcapUser, FilesBelongToTheUserAndRootOnlyPlacesAreShut) {
    if (!root()) GTEST_SKIP() << "-Z acts only for root, as in tcpdump";
    struct passwd* nobody = getpwnam("nobody");
    if (!nobody) GTEST_SKIP() << "no user nobody";
    test::TempDir dir("fcap-options");
    // nobody may pass through the test's directory, write in "open" only.
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::path open_dir = dir.path / "open";
    fs::create_directory(open_dir);
    fs::permissions(open_dir, fs::perms::all);
    auto r = run({fcap_bin, "-r", pcaps + "ethernet.pcap", "-w", (open_dir / "z").string(), "-Z", "nobody"});
    EXPECT_EQ(r.status, 0) << r.out;
    struct stat st{};
    ASSERT_EQ(stat((open_dir / "z").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, nobody->pw_uid);
    // The test directory is root's, mode 0711: nobody cannot create there,
    // as root could.
    auto shut = run({fcap_bin, "-r", pcaps + "ethernet.pcap", "-w", (dir.path / "z").string(), "-Z", "nobody"});
    EXPECT_EQ(shut.status, 1) << shut.out;
    EXPECT_NE(shut.out.find("Permission denied"), std::string::npos) << shut.out;
    EXPECT_FALSE(fs::exists(dir.path / "z"));
    // -Z root stays root.
    EXPECT_EQ(run({fcap_bin, "-r", pcaps + "ethernet.pcap", "-w", (dir.path / "r").string(), "-Z", "root"}).status, 0);
}

std::string status_field(pid_t pid, const std::string& name) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(name + ":", 0) == 0) return line.substr(name.size() + 1);
    return "";
}

// Live: once listening, the process is nobody's with no capability left,
// the file is nobody's, and the capture goes on.
TEST(FcapUser, LiveCaptureDropsEverything) {
    if (!root()) GTEST_SKIP() << "live capture needs root";
    struct passwd* nobody = getpwnam("nobody");
    if (!nobody) GTEST_SKIP() << "no user nobody";
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    test::TempDir dir("fcap-options");
    // nobody may pass through the test's directory, write in "open" only.
    fs::permissions(dir.path, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::path open_dir = dir.path / "open";
    fs::create_directory(open_dir);
    fs::permissions(open_dir, fs::perms::all);
    const std::uint16_t port = 47461;
    fs::path file = open_dir / "live.pcap", err = dir.path / "err.txt";
    tools::Child c = tools::Child::spawn(
        {fcap_bin, "-i", "lo", "-Z", "nobody", "-U", "-w", file.string(), "udp dst port " + std::to_string(port)}, "",
        err.string());
    ASSERT_TRUE(tools::wait_for_text(err.string(), "listening on", 10000)) << tools::read_text(err.string());
    for (int i = 0; i < 50 && !fs::exists(file); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    pid_t pid = c.pid();
    std::string uid = status_field(pid, "Uid"), eff = status_field(pid, "CapEff"), prm = status_field(pid, "CapPrm");
    std::string nobody_id = std::to_string(nobody->pw_uid);
    EXPECT_EQ(uid, "\t" + nobody_id + "\t" + nobody_id + "\t" + nobody_id + "\t" + nobody_id);
    EXPECT_EQ(eff, "\t0000000000000000");
    EXPECT_EQ(prm, "\t0000000000000000");
    EXPECT_EQ(status_field(pid, "CapAmb"), "\t0000000000000000");
    EXPECT_EQ(tools::send_udp_to_loopback(port, 5, "z"), 5);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    c.signal(SIGINT);
    EXPECT_EQ(c.wait(10000), 0) << tools::read_text(err.string());
    struct stat st{};
    ASSERT_EQ(stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, nobody->pw_uid);
    auto capture = test::read_capture(file.string());
    ASSERT_TRUE(capture);
    EXPECT_EQ(capture->packets.size(), 5u);
}

// Not root but given CAP_NET_RAW (as setcap would): tcpdump ignores -Z
// then; fcap keeps its user and clears the capability once capturing.
TEST(FcapUser, CapabilitiesGoWithoutRoot) {
    if (!root()) GTEST_SKIP() << "needs root to start an unprivileged process with a capability";
    std::string out;
    if (tools::run_command({"setpriv", "--version"}, &out) != 0) GTEST_SKIP() << "setpriv (util-linux) is missing";
    tools::PrivateNetwork net;  // lo and 127.0.0.1 of a namespace of the test's own
    ASSERT_TRUE(net.ok()) << net.error();
    test::TempDir dir("fcap-options");
    fs::permissions(dir.path, fs::perms::all);
    fs::path err = dir.path / "err.txt";
    tools::Child c = tools::Child::spawn({"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                          "--inh-caps=+net_raw", "--ambient-caps=+net_raw", fcap_bin, "-i", "lo", "-Z",
                                          "nobody", "-w", (dir.path / "a.pcap").string(), "udp dst port 47462"},
                                         "", err.string());
    ASSERT_TRUE(tools::wait_for_text(err.string(), "listening on", 10000)) << tools::read_text(err.string());
    for (int i = 0; i < 50 && !fs::exists(dir.path / "a.pcap"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(status_field(c.pid(), "CapEff"), "\t0000000000000000");
    EXPECT_EQ(status_field(c.pid(), "CapPrm"), "\t0000000000000000");
    EXPECT_EQ(status_field(c.pid(), "CapAmb"), "\t0000000000000000");
    c.signal(SIGINT);
    EXPECT_EQ(c.wait(10000), 0) << tools::read_text(err.string());
}

// -L: tcpdump's list, on standard error, exit 0; a down interface fails.
TEST(FcapLinkTypes, SameListAsTcpdump) {
    if (!root()) GTEST_SKIP() << "tcpdump -L opens the interface: root";
    auto lo = run({fcap_bin, "-L", "-i", "lo"});
    EXPECT_EQ(lo.status, 0);
    EXPECT_EQ(lo.out, "Data link types for lo (use option -y to set):\n  EN10MB (Ethernet)\n");
    auto any = run({fcap_bin, "-L", "-i", "any"});
    EXPECT_EQ(any.out,
              "Data link types for any (use option -y to set):\n  LINUX_SLL (Linux cooked v1)\n"
              "  LINUX_SLL2 (Linux cooked v2)\n");
    EXPECT_EQ(run_stdout({fcap_bin, "-L", "-i", "lo"}).out, "") << "the list goes to standard error";
    if (!have_tcpdump()) GTEST_SKIP() << "tcpdump is not installed: not compared";
    for (const char* i : {"lo", "any"}) EXPECT_EQ(run({fcap_bin, "-L", "-i", i}).out, run({"tcpdump", "-L", "-i", i}).out);
    std::string why;
    if (!tools::can_make_netns(&why)) GTEST_SKIP() << why;
    tools::VethLab lab("linktypes");
    ASSERT_TRUE(lab.ok()) << lab.error;
    auto ours = run(lab.left.exec({fcap_bin, "-L", "-i", lab.left_if}));
    auto theirs = run(lab.left.exec({"tcpdump", "-L", "-i", lab.left_if}));
    EXPECT_EQ(ours.status, 0);
    EXPECT_EQ(ours.status, theirs.status);
    EXPECT_EQ(ours.out, theirs.out);
    EXPECT_NE(ours.out.find("DOCSIS"), std::string::npos) << ours.out;
    // Down: both refuse with status 1.
    ASSERT_EQ(run(lab.left.exec({"ip", "link", "set", lab.left_if, "down"})).status, 0);
    auto down = run(lab.left.exec({fcap_bin, "-L", "-i", lab.left_if}));
    EXPECT_EQ(down.status, 1);
    EXPECT_NE(down.out.find("That device is not up"), std::string::npos) << down.out;
    EXPECT_EQ(run(lab.left.exec({"tcpdump", "-L", "-i", lab.left_if})).status, 1);
}

}  // namespace
}  // namespace fcap
