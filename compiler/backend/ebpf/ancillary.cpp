#include "backend/ebpf/ancillary.hpp"

namespace fcap::ebpf::detail {

const char* ancillary_name(std::uint32_t code) {
    static const char* names[] = {"PROTOCOL", "PKTTYPE", "IFINDEX",  "NLATTR",      "NLATTR_NEST", "MARK",
                                  "QUEUE",    "HATYPE",  "RXHASH",   "CPU",         "ALU_XOR_X",   "VLAN_TAG",
                                  "VLAN_TAG_PRESENT", "PAY_OFFSET", "RANDOM", "VLAN_TPID"};
    return code % 4 == 0 && code / 4 < 16 ? names[code / 4] : "unknown";
}

const ContextField* ancillary_field(std::uint32_t code, Target target) {
    struct Entry {
        std::uint32_t code;
        ContextField field;
    };
    static const Entry socket_fields[] = {
        {ad_protocol, {16, true}}, {ad_pkttype, {4, false}},         {ad_ifindex, {40, false}},
        {ad_mark, {8, false}},     {ad_queue, {12, false}},          {ad_rxhash, {68, false}},
        {ad_vlan_tag, {24, false}}, {ad_vlan_tag_present, {20, false}}, {ad_vlan_tpid, {28, true}},
    };
    static const Entry xdp_fields[] = {{ad_ifindex, {12, false}}, {ad_queue, {16, false}}};
    if (target == Target::xdp) {
        for (const auto& e : xdp_fields)
            if (e.code == code) return &e.field;
    } else {
        for (const auto& e : socket_fields)
            if (e.code == code) return &e.field;
    }
    return nullptr;
}

}  // namespace fcap::ebpf::detail
