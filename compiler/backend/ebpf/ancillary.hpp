// Linux's SKF_AD_* ancillary data (offsets from SKF_AD_OFF, <linux/filter.h>)
// and where each target's context keeps it: the skb fields the kernel's own
// classic-to-eBPF converter reads, and the two xdp_md has.  Internal to the
// eBPF backend.
#pragma once

#include "backend/ebpf/program.hpp"

#include <cstdint>

namespace fcap::ebpf::detail {

enum Ancillary : std::uint32_t {
    ad_protocol = 0, ad_pkttype = 4, ad_ifindex = 8, ad_mark = 20, ad_queue = 24, ad_rxhash = 32, ad_cpu = 36,
    ad_vlan_tag = 44, ad_vlan_tag_present = 48, ad_random = 56, ad_vlan_tpid = 60,
};

// "PROTOCOL", "VLAN_TAG", ...
const char* ancillary_name(std::uint32_t code);

struct ContextField {
    std::int16_t offset;  // a u32 of __sk_buff or xdp_md
    bool swap;            // held in network order: convert the low 16 bits
};

// The field holding `code` in `target`'s context, or nullptr (CPU and
// RANDOM come from helpers; XDP has no VLAN metadata: a tag stays inline).
const ContextField* ancillary_field(std::uint32_t code, Target target);

}  // namespace fcap::ebpf::detail
