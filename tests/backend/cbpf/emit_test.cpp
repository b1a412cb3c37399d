// The emitter on hand-built IR: libpcap's bpf_filter running the emitted
// code returns what the IR interpreter returns, on random and crafted
// packets (truncated ones too); the code is as small as the shapes allow;
// the kernel's classic checker (restated in cbpf_import) accepts it.
#include "backend/cbpf/emit.hpp"
#include "backend/cbpf/format.hpp"
#include "backend/cbpf/ops.hpp"
#include "reference/libpcap.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "fcap/compiler.hpp"
#include "random_ir.hpp"

#include <gtest/gtest.h>

namespace fcap::cbpf {
namespace {

using reference::run;

using ir::BinOp;
using ir::CmpOp;

std::vector<Insn> emitted(const ir::Program& p) {
    EXPECT_EQ(ir::verify(p), "");
    diag::Sink sink;
    auto code = emit(p, sink);
    EXPECT_TRUE(code) << sink.first_error();
    return code ? *code : std::vector<Insn>{};
}

std::uint32_t ir_run(const ir::Program& p, const std::vector<std::uint8_t>& bytes, std::uint32_t wirelen) {
    return ir::run(p, ir::Packet{bytes.data(), std::uint32_t(bytes.size()), wirelen, {}});
}

// The same verdict from both on `bytes` and on every truncation of it.
void expect_same(const ir::Program& p, const std::vector<Insn>& code, std::vector<std::uint8_t> bytes) {
    std::uint32_t wirelen = std::uint32_t(bytes.size()) + 2;
    for (std::size_t len = bytes.size() + 1; len-- > 0;) {
        bytes.resize(len);
        ASSERT_EQ(ir_run(p, bytes, wirelen), run(code, bytes.data(), std::uint32_t(len), wirelen))
            << "caplen " << len << "\n"
            << ir::print(p) << dump(code, 1);
    }
}

void expect_kernel_accepts(const ir::Program& p, const std::vector<Insn>& code) {
    diag::Sink sink;
    EXPECT_TRUE(cbpf_import::check(code, sink)) << sink.first_error() << "\n" << ir::print(p) << dump(code, 1);
}

TEST(EmitTest, RandomProgramsAgreeWithTheInterpreter) {
    std::mt19937 rng(20261123);
    for (int round = 0; round < 400; ++round) {
        test::RandomShape shape;
        shape.blocks = 4 + int(rng() % 30);
        shape.depth = 1 + int(rng() % 4);
        shape.vars = std::uint32_t(rng() % 4);
        ir::Program p = test::random_program(rng, shape);
        auto code = emitted(p);
        ASSERT_FALSE(code.empty());
        expect_kernel_accepts(p, code);
        for (int i = 0; i < 150; ++i) {
            auto bytes = test::random_packet(rng);
            std::uint32_t wirelen = std::uint32_t(bytes.size() + rng() % 3);
            ASSERT_EQ(ir_run(p, bytes, wirelen), run(code, bytes.data(), std::uint32_t(bytes.size()), wirelen))
                << "round " << round << "\n"
                << ir::print(p) << dump(code, 1);
        }
        expect_same(p, code, test::random_packet(rng));
    }
}

// b0: if P[12:2] == 0x800 goto b1 else b2 ... the IR of `host 1.2.3.4`.
ir::Program host_program() {
    ir::Program p;
    auto& e = p.exprs;
    ir::ExprId addr = e.constant(0x01020304), type = e.load(2, 12);
    ir::BlockId yes = p.add_return(262144), no = p.add_return(0);
    ir::BlockId arp_dst = p.add_branch(CmpOp::eq, e.load(4, 38), addr, yes, no);
    ir::BlockId arp_src = p.add_branch(CmpOp::eq, e.load(4, 28), addr, yes, arp_dst);
    ir::BlockId rarp = p.add_branch(CmpOp::eq, type, e.constant(0x8035), arp_src, no);
    ir::BlockId arp = p.add_branch(CmpOp::eq, type, e.constant(0x806), arp_src, rarp);
    ir::BlockId ip_dst = p.add_branch(CmpOp::eq, e.load(4, 30), addr, yes, no);
    ir::BlockId ip_src = p.add_branch(CmpOp::eq, e.load(4, 26), addr, yes, ip_dst);
    p.entry = p.add_branch(CmpOp::eq, type, e.constant(0x800), ip_src, arp);
    return p;
}

TEST(EmitTest, HostIsNoLongerThanLibpcaps) {
    ir::Program p = host_program();
    auto code = emitted(p);
    EXPECT_LE(code.size(), 14u) << dump(code, 1);  // libpcap: 14
    // The EtherType is loaded once: the ARP and RARP tests reuse A.
    int type_loads = 0;
    for (const auto& i : code) type_loads += i.code == (cls::ld | size::h | mode::abs) && i.k == 12;
    EXPECT_EQ(type_loads, 1) << dump(code, 1);
    std::vector<std::uint8_t> pkt(42, 0);
    pkt[12] = 0x08, pkt[26] = 1, pkt[27] = 2, pkt[28] = 3, pkt[29] = 4;
    EXPECT_EQ(run(code, pkt.data(), 42, 42), 262144u);
    expect_same(p, code, pkt);
    pkt[13] = 6;  // ARP: sender address at 28
    expect_same(p, code, pkt);

    diag::Sink sink;
    auto compiled = compile_cbpf("host 1.2.3.4", CompileOptions{}, sink);
    ASSERT_TRUE(compiled);
    EXPECT_LE(compiled->size(), 14u) << dump(*compiled, 1);
}

TEST(EmitTest, ConstantsUseTheKFormsAndSwappedTargets) {
    // if 0x800 > P[12:2] (a constant on the left): `jge #0x800` with the
    // targets swapped; then the shared rets.
    ir::Program p;
    ir::BlockId yes = p.add_return(1), no = p.add_return(0);
    p.entry = p.add_branch(CmpOp::gt, p.exprs.constant(0x800), p.exprs.load(2, 12), yes, no);
    auto code = emitted(p);
    ASSERT_EQ(code.size(), 4u) << dump(code, 1);
    EXPECT_EQ(code[1].code, cls::jmp | jmp::jge | src::k);
    EXPECT_EQ(code[1].k, 0x800u);
    EXPECT_EQ(run(code, std::vector<std::uint8_t>(14, 0).data(), 14, 14), 1u);
}

TEST(EmitTest, IndexedLoadsAndTrees) {
    ir::Program p;
    auto& e = p.exprs;
    // P[4*(P[14]&0xf)+16:2] + P[1:1] * 3 - len == 0
    ir::ExprId port = e.load(2, 16, e.ip_header_len(14));
    ir::ExprId sum = e.binary(BinOp::add, port, e.binary(BinOp::mul, e.load(1, 1), e.constant(3)));
    ir::ExprId value = e.binary(BinOp::sub, sum, e.packet_len());
    ir::BlockId yes = p.add_return(1), no = p.add_return(0);
    p.entry = p.add_branch(CmpOp::eq, value, e.constant(0), yes, no);
    auto code = emitted(p);
    // The sum commutes so that the indexed load goes first and the product
    // reaches X by `tax`; only `len` waits in a slot.
    EXPECT_EQ(dump(code, 1),
              "(000) ld       #pktlen\n"
              "(001) st       M[0]\n"
              "(002) ldxb     4*([14]&0xf)\n"
              "(003) ldh      [x + 16]\n"
              "(004) tax      \n"
              "(005) ldb      [1]\n"
              "(006) mul      #3\n"
              "(007) add      x\n"
              "(008) ldx      M[0]\n"
              "(009) sub      x\n"
              "(010) jeq      #0x0             jt 11\tjf 12\n"
              "(011) ret      #1\n"
              "(012) ret      #0\n");
    std::mt19937 rng(5);
    for (int i = 0; i < 500; ++i) expect_same(p, code, test::random_packet(rng));
}

TEST(EmitTest, RightOperandsThatLoadStraightIntoX) {
    ir::Program p;
    auto& e = p.exprs;
    ir::ExprId v = e.binary(BinOp::add, e.load(1, 0), e.ip_header_len(14));
    ir::BlockId yes = p.add_return(1), no = p.add_return(0);
    p.entry = p.add_branch(CmpOp::ge, v, e.load(1, 2), yes, no);
    auto code = emitted(p);
    // ldb [0]; ldxb; add x; tax; ldb [2] ...: the left needs X, the right
    // does not, so the right goes through X after the left is done.
    EXPECT_LE(code.size(), 9u) << dump(code, 1);
    std::mt19937 rng(6);
    for (int i = 0; i < 500; ++i) expect_same(p, code, test::random_packet(rng));
}

TEST(EmitTest, ReturnsOfComputedValues) {
    ir::Program p;
    ir::Block b;
    b.end = ir::Return{p.exprs.binary(BinOp::mul, p.exprs.load(1, 3), p.exprs.constant(4))};
    p.entry = p.add_block(std::move(b));
    auto code = emitted(p);
    EXPECT_EQ(dump(code, 1), "(000) ldb      [3]\n(001) mul      #4\n(002) ret      \n");
    expect_same(p, code, {9, 9, 9, 7});
}

TEST(EmitTest, ABranchWhoseTargetsAgreeKeepsOnlyItsLoads) {
    ir::Program p;
    ir::BlockId yes = p.add_return(1);
    p.entry = p.add_branch(CmpOp::eq, p.exprs.load(4, 20), p.exprs.packet_len(), yes, yes);
    auto code = emitted(p);
    // The load may reject; `len` may not; no jump is left.
    EXPECT_EQ(dump(code, 1), "(000) ld       [20]\n(001) ret      #1\n");
    expect_same(p, code, std::vector<std::uint8_t>(24, 1));
}

TEST(EmitTest, DivisionByConstantZeroAndWideShifts) {
    // Folding refuses these before the emitter; should one arrive, the code
    // still means what the IR means and the kernel accepts it.
    for (auto [op, k] : {std::pair{BinOp::div, 0u}, {BinOp::mod, 0u}, {BinOp::lsh, 32u}, {BinOp::rsh, 40u},
                         {BinOp::lsh, 0xffffffffu}, {BinOp::rsh, 31u}}) {
        ir::Program p;
        auto& e = p.exprs;
        ir::BlockId yes = p.add_return(1), no = p.add_return(2);
        p.entry = p.add_branch(CmpOp::eq, e.binary(op, e.load(4, 0), e.constant(k)), e.constant(0), yes, no);
        auto code = emitted(p);
        expect_kernel_accepts(p, code);
        expect_same(p, code, {0x80, 0, 0, 1});
        expect_same(p, code, {0xff, 0xff, 0xff, 0xff});
    }
}

TEST(EmitTest, VariablesReadBeforeTheyAreSetStartAtZero) {
    ir::Program p;
    auto& e = p.exprs;
    ir::VarId v = p.add_var(), w = p.add_var();
    ir::BlockId yes = p.add_return(1), no = p.add_return(2);
    // v is set on one path only; the test reads it on both.
    ir::BlockId test = p.add_branch(CmpOp::eq, e.binary(BinOp::add, e.var(v), e.var(w)), e.constant(0), yes, no);
    ir::Block set;
    set.assigns.push_back({v, e.load(1, 1)});
    set.assigns.push_back({w, e.constant(0)});
    set.end = ir::Jump{test};
    ir::BlockId setter = p.add_block(std::move(set));
    ir::Block only_w;
    only_w.assigns.push_back({w, e.load(1, 2)});
    only_w.end = ir::Jump{test};
    ir::BlockId other = p.add_block(std::move(only_w));
    p.entry = p.add_branch(CmpOp::eq, e.load(1, 0), e.constant(0), setter, other);
    auto code = emitted(p);
    expect_kernel_accepts(p, code);
    for (std::uint8_t a : {0, 1})
        for (std::uint8_t b : {0, 5})
            for (std::uint8_t c : {0, 7}) expect_same(p, code, {a, b, c});
}

// A full tree of depth `depth` whose leaves are distinct indexed loads:
// every level needs one more scratch slot, whatever the order.
ir::ExprId full_tree(ir::ExprPool& e, int depth, std::uint32_t& leaf) {
    if (depth == 0) return e.load(1, leaf++, e.ip_header_len(0));
    ir::ExprId a = full_tree(e, depth - 1, leaf);
    ir::ExprId b = full_tree(e, depth - 1, leaf);
    return e.binary(BinOp::add, a, b);
}

ir::Program tree_program(int depth, std::uint32_t vars) {
    ir::Program p;
    for (std::uint32_t v = 0; v < vars; ++v) p.add_var();
    std::uint32_t leaf = 0;
    ir::ExprId t = full_tree(p.exprs, depth, leaf);
    ir::BlockId yes = p.add_return(1), no = p.add_return(0);
    p.entry = p.add_branch(CmpOp::gt, t, p.exprs.constant(100), yes, no);
    return p;
}

TEST(EmitTest, ScratchSlotsRunOutWithADiagnostic) {
    diag::Sink ok;
    auto code = emit(tree_program(6, 0), ok);
    ASSERT_TRUE(code) << ok.first_error();
    std::mt19937 rng(7);
    for (int i = 0; i < 100; ++i) expect_same(tree_program(6, 0), *code, test::random_packet(rng));

    diag::Sink deep;
    EXPECT_FALSE(emit(tree_program(17, 0), deep));
    EXPECT_NE(deep.first_error().find("expression too complex: needs more than 16 scratch registers"),
              std::string::npos)
        << deep.first_error();
    // Variables own slots: 12 of them leave 4 for a tree that needs 6.
    diag::Sink crowded;
    EXPECT_FALSE(emit(tree_program(6, 12), crowded));
    EXPECT_TRUE(crowded.has_errors());
}

TEST(EmitTest, LongChainsFitInTheSlots) {
    // ((t0 - t1) - t2) - ... with every term an indexed load: each level
    // holds a slot while its left side is computed, until the slots run
    // low; then the deeper left side goes first and one slot does.
    ir::Program p;
    auto& e = p.exprs;
    ir::ExprId sum = e.load(1, 0, e.ip_header_len(0));
    for (std::uint32_t i = 1; i < 200; ++i)
        sum = e.binary(BinOp::sub, sum, e.load(1, i % 60, e.ip_header_len(i % 7)));
    ir::ExprId bytes = e.load(1, 0, e.binary(BinOp::band, e.load(1, 1), e.constant(7)));
    for (std::uint32_t i = 1; i < 200; ++i)
        bytes = e.binary(BinOp::div, bytes,
                         e.load(1, i % 60, e.binary(BinOp::band, e.load(1, i % 50 + 1), e.constant(7))));
    ir::BlockId yes = p.add_return(1), no = p.add_return(0);
    ir::BlockId second = p.add_branch(CmpOp::gt, bytes, e.constant(3), yes, no);
    p.entry = p.add_branch(CmpOp::ge, sum, e.constant(600), second, no);
    auto code = emitted(p);
    expect_kernel_accepts(p, code);
    std::mt19937 rng(8);
    for (int i = 0; i < 300; ++i) expect_same(p, code, test::random_packet(rng));
}

// `blocks` tests in a chain; each falls to the next on a miss and accepts
// on a hit; a few jump back to the start of a far part of the chain.
ir::Program chain_program(int blocks, bool computed_targets) {
    ir::Program p;
    auto& e = p.exprs;
    ir::BlockId yes = p.add_return(262144), no = p.add_return(0);
    std::vector<ir::BlockId> chain{no};
    for (int i = 0; i < blocks; ++i) {
        ir::BlockId miss = chain.back();
        // Now and then the hit goes to a block built long before, 300 to
        // 1000 instructions away: a ja trampoline, not a ret copy.
        ir::BlockId hit = computed_targets && i > 600 && i % 37 == 0 ? chain[std::size_t(i - 500)] : yes;
        ir::ExprId load = e.load(std::uint8_t(1u << (i % 3)), std::uint32_t(i % 50));
        chain.push_back(p.add_branch(CmpOp::eq, load, e.constant(std::uint32_t(i) * 7919u), hit, miss));
    }
    p.entry = chain.back();
    return p;
}

void expect_jumps_inside(const std::vector<Insn>& code) {
    for (std::size_t i = 0; i < code.size(); ++i) {
        if ((code[i].code & 0x07) != cls::jmp) continue;
        if ((code[i].code & 0xf0) == jmp::ja) {
            EXPECT_LT(i + 1 + code[i].k, code.size());
        } else {
            EXPECT_LT(i + 1 + code[i].jt, code.size());
            EXPECT_LT(i + 1 + code[i].jf, code.size());
        }
    }
}

TEST(EmitTest, FarJumpsGetTrampolines) {
    for (bool computed : {false, true}) {
        ir::Program p = chain_program(1500, computed);
        auto code = emitted(p);
        ASSERT_GT(code.size(), 2000u);
        expect_jumps_inside(code);
        if (code.size() <= max_kernel_insns) expect_kernel_accepts(p, code);
        std::mt19937 rng(9);
        for (int i = 0; i < 300; ++i) {
            std::vector<std::uint8_t> bytes(52);
            for (auto& b : bytes) b = std::uint8_t(rng() % 2 ? 0 : rng());
            int hit = int(rng() % 1500);  // make test `hit` match now and then
            if (rng() % 2 && hit % 3 == 0) bytes[std::size_t(hit % 50)] = std::uint8_t(hit * 7919);
            std::uint32_t caplen = std::uint32_t(rng() % 4 ? 52 : rng() % 52);
            ASSERT_EQ(ir::run(p, {bytes.data(), caplen, 60, {}}), run(code, bytes.data(), caplen, 60)) << i;
        }
    }
}

TEST(EmitTest, TrampolinesThatPushOthersOutOfReach) {
    // Many branches whose targets sit just under 255 away: the first
    // trampolines lengthen the jumps behind them past 255 in turn.
    std::mt19937 rng(10);
    for (int spread : {120, 126, 127, 128, 250}) {
        ir::Program p;
        auto& e = p.exprs;
        ir::BlockId no = p.add_return(0);
        std::vector<ir::BlockId> built{no, p.add_return(5)};
        for (int i = 0; i < 1200; ++i) {
            ir::BlockId near = built.back();
            ir::BlockId far = built.size() > std::size_t(spread) ? built[built.size() - std::size_t(spread)] : built[1];
            ir::ExprId load = e.load(1, std::uint32_t(i % 40));
            built.push_back(p.add_branch(CmpOp::gt, load, e.constant(std::uint32_t(rng() % 256)),
                                         i % 2 ? far : near, i % 2 ? near : far));
        }
        p.entry = built.back();
        auto code = emitted(p);
        expect_jumps_inside(code);
        for (int i = 0; i < 200; ++i) {
            auto bytes = test::random_packet(rng);
            ASSERT_EQ(ir_run(p, bytes, 100), run(code, bytes.data(), std::uint32_t(bytes.size()), 100)) << spread;
        }
    }
}

}  // namespace
}  // namespace fcap::cbpf
