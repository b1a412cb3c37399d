// The entries of docs/divergences.md, one test each: what fcc keeps of
// libpcap's surprising meanings (shown as an equivalent explicit filter),
// and where it parts from libpcap on purpose.
#include "diff/oracle.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

namespace fcap::test {
namespace {

std::vector<Packet> ethernet_packets() {
    std::vector<Packet> all;
    for (auto& c : captures_of_type({own_pcaps_dir()}, DLT_EN10MB)) all.insert(all.end(), c.packets.begin(), c.packets.end());
    return all;
}

std::vector<bool> matches(const Verdicts& v) {
    std::vector<bool> m;
    for (auto x : v.values) m.push_back(x != 0);
    return m;
}

struct Kept {
    const char* expression;
    const char* means;  // the same filter written without the surprise
};

// libpcap's meanings fcc keeps: each expression gives the verdicts of its
// explicit form, in libpcap and in fcc, on every test packet.
TEST(DivergenceTest, KeptMeaningsEqualTheirExplicitForms) {
    auto packets = ethernet_packets();
    ASSERT_FALSE(packets.empty());
    const Kept kept[] = {
        {"tcp or udp and ip6", "(tcp or udp) and ip6"},  // one precedence, left to right
        {"ip or arp and not tcp", "(ip or arp) and not tcp"},
        {"ip[0] % 3 + 1 = 2", "ip[0] % (3 + 1) = 2"},  // % and ^ bind what follows them whole
        {"ip[0] ^ 1 + 1 = 0x47", "ip[0] ^ (1 + 1) = 0x47"},
        {"ether[0] + udp[6] < 101", "ether[0] + ether[(ether[14] & 0xf) * 4 + 20] < 101"},  // only A's check: none
        {"vlan or ip", "vlan or ether[16:2] = 0x800"},  // vlan moves every later offset, in every branch
        {"host 10.0.0.1 or 10.0.0.2", "host 10.0.0.1 or host 10.0.0.2"},  // carried qualifiers
        {"not host 10.0.0.1 and 10.0.0.2", "not host 10.0.0.1 and host 10.0.0.2"},
    };
    Backend fcc = cbpf_backend(true);
    for (const auto& k : kept) {
        Verdicts ours = fcc.verdicts(k.expression, DLT_EN10MB, packets);
        Verdicts explicit_ours = fcc.verdicts(k.means, DLT_EN10MB, packets);
        Verdicts theirs = libpcap_verdicts(k.expression, DLT_EN10MB, packets);
        ASSERT_FALSE(ours.refused || explicit_ours.refused || theirs.refused) << k.expression;
        EXPECT_EQ(matches(theirs), matches(ours)) << k.expression << ": fcc differs from libpcap";
        EXPECT_EQ(matches(ours), matches(explicit_ours)) << k.expression << " is not " << k.means;
        std::size_t n = 0;
        for (bool m : matches(ours)) n += m;
        EXPECT_GT(n, 0u) << k.expression << " matches no test packet: the comparison shows nothing";
    }
}

TEST(DivergenceTest, DivisionByALoadOfIndexZeroIsRefused) {
    // libpcap looks at the first instruction of the right operand, which
    // loads the constant index 0, and calls it a division by zero.
    std::vector<Packet> none;
    EXPECT_TRUE(libpcap_verdicts("ip[0] / ether[0] = 1", DLT_EN10MB, none).refused);
    EXPECT_TRUE(cbpf_backend(true).verdicts("ip[0] / ether[0] = 1", DLT_EN10MB, none).refused);
    EXPECT_FALSE(cbpf_backend(true).verdicts("ip[0] / ether[1] = 1", DLT_EN10MB, none).refused);
}

TEST(DivergenceTest, DirectionOnEthernetRejectsEveryFilePacket) {
    // Linux ancillary loads, which no capture file has: both reject all.
    auto packets = ethernet_packets();
    for (const char* e : {"inbound", "outbound", "ifindex 1"}) {
        Verdicts ours = cbpf_backend(true).verdicts(e, DLT_EN10MB, packets);
        Verdicts theirs = libpcap_verdicts(e, DLT_EN10MB, packets);
        ASSERT_FALSE(ours.refused) << e << ": " << ours.error;
        EXPECT_EQ(matches(ours), std::vector<bool>(packets.size(), false)) << e;
        EXPECT_EQ(matches(theirs), matches(ours)) << e;
    }
}

TEST(DivergenceTest, ByteAndOrTestTheByte) {
    // libpcap's `byte N & M` and `byte N | M` test whatever the accumulator
    // holds (the load was forgotten); fcc loads the byte, at the offset
    // libpcap's own `byte N = M` reads (from the start of the packet).
    auto packets = ethernet_packets();
    Verdicts ours_and = cbpf_backend(true).verdicts("byte 12 & 8", DLT_EN10MB, packets);
    Verdicts ours_or = cbpf_backend(true).verdicts("byte 21 | 0", DLT_EN10MB, packets);
    Verdicts theirs = libpcap_verdicts("byte 12 & 8", DLT_EN10MB, packets);
    ASSERT_FALSE(ours_and.refused || ours_or.refused || theirs.refused);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const Packet& p = packets[i];
        bool and_expected = p.caplen > 12 && (p.data[12] & 8) != 0;
        bool or_expected = p.caplen > 21 && p.data[21] != 0;
        EXPECT_EQ(ours_and.values[i] != 0, and_expected) << "byte 12 & 8, packet " << i;
        EXPECT_EQ(ours_or.values[i] != 0, or_expected) << "byte 21 | 0, packet " << i;
        differ += (theirs.values[i] != 0) != and_expected;
    }
    EXPECT_GT(differ, 0u) << "libpcap's `byte 12 & 8` now tests the byte: update docs/divergences.md";
}

TEST(DivergenceTest, GatewayIsRefusedWithAMessage) {
    std::vector<Packet> none;
    Verdicts ours = cbpf_backend(true).verdicts("gateway localhost", DLT_EN10MB, none);
    EXPECT_TRUE(ours.refused);
    EXPECT_NE(ours.error, "");
}

}  // namespace
}  // namespace fcap::test
