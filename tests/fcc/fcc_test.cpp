// fcc as a user runs it: the built binary, its stdout, stderr and exit
// status.  Most cases are goldens (tests/fcc/golden/*.test); the rest
// compare two runs with each other.
//
// A golden file:
//     # what the case shows (comment lines come first)
//     args: -d 'tcp and dst port 7070'      (shell words; @SRC@ is the source tree)
//     status: 0
//     stdout:
//     ...
//     stderr:
//     ...
// After a deliberate change of output, rewrite them all and review the diff:
//     FCAP_UPDATE_GOLDENS=1 build/bin/fcc_test
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;

struct Result {
    int status = -1;
    std::string out, err;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    return s;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Result fcc(const std::string& args) {
    // ctest runs test cases in parallel: each call gets its own file.
    static int calls = 0;
    std::string err = "/tmp/fcc-test-stderr-" + std::to_string(::getpid()) + "-" + std::to_string(calls++);
    std::string cmd = std::string(FCAP_BIN_DIR) + "/fcc " + replace_all(args, "@SRC@", FCAP_SOURCE_DIR) + " 2>" + err;
    Result r;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf;
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.err = read_file(err);
    std::remove(err.c_str());
    // Paths into the source tree print the same on every machine.
    r.out = replace_all(r.out, FCAP_SOURCE_DIR, "@SRC@");
    r.err = replace_all(r.err, FCAP_SOURCE_DIR, "@SRC@");
    return r;
}

struct Golden {
    std::string comment, args;
    Result expected;
};

Golden parse_golden(const std::string& text) {
    Golden g;
    std::istringstream in(text);
    std::string line, *section = nullptr;
    while (std::getline(in, line)) {
        if (section != nullptr && line != "stderr:") {
            *section += line + "\n";
        } else if (line.rfind("#", 0) == 0) {
            g.comment += line + "\n";
        } else if (line.rfind("args: ", 0) == 0) {
            g.args = line.substr(6);
        } else if (line.rfind("status: ", 0) == 0) {
            g.expected.status = std::atoi(line.c_str() + 8);
        } else if (line == "stdout:") {
            section = &g.expected.out;
        } else if (line == "stderr:") {
            section = &g.expected.err;
        }
    }
    return g;
}

std::string format_golden(const Golden& g, const Result& r) {
    return g.comment + "args: " + g.args + "\nstatus: " + std::to_string(r.status) + "\nstdout:\n" + r.out +
           "stderr:\n" + r.err;
}

std::vector<std::string> golden_files() {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(std::string(FCAP_TESTS_DIR) + "/fcc/golden"))
        if (e.path().extension() == ".test") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

class FccGolden : public testing::TestWithParam<std::string> {};

TEST_P(FccGolden, MatchesItsGolden) {
    std::string path = GetParam();
    Golden g = parse_golden(read_file(path));
    ASSERT_FALSE(g.args.empty() && g.comment.empty()) << path << " has no args: line";
    Result r = fcc(g.args);
    if (std::getenv("FCAP_UPDATE_GOLDENS") != nullptr) {
        std::ofstream(path) << format_golden(g, r);
        return;
    }
    // Output without a final newline would not survive the file format.
    EXPECT_EQ(r.status, g.expected.status) << "fcc " << g.args;
    EXPECT_EQ(r.out, g.expected.out) << "stdout of fcc " << g.args;
    EXPECT_EQ(r.err, g.expected.err) << "stderr of fcc " << g.args;
}

INSTANTIATE_TEST_SUITE_P(Goldens, FccGolden, testing::ValuesIn(golden_files()),
                         [](const testing::TestParamInfo<std::string>& info) {
                             std::string name = fs::path(info.param).stem().string();
                             for (auto& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(FccTest, EveryGoldenHasItsFormat) {
    // A golden that lost a line would silently expect nothing.
    for (const auto& path : golden_files()) {
        std::string text = read_file(path);
        EXPECT_NE(text.find("\nargs: "), std::string::npos) << path;
        EXPECT_NE(text.find("\nstatus: "), std::string::npos) << path;
        EXPECT_NE(text.find("\nstdout:\n"), std::string::npos) << path;
        EXPECT_NE(text.find("\nstderr:\n"), std::string::npos) << path;
    }
    EXPECT_GE(golden_files().size(), 30u);
}

TEST(FccTest, JoinsWordsLikeTcpdump) {
    Result joined = fcc("-ddd tcp and dst port 7070"), quoted = fcc("-ddd 'tcp and dst port 7070'");
    EXPECT_EQ(joined.status, 0);
    EXPECT_EQ(joined.out, quoted.out);
}

TEST(FccTest, FileExpressionEqualsTheCommandLine) {
    // tcpdump -F: newlines and tabs in the file are spaces.
    Result from_file = fcc("-ddd -F @SRC@/tests/fcc/golden/filter.txt");
    Result inline_ = fcc("-ddd 'tcp and (port 80 or port 443) and not host 10.0.0.1'");
    EXPECT_EQ(from_file.status, 0) << from_file.err;
    EXPECT_EQ(from_file.out, inline_.out);
    // Words beside -F are ignored, with a warning, as tcpdump does.
    Result both = fcc("-ddd -F @SRC@/tests/fcc/golden/filter.txt udp");
    EXPECT_EQ(both.out, inline_.out);
    EXPECT_NE(both.err.find("command-line expression is ignored"), std::string::npos) << both.err;
}

TEST(FccTest, OptimizerOffKeepsEveryTest) {
    EXPECT_GT(fcc("-O0 -ddd 'ip and ip'").out.size(), fcc("-ddd 'ip and ip'").out.size());
    EXPECT_EQ(fcc("-O0 -ddd 'tcp and udp'").status, 0);  // -O0 never refuses "rejects all packets"
    EXPECT_EQ(fcc("-ddd 'tcp and udp'").status, 1);
}

TEST(FccTest, DumpFlagsCountLikeTcpdump) {
    // -d is the default; the long spellings are the same options.
    EXPECT_EQ(fcc("ip").out, fcc("-d ip").out);
    EXPECT_EQ(fcc("-dd ip").out, fcc("--dd ip").out);
    EXPECT_EQ(fcc("-ddd ip").out, fcc("--ddd ip").out);
    EXPECT_EQ(fcc("-y EN10MB -d ip").out, fcc("--dlt 1 -d ip").out);
}

TEST(FccTest, ReplayProvesVerdictsOnACapture) {
    Result r = fcc("-r @SRC@/tests/pcaps/truncated.pcap --expect 'not (host 10.0.0.1 and port 80)'");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(" 0 differ from libpcap"), std::string::npos) << r.out;
    // The truncated captures are where a miscompiled load check shows.
    EXPECT_EQ(r.out.find(" 0 matched"), std::string::npos) << r.out;
}

TEST(FccTest, HelpShowsRealExamples) {
    Result r = fcc("--help");
    EXPECT_EQ(r.status, 0);
    // Every example in --help must itself run.
    std::istringstream in(r.out.substr(r.out.find("examples:")));
    std::string line;
    int examples = 0;
    while (std::getline(in, line)) {
        auto at = line.find("fcc ");
        if (at == std::string::npos || line.find(" -r ") != std::string::npos) continue;
        std::string args = line.substr(at + 4);
        // The description follows after two or more spaces.
        args = args.substr(0, args.find("  "));
        ++examples;
        Result ex = fcc(args);
        EXPECT_EQ(ex.status, 0) << "fcc " << args << ": " << ex.err;
    }
    EXPECT_GE(examples, 5);
}

}  // namespace
