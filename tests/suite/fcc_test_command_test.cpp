// `fcc test` and `fcc diff` as a user runs them: the built binary on suite
// files written here, over the captures in tests/pcaps.
#include "reference/libpcap.hpp"
#include "support/text.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using fcap::test::digits_between;

// fcc test's last line: "N passed, 0 failed, M skipped", after a blank or
// case line.
bool summary_says_none_failed(const std::string& out) {
    if (out.size() < 2 || out.back() != '\n') return false;
    auto start = out.rfind('\n', out.size() - 2);
    if (start == std::string::npos) return false;
    std::string last = out.substr(start + 1, out.size() - start - 2);
    auto middle = last.find(" passed, 0 failed, ");
    if (middle == std::string::npos) return false;
    return digits_between(last.substr(0, middle + 8), "", " passed,") &&
           digits_between(last.substr(middle + 19), "", " skipped");
}

struct Result {
    int status = -1;
    std::string out, err;
};

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
}

Result fcc(const std::string& args) {
    static int calls = 0;
    std::string err = "/tmp/fcc-suite-test-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(calls++);
    std::string cmd = std::string(FCAP_BIN_DIR) + "/fcc " + args + " 2>" + err;
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int status = pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = read_file(err);
    fs::remove(err);
    return r;
}

// A fresh folder per test, whose suites find the captures through pcap_dir.
class SuiteTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("fcc-suite-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!HasFailure()) fs::remove_all(dir_);
    }
    // Writes a suite: the defaults header, then `cases`.
    std::string suite(const std::string& cases, const std::string& name = "suite.toml",
                      const std::string& targets = "[\"libpcap\", \"cbpf\"]") {
        write_file(dir_ / name, "# a comment that --update keeps\npcap_dir = \"" + std::string(FCAP_TESTS_DIR) +
                                    "/pcaps\"\ntargets = " + targets + "\n\n" + cases);
        return (dir_ / name).string();
    }
    fs::path dir_;
};

const std::string arp_case = "[[case]]\nname = \"arp\"\nfilter = \"arp\"\npcaps = [\"arp_rarp.pcap\"]\n";

TEST_F(SuiteTest, TheExampleSuitePasses) {
    auto r = fcc("test " + std::string(FCAP_SOURCE_DIR) + "/examples/suites/basics.toml");
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("ok   web traffic [libpcap]"), std::string::npos) << r.out;
    EXPECT_TRUE(summary_says_none_failed(r.out)) << r.out;
}

