#include "parse/words.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>

namespace fcap::parse::words {

namespace {

bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

constexpr std::array<std::string_view, 157> keywords = {
    "dst", "src", "link", "ether", "ppp", "slip", "fddi", "tr", "wlan", "arp", "rarp", "ip", "sctp", "tcp",
    "udp", "icmp", "igmp", "igrp", "pim", "vrrp", "carp", "radio", "ip6", "icmp6", "ah", "esp", "atalk", "aarp",
    "decnet", "lat", "sca", "moprc", "mopdl", "iso", "esis", "es-is", "isis", "is-is", "l1", "l2", "iih", "lsp",
    "snp", "csnp", "psnp", "clnp", "stp", "ipx", "netbeui", "host", "net", "mask", "port", "portrange", "proto",
    "protochain", "gateway", "type", "subtype", "direction", "dir", "address1", "addr1", "address2", "addr2",
    "address3", "addr3", "address4", "addr4", "ra", "ta", "less", "greater", "byte", "broadcast", "multicast",
    "and", "or", "not", "len", "length", "inbound", "outbound", "ifindex", "vlan", "mpls", "pppoed", "pppoes",
    "geneve", "lane", "llc", "metac", "bcc", "oam", "oamf4", "oamf4ec", "oamf4sc", "sc", "ilmic", "vpi", "vci",
    "connectmsg", "metaconnect", "on", "ifname", "rnr", "rulenum", "reason", "rset", "ruleset", "srnr",
    "subrulenum", "action", "fisu", "lssu", "lsu", "msu", "hfisu", "hlssu", "hmsu", "sio", "opc", "dpc", "sls",
    "hsio", "hopc", "hdpc", "hsls", "icmptype", "icmpcode", "icmp6type", "icmp6code", "tcpflags", "tcp-fin",
    "tcp-syn", "tcp-rst", "tcp-push", "tcp-ack", "tcp-urg", "tcp-ece", "tcp-cwr", "icmp-echoreply",
    "icmp-unreach", "icmp-sourcequench", "icmp-redirect", "icmp-echo", "icmp-routeradvert", "icmp-routersolicit",
    "icmp-timxceed", "icmp-paramprob", "icmp-tstamp", "icmp-tstampreply", "icmp-ireq", "icmp-ireqreply",
    "icmp-maskreq", "icmp-maskreply",
};

struct Constant {
    std::string_view name;
    std::uint32_t value;
};

constexpr Constant constants[] = {
    {"icmptype", 0},
    {"icmpcode", 1},
    {"icmp-echoreply", 0},
    {"icmp-unreach", 3},
    {"icmp-sourcequench", 4},
    {"icmp-redirect", 5},
    {"icmp-echo", 8},
    {"icmp-routeradvert", 9},
    {"icmp-routersolicit", 10},
    {"icmp-timxceed", 11},
    {"icmp-paramprob", 12},
    {"icmp-tstamp", 13},
    {"icmp-tstampreply", 14},
    {"icmp-ireq", 15},
    {"icmp-ireqreply", 16},
    {"icmp-maskreq", 17},
    {"icmp-maskreply", 18},
    {"icmp6type", 0},
    {"icmp6code", 1},
    {"icmp6-destinationunreach", 1},
    {"icmp6-packettoobig", 2},
    {"icmp6-timeexceeded", 3},
    {"icmp6-parameterproblem", 4},
    {"icmp6-echo", 128},
    {"icmp6-echoreply", 129},
    {"icmp6-multicastlistenerquery", 130},
    {"icmp6-multicastlistenerreportv1", 131},
    {"icmp6-multicastlistenerdone", 132},
    {"icmp6-routersolicit", 133},
    {"icmp6-routeradvert", 134},
    {"icmp6-neighborsolicit", 135},
    {"icmp6-neighboradvert", 136},
    {"icmp6-redirect", 137},
    {"icmp6-routerrenum", 138},
    {"icmp6-nodeinformationquery", 139},
    {"icmp6-nodeinformationresponse", 140},
    {"icmp6-ineighbordiscoverysolicit", 141},
    {"icmp6-ineighbordiscoveryadvert", 142},
    {"icmp6-multicastlistenerreportv2", 143},
    {"icmp6-homeagentdiscoveryrequest", 144},
    {"icmp6-homeagentdiscoveryreply", 145},
    {"icmp6-mobileprefixsolicit", 146},
    {"icmp6-mobileprefixadvert", 147},
    {"icmp6-certpathsolicit", 148},
    {"icmp6-certpathadvert", 149},
    {"icmp6-multicastrouteradvert", 151},
    {"icmp6-multicastroutersolicit", 152},
    {"icmp6-multicastrouterterm", 153},
    {"tcpflags", 13},
    {"tcp-fin", 0x01},
    {"tcp-syn", 0x02},
    {"tcp-rst", 0x04},
    {"tcp-push", 0x08},
    {"tcp-ack", 0x10},
    {"tcp-urg", 0x20},
    {"tcp-ece", 0x40},
    {"tcp-cwr", 0x80},
};

}  // namespace

std::size_t word_length(std::string_view s) {
    if (s.empty() || !alnum(s[0])) return 0;
    std::size_t best = 1;
    for (std::size_t i = 1; i < s.size(); ++i) {
        char c = s[i];
        if (alnum(c) || c == '.') best = i + 1;
        else if (c != '-' && c != '_') break;
    }
    return best;
}

std::size_t colon_length(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && (hex(s[n]) || s[n] == ':' || s[n] == '.')) ++n;
    // Shrink to the longest prefix that is an IPv6 address or a colon MAC.
    for (; n > 0; --n) {
        std::string_view cand = s.substr(0, n);
        if (cand.find(':') == std::string_view::npos) return 0;
        if (is_mac(cand)) return n;
        std::string text(cand);
        unsigned char buf[16];
        if (inet_pton(AF_INET6, text.c_str(), buf) == 1) return n;
    }
    return 0;
}

