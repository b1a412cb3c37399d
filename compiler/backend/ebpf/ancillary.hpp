// The programs' contexts (__sk_buff, xdp_md) and Linux's SKF_AD_* ancillary
// data (offsets from SKF_AD_OFF, <linux/filter.h>): where each target keeps
// it, as the kernel's own classic-to-eBPF converter reads it.  Shared by the
// IR lowering and the one-to-one converter.  Internal to the eBPF backend.
#pragma once

#include "fcap/ebpf.hpp"

#include <cstdint>
#include <string>

namespace fcap::ebpf::detail {

// __sk_buff and xdp_md fields, u32 each (<linux/bpf.h>).
namespace ctx {
constexpr std::int16_t skb_len = 0, skb_pkt_type = 4, skb_mark = 8, skb_queue_mapping = 12, skb_protocol = 16,
                       skb_vlan_present = 20, skb_vlan_tci = 24, skb_vlan_proto = 28, skb_ifindex = 40, skb_hash = 68;
constexpr std::int16_t xdp_data = 0, xdp_data_end = 4, xdp_ingress_ifindex = 12, xdp_rx_queue_index = 16;
}  // namespace ctx

enum Ancillary : std::uint32_t {
    ad_protocol = 0, ad_pkttype = 4, ad_ifindex = 8, ad_mark = 20, ad_queue = 24, ad_rxhash = 32, ad_cpu = 36,
    ad_vlan_tag = 44, ad_vlan_tag_present = 48, ad_random = 56, ad_vlan_tpid = 60,
};

struct ContextField {
    std::int16_t offset;  // one of ctx::
    bool swap;            // held in network order: convert the low 16 bits
};

// Where SKF_AD_`code` comes from in `target`: a helper's result (CPU,
// RANDOM), a constant 0 (XDP's VLAN fields: XDP sees a tag inline, never in
// metadata), a context field, or nowhere.
struct AncillarySource {
    enum Kind { helper, zero, context, none } kind = none;
    std::int32_t helper_id = 0;
    ContextField field{};
};
AncillarySource ancillary_source(std::uint32_t code, Target target);

// "SKF_AD_MARK is not available to XDP programs"
std::string ancillary_unavailable(std::uint32_t code, Target target);

}  // namespace fcap::ebpf::detail
