// Adapts a program compiled for the capture file's view of packets to the
// view a live Linux packet socket's filter has, so that the socket keeps
// exactly the packets the same expression selects from the written file.
//
// Linux moves an 802.1Q/802.1ad tag out of the packet into skb metadata
// before packet sockets see it (skb_vlan_untag on receive); libpcap puts it
// back into the packets it hands out (from tp_vlan_tci / tp_vlan_tpid), but
// its kernel filter judges the packet without the tag, so `vlan 10` and
// `tcp port 80` disagree with the same filter run on the saved file.  Here
// the program branches on SKF_AD_VLAN_TAG_PRESENT into a copy that reads
// offsets from 12 on 4 bytes earlier, the tag's bytes from SKF_AD_VLAN_TPID
// and SKF_AD_VLAN_TAG, and counts the tag in `len`.
//
// Works on the IR, so both the classic emitter and the eBPF lowering can
// take the result (the ancillary loads are SKF_AD_* codes).
#pragma once

#include "ir/ir.hpp"

namespace fcap::cbpf {

struct LiveAdaptation {
    // Some paths accept without judging: the caller must run the original
    // program on every packet the socket delivers, as libpcap does when it
    // cannot filter in the kernel.
    bool punts = false;
    // Among them, paths that read bytes the socket cannot see (and so punt
    // whatever the packet); the others punt only for packets that need it.
    bool reads_unseen = false;
};

// An Ethernet (DLT_EN10MB) program for a SOCK_RAW packet socket.
LiveAdaptation adapt_for_vlan_metadata(ir::Program& program);

// A DLT_LINUX_SLL (or, with `v2`, DLT_LINUX_SLL2) program for a SOCK_DGRAM
// packet socket (`-i any`): the filter sees the network header at offset
// 0; the cooked header's packet type, ARPHRD type, protocol and (v2)
// interface index come from SKF_AD_PKTTYPE, SKF_AD_HATYPE, SKF_AD_PROTOCOL
// and SKF_AD_IFINDEX.  With a tag in metadata a v1 file holds it after the
// header's first 14 bytes, as libpcap writes it (libpcap inserts none into
// v2 headers).  The link address has no source: reading it punts.
//
// A packet whose skb->protocol is still 802.1Q or 802.1ad (a second tag
// left in the data, or a tagged frame sent through a SOCK_DGRAM socket)
// always punts: for those, recent kernels (af_packet's
// vlan_get_protocol_dgram) write the protocol found past the tags into the
// header's protocol field, which SKF_AD_PROTOCOL does not give.
LiveAdaptation adapt_for_cooked_socket(ir::Program& program, bool v2 = false);

// The SKF_AD_* offsets (from SKF_AD_OFF) used here, as <linux/filter.h>
// numbers them, for the IR's ancillary expressions.
namespace skf_ad {
inline constexpr std::uint32_t protocol = 0, pkttype = 4, ifindex = 8, hatype = 28, vlan_tag = 44,
                               vlan_tag_present = 48, vlan_tpid = 60;
}  // namespace skf_ad

}  // namespace fcap::cbpf
