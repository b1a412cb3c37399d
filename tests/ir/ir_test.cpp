// The IR's semantics (the interpreter), its printer and its verifier.
#include "ir/ir.hpp"

#include <gtest/gtest.h>

namespace fcap::ir {
namespace {

std::uint32_t run_on(const Program& p, std::vector<std::uint8_t> bytes, std::uint32_t wirelen = 0) {
    Packet pkt{bytes.data(), std::uint32_t(bytes.size()), wirelen ? wirelen : std::uint32_t(bytes.size()), {}};
    return run(p, pkt);
}

// if lhs op rhs: return 1 else return 2
Program branch(CmpOp op, ExprId (*lhs)(ExprPool&), std::uint32_t rhs) {
    Program p;
    BlockId yes = p.add_return(1), no = p.add_return(2);
    ExprId l = lhs(p.exprs);
    p.entry = p.add_branch(op, l, p.exprs.constant(rhs), yes, no);
    return p;
}

TEST(IrTest, InterningGivesOneIdPerTree) {
    ExprPool pool;
    ExprId a = pool.binary(BinOp::add, pool.load(2, 12), pool.constant(1));
    ExprId b = pool.binary(BinOp::add, pool.load(2, 12), pool.constant(1));
    EXPECT_EQ(a, b);
    EXPECT_NE(a, pool.binary(BinOp::add, pool.load(2, 14), pool.constant(1)));
    EXPECT_TRUE(pool.can_fail(a));
    EXPECT_FALSE(pool.can_fail(pool.binary(BinOp::add, pool.packet_len(), pool.constant(1))));
    EXPECT_TRUE(pool.can_fail(pool.binary(BinOp::div, pool.packet_len(), pool.packet_len())));
    EXPECT_FALSE(pool.can_fail(pool.binary(BinOp::div, pool.packet_len(), pool.constant(2))));
    EXPECT_TRUE(pool.reads_var(pool.binary(BinOp::add, pool.var(0), pool.constant(1))));
}

TEST(IrTest, FoldFollowsBpfFilter) {
    std::uint32_t out = 7;
    EXPECT_FALSE(fold(BinOp::div, 1, 0, out));
    EXPECT_FALSE(fold(BinOp::mod, 1, 0, out));
    ASSERT_TRUE(fold(BinOp::lsh, 1, 32, out));
    EXPECT_EQ(out, 0u);  // libpcap 1.10: a shift of 32 or more gives 0
    ASSERT_TRUE(fold(BinOp::rsh, 0x80000000u, 31, out));
    EXPECT_EQ(out, 1u);
    ASSERT_TRUE(fold(BinOp::sub, 0, 1, out));
    EXPECT_EQ(out, 0xffffffffu);
    EXPECT_TRUE(compare(CmpOp::set, 6, 2));
    EXPECT_FALSE(compare(CmpOp::set, 4, 2));
}

TEST(IrTest, LoadPastTheEndRejectsEvenUnderNot) {
    // if P[10:4] == 0 goto 2 else 1: both outcomes nonzero, yet a short
    // packet gets 0.
    Program p = branch(CmpOp::eq, [](ExprPool& e) { return e.load(4, 10); }, 0);
    EXPECT_EQ(run_on(p, std::vector<std::uint8_t>(14, 0)), 1u);
    EXPECT_EQ(run_on(p, std::vector<std::uint8_t>(14, 1)), 2u);
    EXPECT_EQ(run_on(p, std::vector<std::uint8_t>(13, 0)), 0u);
}

TEST(IrTest, IndexedLoadAddressDoesNotWrap) {
    Program p = branch(CmpOp::eq, [](ExprPool& e) { return e.load(1, 14, e.constant(0xfffffff5)); }, 0);
    EXPECT_EQ(run_on(p, std::vector<std::uint8_t>(64, 0)), 0u);  // past the end, not byte 3
}

TEST(IrTest, DivisionByZeroRejects) {
    Program p = branch(CmpOp::eq,
                       [](ExprPool& e) { return e.binary(BinOp::div, e.packet_len(), e.load(1, 0)); }, 0);
    EXPECT_EQ(run_on(p, {0, 1}), 0u);
    EXPECT_EQ(run_on(p, {5, 1}), 1u);  // 2 / 5 == 0
}

TEST(IrTest, IpHeaderLengthAndPacketLength) {
    Program p = branch(CmpOp::eq, [](ExprPool& e) { return e.ip_header_len(0); }, 20);
    EXPECT_EQ(run_on(p, {0x45}), 1u);
    EXPECT_EQ(run_on(p, {0x46}), 2u);
    Program q = branch(CmpOp::gt, [](ExprPool& e) { return e.packet_len(); }, 100);
    EXPECT_EQ(run_on(q, {0}, 1500), 1u);  // wire length, not captured length
}

TEST(IrTest, ProtochainWalksExtensionHeaders) {
    // IPv6 network header at 0: next header 0 (hop-by-hop) at 40, then 6.
    std::vector<std::uint8_t> pkt(60, 0);
    pkt[6] = 0;
    pkt[40] = 6;
    pkt[41] = 0;
    Program p = branch(CmpOp::eq,
                       [](ExprPool& e) { return e.protochain(true, 0, 6, e.load(1, 6), e.constant(40)); }, 6);
    EXPECT_EQ(run_on(p, pkt), 1u);
    pkt[40] = 17;
    EXPECT_EQ(run_on(p, pkt), 2u);
    pkt.resize(40);  // the extension header is cut off
    EXPECT_EQ(run_on(p, pkt), 0u);
}

TEST(IrTest, VariablesCarryValuesAlongThePath) {
    Program p;
    VarId v = p.add_var();
    BlockId yes = p.add_return(1), no = p.add_return(2);
    BlockId test = p.add_branch(CmpOp::eq, p.exprs.var(v), p.exprs.constant(9), yes, no);
    Block set;
    set.assigns.push_back({v, p.exprs.binary(BinOp::add, p.exprs.load(1, 0), p.exprs.constant(1))});
    set.end = Jump{test};
    p.entry = p.add_block(set);
    EXPECT_EQ(verify(p), "");
    EXPECT_EQ(run_on(p, {8}), 1u);
    EXPECT_EQ(run_on(p, {7}), 2u);
}

TEST(IrTest, PrinterIsStable) {
    Program p = branch(CmpOp::set, [](ExprPool& e) { return e.load(2, 20); }, 0x1fff);
    EXPECT_EQ(print(p), "b2: if P[20:2] & 0x1fff goto b0 else b1\nb1: return 2\nb0: return 1\n");
}

TEST(IrTest, VerifierCatchesBrokenPrograms) {
    Program p = branch(CmpOp::eq, [](ExprPool& e) { return e.load(4, 0); }, 0);
    EXPECT_EQ(verify(p), "");
    Program missing = p;
    std::get<Branch>(missing.blocks[missing.entry].end).if_true = 99;
    EXPECT_NE(verify(missing).find("missing block"), std::string::npos);
    Program cycle = p;
    std::get<Branch>(cycle.blocks[cycle.entry].end).if_true = cycle.entry;
    EXPECT_NE(verify(cycle).find("cycle"), std::string::npos);
    Program bad_size = p;
    std::get<Branch>(bad_size.blocks[bad_size.entry].end).lhs = bad_size.exprs.load(3, 0);
    EXPECT_NE(verify(bad_size).find("size"), std::string::npos);
    Program bad_var = p;
    bad_var.blocks[bad_var.entry].assigns.push_back({5, bad_var.exprs.constant(1)});
    EXPECT_NE(verify(bad_var).find("var_count"), std::string::npos);
}

}  // namespace
}  // namespace fcap::ir

