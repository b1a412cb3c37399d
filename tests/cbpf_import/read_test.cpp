// Reading tcpdump's -ddd and -dd listings, and the errors for anything else.
#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <random>

namespace fcap::cbpf_import {
namespace {

std::string run_command(const std::string& command) {
    std::string out;
    if (FILE* f = ::popen(command.c_str(), "r")) {
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
        ::pclose(f);
    }
    return out;
}

TEST(ReadTest, ReadsBothListingsAsOurPrinterWritesThem) {
    auto code = test::libpcap_code("tcp port 80 or icmp[icmptype] = icmp-echo");
    ASSERT_FALSE(code.empty());
    for (int level : {2, 3}) {
        diag::Sink sink;
        auto back = read(cbpf::dump(code, level), sink);
        ASSERT_TRUE(back) << sink.first_error();
        EXPECT_EQ(*back, code) << "-d" << level;
    }
}

TEST(ReadTest, ReadsWhatTcpdumpPrints) {
    if (std::system("command -v tcpdump > /dev/null 2>&1") != 0) GTEST_SKIP() << "tcpdump is not installed";
    std::string pcap = std::string(FCAP_TESTS_DIR) + "/pcaps/ethernet.pcap";
    const char* expression = "tcp port 80 and ip[2:2] > 100";
    auto code = test::libpcap_code(expression, DLT_EN10MB, true, 65535);  // the capture's snaplen
    for (const char* flag : {"-dd", "-ddd"}) {
        std::string text = run_command("tcpdump -r " + pcap + " " + flag + " '" + expression + "' 2> /dev/null");
        ASSERT_FALSE(text.empty()) << flag;
        diag::Sink sink;
        auto back = read(text, sink);
        ASSERT_TRUE(back) << flag << ": " << sink.first_error() << "\n" << text;
        EXPECT_EQ(*back, code) << flag;
    }
}

TEST(ReadTest, ToleratesBlankLinesCarriageReturnsAndNoCount) {
    diag::Sink sink;
    auto p = read("\r\n2\r\n\t40 0 0 12\r\n\n6 0 0 0x40000", sink);
    ASSERT_TRUE(p) << sink.first_error();
    ASSERT_EQ(p->size(), 2u);
    EXPECT_EQ((*p)[1], (cbpf::Insn{6, 0, 0, 0x40000}));
    auto no_count = read("{ 0x6, 0, 0, 0x0 },\n", sink);
    ASSERT_TRUE(no_count);
    EXPECT_EQ(no_count->size(), 1u);
}

TEST(ReadTest, MalformedInputNamesLineAndColumnWithACaret) {
    struct Case {
        const char* text;
        const char* message;  // the start of the error
        const char* caret;    // the caret line
    };
    const Case cases[] = {
        {"2\n40 0 0 12\n6 0 0 banana\n", "line 3:7: expected a number", "\n        ^~~~~~"},
        {"1\n6 0 0\n", "line 2:6: expected four numbers", "\n       ^"},
        {"1\n6 0 0 0 7\n", "line 2:9: expected four numbers", "\n          ^"},
        {"{ 0x28, 0, 0, 0x1000000000 },\n", "line 1:15: number out of range", "\n                ^~~~~~~~~~~~"},
        {"1\n6 256 0 0\n", "line 2:3: jt is 8 bits", "\n    ^~~"},
        {"1\n70000 0 0 0\n", "line 2:1: code is 16 bits", "\n  ^~~~~"},
        {"{ 0x2g, 0, 0, 0 },\n", "line 1:3: expected a number", "\n    ^~~~"},
        {"-1\n", "line 1:1: expected a number", "\n  ^~"},
    };
    for (const auto& c : cases) {
        diag::Sink sink;
        EXPECT_FALSE(read(c.text, sink)) << c.text;
        std::string error = sink.first_error();
        EXPECT_EQ(error.rfind(c.message, 0), 0u) << error;
        EXPECT_NE(error.find(c.caret), std::string::npos) << "[" << error << "]";
    }
    diag::Sink count;
    EXPECT_FALSE(read("3\n6 0 0 0\n", count));
    EXPECT_NE(count.first_error().find("the count says 3 instructions, but 1 follow"), std::string::npos)
        << count.first_error();
}

TEST(ReadTest, RefusesMoreThanTheKernelsLimitWithoutReadingOn) {
    std::string text;
    for (int i = 0; i < 5000; ++i) text += "6 0 0 0\n";
    diag::Sink sink;
    EXPECT_FALSE(read(text, sink));
    EXPECT_NE(sink.first_error().find("more than 4096 instructions"), std::string::npos) << sink.first_error();
}

// Junk never crashes and is refused with a reason (the fuzz target does
// this at length: tests/fuzz/cbpf_import_fuzz.cpp).
TEST(ReadTest, RandomTextIsReadOrRefusedWithAReason) {
    std::mt19937 rng(7);
    const std::string alphabet = "0123456789xXaf{}, \t\r\n-gz";
    for (int round = 0; round < 20000; ++round) {
        std::string text(rng() % 60, ' ');
        for (char& c : text) c = alphabet[rng() % alphabet.size()];
        diag::Sink sink;
        auto p = read(text, sink);
        EXPECT_EQ(!p, sink.has_errors()) << text;
    }
}

}  // namespace
}  // namespace fcap::cbpf_import
