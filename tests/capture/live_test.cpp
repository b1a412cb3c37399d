// Live equals offline: fcap captures with a filter on one end of a veth
// pair while an unfiltered tcpdump captures beside it; every file fcap
// writes must hold exactly the packets libpcap's offline filter selects
// from tcpdump's capture (pcap_compile + pcap_offline_filter), in order,
// byte for byte.  The traffic includes VLAN-tagged frames, whose tag the
// receiving kernel moves into metadata: tcpdump's own kernel filter gets
// those wrong, fcap's must not.
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"
#include "capture/traffic.hpp"
#include "support/pcap_file.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <thread>

namespace fcap {
namespace {

namespace fs = std::filesystem;
using tools::Child;

const std::string fcap_bin = std::string(FCAP_BIN_DIR) + "/fcap";

// The expressions of the acceptance check and more: tags, ports, protocols,
// negations, lengths and raw offsets that a stripped tag would move.
const std::vector<std::string> expressions = {
    "vlan",
    "vlan 10 and ip",
    "tcp and dst port 7070",
    "not udp",
    "udp",
    "icmp or icmp6",
    "ip6",
    "vlan and udp port 53",
    "vlan 20 or vlan 30",
    "vlan 100 and vlan 10",
    "not vlan and ip",
    "ether[12:2] = 0x8100",
    "len > 100",
    "udp[8:4] = 0x61626364",
    "tcp[tcpflags] & (tcp-syn|tcp-rst) != 0",
    "arp or (vlan and not ip6)",
};

std::vector<test::Packet> libpcap_selection(const test::Capture& all, const std::string& expression) {
    pcap_t* dead = pcap_open_dead(all.dlt, 262144);
    bpf_program program{};
    std::vector<test::Packet> out;
    if (pcap_compile(dead, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
        ADD_FAILURE() << "libpcap refuses " << expression << ": " << pcap_geterr(dead);
        pcap_close(dead);
        return out;
    }
    for (const auto& p : all.packets) {
        pcap_pkthdr h{};
        h.caplen = p.caplen;
        h.len = p.wirelen;
        if (pcap_offline_filter(&program, &h, p.data.data())) out.push_back(p);
    }
    pcap_freecode(&program);
    pcap_close(dead);
    return out;
}

// "" when equal; else where they first differ.
std::string compare(const std::vector<test::Packet>& want, const std::vector<test::Packet>& got) {
    for (std::size_t i = 0; i < std::min(want.size(), got.size()); ++i) {
        if (want[i].data != got[i].data || want[i].wirelen != got[i].wirelen)
            return "packet " + std::to_string(i) + " differs (expected " + std::to_string(want[i].caplen) +
                   " bytes, got " + std::to_string(got[i].caplen) + ")";
    }
    if (want.size() != got.size())
        return "expected " + std::to_string(want.size()) + " packets, got " + std::to_string(got.size());
    return "";
}

struct Capturer {
    std::string expression;
    fs::path file, log;
    Child child;
};

class LiveCapture : public ::testing::Test {
protected:
    void SetUp() override {
        std::string why;
        if (!tools::can_make_netns(&why)) GTEST_SKIP() << "live capture tests " << why;
        if (tools::run_command({"tcpdump", "--version"}) != 0) GTEST_SKIP() << "tcpdump is not installed";
    }

    // Runs tcpdump (unfiltered) and one fcap per expression on `iface` in
    // namespace `ns`, sends the mix, stops them with SIGINT, and holds each
    // file against libpcap's selection from tcpdump's.
    void capture_and_compare(const tools::VethLab& lab, const tools::Netns& ns, const std::string& iface,
                             const std::vector<std::string>& exprs, const std::vector<std::string>& extra = {},
                             const std::vector<std::string>& tcpdump_extra = {}) {
        test::TempDir dir("fcap-live");
        fs::path reference = dir.path / "tcpdump.pcap", reference_log = dir.path / "tcpdump.log";
        // --immediate-mode: tcpdump's ring hands packets over at once, so
        // its file is complete when it stops.
        std::vector<std::string> tcpdump_argv = {"tcpdump", "-i", iface, "-w", reference.string(), "-U", "-Z", "root",
                                                 "--immediate-mode", "-s", "262144", "-B", "32768"};
        tcpdump_argv.insert(tcpdump_argv.end(), tcpdump_extra.begin(), tcpdump_extra.end());
        Child tcpdump = Child::spawn(ns.exec(tcpdump_argv), "", reference_log.string());
        ASSERT_TRUE(tools::wait_for_text(reference_log, "listening on", 10000)) << tools::read_text(reference_log);

        std::vector<Capturer> fcaps(exprs.size());
        for (std::size_t i = 0; i < exprs.size(); ++i) {
            auto& c = fcaps[i];
            c.expression = exprs[i];
            c.file = dir.path / ("fcap" + std::to_string(i) + ".pcap");
            c.log = dir.path / ("fcap" + std::to_string(i) + ".log");
            std::vector<std::string> argv = {fcap_bin, "-i", iface, "-w", c.file.string()};
            argv.insert(argv.end(), extra.begin(), extra.end());
            argv.push_back("--");
            argv.push_back(c.expression);
            c.child = Child::spawn(ns.exec(argv), "", c.log.string());
        }
        for (auto& c : fcaps)
            ASSERT_TRUE(tools::wait_for_text(c.log, "listening on", 10000)) << c.expression << ": " << tools::read_text(c.log);

        Child server = lab.right.start([] { return test::serve_tcp({7070, 8080}, 20); });
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ASSERT_EQ(lab.left.run([&] { return test::send_mix(lab); }), 0) << "sending the traffic mix";
        std::this_thread::sleep_for(std::chrono::milliseconds(300));

        // fcap stops first, tcpdump last: its capture spans theirs.
        for (auto& c : fcaps) c.child.signal(SIGINT);
        for (auto& c : fcaps) EXPECT_EQ(c.child.wait(10000), 0) << c.expression << ": " << tools::read_text(c.log);
        tcpdump.signal(SIGINT);
        ASSERT_EQ(tcpdump.wait(10000), 0) << tools::read_text(reference_log);

        std::string error;
        auto all = test::read_capture(reference.string(), &error);
        ASSERT_TRUE(all) << error;
        ASSERT_GT(all->packets.size(), 10u) << "tcpdump saw the traffic";
        for (auto& c : fcaps) {
            auto got = test::read_capture(c.file.string(), &error);
            ASSERT_TRUE(got) << c.expression << ": " << error;
            EXPECT_EQ(got->dlt, all->dlt);
            auto want = libpcap_selection(*all, c.expression);
            EXPECT_EQ(compare(want, got->packets), "") << "fcap -i " << iface << " " << c.expression;
            selected_ += want.size();
            // tcpdump's "N packets captured" counts what the file holds.
            std::string log = tools::read_text(c.log);
            EXPECT_NE(log.find(std::to_string(got->packets.size()) +
                               (got->packets.size() == 1 ? " packet captured" : " packets captured")),
                      std::string::npos)
                << log;
        }
        server.signal(SIGTERM);
    }

    std::size_t selected_ = 0;
};

TEST_F(LiveCapture, ReceivingEndEqualsOfflineSelection) {
    // The receiving kernel strips tags before packet sockets see frames.
    tools::VethLab lab("rx");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.right, lab.right_if, expressions);
    EXPECT_GT(selected_, 100u);
}

TEST_F(LiveCapture, SendingEndEqualsOfflineSelection) {
    // Outgoing frames keep their tags inline.
    tools::VethLab lab("tx");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.left, lab.left_if, expressions);
    EXPECT_GT(selected_, 100u);
}

TEST_F(LiveCapture, DirectionIn) {
    // On the sending end, -Q in keeps the replies only; the reference is
    // tcpdump's -Q in capture.
    tools::VethLab lab("qin");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.left, lab.left_if, {"", "icmp", "tcp"}, {"-Q", "in"}, {"-Q", "in"});
    EXPECT_GT(selected_, 5u);
}

