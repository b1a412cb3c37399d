// The classic BPF backend: emitted code run by libpcap's bpf_filter agrees
// with the IR interpreter; long jumps get trampolines; listings are
// tcpdump's, byte for byte.
#include "backend/cbpf/emit.hpp"
#include "backend/cbpf/format.hpp"
#include "reference/libpcap.hpp"
#include "api/compile_ir.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <random>

namespace fcap::cbpf {
namespace {

using reference::run;

std::vector<Insn> compiled(const std::string& e, bool optimize = true) {
    CompileOptions o;
    o.optimize = optimize;
    diag::Sink sink;
    auto code = compile_cbpf(e, o, sink);
    EXPECT_TRUE(code) << e << ": " << sink.first_error();
    return code ? *code : std::vector<Insn>{};
}

// What libpcap's bpf_dump prints, captured from stdout.
std::string libpcap_dump(const std::vector<Insn>& code, int level) {
    std::fflush(stdout);
    char path[] = "/tmp/fcap-dump-XXXXXX";
    int fd = mkstemp(path);
    FILE* saved = stdout;
    FILE* f = fdopen(fd, "w+");
    stdout = f;
    bpf_program prog{unsigned(code.size()), reinterpret_cast<bpf_insn*>(const_cast<Insn*>(code.data()))};
    bpf_dump(&prog, level);
    std::fflush(f);
    stdout = saved;
    std::rewind(f);
    std::string out;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
    std::remove(path);
    return out;
}

TEST(CbpfTest, ListingsAreTcpdumps) {
    for (const char* e : {"tcp and dst port 7070", "vlan 10 and host 10.0.0.1", "ip[0] % 3 + 1 = 2", "less 100"}) {
        auto code = compiled(e);
        for (int level : {1, 2, 3}) EXPECT_EQ(dump(code, level), libpcap_dump(code, level)) << e << " -d" << level;
    }
}

TEST(CbpfTest, EmittedCodeMatchesTheInterpreter) {
    const char* exprs[] = {"ip[0] * 3 - ip[1] / (ip[2] + 1) > ip[3] % 7", "tcp[(tcp[12] >> 4) * 4] = 0x47",
                           "ether[ether[0] & 7:2] = ether[1] << 2", "len - ip[2:2] != 14", "-ip[0] ^ 5 = ip[1] | 3",
                           "ip6 protochain 17", "geneve and ip", "(ip[0] & ip[1]) + (ip[2] & ip[3]) = ip[4] + ip[5]"};
    std::mt19937 rng(3);
    for (const char* e : exprs) {
        CompileOptions o;
        diag::Sink sink;
        auto program = compile_to_ir(e, o, sink);
        ASSERT_TRUE(program) << e;
        auto code = emit(*program, sink);
        ASSERT_TRUE(code) << e;
        for (int i = 0; i < 2000; ++i) {
            std::vector<std::uint8_t> bytes(rng() % 120);
            for (auto& b : bytes) b = std::uint8_t(rng() % 4 == 0 ? rng() : 0);
            if (bytes.size() > 23 && rng() % 2) {
                bytes[12] = 0x08, bytes[13] = 0, bytes[14] = 0x45, bytes[23] = 17;
            }
            ir::Packet pkt{bytes.data(), std::uint32_t(bytes.size()), std::uint32_t(bytes.size() + rng() % 3), {}};
            ASSERT_EQ(ir::run(*program, pkt), run(*code, bytes.data(), pkt.caplen, pkt.wirelen)) << e;
        }
    }
}

TEST(CbpfTest, LongJumpsGetTrampolines) {
    std::string e = "not (";
    for (int i = 0; i < 150; ++i) e += (i ? " or " : "") + std::string("host 10.0.") + std::to_string(i / 250) + "." +
                                       std::to_string(i % 250) + " and port " + std::to_string(1000 + i);
    e += ")";
    auto code = compiled(e);
    ASSERT_GT(code.size(), 300u);
    // Every jump lands inside the program, forward.
    for (std::size_t i = 0; i < code.size(); ++i) {
        if ((code[i].code & 0x07) != 0x05) continue;
        if ((code[i].code & 0xf0) == 0x00) {
            EXPECT_LT(i + 1 + code[i].k, code.size());
        } else {
            EXPECT_LT(i + 1 + code[i].jt, code.size());
            EXPECT_LT(i + 1 + code[i].jf, code.size());
        }
    }
    // And the program still means what libpcap's does.
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    bpf_program prog;
    ASSERT_EQ(pcap_compile(dead, &prog, e.c_str(), 1, PCAP_NETMASK_UNKNOWN), 0);
    std::mt19937 rng(11);
    for (int i = 0; i < 3000; ++i) {
        std::vector<std::uint8_t> bytes(80, 0);
        bytes[12] = 0x08, bytes[14] = 0x45, bytes[23] = 6;
        int k = int(rng() % 160);
        bytes[26] = 10, bytes[28] = std::uint8_t(k / 250), bytes[29] = std::uint8_t(k % 250);
        bytes[36] = std::uint8_t((1000 + k + int(rng() % 2)) >> 8), bytes[37] = std::uint8_t(1000 + k);
        EXPECT_EQ(bpf_filter(prog.bf_insns, bytes.data(), 80, 80) != 0, run(code, bytes.data(), 80, 80) != 0);
    }
    pcap_freecode(&prog);
    pcap_close(dead);
}

TEST(CbpfTest, DeepExpressionsFitInTheSlots) {
    // Trees leaning either way whose every operand goes through X
    // (transport loads).  libpcap gives each pending operand a register and
    // refuses from 14 levels on ("too many registers needed"); slots
    // allocated by need fit 30 levels in 16.  Verdicts are libpcap's where
    // it compiles, and the interpreter's everywhere.  (emit_test holds a
    // tree that truly needs 17 slots against the diagnostic.)
    for (int depth : {13, 30}) {
        std::string right = "tcp[0]", left = "tcp[0]";
        for (int i = 1; i < depth; ++i) {
            right = "tcp[" + std::to_string(i) + "] + (" + right + ")";
            left = "(" + left + ") - tcp[" + std::to_string(i) + "]";
        }
        for (const std::string& e : {"ip[0] = " + right, "ip[0] = " + left}) {
            pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
            bpf_program prog{};
            bool libpcap = pcap_compile(dead, &prog, e.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0;
            EXPECT_EQ(libpcap, depth < 14 || e == "ip[0] = " + left) << e << ": " << pcap_geterr(dead);
            for (bool optimize : {false, true}) {
                CompileOptions o;
                o.optimize = optimize;
                diag::Sink sink;
                auto program = compile_to_ir(e, o, sink);
                ASSERT_TRUE(program) << sink.first_error();
                auto code = emit(*program, sink);
                ASSERT_TRUE(code) << e << ": " << sink.first_error();
                std::mt19937 rng(12);
                for (int i = 0; i < 1000; ++i) {
                    std::vector<std::uint8_t> bytes(40 + rng() % 40, 0);
                    bytes[12] = 0x08, bytes[23] = 6;
                    for (std::size_t j = 34; j < bytes.size(); ++j) bytes[j] = std::uint8_t(rng() % 3);
                    bytes[14] = std::uint8_t(rng() % 8 ? 0x45 : 0x40 | rng() % 16);
                    auto len = std::uint32_t(bytes.size());
                    std::uint32_t ours = run(*code, bytes.data(), len, len);
                    ASSERT_EQ(ir::run(*program, {bytes.data(), len, len, {}}), ours) << e;
                    if (libpcap) {
                        ASSERT_EQ(bpf_filter(prog.bf_insns, bytes.data(), len, len), ours) << e;
                    }
                }
            }
            if (libpcap) pcap_freecode(&prog);
            pcap_close(dead);
        }
    }
}

TEST(CbpfTest, KernelLimitIsSaidPlainly) {
    std::string e = "not (";
    for (int i = 0; i < 400; ++i) e += (i ? " or " : "") + std::string("host 10.1.") + std::to_string(i / 250) + "." +
                                       std::to_string(i % 250) + " and port " + std::to_string(2000 + i);
    e += ")";
    CompileOptions o;
    diag::Sink sink;
    auto code = compile_cbpf(e, o, sink);
    ASSERT_TRUE(code);
    ASSERT_GT(code->size(), max_kernel_insns);
    ASSERT_FALSE(sink.diagnostics().empty());
    EXPECT_NE(sink.diagnostics()[0].message.find("kernel's limit of 4096"), std::string::npos);
    o.kernel_limit_is_error = true;
    diag::Sink strict;
    EXPECT_FALSE(compile_cbpf(e, o, strict));
    EXPECT_TRUE(strict.has_errors());
}

}  // namespace
}  // namespace fcap::cbpf