bool is_keyword(std::string_view word) {
    for (auto k : keywords)
        if (k == word) return true;
    for (const auto& c : constants)
        if (c.name == word) return true;
    return false;
}

NumberResult number(std::string_view w, std::uint32_t& value) {
    for (const auto& c : constants)
        if (c.name == w) {
            value = c.value;
            return NumberResult::ok;
        }
    if (w.empty()) return NumberResult::not_a_number;
    std::uint64_t v = 0;
    std::size_t i = 0;
    unsigned base = 10;
    if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (w.size() > 1 && w[0] == '0') {
        base = 8;
        i = 1;
    }
    bool overflow = false;
    for (; i < w.size(); ++i) {
        char c = w[i];
        unsigned d;
        if (c >= '0' && c <= '9') d = unsigned(c - '0');
        else if (base == 16 && hex(c)) d = unsigned(std::tolower(c) - 'a' + 10);
        else return NumberResult::not_a_number;
        if (d >= base) {
            bool digits = w.find_first_not_of("0123456789") == std::string_view::npos;
            return digits ? NumberResult::bad_octal : NumberResult::not_a_number;
        }
        v = v * base + d;
        if (v > 0xffffffffu) overflow = true;
    }
    if (overflow) return NumberResult::overflow;
    value = std::uint32_t(v);
    return NumberResult::ok;
}

bool is_dotted(std::string_view w) {
    int parts = 0;
    std::size_t start = 0;
    for (;;) {
        std::size_t dot = w.find('.', start);
        std::string_view part = w.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        // The scanner's N: decimal digits, or 0x and hex digits.
        bool decimal = !part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos;
        bool hexadecimal = part.size() > 2 && part[0] == '0' && (part[1] == 'x' || part[1] == 'X') &&
                           part.substr(2).find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
        if (!decimal && !hexadecimal) return false;
        ++parts;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts >= 2 && parts <= 4;
}

bool is_mac(std::string_view w) {
    auto groups = [&](char sep, std::size_t count, std::size_t min_digits, std::size_t max_digits) {
        std::size_t n = 0, digits = 0;
        for (char c : w) {
            if (c == sep) {
                if (digits < min_digits || digits > max_digits) return false;
                ++n;
                digits = 0;
            } else if (hex(c)) {
                ++digits;
            } else {
                return false;
            }
        }
        return n + 1 == count && digits >= min_digits && digits <= max_digits;
    };
    if (groups(':', 6, 1, 2) || groups('-', 6, 1, 2) || groups('.', 6, 1, 2) || groups('.', 3, 4, 4)) return true;
    if (w.size() == 12) {
        for (char c : w)
            if (!hex(c)) return false;
        return true;
    }
    return false;
}

std::optional<ast::Proto> proto(std::string_view w) {
    using P = ast::Proto;
    struct Entry {
        std::string_view name;
        P proto;
    };
    static constexpr Entry table[] = {
        {"link", P::link},   {"ether", P::link},   {"ppp", P::link},     {"slip", P::link},   {"fddi", P::link},
        {"tr", P::link},     {"wlan", P::link},    {"ip", P::ip},        {"ip6", P::ip6},     {"arp", P::arp},
        {"rarp", P::rarp},   {"tcp", P::tcp},      {"udp", P::udp},      {"sctp", P::sctp},   {"icmp", P::icmp},
        {"icmp6", P::icmp6}, {"igmp", P::igmp},    {"igrp", P::igrp},    {"pim", P::pim},     {"ah", P::ah},
        {"esp", P::esp},     {"vrrp", P::vrrp},    {"carp", P::carp},    {"radio", P::radio}, {"atalk", P::atalk},
        {"aarp", P::aarp},   {"decnet", P::decnet}, {"lat", P::lat},     {"sca", P::sca},     {"moprc", P::moprc},
        {"mopdl", P::mopdl}, {"iso", P::iso},      {"esis", P::esis},    {"es-is", P::esis},  {"isis", P::isis},
        {"is-is", P::isis},  {"l1", P::l1},        {"l2", P::l2},        {"iih", P::iih},     {"lsp", P::lsp},
        {"snp", P::snp},     {"csnp", P::csnp},    {"psnp", P::psnp},    {"clnp", P::clnp},   {"stp", P::stp},
        {"ipx", P::ipx},     {"netbeui", P::netbeui},
    };
    for (const auto& e : table)
        if (e.name == w) return e.proto;
    return std::nullopt;
}

}  // namespace fcap::parse::words
