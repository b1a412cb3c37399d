// The eBPF lowering in the kernel: random IR programs against the IR's
// reference interpreter, the verifier's first-time acceptance, protochain's
// loop, ancillary data, counters, XDP's actions.  Needs root or CAP_BPF;
// skips with the reason otherwise.
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "api/compile_ir.hpp"
#include "random_programs.hpp"
#include "support/skip_without_bpf.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace fcap::ebpf {
namespace {

std::optional<LoadedProgram> build(const ir::Program& ir, Target target, const LowerOptions& options = {}) {
    diag::Sink sink;
    auto code = lower(ir, target, options, sink);
    EXPECT_TRUE(code) << sink.first_error() << "\n" << ir::print(ir);
    if (!code) return std::nullopt;
    std::string log;
    auto loaded = load(*code, &log, true);
    EXPECT_TRUE(loaded) << "the verifier refused it first time:\n" << log.substr(0, 3000) << "\n" << ir::print(ir);
    if (target == Target::socket && loaded) {  // and as the socket filter it is
        auto as_socket = load(*code, &log, false);
        EXPECT_TRUE(as_socket) << "refused as SOCKET_FILTER:\n" << log.substr(0, 3000);
    }
    return loaded;
}

std::optional<ir::Program> compile(const std::string& expression) {
    CompileOptions o;
    diag::Sink sink;
    auto ir = compile_to_ir(expression, o, sink);
    EXPECT_TRUE(ir) << expression << ": " << sink.first_error();
    return ir;
}

// XDP says match with XDP_DROP; a socket program returns the IR's own return value.
TEST(LowerTest, RandomProgramsAgreeWithTheInterpreter) {
    FCAP_SKIP_WITHOUT_BPF();
    // FCAP_RANDOM_SEED and FCAP_RANDOM_PROGRAMS explore further.
    const char* seed = std::getenv("FCAP_RANDOM_SEED");
    const char* count = std::getenv("FCAP_RANDOM_PROGRAMS");
    std::mt19937 rng(seed ? std::uint32_t(std::atol(seed)) : 20261123u);
    int programs = count ? std::atoi(count) : 300;
    std::size_t compared = 0, refused_frames = 0;
    for (int i = 0; i < programs; ++i) {
        ir::Program p = test::random_program(rng);
        ASSERT_EQ(ir::verify(p), "");
        for (Target target : {Target::xdp, Target::socket}) {
            auto loaded = build(p, target);
            ASSERT_TRUE(loaded);
            std::uint64_t runs = 0, matches = 0;
            for (int j = 0; j < 30; ++j) {
                auto packet = test::random_packet(rng);
                auto size = std::uint32_t(packet.size());
                std::uint32_t expected = ir::run(p, {packet.data(), size, size, {}});
                auto r = test_run(*loaded, packet.data(), size);
                if (!r) {
                    ++refused_frames;
                    continue;
                }
                ++runs;
                ++compared;
                if (target == Target::xdp) {
                    matches += *r == std::uint32_t(xdp_drop);
                    ASSERT_EQ(*r, std::uint32_t(expected ? xdp_drop : xdp_pass)) << ir::print(p) << "packet " << j;
                } else {
                    matches += *r != 0;
                    ASSERT_EQ(*r, expected) << ir::print(p) << "packet " << j;
                }
            }
            auto c = read_counters(*loaded);
            ASSERT_TRUE(c);
            EXPECT_EQ(c->packets, runs);
            EXPECT_EQ(c->matched_packets, matches);
        }
    }
    std::cout << compared << " kernel verdicts equal the interpreter's; " << refused_frames
              << " frames the test runner refused\n";
    EXPECT_GT(compared, std::size_t(programs) * 50);
}

TEST(LowerTest, TheVerifierAcceptsTrickyFiltersFirstTime) {
    FCAP_SKIP_WITHOUT_BPF();
    for (const char* e : {
             "protochain 6", "ip6 protochain 17 or ip protochain 51",
             // needs more registers than a socket program has: spills
             "(ip[0]+ip[1])*(ip[2]+ip[3]) + (ip[4]+ip[5])*(ip[6]+ip[7]) = (ip[8]+ip[9])*(ip[10]+ip[11]) + "
             "(ip[12]+ip[13])*(ip[14]+ip[15])",
             "ip[0] / ip[1] = 2", "ip[0] % ip[1] = 0", "ip[0] << ip[1] = 0", "ip[0] >> ip[1] = 0",
             "ether[ether[0]:4] = 1", "ether[ether[0] + ether[1]:2] = 2", "tcp[tcp[12] >> 2:2] = 0x1603",
             "ether[40000] = 1", "ether[0x7fffffff:4] = 1", "ip[0xfffffff5] = 1", "len > 100 and len < 1000",
             "vlan 10 and vlan 20 and tcp port 80", "inbound", "ether[10:4] = 0x12348100", "ether[14:4] = 1",
         }) {
        auto ir = compile(e);
        ASSERT_TRUE(ir);
        for (Target t : {Target::xdp, Target::socket}) EXPECT_TRUE(build(*ir, t)) << e;
    }
}

TEST(LowerTest, TooManyVariablesForTheStackIsAnError) {
    ir::Program p;
    p.var_count = 200;
    p.entry = p.add_return(1);
    diag::Sink sink;
    EXPECT_FALSE(lower_xdp(p, {}, sink));
    EXPECT_NE(sink.first_error().find("too many variables"), std::string::npos) << sink.first_error();
}

// An IPv6 packet whose headers before UDP are `hops` hop-by-hop options
// headers of 8 bytes each; or, with `ah_loop`, an AH that points at itself
// (libpcap's walk would never end).
std::vector<std::uint8_t> ipv6_chain(int hops, bool ah_loop) {
    std::vector<std::uint8_t> p(14 + 40, 0);
    p[12] = 0x86;
    p[13] = 0xdd;
    p[14] = 0x60;
    p[20] = ah_loop ? 51 : hops ? 0 : 17;
    if (ah_loop) {
        // AH at offset 40: its next offset is (len + 2) * 4 = 40 again.
        p.insert(p.end(), {51, 8, 0, 0, 0, 0, 0, 0});
        p.resize(p.size() + 32, 0);
        return p;
    }
    for (int i = 0; i < hops; ++i) p.insert(p.end(), {std::uint8_t(i + 1 < hops ? 0 : 17), 0, 0, 0, 0, 0, 0, 0});
    p.resize(p.size() + 8, 0);  // UDP
    return p;
}

TEST(LowerTest, ProtochainWalksLongChainsAndEndsLoops) {
    FCAP_SKIP_WITHOUT_BPF();
    auto ir = compile("ip6 protochain 17");
    ASSERT_TRUE(ir);
    for (Target t : {Target::xdp, Target::socket}) {
        auto loaded = build(*ir, t);
        ASSERT_TRUE(loaded);
        auto matched = [&](const std::vector<std::uint8_t>& p) {
            auto r = test_run(*loaded, p.data(), std::uint32_t(p.size()));
            EXPECT_TRUE(r);
            return r && (t == Target::xdp ? *r == std::uint32_t(xdp_drop) : *r != 0);
        };
        for (int hops : {0, 1, 2, 100, 400}) {
            auto p = ipv6_chain(hops, false);
            EXPECT_EQ(ir::run(*ir, {p.data(), std::uint32_t(p.size()), std::uint32_t(p.size()), {}}) != 0, true);
            EXPECT_TRUE(matched(p)) << hops << " headers";
        }
        auto truncated = ipv6_chain(100, false);
        truncated.resize(truncated.size() - 20);  // the last headers are not all there: rejected
        EXPECT_FALSE(matched(truncated));
        EXPECT_FALSE(matched(ipv6_chain(0, true))) << "an AH pointing at itself ends after protochain_steps";
    }
}

// SKF_AD_* loads reject offline, as bpf_filter does; with `ancillary` they
// read the skb (the test runner's packet is PACKET_HOST, type 0).
TEST(LowerTest, AncillaryRejectsOfflineAndReadsTheSkbLive) {
    FCAP_SKIP_WITHOUT_BPF();
    ir::Program p;
    ir::BlockId yes = p.add_return(7), no = p.add_return(9);
    p.entry = p.add_branch(ir::CmpOp::eq, p.exprs.ancillary(4), p.exprs.constant(0), yes, no);
    std::vector<std::uint8_t> frame(60, 0);
    for (bool live : {false, true}) {
        LowerOptions o;
        o.ancillary = live;
        auto loaded = build(p, Target::socket, o);
        ASSERT_TRUE(loaded);
        EXPECT_EQ(test_run(*loaded, frame.data(), 60), std::optional<std::uint32_t>(live ? 7 : 0));
    }
    LowerOptions o;
    o.ancillary = true;
    diag::Sink sink;
    EXPECT_FALSE(lower_xdp(p, o, sink));
    EXPECT_NE(sink.first_error().find("SKF_AD_PKTTYPE is not available to XDP"), std::string::npos);
}

TEST(LowerTest, XdpInvertSwapsTheActions) {
    FCAP_SKIP_WITHOUT_BPF();
    auto ir = compile("ip");
    ASSERT_TRUE(ir);
    std::vector<std::uint8_t> ip(60, 0), arp(60, 0);
    ip[12] = 0x08;
    arp[12] = 0x08;
    arp[13] = 0x06;
    for (bool invert : {false, true}) {
        LowerOptions o;
        o.invert = invert;
        auto loaded = build(*ir, Target::xdp, o);
        ASSERT_TRUE(loaded);
        EXPECT_EQ(test_run(*loaded, ip.data(), 60), std::uint32_t(invert ? xdp_pass : xdp_drop));
        EXPECT_EQ(test_run(*loaded, arp.data(), 60), std::uint32_t(invert ? xdp_drop : xdp_pass));
    }
}

// The per-CPU counters, summed: packets and bytes run, packets and bytes
// matched; counting changes no verdict (the tests above count too).
TEST(LowerTest, CountersSumPacketsAndBytes) {
    FCAP_SKIP_WITHOUT_BPF();
    auto ir = compile("udp");
    ASSERT_TRUE(ir);
    for (Target t : {Target::xdp, Target::socket}) {
        auto loaded = build(*ir, t);
        ASSERT_TRUE(loaded);
        std::uint64_t bytes = 0, matched_bytes = 0, matches = 0;
        for (std::uint32_t size = 60; size < 160; ++size) {
            std::vector<std::uint8_t> f(size, 0);
            f[12] = 0x08;
            f[14] = 0x45;
            f[23] = size % 3 ? 17 : 6;
            auto r = test_run(*loaded, f.data(), size);
            ASSERT_TRUE(r);
            bool m = t == Target::xdp ? *r == std::uint32_t(xdp_drop) : *r != 0;
            EXPECT_EQ(m, size % 3 != 0);
            bytes += size;
            matches += m;
            matched_bytes += m ? size : 0;
        }
        auto c = read_counters(*loaded);
        ASSERT_TRUE(c);
        EXPECT_EQ(c->packets, 100u);
        EXPECT_EQ(c->bytes, bytes);
        EXPECT_EQ(c->matched_packets, matches);
        EXPECT_EQ(c->matched_bytes, matched_bytes);
    }
}

}  // namespace
}  // namespace fcap::ebpf
