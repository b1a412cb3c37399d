// --from-cbpf in the kernel: libpcap's own code, translated straight (-O0)
// and carried (the default), lowered to XDP and to a socket program, run
// through BPF_PROG_TEST_RUN on every Ethernet test packet, gives bpf_filter's
// verdicts on that code; and `fcc --from-cbpf - --target xdp -o X.o`, fed
// tcpdump's listing, writes an object libbpf loads that does the same.
// Needs root or CAP_BPF; skips with the reason otherwise.
#ifdef FCAP_HAVE_EBPF
#include "backend/cbpf/format.hpp"
#include "backend/ebpf/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include "cbpf_import/libbpf_object.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fcap::cbpf_import {
namespace {

std::vector<fcap::test::Packet> ethernet_packets() {
    std::vector<std::string> dirs = {fcap::test::own_pcaps_dir()};
    if (auto shared = fcap::test::shared_pcaps_dir(); !shared.empty()) dirs.push_back(shared);
    std::vector<fcap::test::Packet> out;
    for (auto& c : fcap::test::captures_of_type(dirs, DLT_EN10MB))
        for (auto& p : c.packets)
            // The kernel's test runners take whole frames of 14 (XDP) or 34
            // (skb) to about 3,500 bytes; a truncated frame cannot be
            // handed over truncated.
            if (p.caplen == p.wirelen && p.caplen >= 34 && p.caplen <= 3500) out.push_back(std::move(p));
    return out;
}

TEST(KernelTest, TranslatedLibpcapCodeKeepsBpfFiltersVerdicts) {
    std::string why;
    if (!ebpf::can_load_bpf(&why)) GTEST_SKIP() << why;
    auto packets = ethernet_packets();
    ASSERT_FALSE(packets.empty());
    std::size_t compared = 0, programs = 0, unavailable = 0, not_run = 0;
    for (const auto& e : fcap::test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/en10mb.txt")) {
        auto code = test::libpcap_code(e);
        diag::Sink sink;
        if (code.empty() || !check(code, sink)) continue;
        ++programs;
        for (bool straight : {true, false}) {
            ir::Program program = translate(code, straight);
            for (ebpf::Target target : {ebpf::Target::xdp, ebpf::Target::socket}) {
                diag::Sink lower_sink;
                auto prog = target == ebpf::Target::xdp ? ebpf::lower_xdp(program, {}, lower_sink)
                                                        : ebpf::lower_socket(program, lower_sink);
                if (!prog) {
                    // An SKF_AD_* load the target lacks: refused, with the reason.
                    EXPECT_NE(lower_sink.first_error().find("SKF_AD_"), std::string::npos)
                        << e << ": " << lower_sink.first_error();
                    ++unavailable;
                    continue;
                }
                std::string log;
                auto loaded = ebpf::load(*prog, &log, true);
                ASSERT_TRUE(loaded) << "the verifier refused `" << e << "` translated "
                                    << (straight ? "straight" : "carried") << ":\n" << log.substr(0, 3000);
                for (const auto& pkt : packets) {
                    auto r = ebpf::test_run(*loaded, pkt.data.data(), pkt.caplen);
                    if (!r) {  // the skb runner: IPv4 under 34 bytes, IPv6 under 54
                        ++not_run;
                        continue;
                    }
                    bool ours = target == ebpf::Target::xdp ? *r == std::uint32_t(ebpf::xdp_drop) : *r != 0;
                    bool theirs = test::bpf_filter_of(code, pkt.data.data(), pkt.wirelen, pkt.caplen) != 0;
                    ASSERT_EQ(ours, theirs) << e << (straight ? " (straight, " : " (carried, ")
                                            << (target == ebpf::Target::xdp ? "xdp)" : "socket)");
                    ++compared;
                }
            }
        }
    }
    std::cout << programs << " programs, " << compared << " kernel verdicts compared, " << not_run
              << " runs the kernel refused, " << unavailable << " lowerings refused\n";
    EXPECT_GT(compared, 1000000u);
    EXPECT_LT(not_run, compared / 100);
}

// The path the checker takes: tcpdump -ddd text on fcc's stdin, an
// object out, loaded by libbpf, run packet by packet.
TEST(KernelTest, FccWritesObjectsFromListingsThatLibbpfRuns) {
    std::string why;
    if (!ebpf::can_load_bpf(&why)) GTEST_SKIP() << why;
    std::string fcc = std::string(FCAP_BIN_DIR) + "/fcc";
    if (!std::filesystem::exists(fcc)) GTEST_SKIP() << fcc << " is not built";
    auto packets = ethernet_packets();
    auto dir = std::filesystem::temp_directory_path() / ("fcap-from-cbpf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    struct Cleanup {
        std::filesystem::path dir;
        ~Cleanup() { std::filesystem::remove_all(dir); }
    } cleanup{dir};
    for (const char* e : {"tcp port 80", "ip6 protochain 6", "udp and ip[6:2] & 0x3fff = 0", "icmp or arp",
                          "ether[len - 1] = 0"}) {
        auto code = test::libpcap_code(e);
        std::string listing = (dir / "in.ddd").string(), object = (dir / "out.o").string();
        std::ofstream(listing) << cbpf::dump(code, 3);
        std::string command = fcc + " --from-cbpf - --target xdp -o " + object + " < " + listing;
        ASSERT_EQ(std::system(command.c_str()), 0) << command;
        std::vector<std::vector<std::uint8_t>> frames;
        for (const auto& pkt : packets) frames.push_back(pkt.data);
        std::string error;
        auto results = test::run_object(object, frames, &error);
        ASSERT_TRUE(results) << e << ": " << error;
        std::size_t matched = 0;
        for (std::size_t i = 0; i < packets.size(); ++i) {
            const auto& pkt = packets[i];
            bool theirs = test::bpf_filter_of(code, pkt.data.data(), pkt.wirelen, pkt.caplen) != 0;
            ASSERT_EQ((*results)[i] == std::uint32_t(ebpf::xdp_drop), theirs) << e << ", packet " << i;
            matched += theirs;
        }
        EXPECT_GT(matched, 0u) << e << ": a test that never matches proves little";
    }
}

}  // namespace
}  // namespace fcap::cbpf_import
#endif
