// --from-cbpf: libpcap's own programs, read back from -ddd/-dd text,
// checked, translated to IR, give bpf_filter's verdicts (IR interpreter,
// re-emitted cBPF, and in the kernel via the eBPF backends elsewhere).
#include "backend/cbpf/emit.hpp"
#include "backend/cbpf/format.hpp"
#include "backend/cbpf/run.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

namespace fcap::cbpf_import {
namespace {

std::vector<cbpf::Insn> libpcap_program(const std::string& e) {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    bpf_program prog;
    std::vector<cbpf::Insn> out;
    if (pcap_compile(dead, &prog, e.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
        auto* insns = reinterpret_cast<cbpf::Insn*>(prog.bf_insns);
        out.assign(insns, insns + prog.bf_len);
        pcap_freecode(&prog);
    }
    pcap_close(dead);
    return out;
}

TEST(CbpfImportTest, ReadsBothListings) {
    auto code = libpcap_program("tcp port 80");
    ASSERT_FALSE(code.empty());
    for (int level : {2, 3}) {
        diag::Sink sink;
        auto back = read(cbpf::dump(code, level), sink);
        ASSERT_TRUE(back) << sink.first_error();
        EXPECT_EQ(*back, code) << "-d" << level;
    }
}

TEST(CbpfImportTest, MalformedInputIsAnErrorWithALine) {
    diag::Sink sink;
    EXPECT_FALSE(read("2\n40 0 0 12\nbanana\n", sink));
    EXPECT_NE(sink.first_error().find("line 3"), std::string::npos) << sink.first_error();
    diag::Sink count;
    EXPECT_FALSE(read("3\n6 0 0 0\n", count));
    EXPECT_NE(count.first_error().find("says it has 3"), std::string::npos);
}

TEST(CbpfImportTest, ChecksAsTheKernelDoes) {
    auto refused = [](std::vector<cbpf::Insn> p, const char* why) {
        diag::Sink sink;
        EXPECT_FALSE(check(p, sink)) << why;
        EXPECT_NE(sink.first_error().find(why), std::string::npos) << sink.first_error();
    };
    refused({}, "1 to 4096");
    refused({{0x06, 0, 0, 0}, {0x07, 0, 0, 0}}, "last instruction must be a ret");
    refused({{0x34, 0, 0, 0}, {0x06, 0, 0, 0}}, "division or modulo by a constant 0");
    refused({{0x15, 5, 0, 0}, {0x06, 0, 0, 0}}, "jump past the end");
    refused({{0x60, 0, 0, 3}, {0x06, 0, 0, 0}}, "reads M[3] before it is stored");
    refused({{0x02, 0, 0, 16}, {0x06, 0, 0, 0}}, "scratch memory slot 16");
    refused({{0xff, 0, 0, 0}, {0x06, 0, 0, 0}}, "unknown opcode");
    diag::Sink ok;
    EXPECT_TRUE(check(libpcap_program("ip[0] % 3 + 1 = 2"), ok)) << ok.first_error();
}

TEST(CbpfImportTest, TranslationGivesBpfFiltersVerdicts) {
    auto captures = test::captures_of_type({test::own_pcaps_dir()}, DLT_EN10MB);
    ASSERT_FALSE(captures.empty());
    std::size_t compared = 0;
    for (const auto& e : test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/en10mb.txt")) {
        auto code = libpcap_program(e);
        if (code.empty()) continue;
        diag::Sink sink;
        // libpcap's protochain loops backwards, which the kernel's checker refuses.
        if (!check(code, sink)) continue;
        ir::Program program = translate(code, true);
        ASSERT_EQ(ir::verify(program), "") << e;
        for (const auto& c : captures)
            for (const auto& pkt : c.packets) {
                std::uint32_t want = bpf_filter(reinterpret_cast<const bpf_insn*>(code.data()), pkt.data.data(),
                                                pkt.wirelen, pkt.caplen);
                ir::Packet ip{pkt.data.data(), pkt.caplen, pkt.wirelen, {}};
                ASSERT_EQ(ir::run(program, ip) != 0, want != 0) << e;
                ++compared;
            }
    }
    EXPECT_GT(compared, 500000u);
}

}  // namespace
}  // namespace fcap::cbpf_import
