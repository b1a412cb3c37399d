// The live-socket adaptations (compiler/backend/cbpf/live_vlan.hpp) held
// against the reference interpreter: for every corpus expression and every
// packet, the adapted program on the kernel's view of the packet (tag in
// metadata, no cooked header) gives the original program's verdict on the
// packet as the file holds it.
#include "backend/cbpf/emit.hpp"
#include "backend/cbpf/live_vlan.hpp"
#include "api/compile_ir.hpp"
#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace fcap {
namespace {

using Bytes = std::vector<std::uint8_t>;

// What the filter of a live socket sees: skb data, length, SKF_AD_* values.
struct KernelView {
    Bytes data;
    std::uint32_t wirelen = 0;
    bool tagged = false;
    std::uint32_t tci = 0, tpid = 0, pkttype = 0, hatype = 0, protocol = 0, ifindex = 0;
};

std::uint32_t run_kernel(const ir::Program& p, const KernelView& v) {
    ir::Packet pkt;
    pkt.data = v.data.data();
    pkt.caplen = std::uint32_t(v.data.size());
    pkt.wirelen = v.wirelen;
    pkt.ancillary = [&](std::uint32_t code, std::uint32_t& out) {
        switch (code) {
        case cbpf::skf_ad::vlan_tag_present: out = v.tagged; return true;
        case cbpf::skf_ad::vlan_tag: out = v.tci; return true;
        case cbpf::skf_ad::vlan_tpid: out = v.tpid; return true;
        case cbpf::skf_ad::pkttype: out = v.pkttype; return true;
        case cbpf::skf_ad::hatype: out = v.hatype; return true;
        case cbpf::skf_ad::protocol: out = v.protocol; return true;
        case cbpf::skf_ad::ifindex: out = v.ifindex; return true;
        default: return false;
        }
    };
    return ir::run(p, pkt);
}

std::uint32_t run_file(const ir::Program& p, const test::Packet& packet) {
    ir::Packet pkt{packet.data.data(), packet.caplen, packet.wirelen, nullptr};
    return ir::run(p, pkt);
}

std::uint16_t be16(const Bytes& b, std::size_t at) { return std::uint16_t(b[at] << 8 | b[at + 1]); }

// Ethernet: the kernel strips an outer 802.1Q or 802.1ad tag (skb_vlan_untag)
// and leaves at least the 14-byte MAC header.
KernelView ethernet_view(const test::Packet& p) {
    KernelView v{p.data, p.wirelen};
    if (p.data.size() >= 18 && (be16(p.data, 12) == 0x8100 || be16(p.data, 12) == 0x88a8)) {
        v.tagged = true;
        v.tpid = be16(p.data, 12);
        v.tci = be16(p.data, 14);
        v.data.erase(v.data.begin() + 12, v.data.begin() + 16);
        v.wirelen -= 4;
    }
    return v;
}

// Linux cooked: the socket sees the network header; the header's fields
// come from the skb.  A tagged packet holds the tag at offset 14.
KernelView cooked_view(const test::Packet& p) {
    KernelView v;
    v.pkttype = be16(p.data, 0);
    v.hatype = be16(p.data, 2);
    std::size_t header = 16;
    v.protocol = be16(p.data, 14);
    if (v.protocol == 0x8100 && p.data.size() >= 20) {
        v.tagged = true;
        v.tpid = 0x8100;
        v.tci = be16(p.data, 16);
        v.protocol = be16(p.data, 18);
        header = 20;
    }
    v.data.assign(p.data.begin() + header, p.data.end());
    v.wirelen = p.wirelen - std::uint32_t(header);
    return v;
}

// Linux cooked v2: no tag is ever inserted (libpcap does not).
KernelView cooked_v2_view(const test::Packet& p) {
    KernelView v;
    v.protocol = be16(p.data, 0);
    v.ifindex = std::uint32_t(be16(p.data, 4) << 16 | be16(p.data, 6));
    v.hatype = be16(p.data, 8);
    v.pkttype = p.data[10];
    v.data.assign(p.data.begin() + 20, p.data.end());
    v.wirelen = p.wirelen - 20;
    return v;
}

// The cooked packet as libpcap writes it when the skb carried a tag.
test::Packet with_cooked_tag(const test::Packet& p, std::uint16_t tci) {
    test::Packet t = p;
    Bytes tag = {0x81, 0x00, std::uint8_t(tci >> 8), std::uint8_t(tci)};
    t.data.insert(t.data.begin() + 14, tag.begin(), tag.end());
    t.caplen += 4;
    t.wirelen += 4;
    return t;
}

bool reads_ancillary(const ir::Program& p) {
    for (ir::ExprId e = 0; e < p.exprs.size(); ++e)
        if (p.exprs[e].kind == ir::ExprKind::ancillary) return true;
    return false;
}

struct Case {
    int dlt;
    const char* corpus;
    const char* capture;
    cbpf::LiveAdaptation (*adapt)(ir::Program&);
    KernelView (*view)(const test::Packet&);
    std::size_t min_file_len;  // shorter packets cannot come from a live socket
};

void check_corpus(const Case& c) {
    auto capture = test::read_capture(test::own_pcaps_dir() + "/" + c.capture);
    ASSERT_TRUE(capture);
    std::vector<test::Packet> packets;
    for (const auto& p : capture->packets)
        if (p.data.size() >= c.min_file_len) packets.push_back(p);
    if (c.dlt == DLT_LINUX_SLL) {  // v1 files hold the tag the kernel took out
        std::size_t n = packets.size();
        for (std::size_t i = 0; i < n; ++i) packets.push_back(with_cooked_tag(packets[i], std::uint16_t(i % 3 == 0 ? 10 : 0x2005)));
    }
    std::size_t checked = 0, punting = 0, matched = 0, tagged_matched = 0;
    for (const auto& expression : test::read_corpus(std::string(FCAP_TESTS_DIR) + "/corpus/" + c.corpus)) {
        diag::Sink sink;
        CompileOptions options;
        options.dlt = c.dlt;
        auto original = compile_to_ir(expression, options, sink);
        if (!original || reads_ancillary(*original)) continue;  // `inbound`: no verdict from a file
        ir::Program adapted = *original;
        auto result = c.adapt(adapted);
        ASSERT_EQ(ir::verify(adapted), "") << expression;
        ASSERT_TRUE(cbpf::emit(adapted, sink)) << expression << ": " << sink.first_error();
        punting += result.reads_unseen;
        for (std::size_t i = 0; i < packets.size(); ++i) {
            std::uint32_t want = run_file(*original, packets[i]);
            KernelView view = c.view(packets[i]);
            std::uint32_t got = run_kernel(adapted, view);
            matched += want != 0;
            tagged_matched += want != 0 && view.tagged;
            // User space decides: wherever unseen bytes are read, and for
            // cooked packets whose skb->protocol is still a VLAN type.
            bool may_punt = result.reads_unseen || (c.dlt != DLT_EN10MB && (view.protocol == 0x8100 || view.protocol == 0x88a8));
            if (may_punt && got == adapted.snaplen) continue;
            ASSERT_EQ(got, want) << expression << ", packet " << i;
        }
        ++checked;
    }
    EXPECT_GT(checked, 40u);
    EXPECT_GT(matched, 100u);  // the check is not vacuous
    if (c.dlt != DLT_LINUX_SLL2) {
        EXPECT_GT(tagged_matched, 20u) << "tagged packets that some expression selects";
    }
    EXPECT_LT(punting, checked / 4) << "most expressions are filtered wholly in the kernel";
}

TEST(LiveVlan, EthernetCorpusKeepsFileVerdicts) {
    check_corpus({DLT_EN10MB, "en10mb.txt", "ethernet.pcap", cbpf::adapt_for_vlan_metadata, ethernet_view, 14});
}

TEST(LiveVlan, TruncatedPacketsKeepFileVerdicts) {
    // The kernel leaves at least the MAC header after untagging.
    check_corpus({DLT_EN10MB, "en10mb.txt", "truncated.pcap", cbpf::adapt_for_vlan_metadata, ethernet_view, 18});
}

TEST(LiveVlan, CookedCorpusKeepsFileVerdicts) {
    check_corpus({DLT_LINUX_SLL, "linux_sll.txt", "linux_sll.pcap",
                  [](ir::Program& p) { return cbpf::adapt_for_cooked_socket(p, false); }, cooked_view, 16});
}

TEST(LiveVlan, CookedV2CorpusKeepsFileVerdicts) {
    check_corpus({DLT_LINUX_SLL2, "linux_sll.txt", "linux_sll2.pcap",
                  [](ir::Program& p) { return cbpf::adapt_for_cooked_socket(p, true); }, cooked_v2_view, 20});
}

ir::Program compile(const char* expression, int dlt = DLT_EN10MB) {
    diag::Sink sink;
    CompileOptions options;
    options.dlt = dlt;
    auto p = compile_to_ir(expression, options, sink);
    EXPECT_TRUE(p) << sink.first_error();
    return *p;
}

TEST(LiveVlan, TagBytesComeFromMetadata) {
    ir::Program p = compile("vlan 10 and ip");
    EXPECT_FALSE(cbpf::adapt_for_vlan_metadata(p).punts);
    std::string text = ir::print(p);
    EXPECT_NE(text.find("anc["), std::string::npos) << text;
    // A tagged IPv4 frame, VLAN 10, seen with the tag in metadata.
    KernelView v;
    v.data = Bytes(14 + 20, 0);
    v.data[12] = 0x08;
    v.data[14] = 0x45;
    v.wirelen = 34;
    v.tagged = true;
    v.tpid = 0x8100;
    v.tci = 10;
    EXPECT_NE(run_kernel(p, v), 0u);
    v.tci = 11;
    EXPECT_EQ(run_kernel(p, v), 0u);
    v.tagged = false;  // the same bytes untagged are plain IPv4, not VLAN 10
    EXPECT_EQ(run_kernel(p, v), 0u);
}

TEST(LiveVlan, LengthCountsTheTag) {
    ir::Program p = compile("vlan and len = 64");
    cbpf::adapt_for_vlan_metadata(p);
    KernelView v;
    v.data = Bytes(60, 0);
    v.wirelen = 60;
    v.tagged = true;
    v.tpid = 0x8100;
    EXPECT_NE(run_kernel(p, v), 0u);
}

TEST(LiveVlan, IndexedLoadBeforeTheTailPunts) {
    ir::Program p = compile("ether[ether[0] & 3] = 1");
    EXPECT_TRUE(cbpf::adapt_for_vlan_metadata(p).punts);
    ir::Program q = compile("tcp[13] = 2");
    EXPECT_FALSE(cbpf::adapt_for_vlan_metadata(q).punts);
    // A second tag left in the data is judged in the kernel.
    KernelView v;
    v.data = Bytes(60, 0);
    v.data[12] = 0x81;  // inner 802.1Q, VLAN 10, then IPv4
    v.data[15] = 10;
    v.data[16] = 0x08;
    v.wirelen = 60;
    v.tagged = true;
    v.tpid = 0x88a8;
    v.tci = 100;
    ir::Program qinq = compile("vlan 100 and vlan 10 and ip");
    EXPECT_FALSE(cbpf::adapt_for_vlan_metadata(qinq).punts);
    EXPECT_NE(run_kernel(qinq, v), 0u);
}

TEST(LiveVlan, CookedAddressPunts) {
    ir::Program p = compile("link[6:2] = 0x0011", DLT_LINUX_SLL);
    EXPECT_TRUE(cbpf::adapt_for_cooked_socket(p).reads_unseen);
    ir::Program q = compile("inbound and udp", DLT_LINUX_SLL);
    auto r = cbpf::adapt_for_cooked_socket(q);
    EXPECT_FALSE(r.reads_unseen);
    EXPECT_TRUE(r.punts);  // packets still carrying a tag go to user space
    KernelView v;
    v.data = Bytes(40, 0);
    v.protocol = 0x8100;
    v.wirelen = 40;
    EXPECT_EQ(run_kernel(q, v), q.snaplen) << "an inner tag punts";
    v.protocol = 0x86dd;
    EXPECT_EQ(run_kernel(q, v), 0u);
}

}  // namespace
}  // namespace fcap
