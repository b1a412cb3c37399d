// Every failure fxdp names is a clear message and a non-zero exit, and
// leaves nothing attached and nothing half-pinned; someone else's program
// is never replaced without --force.
#include "xdp/lab.hpp"
#include "xdp/skip.hpp"

#include "fcap/compiler.hpp"
#include "support/netns/process.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

namespace fcap::xdptest {
namespace {

namespace fs = std::filesystem;

#define EXPECT_SAYS(outcome, text) \
    EXPECT_NE((outcome).output.find(text), std::string::npos) << "expected \"" << (text) << "\" in:\n" << (outcome).output

// Nothing on the interface, and no pins but those `allowed`.
void expect_nothing_attached(const Lab& lab) {
    std::string out;
    tools::run_command({"ip", "-n", lab.right.name(), "link", "show", lab.right_if}, &out);
    EXPECT_EQ(out.find("prog/xdp"), std::string::npos) << out;
    std::error_code ec;
    EXPECT_TRUE(!fs::exists(lab.pin_dir, ec) || fs::is_empty(lab.pin_dir, ec)) << "pins left in " << lab.pin_dir;
}

TEST(FxdpErrors, MissingInterface) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e1");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome r = lab.fxdp({"attach", "-i", "nosuch0", "tcp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "no interface named nosuch0");
    Outcome s = lab.fxdp({"stats", "-i", "nosuch0", "--count", "1"});
    EXPECT_EQ(s.status, 1);
    EXPECT_SAYS(s, "no fxdp filter on nosuch0");
}

TEST(FxdpErrors, NoNativeXdpSuggestsSkbMode) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e2");
    ASSERT_TRUE(lab.ok()) << lab.error;
    tools::run_command({"ip", "-n", lab.right.name(), "link", "set", "lo", "up"});
    Outcome r = lab.fxdp({"attach", "-i", "lo", "tcp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "lo has no native XDP support");
    EXPECT_SAYS(r, "--mode skb");
    Outcome skb = lab.fxdp({"attach", "-i", "lo", "--mode", "skb", "tcp"});
    EXPECT_EQ(skb.status, 0) << skb.output;
    EXPECT_SAYS(lab.fxdp({"status", "-i", "lo"}), "skb mode");
    EXPECT_EQ(lab.fxdp({"detach", "-i", "lo"}).status, 0);
}

TEST(FxdpErrors, MissingPrivilegeNamesTheCapabilities) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e3");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome r = lab.fxdp({"attach", "-i", lab.right_if, "tcp"}, {},
                         {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "CAP_BPF and CAP_NET_ADMIN");
    expect_nothing_attached(lab);
}

TEST(FxdpErrors, VerifierRefusalShowsTheLog) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e4");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome r = lab.fxdp({"attach", "-i", lab.right_if, "tcp"}, {"FXDP_TEST_FAULT=verifier"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "the kernel's verifier refused the program");
    EXPECT_SAYS(r, "R5 !read_ok");
    expect_nothing_attached(lab);
    Outcome c = lab.fxdp({"check", "tcp"}, {"FXDP_TEST_FAULT=verifier"});
    EXPECT_EQ(c.status, 1);
}

TEST(FxdpErrors, FullBpffsAttachesNothing) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e5");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome r = lab.fxdp({"attach", "-i", lab.right_if, "tcp"}, {"FXDP_TEST_FAULT=pin-enospc"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "is full");
    expect_nothing_attached(lab);
}

TEST(FxdpErrors, StalePinsOfACrashedRunAreFoundAndCleaned) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e6");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome crash = lab.fxdp({"attach", "-i", lab.right_if, "tcp"}, {"FXDP_TEST_FAULT=crash-after-pin"});
    EXPECT_EQ(crash.status, 70);
    Outcome s = lab.fxdp({"status"});
    EXPECT_SAYS(s, "stale fxdp pins");
    EXPECT_SAYS(s, "interrupted");
    // A hand-made pin under the interface's own name: attach refuses it.
    fs::create_directories(lab.pin_dir + "/" + lab.right_if);
    ASSERT_EQ(tools::run_command({"bpftool", "map", "create", lab.pin_dir + "/" + lab.right_if + "/counters", "type",
                                  "array", "key", "4", "value", "8", "entries", "1", "name", "leftover"}),
              0);
    Outcome a = lab.fxdp({"attach", "-i", lab.right_if, "tcp"});
    EXPECT_EQ(a.status, 1);
    EXPECT_SAYS(a, "stale fxdp pins");
    EXPECT_SAYS(a, "fxdp detach -i " + lab.right_if);
    Outcome d = lab.fxdp({"detach", "-i", lab.right_if});
    EXPECT_EQ(d.status, 0) << d.output;
    EXPECT_SAYS(d, "removed stale pins");
    expect_nothing_attached(lab);
    EXPECT_EQ(lab.fxdp({"attach", "-i", lab.right_if, "tcp"}).status, 0);
}