TEST_F(SuiteTest, CountAndPacketsPass) {
    auto r = fcc("test " + suite(arp_case + "count = 11\npackets = \"1-11\"\n"));
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("2 passed, 0 failed, 0 skipped\n"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, AWrongCountFailsWithTheMatchingPackets) {
    auto r = fcc("test " + suite(arp_case + "count = 12\n"));
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("FAIL arp [cbpf]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("count: expected 12, got 11 (packets 1-11)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 passed, 2 failed, 0 skipped\n"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, WrongPacketsFailOnExactlyThosePackets) {
    // Expects 1-10 and 12: packet 11 matches unexpectedly, 12 (RARP) does not match.
    auto r = fcc("test " + suite(arp_case + "packets = \"1-10, 12\"\ntargets = [\"cbpf\"]\n"));
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("packet 11: expected no match (packets), got match; arp_rarp.pcap #11 caplen 42 len 42: ff ff"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("packet 12: expected match (packets), got no match; arp_rarp.pcap #12"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("packet 10:"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("packet 13:"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, SameAsAndSameAsLibpcap) {
    auto passing = fcc("test " + suite("[filters]\nboth = \"arp or rarp\"\n" + arp_case +
                                       "same_as = \"ether proto 0x0806\"\nsame_as_libpcap = true\n"));
    EXPECT_EQ(passing.status, 0) << passing.out << passing.err;
    // Against a named filter: only the three RARP packets differ.
    auto failing = fcc("test " + suite("[filters]\nboth = \"arp or rarp\"\n" + arp_case + "same_as = \"both\"\n"));
    EXPECT_EQ(failing.status, 1) << failing.out << failing.err;
    for (int n : {12, 13, 14})
        EXPECT_NE(failing.out.find("packet " + std::to_string(n) + ": expected match (same_as), got no match"),
                  std::string::npos) << failing.out;
    EXPECT_EQ(failing.out.find("packet 11:"), std::string::npos) << failing.out;
    EXPECT_EQ(failing.out.find("packet 15:"), std::string::npos) << failing.out;
}

TEST_F(SuiteTest, SnapshotPassesAndAFlippedLineFails) {
    std::string snapshot;
    for (int n = 1; n <= 15; ++n)
        snapshot += "arp_rarp.pcap #" + std::to_string(n) + (n <= 11 ? " match\n" : " no match\n");
    write_file(dir_ / "arp.snapshot", snapshot);
    auto path = suite(arp_case + "snapshot = \"arp.snapshot\"\n");
    auto r = fcc("test " + path);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    snapshot.replace(snapshot.find("#3 match"), 8, "#3 no match");
    write_file(dir_ / "arp.snapshot", snapshot);
    r = fcc("test " + path);
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("packet 3: expected no match (snapshot), got match"), std::string::npos) << r.out;
    fs::remove(dir_ / "arp.snapshot");
    r = fcc("test " + path);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("cannot read snapshot"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, ErrorExpectations) {
    auto ok = fcc("test " + suite("[[case]]\nname = \"typo\"\nfilter = \"tcp port htp\"\nerror = \"htp\"\n"));
    EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
    auto wrong = fcc("test " + suite("[[case]]\nname = \"typo\"\nfilter = \"tcp port htp\"\nerror = \"zebra\"\n"));
    EXPECT_EQ(wrong.status, 1);
    EXPECT_NE(wrong.out.find("the error does not contain 'zebra'"), std::string::npos) << wrong.out;
    auto compiles = fcc("test " + suite("[[case]]\nname = \"fine\"\nfilter = \"arp\"\nerror = \"port\"\n"));
    EXPECT_EQ(compiles.status, 1);
    EXPECT_NE(compiles.out.find("compiled, but the case expects an error containing 'port'"), std::string::npos)
        << compiles.out;
}

TEST_F(SuiteTest, AnExpressionThatDoesNotCompileFailsItsCase) {
    auto r = fcc("test " + suite("[[case]]\nname = \"broken\"\nfilter = \"tcp port htp\"\npcaps = "
                                 "[\"arp_rarp.pcap\"]\ncount = 0\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("FAIL broken [cbpf]\n     'tcp port htp' does not compile:"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, MalformedSuitesSayWhereAndExitTwo) {
    auto syntax = fcc("test " + suite("[[case]]\nname = \"x\"\ncount = \n"));
    EXPECT_EQ(syntax.status, 2);
    auto where = syntax.err.find("suite.toml:7:");
    ASSERT_NE(where, std::string::npos) << syntax.err;
    auto column_end = fcap::test::skip_digits(syntax.err, where + 13);
    EXPECT_GT(column_end, where + 13) << syntax.err;
    EXPECT_EQ(syntax.err.compare(column_end, 9, ": error: "), 0) << syntax.err;
    auto key = fcc("test " + suite(arp_case + "cout = 3\n"));
    EXPECT_EQ(key.status, 2);
    EXPECT_NE(key.err.find("suite.toml:9:1: error: unknown key 'cout' in a case"), std::string::npos) << key.err;
    auto target = fcc("test " + suite(arp_case + "count = 11\ntargets = [\"cbpf\", \"ebpf\"]\n"));
    EXPECT_EQ(target.status, 2);
    EXPECT_NE(target.err.find("suite.toml:10:20: error: unknown target 'ebpf'"), std::string::npos) << target.err;
    auto nothing = fcc("test " + suite(arp_case));
    EXPECT_EQ(nothing.status, 2);
    EXPECT_NE(nothing.err.find("expects nothing"), std::string::npos) << nothing.err;
    auto use = fcc("test " + suite("[[case]]\nname = \"u\"\nuse = \"nope\"\npcaps = [\"arp_rarp.pcap\"]\ncount = 1\n"));
    EXPECT_EQ(use.status, 2);
    EXPECT_NE(use.err.find("suite.toml:7:7: error: no filter named 'nope'"), std::string::npos) << use.err;
}

TEST_F(SuiteTest, MissingAndUnreadableCaptures) {
    auto glob = fcc("test " + suite("[[case]]\nname = \"g\"\nfilter = \"arp\"\npcaps = [\"*.nothing\"]\ncount = 0\n"));
    EXPECT_EQ(glob.status, 2);
    EXPECT_NE(glob.err.find("'*.nothing' names no file"), std::string::npos) << glob.err;
    auto missing = fcc("test " + suite("[[case]]\nname = \"m\"\nfilter = \"arp\"\npcaps = [\"nope.pcap\"]\ncount = 0\n"));
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.out.find("FAIL m [libpcap]\n     cannot read"), std::string::npos) << missing.out;
    write_file(dir_ / "junk.pcap", "this is not a capture\n");
    auto junk = fcc("test " + suite("[[case]]\nname = \"j\"\nfilter = \"arp\"\npcaps = [\"" + (dir_ / "junk.pcap").string() +
                                    "\"]\ncount = 0\n"));
    EXPECT_EQ(junk.status, 1);
    EXPECT_NE(junk.out.find("FAIL j [cbpf]\n     cannot read"), std::string::npos) << junk.out;
}

TEST_F(SuiteTest, GlobsAndNumberingOverSeveralCaptures) {
    // arp_rarp.pcap twice (once by a glob): 15 packets each, numbered 1-30 in order.
    auto r = fcc("test " + suite("[[case]]\nname = \"rarp\"\nfilter = \"rarp\"\npcaps = [\"arp_rarp.pcap\", "
                                 "\"arp_r*.pcap\"]\npackets = \"12-14, 27-29\"\n"));
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    r = fcc("test " + suite("[[case]]\nname = \"rarp\"\nfilter = \"rarp\"\npcaps = [\"arp_rarp.pcap\", "
                            "\"arp_r*.pcap\"]\npackets = \"12-14, 27-28\"\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("packet 29: expected no match (packets), got match; arp_rarp.pcap #14 "), std::string::npos)
        << r.out;
}

TEST_F(SuiteTest, ALinkTypeThatIsNotTheCapturesFailsTheCase) {
    auto r = fcc("test " + suite("link_type = \"LINUX_SLL\"\n" + arp_case + "count = 11\n"));
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("has link type 1, not 113"), std::string::npos) << r.out;
    auto unknown = fcc("test " + suite("link_type = \"TOKEN_RING_9\"\n" + arp_case + "count = 11\n"));
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("suite.toml:5:13: error: unknown or unsupported link type"), std::string::npos)
        << unknown.err;
}

TEST_F(SuiteTest, KeepsOnlyTheCasesNamedByK) {
    auto r = fcc("test -k rar " + suite(arp_case + "count = 11\n[[case]]\nname = \"rarp\"\nfilter = \"rarp\"\n"
                                                   "pcaps = [\"arp_rarp.pcap\"]\ncount = 3\n"));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out, "ok   rarp [libpcap]\nok   rarp [cbpf]\n2 passed, 0 failed, 0 skipped\n");
}

TEST_F(SuiteTest, UpdateKeepsCommentsAndThenPasses) {
    std::string cases = arp_case + "count = 2   # wrong on purpose\npackets = \"1\"\n\n"
                        "# a case that expects nothing yet\n[[case]]\nname = \"rarp\"\nfilter = \"rarp\"\n"
                        "pcaps = [\"arp_rarp.pcap\"]\n\n[[case]]\nname = \"snap\"\nfilter = \"rarp\"\n"
                        "pcaps = [\"arp_rarp.pcap\"]\nsnapshot = \"rarp.snapshot\"\n";
    auto path = suite(cases);
    EXPECT_EQ(fcc("test " + path).status, 2);  // "expects nothing" outside --update
    auto updated = fcc("test --update " + path);
    EXPECT_EQ(updated.status, 1) << updated.out << updated.err;  // the run before the update failed
    std::string text = read_file(path);
    EXPECT_NE(text.find("# a comment that --update keeps\n"), std::string::npos) << text;
    EXPECT_NE(text.find("count = 11   # wrong on purpose\npackets = \"1-11\"\n"), std::string::npos) << text;
    EXPECT_NE(text.find("# a case that expects nothing yet\n[[case]]\ncount = 3\npackets = \"12-14\"\nname = \"rarp\""),
              std::string::npos) << text;
    EXPECT_NE(read_file(dir_ / "rarp.snapshot").find("arp_rarp.pcap #12 match\n"), std::string::npos);
    auto again = fcc("test " + path);
    EXPECT_EQ(again.status, 0) << again.out << again.err << text;
    EXPECT_NE(again.out.find("6 passed, 0 failed, 0 skipped"), std::string::npos) << again.out;
}

TEST_F(SuiteTest, JunitHasTheElementsAndAttributesCiReads) {
    auto junit = dir_ / "out.xml";
    auto r = fcc("test --junit " + junit.string() + " " + suite(arp_case + "count = 12\n", "suite.toml",
                                                                "[\"libpcap\", \"cbpf\", \"xdp\"]"));
    EXPECT_EQ(r.status, 1);
    std::string xml = read_file(junit);
    EXPECT_NE(xml.find("<?xml version=\"1.0\""), std::string::npos);
    // Attributes CI readers use; the failure count is 2 or 3 and one case
    // may skip, depending on whether this machine runs the kernel backends.
    auto element = [&](const std::string& start) {
        auto at = xml.find(start);
        return at == std::string::npos ? std::string() : xml.substr(at, xml.find('>', at) + 1 - at);
    };
    auto attribute = [](const std::string& tag, const std::string& name) {
        auto at = tag.find(" " + name + "=\"");
        if (at == std::string::npos) return std::string("<none>");
        at += name.size() + 3;
        return tag.substr(at, tag.find('"', at) - at);
    };
    auto is_time = [](const std::string& v) {
        return !v.empty() && v.find_first_not_of("0123456789.") == std::string::npos;
    };
    for (const std::string start : {"<testsuites ", "<testsuite "}) {
        std::string tag = element(start);
        ASSERT_FALSE(tag.empty()) << start << " missing in\n" << xml;
        EXPECT_EQ(attribute(tag, "tests"), "3") << tag;
        EXPECT_TRUE(attribute(tag, "failures") == "2" || attribute(tag, "failures") == "3") << tag;
        EXPECT_TRUE(attribute(tag, "skipped") == "0" || attribute(tag, "skipped") == "1") << tag;
        EXPECT_TRUE(is_time(attribute(tag, "time"))) << tag;
    }
    std::string suite_tag = element("<testsuite ");
    EXPECT_TRUE(attribute(suite_tag, "name").ends_with("suite.toml")) << suite_tag;
    EXPECT_EQ(attribute(suite_tag, "errors"), "0") << suite_tag;
    std::string case_tag = element("<testcase name=\"arp [cbpf]\"");
    EXPECT_TRUE(attribute(case_tag, "classname").ends_with("suite.toml")) << case_tag;
    EXPECT_TRUE(is_time(attribute(case_tag, "time"))) << case_tag;
    auto after_case = xml.find(case_tag) + case_tag.size();
    EXPECT_TRUE(xml.substr(after_case).starts_with("\n      <failure message=\"count: expected 12, got 11"))
        << xml.substr(after_case, 100);
    EXPECT_NE(xml.find("</testsuites>\n"), std::string::npos);
}

TEST_F(SuiteTest, TapNumbersEveryResult) {
    auto r = fcc("test --tap " + suite(arp_case + "count = 12\n"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.out.find("TAP version 13\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not ok 1 - arp [libpcap]\n  ---\n  message: |\n    count: expected 12"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("not ok 2 - arp [cbpf]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1..2\n# 0 passed, 2 failed, 0 skipped\n"), std::string::npos) << r.out;
}

TEST_F(SuiteTest, KernelTargetsRunOrSkipWithAReason) {
    auto path = suite(arp_case + "count = 11\nsame_as_libpcap = true\n", "suite.toml", "[\"cbpf\", \"socket\", \"xdp\"]");
    auto r = fcc("test " + path);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    // Without privileges (as root: run as nobody, no capabilities) the kernel targets skip with the reason.
    std::string unprivileged = geteuid() != 0 ? "" : "setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all ";
    if (geteuid() == 0) {
        EXPECT_NE(r.out.find("ok   arp [xdp]"), std::string::npos) << r.out;
        if (std::system("setpriv --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no setpriv to drop root with";
        fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
    }
    std::string fcc_path = std::string(FCAP_BIN_DIR) + "/fcc";
    Result skip;
    FILE* p = popen((unprivileged + fcc_path + " test " + path + " 2>&1").c_str(), "r");
    std::array<char, 4096> buf;
    for (std::size_t n; (n = fread(buf.data(), 1, buf.size(), p)) > 0;) skip.out.append(buf.data(), n);
    int status = pclose(p);
    EXPECT_EQ(WEXITSTATUS(status), 0) << skip.out;
    EXPECT_NE(skip.out.find("ok   arp [cbpf]\nskip arp [socket] ("), std::string::npos) << skip.out;
    EXPECT_NE(skip.out.find("1 passed, 0 failed, 2 skipped\n"), std::string::npos) << skip.out;
    status = std::system((unprivileged + fcc_path + " test --require-kernel " + path + " >/dev/null 2>&1").c_str());
    EXPECT_EQ(WEXITSTATUS(status), 1);
}

TEST_F(SuiteTest, ParallelCasesKeepTheSuitesOrder) {
    std::string example = std::string(FCAP_SOURCE_DIR) + "/examples/suites/basics.toml";
    auto one = fcc("test " + example);
    auto four = fcc("test -j 4 " + example);
    EXPECT_EQ(four.status, 0) << four.err;
    EXPECT_EQ(four.out, one.out);
}

// fcc diff against libpcap's own verdicts for both expressions.
std::vector<std::string> libpcap_differences(const std::string& a, const std::string& b, const std::string& path) {
    std::vector<std::string> out;
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (!p) return out;
    std::string why;
    auto pa = fcap::reference::compile(a, pcap_datalink(p), 262144, &why);
    auto pb = fcap::reference::compile(b, pcap_datalink(p), 262144, &why);
    pcap_pkthdr* h;
    const u_char* bytes;
    for (int n = 1; pa && pb && pcap_next_ex(p, &h, &bytes) == 1; ++n) {
        bool va = fcap::reference::run(*pa, bytes, h->caplen, h->len) != 0;
        bool vb = fcap::reference::run(*pb, bytes, h->caplen, h->len) != 0;
        if (va != vb)
            out.push_back(path + " #" + std::to_string(n) + ": A " + (va ? "match" : "no match") + ", B " +
                          (vb ? "match" : "no match"));
    }
    pcap_close(p);
    return out;
}

TEST(FccDiff, ListsExactlyThePacketsWhereLibpcapDiffers) {
    std::string pcaps = std::string(FCAP_TESTS_DIR) + "/pcaps/";
    for (auto [a, b, file] : {std::array<std::string, 3>{"tcp port 80", "tcp dst port 80", "ethernet_mix.pcap"},
                              {"vlan and ip", "ip", "vlan.pcap"},
                              {"icmp", "icmp[0] = 8", "icmp.pcap"}}) {
        auto expected = libpcap_differences(a, b, pcaps + file);
        ASSERT_FALSE(expected.empty()) << a << " / " << b;
        auto r = fcc("diff '" + a + "' '" + b + "' -r " + pcaps + file);
        EXPECT_EQ(r.status, 1) << r.err;
        std::vector<std::string> got;
        std::stringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            if (line.find(" #") != std::string::npos) got.push_back(line.substr(0, line.find("  (caplen")));
        EXPECT_EQ(got, expected) << r.out;
    }
    auto same = fcc("diff 'arp' 'ether proto 0x0806' -r " + pcaps + "arp_rarp.pcap");
    EXPECT_EQ(same.status, 0) << same.out;
    EXPECT_EQ(same.out, "15 packets, 0 differ\n");
    auto broken = fcc("diff 'tcp port htp' 'arp' -r " + pcaps + "arp_rarp.pcap");
    EXPECT_EQ(broken.status, 2);
}

}  // namespace
