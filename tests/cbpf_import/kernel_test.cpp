// --from-cbpf in the kernel: libpcap's own code, converted one to one
// (-O0), translated straight through the IR (-O0 with a protochain loop) and
// carried (the default), for XDP and for a socket program, run through
// BPF_PROG_TEST_RUN on every Ethernet test packet, gives bpf_filter's
// verdicts on that code; so do random programs of every opcode converted one
// to one; and `fcc --from-cbpf - --target xdp -o X.o`, fed tcpdump's
// listing, writes an object libbpf loads that does the same.
// Needs root or CAP_BPF; skips with the reason otherwise.
#include "backend/cbpf/format.hpp"
#include "backend/ebpf/convert.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/libpcap_code.hpp"
#include "cbpf_import/protochain.hpp"
#include "cbpf_import/random_programs.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include "cbpf_import/libbpf_object.hpp"
#include "support/skip_without_bpf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
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
    FCAP_SKIP_WITHOUT_BPF();
    auto packets = ethernet_packets();
    ASSERT_FALSE(packets.empty());
    std::size_t compared = 0, programs = 0, unavailable = 0, not_run = 0;
    for (const auto& e : fcap::test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/en10mb.txt")) {
        auto code = test::libpcap_code(e);
        diag::Sink sink;
        if (code.empty() || !check(code, sink)) continue;
        ++programs;
        enum Way { converted, straight, carried };
        bool loops = !fold_protochain_loops(code).loops.empty();
        for (Way way : {converted, straight, carried}) {
            static const char* names[] = {"converted one to one", "straight", "carried"};
            if (way == straight && !loops) continue;  // -O0 takes the IR path only for protochain's loop
            for (ebpf::Target target : {ebpf::Target::xdp, ebpf::Target::socket}) {
                diag::Sink lower_sink;
                auto prog = way == converted ? ebpf::convert_cbpf(code, target, {}, lower_sink)
                                             : ebpf::lower(translate(code, way == straight), target, {}, lower_sink);
                if (!prog) {
                    // An SKF_AD_* load the target lacks, or (one to one) a
                    // protochain loop: refused, with the reason.
                    const std::string& why = lower_sink.first_error();
                    EXPECT_TRUE(why.find("SKF_AD_") != std::string::npos ||
                                (way == converted && why.find("backwards") != std::string::npos))
                        << e << ": " << why;
                    ++unavailable;
                    continue;
                }
                std::string log;
                auto loaded = ebpf::load(*prog, &log, true);
                ASSERT_TRUE(loaded) << "the verifier refused `" << e << "` " << names[way] << ":\n"
                                    << log.substr(0, 3000);
                for (const auto& pkt : packets) {
                    auto r = ebpf::test_run(*loaded, pkt.data.data(), pkt.caplen);
                    if (!r) {  // the skb runner: IPv4 under 34 bytes, IPv6 under 54
                        ++not_run;
                        continue;
                    }
                    bool ours = target == ebpf::Target::xdp ? *r == std::uint32_t(ebpf::xdp_drop) : *r != 0;
                    bool theirs = test::bpf_filter_of(code, pkt.data.data(), pkt.wirelen, pkt.caplen) != 0;
                    ASSERT_EQ(ours, theirs) << e << " (" << names[way] << ", "
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

// Every opcode, converted one to one, in the kernel: random programs (those
// the classic checker accepts) on real, truncated and random frames give
// bpf_filter's results: XDP's verdict (loads by call and direct), and the
// socket program's return value itself (`ret a` included).
TEST(KernelTest, ConvertedRandomProgramsKeepBpfFiltersResults) {
    FCAP_SKIP_WITHOUT_BPF();
    std::mt19937 rng(2026);
    std::vector<fcap::test::Packet> packets;
    for (auto& c : fcap::test::captures_of_type({fcap::test::own_pcaps_dir()}, DLT_EN10MB))
        for (auto& p : c.packets)
            if (p.caplen <= 3500 && packets.size() < 150) packets.push_back(std::move(p));
    packets = test_support::with_truncated_and_random(std::move(packets), rng);
    std::size_t programs = 0, compared = 0, not_run = 0;
    while (programs < 1500) {
        auto code = test_support::random_program(rng);
        diag::Sink sink;
        if (!check(code, sink)) continue;
        ++programs;
        struct Form {
            ebpf::Target target;
            ebpf::XdpLoads loads;
        };
        for (Form form : {Form{ebpf::Target::xdp, ebpf::XdpLoads::call}, Form{ebpf::Target::xdp, ebpf::XdpLoads::direct},
                          Form{ebpf::Target::socket, ebpf::XdpLoads::call}}) {
            ebpf::Target target = form.target;
            auto prog = ebpf::convert_cbpf(code, target, {}, sink, form.loads);
            ASSERT_TRUE(prog) << sink.first_error() << "\n" << cbpf::dump(code, 1);
            std::string log;
            auto loaded = ebpf::load(*prog, &log, true);
            ASSERT_TRUE(loaded) << cbpf::dump(code, 1) << log.substr(0, 3000);
            for (const auto& pkt : packets) {
                // A runner takes whole frames: a cut packet is a short frame.
                auto r = ebpf::test_run(*loaded, pkt.data.data(), pkt.caplen);
                if (!r) {
                    ++not_run;
                    continue;
                }
                std::uint32_t want = test::bpf_filter_of(code, pkt.data.data(), pkt.caplen, pkt.caplen);
                if (target == ebpf::Target::xdp)
                    ASSERT_EQ(*r == std::uint32_t(ebpf::xdp_drop), want != 0) << cbpf::dump(code, 1);
                else
                    ASSERT_EQ(*r, want) << cbpf::dump(code, 1);
                ++compared;
            }
        }
    }
    std::cout << programs << " random programs, " << compared << " kernel results compared, " << not_run
              << " runs the kernel refused\n";
    EXPECT_GT(compared, 100000u);
}

// The path the checker takes: tcpdump -ddd text on fcc's stdin, an
// object out (optimized, and -O0: the speed baseline), loaded by libbpf,
// run packet by packet.
TEST(KernelTest, FccWritesObjectsFromListingsThatLibbpfRuns) {
    FCAP_SKIP_WITHOUT_BPF();
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
        for (const char* mode : {"", "-O0 "}) {
            std::string command = fcc + " " + mode + "--from-cbpf - --target xdp -o " + object + " < " + listing;
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
                ASSERT_EQ((*results)[i] == std::uint32_t(ebpf::xdp_drop), theirs) << mode << e << ", packet " << i;
                matched += theirs;
            }
            EXPECT_GT(matched, 0u) << e << ": a test that never matches proves little";
        }
    }
}

}  // namespace
}  // namespace fcap::cbpf_import
