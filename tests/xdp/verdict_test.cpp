// fxdp drops exactly what libpcap's filter matches (with --keep, exactly
// what it does not), on a real interface, frames of every family and cut
// ones included; its counters agree; detach restores delivery.
#include "xdp/lab.hpp"
#include "xdp/skip.hpp"

#include "support/netns/process.hpp"
#include "support/text.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

namespace fcap::xdptest {
namespace {


struct Counts {
    long packets = -1, matched = -1;
};

Counts counters(const Lab& lab) {
    Outcome r = lab.fxdp({"status", "--json", "-i", lab.right_if});
    Counts c;
    if (auto n = test::json_number(r.output, "packets")) c.packets = long(*n);
    if (auto n = test::json_number(r.output, "matched_packets")) c.matched = long(*n);
    return c;
}

// Sends the mix; checks arrivals and counters against libpcap.
void expect_filtered(const Lab& lab, const std::string& expression, bool keep) {
    auto frames = mixed_frames();
    int tx = lab.sender(), rx = lab.capture();
    ASSERT_GE(tx, 0);
    ASSERT_GE(rx, 0);
    ASSERT_TRUE(lab.send(tx, frames));
    auto got = lab.received(rx);
    close(tx);
    close(rx);
    long matched = 0;
    for (unsigned i = 0; i < frames.size(); ++i) {
        bool match = libpcap_matches(expression, frames[i].bytes);
        matched += match;
        bool should_arrive = keep ? match : !match;
        EXPECT_EQ(got.count(i + 1), should_arrive ? 1u : 0u)
            << expression << (keep ? " (--keep)" : "") << ": frame " << i + 1 << " (" << frames[i].name << ")";
    }
    Counts c = counters(lab);
    EXPECT_EQ(c.packets, long(frames.size())) << expression;
    EXPECT_EQ(c.matched, matched) << expression;
}

const std::vector<std::string> expressions = {
    "tcp and dst port 7070", "udp", "icmp or ip6", "vlan", "not tcp", "port 53", "ip[0] & 0xf = 5", "arp or len < 40",
};

TEST(FxdpVerdict, DropsExactlyTheMatchesAndCountsThem) {
    FXDP_SKIP_WITHOUT_ROOT();
    for (const auto& expression : expressions) {
        Lab lab("v");
        ASSERT_TRUE(lab.ok()) << lab.error;
        Outcome a = lab.fxdp({"attach", "-i", lab.right_if, "--", expression});
        ASSERT_EQ(a.status, 0) << a.output;
        expect_filtered(lab, expression, false);
    }
}

TEST(FxdpVerdict, KeepPassesOnlyTheMatches) {
    FXDP_SKIP_WITHOUT_ROOT();
    for (const auto& expression : {"tcp and dst port 7070", "not udp", "vlan 10"}) {
        Lab lab("k");
        ASSERT_TRUE(lab.ok()) << lab.error;
        Outcome a = lab.fxdp({"attach", "-i", lab.right_if, "--keep", "--", expression});
        ASSERT_EQ(a.status, 0) << a.output;
        expect_filtered(lab, expression, true);
    }
}

TEST(FxdpVerdict, DetachRestoresDelivery) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("d");
    ASSERT_TRUE(lab.ok()) << lab.error;
    ASSERT_EQ(lab.fxdp({"attach", "-i", lab.right_if, "ip or ip6 or arp or vlan"}).status, 0);
    Outcome d = lab.fxdp({"detach", "-i", lab.right_if});
    EXPECT_EQ(d.status, 0) << d.output;
    auto frames = mixed_frames();
    int tx = lab.sender(), rx = lab.capture();
    ASSERT_TRUE(lab.send(tx, frames));
    auto got = lab.received(rx);
    close(tx);
    close(rx);
    EXPECT_EQ(got.size(), frames.size());
    EXPECT_TRUE(std::filesystem::is_empty(lab.pin_dir));
    EXPECT_EQ(lab.fxdp({"status", "-i", lab.right_if}).output, "no XDP program on " + lab.right_if + "\n");
}

// The attaching process is gone when these run: the pins hold the filter.
TEST(FxdpVerdict, PinnedFilterOutlivesTheProcessAndIsFoundLater) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("p");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome a = lab.fxdp({"attach", "-i", lab.right_if, "-F", std::string(FCAP_TESTS_DIR) + "/xdp/udp53.filter"});
    ASSERT_EQ(a.status, 0) << a.output;
    EXPECT_NE(a.output.find("program id"), std::string::npos) << a.output;
    Outcome s = lab.fxdp({"status"});
    EXPECT_NE(s.output.find(lab.right_if + ": fxdp filter, drops what matches: udp port 53"), std::string::npos)
        << s.output;
    auto frames = mixed_frames();
    long matched = 0;
    for (const auto& f : frames) matched += libpcap_matches("udp port 53", f.bytes);
    int tx = lab.sender();
    ASSERT_TRUE(lab.send(tx, frames));
    close(tx);
    Outcome st = lab.fxdp({"stats", "-i", lab.right_if, "--count", "1", "--interval", "0.2", "--json"});
    EXPECT_EQ(st.status, 0) << st.output;
    EXPECT_NE(st.output.find("\"total\":true"), std::string::npos) << st.output;
    Outcome prom = lab.fxdp({"stats", "--prometheus"});
    EXPECT_NE(prom.output.find("fxdp_packets_total{interface=\"" + lab.right_if + "\"} " + std::to_string(frames.size())), std::string::npos)
        << prom.output;
    EXPECT_NE(prom.output.find("fxdp_matched_packets_total{interface=\"" + lab.right_if + "\"} " + std::to_string(matched)), std::string::npos)
        << prom.output;
    Outcome d = lab.fxdp({"detach", "-i", lab.right_if});
    EXPECT_EQ(d.status, 0) << d.output;
    EXPECT_EQ(lab.fxdp({"status", "--json"}).output, "[]\n");
}

// stats runs until Ctrl-C, then prints the total; --per-cpu adds CPU lines.
TEST(FxdpVerdict, StatsPrintsRatesAndATotalOnInterrupt) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("s");
    ASSERT_TRUE(lab.ok()) << lab.error;
    ASSERT_EQ(lab.fxdp({"attach", "-i", lab.right_if, "udp"}).status, 0);
    std::string out = lab.pin_dir + "-stats.txt";
    out = "/tmp/" + out.substr(out.rfind('/') + 1);
    auto child = tools::Child::spawn({"nsenter", "--net=/run/netns/" + lab.right.name(),
                                      std::string(FCAP_BIN_DIR) + "/fxdp", "stats", "--pin-dir", lab.pin_dir, "-i",
                                      lab.right_if, "--interval", "0.2", "--per-cpu"},
                                     out, out);
    ASSERT_TRUE(tools::wait_for_text(out, "matched/s", 5000)) << tools::read_text(out);
    int tx = lab.sender();
    ASSERT_TRUE(lab.send(tx, mixed_frames()));
    close(tx);
    ASSERT_TRUE(tools::wait_for_text(out, "cpu1", 5000)) << tools::read_text(out);
    child.signal(SIGINT);
    EXPECT_EQ(child.wait(5000), 0);
    std::string text = tools::read_text(out);
    std::remove(out.c_str());
    EXPECT_NE(text.find("total over"), std::string::npos) << text;
    EXPECT_NE(text.find("since attach: 26 packets"), std::string::npos) << text;
}

}  // namespace
}  // namespace fcap::xdptest
