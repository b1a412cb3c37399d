// The kernel's classic BPF checker, restated: each rule on its own, and
// the whole checker against the running kernel's (SO_ATTACH_FILTER on an
// ordinary socket needs no privilege) on random programs.
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"

#include <gtest/gtest.h>
#include <linux/filter.h>
#include <sys/socket.h>
#include <unistd.h>

#include <random>

namespace fcap::cbpf_import {
namespace {

constexpr std::uint32_t skf_ad_off = 0xfffff000;

void expect_refused(const std::vector<cbpf::Insn>& p, const std::string& why) {
    diag::Sink sink;
    EXPECT_FALSE(check(p, sink)) << why;
    EXPECT_NE(sink.first_error().find(why), std::string::npos) << sink.first_error();
}

void expect_accepted(const std::vector<cbpf::Insn>& p) {
    diag::Sink sink;
    EXPECT_TRUE(check(p, sink)) << sink.first_error();
}

TEST(CheckTest, EachRuleNamesTheInstruction) {
    expect_refused({}, "1 to 4096 instructions (BPF_MAXINSNS); this one has 0");
    expect_refused(std::vector<cbpf::Insn>(4097, {0x06, 0, 0, 0}), "this one has 4097");
    expect_accepted(std::vector<cbpf::Insn>(4096, {0x06, 0, 0, 0}));
    expect_refused({{0x06, 0, 0, 0}, {0x07, 0, 0, 0}}, "instruction 1: the last instruction must be a ret");
    expect_refused({{0x34, 0, 0, 0}, {0x06, 0, 0, 0}}, "instruction 0: division or modulo by a constant 0");
    expect_refused({{0x94, 0, 0, 0}, {0x06, 0, 0, 0}}, "division or modulo by a constant 0");
    expect_accepted({{0x3c, 0, 0, 0}, {0x06, 0, 0, 0}});  // div x: cBPF returns 0 at run time
    expect_refused({{0x64, 0, 0, 32}, {0x06, 0, 0, 0}}, "shift by 32 or more");
    expect_accepted({{0x74, 0, 0, 31}, {0x06, 0, 0, 0}});
    expect_refused({{0x15, 5, 0, 0}, {0x06, 0, 0, 0}}, "instruction 0: jump past the end");
    expect_refused({{0x05, 0, 0, 1}, {0x06, 0, 0, 0}}, "jump past the end");
    expect_refused({{0x05, 0, 0, 0xfffffffe}, {0x06, 0, 0, 0}}, "jump backwards (ja -2)");
    expect_refused({{0x02, 0, 0, 16}, {0x06, 0, 0, 0}}, "scratch memory slot 16");
    expect_refused({{0x61, 0, 0, 16}, {0x06, 0, 0, 0}}, "scratch memory slot 16");
    expect_refused({{0xff, 0, 0, 0}, {0x06, 0, 0, 0}}, "instruction 0: unknown opcode 255");
    expect_refused({{0x0106, 0, 0, 0}}, "unknown opcode");
    expect_refused({{0x20, 0, 0, skf_ad_off + 64}, {0x06, 0, 0, 0}}, "unknown ancillary load at SKF_AD_OFF + 64");
    expect_refused({{0x20, 0, 0, skf_ad_off + 2}, {0x06, 0, 0, 0}}, "unknown ancillary load");
    expect_refused({{0x30, 0, 0, 0xfff00000 + 9}, {0x06, 0, 0, 0}}, "SKF_NET_OFF or SKF_LL_OFF");
    for (std::uint32_t code = 0; code <= 60; code += 4)
        for (std::uint16_t op : {0x20, 0x28, 0x30}) expect_accepted({{op, 0, 0, skf_ad_off + code}, {0x16, 0, 0, 0}});
}

TEST(CheckTest, ScratchMemoryMustBeStoredOnEveryPath) {
    expect_refused({{0x60, 0, 0, 3}, {0x06, 0, 0, 0}}, "instruction 0: reads M[3] before it is stored");
    // Stored on the true path only.
    expect_refused({{0x15, 0, 1, 1}, {0x02, 0, 0, 5}, {0x60, 0, 0, 5}, {0x16, 0, 0, 0}},
                   "instruction 2: reads M[5] before it is stored");
    // Stored before the branch: good on both paths.
    expect_accepted({{0x02, 0, 0, 5}, {0x15, 0, 1, 1}, {0x04, 0, 0, 1}, {0x61, 0, 0, 5}, {0x16, 0, 0, 0}});
    // After a ret, the kernel keeps the valid set (check_load_and_stores).
    expect_accepted({{0x03, 0, 0, 2}, {0x15, 1, 0, 0}, {0x06, 0, 0, 0}, {0x60, 0, 0, 2}, {0x16, 0, 0, 0}});
}

TEST(CheckTest, AcceptsLibpcapsOwnCode) {
    for (const char* e : {"ip[0] % 3 + 1 = 2", "tcp port 80", "ip6 and udp", "vlan and ip", "len > 100",
                          "ether[12:2] & 0xff00 = 0x0800", "icmp6[icmp6type] = icmp6-echo"}) {
        diag::Sink sink;
        EXPECT_TRUE(check(test::libpcap_code(e), sink)) << e << ": " << sink.first_error();
    }
}

// libpcap's protochain loop is the one backward jump accepted, and only as
// libpcap writes it.
TEST(CheckTest, AcceptsLibpcapsProtochainLoopAndNoOtherBackwardJump) {
    for (const char* e : {"ip6 protochain 17", "ip protochain 6", "protochain 51", "ip6 protochain 59 or tcp"}) {
        auto code = test::libpcap_code(e);
        diag::Sink sink;
        EXPECT_TRUE(check(code, sink)) << e << ": " << sink.first_error();
    }
    auto code = test::libpcap_code("ip protochain 6");
    ASSERT_EQ(code[19].code, 0x05) << "the loop's ja moved: update the indices below";
    auto bent = code;
    bent[16].k = 8;  // mul #4 -> mul #8 in the AH step: not libpcap's loop
    expect_refused(bent, "instruction 19: jump backwards (ja -16)");
    auto reads_x = code;
    reads_x[20] = {0x87, 0, 0, 0};  // txa where the loop exits: X as the walk left it
    expect_refused(reads_x, "instruction 20: reads X or M[0] as libpcap's protochain loop left them");
}

// Random programs, mostly of valid opcodes, near the checker's edges.
std::vector<cbpf::Insn> random_program(std::mt19937& rng) {
    static const std::uint16_t codes[] = {
        0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x80, 0x01, 0x61, 0x81, 0xb1, 0x02, 0x03, 0x04, 0x0c,
        0x14, 0x34, 0x3c, 0x64, 0x74, 0x84, 0x94, 0x9c, 0xa4, 0x05, 0x15, 0x1d, 0x25, 0x35, 0x45, 0x4d, 0x06,
        0x16, 0x07, 0x87, 0x08, 0x0e, 0x18, 0x24, 0x19, 0x70, 0xff, 0x0b, 0x1e, 0xc4, 0x8c, 0x41, 0x10};
    std::size_t n = 1 + rng() % 8;
    std::vector<cbpf::Insn> p(n);
    for (auto& i : p) {
        i.code = codes[rng() % std::size(codes)];
        i.jt = std::uint8_t(rng() % 5);
        i.jf = std::uint8_t(rng() % 5);
        switch (rng() % 6) {
        case 0: i.k = rng() % 20; break;
        case 1: i.k = skf_ad_off + (rng() % 18) * 4 - (rng() % 2); break;
        case 2: i.k = 0xffffffff - rng() % 3; break;
        case 3: i.k = 30 + rng() % 4; break;
        default: i.k = rng() % 4; break;
        }
    }
    if (rng() % 4) p.back().code = rng() % 2 ? 0x06 : 0x16;
    return p;
}

TEST(CheckTest, AgreesWithTheRunningKernel) {
    int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) GTEST_SKIP() << "cannot open a UDP socket to attach filters to";
    auto kernel_accepts = [fd](std::vector<cbpf::Insn> p) {
        sock_fprog prog{std::uint16_t(p.size()), reinterpret_cast<sock_filter*>(p.data())};
        bool ok = ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
        if (ok) ::setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, nullptr, 0);
        return ok;
    };
    if (!kernel_accepts({{0x06, 0, 0, 0}})) {
        ::close(fd);
        GTEST_SKIP() << "the kernel refuses SO_ATTACH_FILTER here (seccomp or an old kernel?)";
    }
    std::mt19937 rng(2024);
    std::size_t accepted = 0, compared = 0;
    for (int round = 0; round < 200000; ++round) {
        auto p = random_program(rng);
        diag::Sink sink;
        bool ours = check(p, sink);
        if (!ours && sink.first_error().find("SKF_NET_OFF") != std::string::npos) continue;  // our own rule
        bool theirs = kernel_accepts(p);
        ++compared;
        accepted += theirs;
        if (ours != theirs) {
            std::string listing;
            for (const auto& i : p)
                listing += std::to_string(i.code) + " " + std::to_string(i.jt) + " " + std::to_string(i.jf) + " " +
                           std::to_string(i.k) + "\n";
            ADD_FAILURE() << "kernel " << (theirs ? "accepts" : "refuses") << ", we "
                          << (ours ? "accept" : "refuse: " + sink.first_error()) << "\n" << listing;
            break;
        }
    }
    ::close(fd);
    EXPECT_GT(accepted, compared / 50) << "too few valid programs to say much";
}

}  // namespace
}  // namespace fcap::cbpf_import
