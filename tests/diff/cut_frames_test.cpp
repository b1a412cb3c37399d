// Long chains of one test (`host A1 or ... or A30`) on frames cut at every
// length.  libpcap's optimizer gathers the tests of one loaded word ahead of
// the others (all `src` tests before the first `dst` test), so a frame cut
// between the two addresses is judged on its source alone: fcc's optimized
// program must meet the same loads in the same order to give libpcap's
// verdict there, however long the chain.
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <string>
#include <vector>

namespace fcap::test {
namespace {

std::string any_of(const std::string& prefix, const std::string& net, int first, int count) {
    std::string out;
    for (int k = first; k < first + count; ++k) out += (out.empty() ? "" : " or ") + prefix + " " + net + std::to_string(k);
    return out;
}

// IPv4/TCP and ARP frames whose source (or destination) is one of the
// chain's addresses, cut after every byte.
std::vector<Packet> cut_frames() {
    std::vector<std::vector<std::uint8_t>> whole;
    // Each address is the frame's source, then its destination.
    for (int k : {1, 2, 17, 29, 30, 31}) {
        std::uint8_t a = std::uint8_t(k), b = std::uint8_t(200);
        std::vector<std::uint8_t> ip = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,  // Ethernet
                                        0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, a, 10, 0, 0, b,
                                        0x04, 0x00, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x20, 0, 0, 0, 0, 0};
        whole.push_back(ip);
        std::swap(ip[29], ip[33]);  // the address as destination
        whole.push_back(ip);
        std::vector<std::uint8_t> arp = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06,
                                         0, 1, 0x08, 0x00, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1, 10, 0, 0, a,
                                         0, 0, 0, 0, 0, 0, 10, 0, 0, b};
        whole.push_back(arp);
    }
    std::vector<Packet> packets;
    for (const auto& frame : whole)
        for (std::size_t len = 14; len <= frame.size(); ++len) {
            Packet p;
            p.data.assign(frame.begin(), frame.begin() + long(len));
            p.caplen = std::uint32_t(len);
            p.wirelen = std::uint32_t(frame.size());
            packets.push_back(p);
        }
    return packets;
}

TEST(CutFrames, LongChainsKeepLibpcapsVerdicts) {
    Capture capture;
    capture.path = "cut frames";
    capture.dlt = DLT_EN10MB;
    capture.packets = cut_frames();
    const std::vector<std::string> expressions = {
        any_of("host", "10.0.0.", 1, 30),  // longer than any chain fcc once stopped at
        any_of("host", "10.0.0.", 1, 12),
        "tcp and (" + any_of("host", "10.0.0.", 1, 30) + ")",
        "not (" + any_of("host", "10.0.0.", 1, 30) + ")",
        any_of("src or dst host", "10.0.0.", 1, 30),
        any_of("net", "10.0.0.", 1, 20) + " or port 80",
        any_of("ip host", "10.0.0.", 1, 30),
        any_of("arp host", "10.0.0.", 1, 30),
    };
    const Backend fcc = cbpf_backend(true);
    std::size_t matched = 0;
    for (const auto& e : expressions) {
        Verdicts reference = libpcap_verdicts(e, DLT_EN10MB, capture.packets);
        ASSERT_FALSE(reference.refused) << e << ": " << reference.error;
        for (auto v : reference.values) matched += v != 0;
        EXPECT_EQ(compare(fcc, e, capture, reference), "") << e;
    }
    EXPECT_GT(matched, 100u) << "the frames must exercise the chains";
}

}  // namespace
}  // namespace fcap::test