TEST_F(LiveCapture, DirectionOut) {
    tools::VethLab lab("qout");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.left, lab.left_if, {"", "vlan", "udp"}, {"-Q", "out"}, {"-Q", "out"});
    EXPECT_GT(selected_, 20u);
}

// -i any: Linux cooked headers, v2 by default as tcpdump, v1 with -y.
// (libpcap has no `vlan` for cooked captures; the tagged frames are in
// the mix all the same.)
const std::vector<std::string> cooked_expressions = {
    "udp", "tcp and dst port 7070", "not udp", "inbound and icmp", "outbound", "ip6 and udp", "len > 100",
    "udp[8:4] = 0x61626364", "ether proto 0x800", "link[0:2] = 0x0800"};

TEST_F(LiveCapture, CookedV2CaptureOnAny) {
    tools::VethLab lab("any2");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.right, "any", cooked_expressions);
    EXPECT_GT(selected_, 30u);
}

TEST_F(LiveCapture, CookedV1CaptureOnAny) {
    tools::VethLab lab("any1");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.right, "any", cooked_expressions, {"-y", "LINUX_SLL"}, {"-y", "LINUX_SLL"});
    EXPECT_GT(selected_, 30u);
}

TEST_F(LiveCapture, EbpfEngineEqualsOfflineSelection) {
    std::string out;
    if (tools::run_command({fcap_bin, "-d", "-v", "--engine", "ebpf", "-i", "lo", "udp"}, &out) != 0)
        GTEST_SKIP() << "this fcap has no eBPF engine: " << out;
    tools::VethLab lab("ebpf");
    ASSERT_TRUE(lab.ok()) << lab.error;
    capture_and_compare(lab, lab.right, lab.right_if,
                        {"vlan", "vlan 10 and ip", "tcp and dst port 7070", "not udp", "icmp or icmp6"},
                        {"--engine", "ebpf"});
}

}  // namespace
}  // namespace fcap
