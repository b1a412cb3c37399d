#include "sema/link_layer.hpp"

#include <pcap/dlt.h>

#include <array>
#include <charconv>
#include <strings.h>
#include <string>

namespace fcap::sema {

namespace {

// The Linux cooked packet type that means "sent by this host".
constexpr std::uint32_t unused = 0;

const std::array<LinkLayer, 7> link_layers = {{
    {DLT_EN10MB, "EN10MB", "Ethernet", LinkFamily::ethernet, 14, 12, 3, true, true, true, true,
     std::nullopt, 0, std::nullopt},
    {DLT_RAW, "RAW", "Raw IP", LinkFamily::raw_ip, 0, std::nullopt, unused, false, false, false, false,
     std::nullopt, 0, std::nullopt},
    {DLT_IPV4, "IPV4", "Raw IPv4", LinkFamily::ipv4_only, 0, std::nullopt, unused, false, false, false,
     false, std::nullopt, 0, std::nullopt},
    {DLT_IPV6, "IPV6", "Raw IPv6", LinkFamily::ipv6_only, 0, std::nullopt, unused, false, false, false,
     false, std::nullopt, 0, std::nullopt},
    {DLT_LINUX_SLL, "LINUX_SLL", "Linux cooked v1", LinkFamily::linux_sll, 16, 14, 0, false, false, false,
     false, 0, 2, std::nullopt},
    {DLT_LINUX_SLL2, "LINUX_SLL2", "Linux cooked v2", LinkFamily::linux_sll2, 20, 0, 0, false, false,
     false, false, 10, 1, 4},
    // Reached only through `pppoes`: the PPP header that follows a PPPoE one.
    {DLT_PPP, "PPP", "PPP", LinkFamily::ppp, 2, 0, 0, false, false, true, false, std::nullopt, 0,
     std::nullopt},
}};

}  // namespace

const LinkLayer* find_link_layer(int dlt) {
    for (const auto& l : link_layers)
        if (l.dlt == dlt && l.family != LinkFamily::ppp) return &l;
    // pcap files say 101 for raw IP; libpcap maps it to DLT_RAW.
    if (dlt == 101) return find_link_layer(DLT_RAW);
    return nullptr;
}

const LinkLayer& ppp_link_layer() { return link_layers[6]; }
const LinkLayer& ethernet_link_layer() { return link_layers[0]; }

int link_type_from_name(std::string_view name) {
    int value = 0;
    auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), value);
    if (ec == std::errc() && ptr == name.data() + name.size()) return value;
    std::string upper(name);
    if (upper.rfind("DLT_", 0) == 0 || upper.rfind("dlt_", 0) == 0) upper = upper.substr(4);
    for (const auto& l : link_layers)
        if (l.family != LinkFamily::ppp && strcasecmp(std::string(l.name).c_str(), upper.c_str()) == 0)
            return l.dlt;
    if (strcasecmp(upper.c_str(), "ETHERNET") == 0) return DLT_EN10MB;
    return -1;
}

std::string_view supported_link_types() { return "EN10MB, RAW, IPV4, IPV6, LINUX_SLL, LINUX_SLL2"; }

}  // namespace fcap::sema
