// Translated programs give libpcap's bpf_filter's verdicts: libpcap's own
// code for the corpora (read back from -ddd text, optimized by libpcap and
// not), and random programs covering every opcode, on the project's and the
// shared captures, truncated copies and random packets.  Both translations:
// straight (-O0) and carried through our optimizer.
#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"
#include "cbpf_import/random_programs.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include <gtest/gtest.h>


namespace fcap::cbpf_import {
namespace {

using fcap::test::Packet;
using test_support::random_program;
using test_support::with_truncated_and_random;

constexpr std::uint32_t skf_ad_off = 0xfffff000;

ir::Program checked_translation(const std::vector<cbpf::Insn>& code, bool straight) {
    diag::Sink sink;
    EXPECT_TRUE(check(code, sink)) << sink.first_error();
    ir::Program p = translate(code, straight);
    EXPECT_EQ(ir::verify(p), "");
    return p;
}

std::uint32_t run_ir(const ir::Program& p, const Packet& pkt) {
    return ir::run(p, ir::Packet{pkt.data.data(), pkt.caplen, pkt.wirelen, {}});
}

struct Corpus {
    const char* file;
    int dlt;
};

TEST(TranslateTest, LibpcapsCodeKeepsBpfFiltersVerdicts) {
    std::mt19937 rng(11);
    std::vector<std::string> dirs = {fcap::test::own_pcaps_dir()};
    if (auto shared = fcap::test::shared_pcaps_dir(); !shared.empty()) dirs.push_back(shared);
    std::size_t compared = 0, programs = 0, refused = 0;
    for (Corpus corpus : {Corpus{"en10mb.txt", DLT_EN10MB}, Corpus{"linux_sll.txt", DLT_LINUX_SLL},
                          Corpus{"raw.txt", DLT_RAW}}) {
        std::vector<Packet> packets;
        for (auto& c : fcap::test::captures_of_type(dirs, corpus.dlt))
            packets.insert(packets.end(), c.packets.begin(), c.packets.end());
        ASSERT_FALSE(packets.empty()) << corpus.file;
        packets = with_truncated_and_random(std::move(packets), rng);
        for (const auto& e : fcap::test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/" + corpus.file)) {
            for (bool libpcap_optimizes : {true, false}) {
                auto original = test::libpcap_code(e, corpus.dlt, libpcap_optimizes);
                if (original.empty()) continue;
                diag::Sink sink;
                auto code = read(cbpf::dump(original, 3), sink);  // as fed to `fcc --from-cbpf -`
                ASSERT_TRUE(code && *code == original) << e << ": " << sink.first_error();
                if (!check(*code, sink)) {
                    // The kernel's refusal of offsets so large they fall
                    // among the SKF_AD_* codes (`ether[0xffffffff]`), and
                    // of a scratch slot read on a path that never stored
                    // it (libpcap's unoptimized geneve code).
                    const std::string& why = sink.first_error();
                    EXPECT_TRUE(why.find("unknown ancillary") != std::string::npos ||
                                why.find("before it is stored") != std::string::npos)
                        << e << ": " << why;
                    ++refused;
                    continue;
                }
                ++programs;
                for (bool straight : {true, false}) {
                    ir::Program p = translate(*code, straight);
                    ASSERT_EQ(ir::verify(p), "") << e;
                    for (const auto& pkt : packets) {
                        std::uint32_t want = test::bpf_filter_of(*code, pkt.data.data(), pkt.wirelen, pkt.caplen);
                        ASSERT_EQ(run_ir(p, pkt), want)
                            << e << (straight ? " (straight)" : " (carried, optimized)")
                            << (libpcap_optimizes ? "" : ", libpcap -O0") << "\n" << ir::print(p);
                        ++compared;
                    }
                }
            }
        }
    }
    std::cout << programs << " programs, " << compared << " verdicts compared, " << refused << " refused\n";
    EXPECT_GT(programs, 1000u);
    EXPECT_GT(compared, 5000000u);
}

// Carrying values lets the optimizer see libpcap's tests as they are: `ip`
// becomes one branch on a load, with no register assignments left.
TEST(TranslateTest, CarriedTranslationLeavesNoDeadRegisters) {
    auto code = test::libpcap_code("ip");
    ir::Program straight = checked_translation(code, true);
    ir::Program carried = checked_translation(code, false);
    std::size_t assigns = 0;
    for (ir::BlockId b : carried.topological_order()) assigns += carried.blocks[b].assigns.size();
    EXPECT_EQ(assigns, 0u) << ir::print(carried);
    EXPECT_NE(ir::print(carried).find("if P[12:2] == 0x800"), std::string::npos) << ir::print(carried);
    EXPECT_GT(straight.blocks[straight.entry].assigns.size(), 0u);
}

// A value loaded and then overwritten unused still rejects a short packet:
// "libpcap: a load past the captured end rejects the packet".
TEST(TranslateTest, AnUnusedLoadStillRejects) {
    std::vector<cbpf::Insn> code = {{0x20, 0, 0, 100}, {0x00, 0, 0, 7}, {0x16, 0, 0, 0}};
    Packet small{50, 50, 0, 0, std::vector<std::uint8_t>(50)}, big{200, 200, 0, 0, std::vector<std::uint8_t>(200)};
    for (bool straight : {true, false}) {
        ir::Program p = checked_translation(code, straight);
        EXPECT_EQ(run_ir(p, small), 0u);
        EXPECT_EQ(run_ir(p, big), 7u);
    }
}

// A and X swapped through scratch memory and tax/txa: the write-back at the
// block's end is a parallel copy.
TEST(TranslateTest, SwapsSurviveTheWriteBack) {
    std::vector<cbpf::Insn> code = {
        {0x00, 0, 0, 3},  {0x01, 0, 0, 5},  {0x02, 0, 0, 0}, {0x87, 0, 0, 0},  // A=3 X=5 M0=3 A=X
        {0x61, 0, 0, 0},  {0x15, 0, 0, 99},                                   // X=M0; jeq (a block end)
        {0x24, 0, 0, 10}, {0x0c, 0, 0, 0},  {0x16, 0, 0, 0}};                 // A = A*10 + X
    Packet pkt{0, 0, 0, 0, {}};
    for (bool straight : {true, false}) EXPECT_EQ(run_ir(checked_translation(code, straight), pkt), 53u);
    // X and A exchanged in one block, both live after the jump.
    std::vector<cbpf::Insn> swap = {{0x00, 0, 0, 1}, {0x01, 0, 0, 2}, {0x15, 0, 0, 0},  // block end
                                    {0x02, 0, 0, 0}, {0x87, 0, 0, 0}, {0x61, 0, 0, 0},  // M0=A A=X X=M0
                                    {0x05, 0, 0, 0},                                    // ja: block end
                                    {0x24, 0, 0, 10}, {0x0c, 0, 0, 0}, {0x16, 0, 0, 0}};
    for (bool straight : {true, false}) EXPECT_EQ(run_ir(checked_translation(swap, straight), pkt), 21u);
}

TEST(TranslateTest, AncillaryLoadsAndXorX) {
    Packet pkt{20, 20, 0, 0, std::vector<std::uint8_t>(20)};
    for (std::uint32_t code = 0; code <= 60; code += 4) {
        if (code == 40) continue;  // SKF_AD_ALU_XOR_X is arithmetic
        std::vector<cbpf::Insn> p = {{0x28, 0, 0, skf_ad_off + code}, {0x16, 0, 0, 0}};
        for (bool straight : {true, false}) {
            ir::Program ir = checked_translation(p, straight);
            auto value = [](std::uint32_t c, std::uint32_t& v) { return v = 1000 + c, true; };
            EXPECT_EQ(ir::run(ir, ir::Packet{pkt.data.data(), pkt.caplen, pkt.wirelen, value}), 1000 + code);
            // Where the target has no such data, the packet is rejected.
            EXPECT_EQ(run_ir(ir, pkt), 0u);
        }
    }
    std::vector<cbpf::Insn> xor_x = {{0x00, 0, 0, 0xf0}, {0x01, 0, 0, 0x3c}, {0x20, 0, 0, skf_ad_off + 40},
                                     {0x16, 0, 0, 0}};
    for (bool straight : {true, false}) EXPECT_EQ(run_ir(checked_translation(xor_x, straight), pkt), 0xccu);
}

TEST(TranslateTest, RandomProgramsOfEveryOpcodeKeepBpfFiltersResults) {
    std::mt19937 rng(99);
    std::vector<Packet> packets = with_truncated_and_random({}, rng);
    std::size_t programs = 0;
    for (int round = 0; round < 60000; ++round) {
        auto code = random_program(rng);
        diag::Sink sink;
        if (!check(code, sink)) continue;  // a scratch slot read before it is stored
        ++programs;
        for (bool straight : {true, false}) {
            ir::Program p = translate(code, straight);
            ASSERT_EQ(ir::verify(p), "");
            for (const auto& pkt : packets) {
                std::uint32_t want = test::bpf_filter_of(code, pkt.data.data(), pkt.wirelen, pkt.caplen);
                ASSERT_EQ(run_ir(p, pkt), want) << (straight ? "straight\n" : "carried\n") << cbpf::dump(code, 1)
                                                << ir::print(p);
            }
        }
    }
    EXPECT_GT(programs, 20000u);
}

}  // namespace
}  // namespace fcap::cbpf_import
