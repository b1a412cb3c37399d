// fcc as a user runs it: output, errors, exit codes.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct Result {
    int status;
    std::string out;  // stdout and stderr, in that order
};

Result fcc(const std::string& args) {
    // ctest runs test cases in parallel: each call gets its own file.
    static int calls = 0;
    std::string err = "/tmp/fcc-test-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(calls++);
    std::string cmd = std::string(FCAP_BIN_DIR) + "/fcc " + args + " 2>" + err;
    Result r{0, {}};
    FILE* p = popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    FILE* e = std::fopen(err.c_str(), "r");
    while (e && (n = std::fread(buf.data(), 1, buf.size(), e)) > 0) r.out.append(buf.data(), n);
    if (e) std::fclose(e);
    std::remove(err.c_str());
    return r;
}

TEST(FccTest, PrintsTcpdumpListings) {
    Result d = fcc("-d 'tcp and dst port 7070'");
    EXPECT_EQ(d.status, 0);
    EXPECT_EQ(d.out.substr(0, 30), "(000) ldh      [12]\n(001) jeq ");
    Result ddd = fcc("-ddd -- 'ip'");
    EXPECT_EQ(ddd.status, 0);
    EXPECT_EQ(ddd.out, "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
    Result dd = fcc("-dd ip");
    EXPECT_EQ(dd.out, "{ 0x28, 0, 0, 0x0000000c },\n{ 0x15, 0, 1, 0x00000800 },\n{ 0x6, 0, 0, 0x00040000 },\n"
                      "{ 0x6, 0, 0, 0x00000000 },\n");
}

TEST(FccTest, JoinsWordsLikeTcpdump) {
    EXPECT_EQ(fcc("-ddd tcp and dst port 7070").out, fcc("-ddd 'tcp and dst port 7070'").out);
}

TEST(FccTest, SnaplenIsWhatAMatchReturns) {
    EXPECT_NE(fcc("-ddd -s 96 ip").out.find("6 0 0 96\n"), std::string::npos);
}

TEST(FccTest, LinkTypes) {
    EXPECT_EQ(fcc("--dlt RAW -ddd ip").out, "5\n48 0 0 0\n84 0 0 240\n21 0 1 64\n6 0 0 262144\n6 0 0 0\n");
    EXPECT_EQ(fcc("--dlt LINUX_SLL -ddd outbound").status, 0);
    Result bad = fcc("--dlt NOSUCH ip");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.out.find("unknown link type"), std::string::npos);
}

TEST(FccTest, ErrorsHaveACaretAndExitNonZero) {
    Result r = fcc("'tcp and dst port htp'");
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out,
              "fcc: error: unknown port 'htp'\n"
              "  tcp and dst port htp\n"
              "          ^~~~~~~~~~~~\n"
              "  hint: port names come from /etc/services\n");
    EXPECT_EQ(fcc("'tcp and'").status, 1);
    EXPECT_EQ(fcc("--no-such-option").status, 109);  // CLI11's usage error
}

TEST(FccTest, DashNeedsDoubleDash) {
    EXPECT_EQ(fcc("-ddd -- '-1 + ip[0] = 68'").status, 0);
}

TEST(FccTest, DumpsStages) {
    EXPECT_EQ(fcc("--dump-ast 'host a or b'").out, "(or (host \"a\") (id \"b\"))\n");
    Result ir = fcc("--dump-ir 'ip'");
    EXPECT_EQ(ir.out, "b0: if P[12:2] == 0x800 goto b2 else b1\nb1: return 0\nb2: return 0x40000\n");
    Result after = fcc("--dump-ir --dump-after=all 'ip and ip'");
    EXPECT_NE(after.out.find("# after sema"), std::string::npos);
    EXPECT_NE(after.out.find("# after thread_jumps"), std::string::npos) << after.out;
}

TEST(FccTest, OptimizerOffKeepsEveryTest) {
    EXPECT_GT(fcc("-O0 -ddd 'ip and ip'").out.size(), fcc("-ddd 'ip and ip'").out.size());
    EXPECT_EQ(fcc("-O0 -ddd 'tcp and udp'").status, 0);  // -O0 never refuses "rejects all packets"
    EXPECT_EQ(fcc("-ddd 'tcp and udp'").status, 1);
}

TEST(FccTest, ReplayProvesVerdictsOnACapture) {
    std::string file = std::string(FCAP_SOURCE_DIR) + "/tests/pcaps/truncated.pcap";
    Result r = fcc("-r " + file + " --expect 'not (host 10.0.0.1 and port 80)'");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("1961 packets"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("0 differ from libpcap"), std::string::npos) << r.out;
    Result missing = fcc("-r /nonexistent/x.pcap tcp");
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.out.find("cannot read"), std::string::npos);
}

TEST(FccTest, HelpShowsExamples) {
    Result r = fcc("--help");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("fcc -d 'tcp and dst port 7070'"), std::string::npos);
}

}  // namespace
