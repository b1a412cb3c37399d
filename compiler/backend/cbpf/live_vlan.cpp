#include "backend/cbpf/live_vlan.hpp"

#include "backend/cbpf/live_remap.hpp"

namespace fcap::cbpf {

namespace {

using live::Layout;
using live::Segment;
using Source = Segment::Source;

constexpr std::uint32_t ethernet_type_offset = 12;  // the tag goes in front of the EtherType
constexpr std::uint32_t sll_header_len = 16, sll2_header_len = 20;
constexpr std::uint32_t sll_protocol_offset = 14;  // libpcap inserts the tag here (its vlan_offset)
constexpr std::uint32_t tag_len = 4;

Segment word(std::uint32_t begin, std::uint32_t len, ir::ExprId value) {
    return {begin, begin + len, Source::word, 0, value};
}

// Accepts, unjudged, a packet whose skb->protocol is a VLAN type: the
// cooked header written for it holds another protocol (see the header).
void punt_inner_tags(ir::Program& p, LiveAdaptation& result) {
    ir::ExprPool& e = p.exprs;
    ir::BlockId accept = p.add_return(p.snaplen);
    for (std::uint32_t tpid : {0x8100u, 0x88a8u})
        p.entry = p.add_branch(ir::CmpOp::eq, e.ancillary(skf_ad::protocol), e.constant(tpid), accept, p.entry);
    result.punts = true;
}

// Branches on the tag's presence: `untagged` when the skb has none.
ir::BlockId branch_on_tag(ir::Program& p, ir::BlockId untagged, ir::BlockId tagged) {
    ir::ExprPool& e = p.exprs;
    return p.add_branch(ir::CmpOp::eq, e.ancillary(skf_ad::vlan_tag_present), e.constant(0), untagged, tagged);
}

}  // namespace

LiveAdaptation adapt_for_vlan_metadata(ir::Program& p) {
    ir::ExprPool& e = p.exprs;
    Layout tagged;
    tagged.segments = {
        {0, ethernet_type_offset, Source::data, 0, ir::no_expr},
        word(ethernet_type_offset, 2, e.ancillary(skf_ad::vlan_tpid)),
        word(ethernet_type_offset + 2, 2, e.ancillary(skf_ad::vlan_tag)),
        {ethernet_type_offset + tag_len, 0, Source::data, tag_len, ir::no_expr},
    };
    tagged.extra_len = tag_len;
    LiveAdaptation result;
    ir::BlockId copy = live::remap_copy(p, tagged, &result.reads_unseen);
    result.punts = result.reads_unseen;
    p.entry = branch_on_tag(p, p.entry, copy);
    return result;
}

LiveAdaptation adapt_for_cooked_socket(ir::Program& p, bool v2) {
    ir::ExprPool& e = p.exprs;
    if (v2) {
        // struct sll2_header: protocol (2), reserved zero (2), interface
        // index (4), ARPHRD type (2), packet type (1), address length (1),
        // address (8); then the network header.
        Layout layout;
        layout.segments = {
            word(0, 2, e.ancillary(skf_ad::protocol)),
            word(2, 2, e.constant(0)),
            word(4, 4, e.ancillary(skf_ad::ifindex)),
            word(8, 2, e.ancillary(skf_ad::hatype)),
            word(10, 1, e.ancillary(skf_ad::pkttype)),
            {11, sll2_header_len, Source::missing, 0, ir::no_expr},
            {sll2_header_len, 0, Source::data, sll2_header_len, ir::no_expr},
        };
        layout.extra_len = sll2_header_len;
        LiveAdaptation result;
        p.entry = live::remap_copy(p, layout, &result.reads_unseen);
        punt_inner_tags(p, result);
        return result;
    }
    // The cooked header: packet type (2), ARPHRD type (2), address length
    // (2), address (8), protocol (2); then the network header.
    const std::vector<Segment> head = {
        word(0, 2, e.ancillary(skf_ad::pkttype)),
        word(2, 2, e.ancillary(skf_ad::hatype)),
        {4, sll_protocol_offset, Source::missing, 0, ir::no_expr},
    };
    Layout plain{head, sll_header_len};
    plain.segments.push_back(word(sll_protocol_offset, 2, e.ancillary(skf_ad::protocol)));
    plain.segments.push_back({sll_header_len, 0, Source::data, sll_header_len, ir::no_expr});

    Layout tagged{head, sll_header_len + tag_len};
    tagged.segments.push_back(word(sll_protocol_offset, 2, e.ancillary(skf_ad::vlan_tpid)));
    tagged.segments.push_back(word(sll_protocol_offset + 2, 2, e.ancillary(skf_ad::vlan_tag)));
    tagged.segments.push_back(word(sll_protocol_offset + 4, 2, e.ancillary(skf_ad::protocol)));
    tagged.segments.push_back({sll_header_len + tag_len, 0, Source::data, sll_header_len + tag_len, ir::no_expr});

    LiveAdaptation result;
    ir::BlockId untagged_entry = live::remap_copy(p, plain, &result.reads_unseen);
    ir::BlockId tagged_entry = live::remap_copy(p, tagged, &result.reads_unseen);
    p.entry = branch_on_tag(p, untagged_entry, tagged_entry);
    punt_inner_tags(p, result);
    return result;
}

}  // namespace fcap::cbpf