namespace fcap::ir {
namespace {

TEST(IrTest, FoldWrapsAndShiftsAsBpfFilter) {
    std::uint32_t out = 0;
    ASSERT_TRUE(fold(BinOp::mul, 0x10000, 0x10000, out));
    EXPECT_EQ(out, 0u);
    ASSERT_TRUE(fold(BinOp::add, 0xffffffffu, 2, out));
    EXPECT_EQ(out, 1u);
    ASSERT_TRUE(fold(BinOp::lsh, 1, 31, out));
    EXPECT_EQ(out, 0x80000000u);
    ASSERT_TRUE(fold(BinOp::rsh, 0xffffffffu, 32, out));
    EXPECT_EQ(out, 0u);  // checked against bpf_filter's X form: not a shift by 0
    ASSERT_TRUE(fold(BinOp::lsh, 5, 0xffffffffu, out));
    EXPECT_EQ(out, 0u);
    ASSERT_TRUE(fold(BinOp::mod, 7, 3, out));
    EXPECT_EQ(out, 1u);
    EXPECT_TRUE(compare(CmpOp::ge, 3, 3));
    EXPECT_FALSE(compare(CmpOp::gt, 3, 3));
    EXPECT_TRUE(compare(CmpOp::gt, 0xffffffffu, 0));  // unsigned
}

TEST(IrTest, ComputedReturnsAndUnsetVariables) {
    Program p;
    VarId v = p.add_var();
    Block b;
    b.end = Return{p.exprs.binary(BinOp::add, p.exprs.var(v), p.exprs.load(2, 2))};
    p.entry = p.add_block(std::move(b));
    EXPECT_EQ(verify(p), "");
    EXPECT_EQ(run_on(p, {0, 0, 1, 2}), 0x102u);  // v was never set: 0
    EXPECT_EQ(run_on(p, {0, 0, 1}), 0u);         // the load is cut off: rejected
}

TEST(IrTest, PrinterShowsIndexedLoadsVariablesAndJumps) {
    Program p;
    VarId v = p.add_var();
    auto& e = p.exprs;
    BlockId yes = p.add_return(262144), no = p.add_return(0);
    BlockId test = p.add_branch(CmpOp::gt, e.load(2, 14, e.ip_header_len(14)), e.var(v), yes, no);
    Block set;
    set.assigns.push_back({v, e.binary(BinOp::sub, e.packet_len(), e.constant(14))});
    set.end = Jump{test};
    p.entry = p.add_block(std::move(set));
    EXPECT_EQ(print(p),
              "b3: v0 = (len - 0xe)\n"
              "    goto b2\n"
              "b2: if P[4*(P[14]&0xf)+14:2] > v0 goto b0 else b1\n"
              "b1: return 0\n"
              "b0: return 0x40000\n");
}

TEST(IrTest, VerifierNamesEachViolation) {
    Program p = branch(CmpOp::eq, [](ExprPool& e) { return e.load(1, 0); }, 0);
    Program no_entry = p;
    no_entry.entry = no_block;
    EXPECT_NE(verify(no_entry).find("entry"), std::string::npos);
    Program bad_expr = p;
    std::get<Branch>(bad_expr.blocks[bad_expr.entry].end).rhs = 12345;
    EXPECT_NE(verify(bad_expr).find("does not exist"), std::string::npos);
    Program bad_read = p;
    std::get<Branch>(bad_read.blocks[bad_read.entry].end).lhs = bad_read.exprs.var(3);
    EXPECT_NE(verify(bad_read).find("past var_count"), std::string::npos);
    Program bad_return = p;
    bad_return.blocks[0].end = Return{99999};
    EXPECT_NE(verify(bad_return).find("does not exist"), std::string::npos);
    Program bad_jump = p;
    bad_jump.blocks[0].end = Jump{42};
    EXPECT_NE(verify(bad_jump).find("missing block"), std::string::npos);
}

TEST(IrTest, TopologicalOrderPutsPredecessorsFirst) {
    // A diamond and a block reachable by both edges of one branch.
    Program p;
    auto& e = p.exprs;
    BlockId end = p.add_return(1);
    BlockId both = p.add_branch(CmpOp::eq, e.load(1, 0), e.constant(0), end, end);
    BlockId left = p.add_branch(CmpOp::eq, e.load(1, 1), e.constant(0), both, end);
    BlockId right = p.add_branch(CmpOp::eq, e.load(1, 2), e.constant(0), both, left);
    p.entry = p.add_branch(CmpOp::eq, e.load(1, 3), e.constant(0), left, right);
    p.add_return(7);  // unreachable: left out
    auto order = p.topological_order();
    ASSERT_EQ(order.size(), 5u);
    std::vector<std::size_t> at(p.blocks.size(), 99);
    for (std::size_t i = 0; i < order.size(); ++i) at[order[i]] = i;
    EXPECT_EQ(order[0], p.entry);
    for (BlockId b : order)
        for (BlockId s : successors(p.blocks[b])) EXPECT_LT(at[b], at[s]);
    Predecessors preds(p, order);
    EXPECT_EQ(preds.of(end).size(), 3u);  // `both` by its two edges, and `left`
    EXPECT_EQ(preds.of(both).size(), 2u);
    EXPECT_EQ(preds.of(p.entry).size(), 0u);
}

}  // namespace
}  // namespace fcap::ir