TEST(FxdpErrors, DeadInterfaceWithPinsIsReportedAndCleaned) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e7");
    ASSERT_TRUE(lab.ok()) << lab.error;
    ASSERT_EQ(lab.fxdp({"attach", "-i", lab.right_if, "udp"}).status, 0);
    ASSERT_EQ(tools::run_command({"ip", "-n", lab.right.name(), "link", "del", lab.right_if}), 0);
    Outcome s = lab.fxdp({"status"});
    EXPECT_SAYS(s, "the interface is gone");
    Outcome d = lab.fxdp({"detach", "-i", lab.right_if});
    EXPECT_EQ(d.status, 0) << d.output;
    EXPECT_TRUE(fs::is_empty(lab.pin_dir));
}

TEST(FxdpErrors, SomeoneElsesProgramIsRefusedWithoutForce) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e8");
    ASSERT_TRUE(lab.ok()) << lab.error;
    diag::Sink sink;
    auto program = compile_ebpf("icmp", CompileOptions{}, EbpfOptions{}, sink);
    ASSERT_TRUE(program);
    std::string object = "/tmp/fxdp-test-other-" + std::to_string(getpid()) + ".o";
    ASSERT_TRUE(write_object(*program, object, sink));
    std::string out;
    ASSERT_EQ(tools::run_command({"ip", "-n", lab.right.name(), "link", "set", "dev", lab.right_if, "xdpdrv", "obj",
                                  object, "sec", "xdp"},
                                 &out),
              0)
        << out;
    fs::remove(object);
    Outcome r = lab.fxdp({"attach", "-i", lab.right_if, "tcp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "not fxdp's: id ");
    EXPECT_SAYS(r, "--force");
    EXPECT_SAYS(lab.fxdp({"status"}), "not fxdp's");
    Outcome d = lab.fxdp({"detach", "-i", lab.right_if});
    EXPECT_EQ(d.status, 1);
    EXPECT_SAYS(d, "someone else's and stays");
    Outcome f = lab.fxdp({"attach", "-i", lab.right_if, "--force", "tcp"});
    EXPECT_EQ(f.status, 0) << f.output;
    EXPECT_SAYS(lab.fxdp({"status"}), "fxdp filter, drops what matches: tcp");
}

// Another program held by a bpf_link (here, fxdp's own under other pins):
// refused, and --force detaches that link, no other.
TEST(FxdpErrors, ForceDetachesAForeignLink) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e10");
    ASSERT_TRUE(lab.ok()) << lab.error;
    const std::string other = lab.pin_dir + "-other";
    Outcome a = lab.fxdp({"attach", "--pin-dir", other, "-i", lab.right_if, "udp"});
    ASSERT_EQ(a.status, 0) << a.output;
    Outcome r = lab.fxdp({"attach", "-i", lab.right_if, "tcp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_SAYS(r, "\"fxdp_drop\"");
    Outcome f = lab.fxdp({"attach", "-i", lab.right_if, "--force", "tcp"});
    EXPECT_EQ(f.status, 0) << f.output;
    EXPECT_SAYS(lab.fxdp({"status"}), "fxdp filter, drops what matches: tcp");
    Outcome d = lab.fxdp({"detach", "--pin-dir", other, "--all"});
    EXPECT_EQ(d.status, 0) << d.output;
    EXPECT_SAYS(d, "removed stale pins");
    rmdir(other.c_str());
}

TEST(FxdpErrors, SecondAttachReplacesAndCheckAttachesNothing) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("e9");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome c = lab.fxdp({"check", "--", "tcp", "and", "dst", "port", "7070"});
    EXPECT_EQ(c.status, 0) << c.output;
    EXPECT_SAYS(c, "processed ");
    Outcome dry = lab.fxdp({"attach", "-i", lab.right_if, "--dry-run", "udp"});
    EXPECT_EQ(dry.status, 0);
    EXPECT_SAYS(dry, "nothing attached");
    expect_nothing_attached(lab);
    ASSERT_EQ(lab.fxdp({"attach", "-i", lab.right_if, "tcp"}).status, 0);
    Outcome again = lab.fxdp({"attach", "-i", lab.right_if, "udp"});
    EXPECT_EQ(again.status, 0) << again.output;
    EXPECT_SAYS(again, "replaced the filter");
    EXPECT_SAYS(lab.fxdp({"status"}), "drops what matches: udp");
    Outcome bad = lab.fxdp({"check", "tcp", "and", "dst", "port", "htp"});
    EXPECT_EQ(bad.status, 1);
    EXPECT_SAYS(bad, "^");
}

}  // namespace
}  // namespace fcap::xdptest
