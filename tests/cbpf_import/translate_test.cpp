// Translated programs give libpcap's bpf_filter's verdicts: libpcap's own
// code for the corpora (read back from -ddd text, optimized by libpcap and
// not), and random programs covering every opcode, on the project's and the
// shared captures, truncated copies and random packets.  Both translations:
// straight (-O0) and carried through our optimizer.
#include "backend/cbpf/format.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fcap::cbpf_import {
namespace {

using fcap::test::Packet;

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

// Every packet again, cut short at a random length, and random bytes behind
// an IPv4, IPv6, ARP or VLAN EtherType.
std::vector<Packet> with_truncated_and_random(std::vector<Packet> packets, std::mt19937& rng) {
    std::size_t n = packets.size();
    for (std::size_t i = 0; i < n; ++i) {
        Packet cut = packets[i];
        cut.caplen = cut.caplen ? std::uint32_t(rng() % cut.caplen) : 0;
        cut.data.resize(cut.caplen);
        packets.push_back(std::move(cut));
    }
    static const std::uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x8035};
    for (int i = 0; i < 300; ++i) {
        Packet p;
        p.caplen = std::uint32_t(rng() % 120);
        p.wirelen = p.caplen + (rng() % 3 ? 0 : std::uint32_t(rng() % 1000));
        p.data.resize(p.caplen);
        for (auto& b : p.data) b = std::uint8_t(rng());
        if (p.caplen >= 24 && rng() % 4) {
            std::uint16_t t = types[rng() % std::size(types)];
            p.data[12] = std::uint8_t(t >> 8), p.data[13] = std::uint8_t(t);
            p.data[14] = std::uint8_t(t == 0x86dd ? 0x60 : 0x45);
            p.data[23] = std::uint8_t(std::array<int, 4>{6, 17, 1, 58}[rng() % 4]);
        }
        packets.push_back(std::move(p));
    }
    return packets;
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

// Random programs of every opcode (but the ancillary ones, which
// bpf_filter does not have) against bpf_filter, return values and all.
std::vector<cbpf::Insn> random_program(std::mt19937& rng) {
    static const std::uint16_t codes[] = {
        0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x80,              // ld
        0x01, 0x61, 0x81, 0xb1,                                            // ldx
        0x02, 0x03, 0x07, 0x87,                                            // st stx tax txa
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54,  // alu
        0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac,        //
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,              // jmp
        0x06, 0x16};                                                       // ret
    std::size_t n = 2 + rng() % 24;
    std::vector<cbpf::Insn> p(n);
    for (std::size_t pc = 0; pc < n; ++pc) {
        auto& i = p[pc];
        i.code = codes[rng() % std::size(codes)];
        if ((i.code & 0x07) == 0x06 && rng() % 3) i.code = 0x87;  // fewer early rets
        std::size_t room = n - pc - 1;
        i.jt = std::uint8_t(room > 1 ? rng() % std::min<std::size_t>(room - 1, 6) : 0);
        i.jf = std::uint8_t(room > 1 ? rng() % std::min<std::size_t>(room - 1, 6) : 0);
        switch (rng() % 5) {
        case 0: i.k = rng(); break;
        case 1: i.k = rng() % 32; break;
        default: i.k = rng() % 4; break;
        }
        if (i.code == 0x05) i.k = room > 1 ? rng() % (room - 1) : 0;
        if ((i.code == 0x34 || i.code == 0x94) && i.k == 0) i.k = 3;
        if ((i.code == 0x64 || i.code == 0x74)) i.k %= 32;
        if ((i.code & 0x07) == 0x02 || (i.code & 0x07) == 0x03 || i.code == 0x60 || i.code == 0x61) i.k %= 4;
    }
    p.back().code = rng() % 2 ? 0x06 : 0x16;
    return p;
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
