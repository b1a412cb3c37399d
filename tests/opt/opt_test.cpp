// Optimizer passes: each does what it should, every pass keeps the program
// valid, and optimized programs give the unoptimized program's verdict on
// every packet whose loads all succeed (the passes may drop loads whose
// outcome does not matter, as libpcap's optimizer does).
#include "api/compile_ir.hpp"
#include "opt/fold_constants.hpp"
#include "opt/merge_blocks.hpp"
#include "opt/pipeline.hpp"
#include "opt/pullup.hpp"
#include "opt/remove_unreachable.hpp"
#include "opt/simplify_branches.hpp"
#include "opt/thread_jumps.hpp"

#include <gtest/gtest.h>

#include <random>

namespace fcap::opt {
namespace {

ir::Program unoptimized(const std::string& e) {
    CompileOptions o;
    o.optimize = false;
    diag::Sink sink;
    auto p = compile_to_ir(e, o, sink);
    EXPECT_TRUE(p) << e << ": " << sink.first_error();
    return std::move(*p);
}

std::size_t reachable(const ir::Program& p) { return p.topological_order().size(); }

TEST(OptTest, FoldConstants) {
    ir::Program p = unoptimized("ip[0] + 0 = 4 * 1 + 1 and 1 = 1");
    EXPECT_TRUE(fold_constants(p));
    EXPECT_EQ(ir::verify(p), "");
    std::string text = ir::print(p);
    EXPECT_EQ(text.find("+ 0"), std::string::npos) << text;
    EXPECT_NE(text.find("P[14:1] == 5"), std::string::npos) << text;
    // a constant index becomes an absolute load whose offset wraps, as libpcap's folded code reads
    ir::Program q = unoptimized("ip[0xfffffff5] = 0");
    fold_constants(q);
    EXPECT_NE(ir::print(q).find("P[3:1]"), std::string::npos) << ir::print(q);
}

TEST(OptTest, ThreadJumpsUsesLibpcapsTwoRules) {
    // After P[12:2] == 0x800 holds, the ARP and RARP halves of `host` cannot.
    ir::Program p = unoptimized("ip and host 10.0.0.1");
    std::size_t before = reachable(p);
    EXPECT_TRUE(thread_jumps(p));
    simplify_branches(p);
    remove_unreachable(p);
    EXPECT_EQ(ir::verify(p), "");
    EXPECT_LT(reachable(p), before);
    EXPECT_EQ(ir::print(p).find("0x806"), std::string::npos) << ir::print(p);
}

TEST(OptTest, SimplifyBranchesDropsDecidedTests) {
    ir::Program p;
    ir::BlockId yes = p.add_return(1);
    p.entry = p.add_branch(ir::CmpOp::eq, p.exprs.load(1, 100), p.exprs.constant(0), yes, yes);
    EXPECT_TRUE(simplify_branches(p));
    EXPECT_EQ(p.entry, yes);
}

TEST(OptTest, MergeBlocksSharesIdenticalTails) {
    ir::Program p = unoptimized("tcp port 80 or udp port 80");
    std::size_t before = p.blocks.size();
    merge_blocks(p);
    remove_unreachable(p);
    EXPECT_EQ(ir::verify(p), "");
    EXPECT_LE(p.blocks.size(), before);
}

TEST(OptTest, PullupLoadsEachWordOnce) {
    CompileOptions o;
    diag::Sink sink;
    auto code = compile_cbpf("host 10.0.0.1 or 10.0.0.2", o, sink);
    ASSERT_TRUE(code);
    EXPECT_LE(code->size(), 17u);  // libpcap: 17
}

// Every corpus-like expression: optimized and unoptimized agree on random
// full-length packets (no load can fail on them).
TEST(OptTest, OptimizedMeansTheSameOnWholePackets) {
    const char* exprs[] = {"host 10.0.0.1 or 10.0.0.2", "tcp port 80 or 443", "not (port 22 or port 53)",
                           "vlan and ip", "ip[0] & 0xf > 5", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
                           "arp or rarp or (ip and not udp)", "mpls and mpls and ip", "ether[0] & 1 = 1 or ip6",
                           "len > 100 and (icmp or icmp6)"};
    std::mt19937 rng(7);
    for (const char* e : exprs) {
        ir::Program plain = unoptimized(e);
        ir::Program opt = plain;
        optimize(opt, [&](std::string_view pass, const ir::Program& after) {
            EXPECT_EQ(ir::verify(after), "") << e << " after " << pass;
        });
        for (int i = 0; i < 3000; ++i) {
            std::vector<std::uint8_t> bytes(1500);
            for (auto& b : bytes) b = std::uint8_t(rng());
            // Steer some packets into the interesting paths.
            static const std::uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x8035, 0x8100, 0x8847};
            std::uint16_t t = types[rng() % 6];
            bytes[12] = std::uint8_t(t >> 8);
            bytes[13] = std::uint8_t(t);
            if (rng() % 2) bytes[14] = 0x45;
            if (rng() % 2) bytes[23] = std::uint8_t(rng() % 2 ? 6 : 17);
            if (rng() % 2) bytes[20] = bytes[21] = 0;
            ir::Packet pkt{bytes.data(), 1500, 1500, {}};
            ASSERT_EQ(ir::run(plain, pkt) != 0, ir::run(opt, pkt) != 0) << e << " packet " << i;
        }
    }
}

}  // namespace
}  // namespace fcap::opt
