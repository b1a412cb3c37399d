#include "backend/ebpf/ancillary.hpp"

#include "backend/ebpf/ops.hpp"

namespace fcap::ebpf::detail {

namespace {

const char* ancillary_name(std::uint32_t code) {
    static const char* names[] = {"PROTOCOL", "PKTTYPE", "IFINDEX",  "NLATTR",      "NLATTR_NEST", "MARK",
                                  "QUEUE",    "HATYPE",  "RXHASH",   "CPU",         "ALU_XOR_X",   "VLAN_TAG",
                                  "VLAN_TAG_PRESENT", "PAY_OFFSET", "RANDOM", "VLAN_TPID"};
    return code % 4 == 0 && code / 4 < 16 ? names[code / 4] : "unknown";
}

const ContextField* context_field(std::uint32_t code, Target target) {
    using namespace ctx;
    struct Entry {
        std::uint32_t code;
        ContextField field;
    };
    static const Entry socket_fields[] = {
        {ad_protocol, {skb_protocol, true}},       {ad_pkttype, {skb_pkt_type, false}},
        {ad_ifindex, {skb_ifindex, false}},        {ad_mark, {skb_mark, false}},
        {ad_queue, {skb_queue_mapping, false}},    {ad_rxhash, {skb_hash, false}},
        {ad_vlan_tag, {skb_vlan_tci, false}},      {ad_vlan_tag_present, {skb_vlan_present, false}},
        {ad_vlan_tpid, {skb_vlan_proto, true}},
    };
    static const Entry xdp_fields[] = {{ad_ifindex, {xdp_ingress_ifindex, false}},
                                       {ad_queue, {xdp_rx_queue_index, false}}};
    if (target == Target::xdp) {
        for (const auto& e : xdp_fields)
            if (e.code == code) return &e.field;
    } else {
        for (const auto& e : socket_fields)
            if (e.code == code) return &e.field;
    }
    return nullptr;
}

}  // namespace

AncillarySource ancillary_source(std::uint32_t code, Target target) {
    AncillarySource out;
    if (code == ad_cpu || code == ad_random) {
        out.kind = AncillarySource::helper;
        out.helper_id = code == ad_cpu ? helper::get_smp_processor_id : helper::get_prandom_u32;
    } else if (target == Target::xdp && (code == ad_vlan_tag || code == ad_vlan_tag_present)) {
        out.kind = AncillarySource::zero;
    } else if (const ContextField* f = context_field(code, target)) {
        out.kind = AncillarySource::context;
        out.field = *f;
    }
    return out;
}

std::string ancillary_unavailable(std::uint32_t code, Target target) {
    return std::string("SKF_AD_") + ancillary_name(code) + " is not available to " +
           (target == Target::xdp ? "XDP programs" : "eBPF socket programs");
}

}  // namespace fcap::ebpf::detail
