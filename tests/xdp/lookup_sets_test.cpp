// Long disjunctions as hash-map lookups keep libpcap's verdict on every
// frame, every cut of every frame included: the program fxdp attaches
// (lookup sets on, loaded by fxdp's loader) runs in the kernel's test
// runner beside libpcap's bpf_filter.
#include "xdp/lab.hpp"

#include "fcap/compiler.hpp"
#include "kernel/xdp_attach.hpp"
#include "support/skip_without_bpf.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <pcap/pcap.h>

namespace fcap::xdptest {
namespace {

using Bytes = std::vector<std::uint8_t>;

std::string host(unsigned k) { return "10.100." + std::to_string(k >> 8) + "." + std::to_string(k & 255); }

std::string any_of(const std::string& prefix, unsigned first, unsigned count, const std::string& (*)(unsigned) = nullptr) {
    std::string out;
    for (unsigned k = first; k < first + count; ++k) out += (out.empty() ? "" : " or ") + prefix + " " + host(k);
    return out;
}

std::string ports(const std::string& prefix, unsigned first, unsigned count) {
    std::string out;
    for (unsigned k = first; k < first + count; ++k) out += (out.empty() ? "" : " or ") + prefix + " " + std::to_string(k);
    return out;
}

// Networks of many prefix lengths (an LPM trie), some holding the frames'
// sources (10.100.0.0 .. 10.100.0.47).
std::string mixed_nets() {
    std::string out = "src net 10.100.0.0/30 or src net 10.100.0.8/29 or src host 10.100.0.33 or "
                      "src net 10.100.0.40/31 or src net 10.100.0.24/30 or src net 10.0.0.0/16";
    for (const char* net : {"172.16.0.0/12", "192.168.0.0/16", "198.51.100.0/24", "203.0.113.0/24", "192.0.2.0/25",
                            "100.64.0.0/10", "169.254.0.0/16", "10.99.0.0/16", "10.101.0.0/16", "10.100.1.0/24",
                            "10.100.0.64/26", "10.100.0.128/25"})
        out += std::string(" or src net ") + net;
    return out;
}

void put16(Bytes& b, unsigned v) {
    b.push_back(std::uint8_t(v >> 8));
    b.push_back(std::uint8_t(v));
}

// IPv4 frames from 10.100.0.k (k = 0..47) to ports 990..1029, TCP and UDP,
// some tagged; ARP from the same hosts; IPv6; then every cut of each.
std::vector<Bytes> frames() {
    std::vector<Bytes> out;
    for (unsigned k = 0; k < 48; k += 3) {
        for (int proto : {6, 17}) {
            for (int tagged = 0; tagged < 2; ++tagged) {
                Bytes b = {0x02, 0xfc, 0, 0, 0, 2, 0x02, 0xee, 0, 0, 0, 1};
                if (tagged) {
                    put16(b, 0x8100);
                    put16(b, 10);
                }
                put16(b, 0x0800);
                Bytes ip = {0x45, 0, 0, 48, 0, 1, 0, 0, 64, std::uint8_t(proto), 0, 0, 10, 100, 0, std::uint8_t(k),
                            10, 251, 0, 2};
                b.insert(b.end(), ip.begin(), ip.end());
                put16(b, 40000);
                put16(b, 990 + k % 40);
                b.resize(b.size() + 24, 0);
                out.push_back(b);
            }
        }
        Bytes arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0xee, 0, 0, 0, 2, 0x08, 0x06,
                     0, 1, 8, 0, 6, 4, 0, 1, 2, 0xee, 0, 0, 0, 2, 10, 100, 0, std::uint8_t(k),
                     0, 0, 0, 0, 0, 0, 10, 251, 0, 2};
        out.push_back(arp);
    }
    Bytes v6 = {0x02, 0xfc, 0, 0, 0, 2, 0x02, 0xee, 0, 0, 0, 3, 0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 6, 64};
    v6.resize(v6.size() + 32, 1);
    put16(v6, 40000);
    put16(v6, 1000);
    v6.resize(v6.size() + 16, 0);
    out.push_back(v6);
    std::vector<Bytes> all;
    for (const auto& f : out)
        for (std::size_t len = 14; len <= f.size(); ++len) all.emplace_back(f.begin(), f.begin() + long(len));
    return all;
}

// libpcap's verdicts on the frames, its program compiled once.
std::vector<bool> libpcap_verdicts(const std::string& expression, const std::vector<Bytes>& all) {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    bpf_program program{};
    std::vector<bool> out;
    if (pcap_compile(dead, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
        for (const auto& f : all) {
            pcap_pkthdr h{};
            h.caplen = h.len = unsigned(f.size());
            out.push_back(pcap_offline_filter(&program, &h, f.data()) != 0);
        }
        pcap_freecode(&program);
    }
    pcap_close(dead);
    return out;
}

std::string hex(const Bytes& f) {
    std::string out;
    char b[4];
    for (auto c : f) {
        std::snprintf(b, sizeof b, "%02x", c);
        out += b;
    }
    return out;
}

void expect_libpcap_verdicts(const std::string& expression, bool keep, bool sets = true, bool socket = false) {
    diag::Sink sink;
    EbpfOptions options;
    if (socket) options.target = ebpf::Target::socket;
    options.invert = keep;
    options.lookup_sets = sets;
    auto code = compile_ebpf(expression, CompileOptions{}, options, sink);
    ASSERT_TRUE(code) << sink.first_error();
    EXPECT_EQ(code->sets.empty(), !sets) << "lookup sets for: " << expression.substr(0, 80);
    auto loaded = xdp::load(*code, "fxdp_test");
    ASSERT_TRUE(loaded.program) << loaded.log;
    int differ = 0;
    std::size_t ran = 0;
    auto all = frames();
    auto reference = libpcap_verdicts(expression, all);
    ASSERT_EQ(reference.size(), all.size()) << "libpcap refuses " << expression.substr(0, 80);
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Bytes& f = all[i];
        auto verdict = xdp::test_run(loaded.program.get(), f.data(), std::uint32_t(f.size()));
        // The skb test runner refuses a frame without a whole IP header (a
        // live socket never sees one); XDP's runs every frame.
        if (socket && !verdict) continue;
        ++ran;
        ASSERT_TRUE(verdict) << "the test runner refused a frame of " << f.size() << " bytes: " << std::strerror(errno);
        bool match = reference[i];
        std::uint32_t want = socket ? (match ? 262144u : 0u) : match != keep ? 1u : 2u;  // XDP_DROP : XDP_PASS
        if (*verdict != want && ++differ <= 5)
            ADD_FAILURE() << expression.substr(0, 60) << (keep ? " (--keep)" : "") << (sets ? "" : " (no sets)") << (socket ? " (socket)" : "") << ": a frame of " << f.size()
                          << " bytes: kernel " << *verdict << ", libpcap " << (match ? "match" : "miss") << " " << hex(f);
    }
    EXPECT_EQ(differ, 0);
    EXPECT_GT(ran, all.size() / 2);
}

TEST(FxdpLookupSets, KeepLibpcapsVerdictsOnEveryCut) {
    FCAP_SKIP_WITHOUT_BPF();
    const std::vector<std::string> expressions = {
        any_of("src host", 0, 40),
        // libpcap tests every source before the first destination: a frame
        // cut between the two addresses is judged on its source.
        any_of("host", 10, 30),
        "dst host 10.251.0.2 and (" + any_of("src host", 10, 30) + ")",
        "tcp and (" + ports("dst port", 990, 20) + ")",
        ports("port", 1000, 17) + " or " + any_of("src host", 40, 20),
        "not (" + any_of("src host", 0, 24) + ")",
        "vlan and (" + any_of("src", 0, 30) + ")",
        any_of("src net", 0, 20) + " or src net 10.100.0.32/30",
        mixed_nets(),
        "tcp and not (" + mixed_nets() + ")",
        "arp or (" + mixed_nets() + ")",
    };
    for (const auto& e : expressions) {
        expect_libpcap_verdicts(e, false);
        expect_libpcap_verdicts(e, true);
        expect_libpcap_verdicts(e, false, false);  // the chains as chains: the same verdicts
        expect_libpcap_verdicts(e, false, true, true);  // the socket target
    }
}

}  // namespace
}  // namespace fcap::xdptest
