#include "diff/random_expr.hpp"

#include <cstdio>
#include <vector>

namespace fcap::test {

std::string RandomExpressions::pick(std::initializer_list<const char*> options) {
    return *(options.begin() + below(int(options.size())));
}

std::string RandomExpressions::next() {
    carry_ = Carry::none;
    return expression(3);
}

std::string RandomExpressions::expression(int depth) {
    std::string e = term(depth);
    for (int i = below(3); i > 0; --i) {
        std::string op = pick({"and", "or", "&&", "||"});
        // A bare id after and/or takes the qualifiers of the primitive
        // before it, also under `not`.
        if (carry_ != Carry::none && chance(30))
            e += " " + op + (chance(20) ? " not " : " ") + (chance(25) ? value_list(1) : bare_id());
        else e += " " + op + " " + term(depth - 1);
    }
    return e;
}

std::string RandomExpressions::term(int depth) {
    int r = below(12);
    if (depth > 0 && r == 0) return pick({"not ", "! ", "!"}) + term(depth - 1);
    if (depth > 0 && r == 1) {
        std::string inner = "(" + expression(depth - 1) + ")";
        carry_ = Carry::none;
        return inner;
    }
    if (r <= 3) {
        carry_ = Carry::none;
        return relation();
    }
    return primitive();
}

std::string RandomExpressions::number(std::uint32_t v) {
    char buf[16];
    switch (below(8)) {
    case 0: std::snprintf(buf, sizeof buf, "0x%x", v); return buf;
    case 1: std::snprintf(buf, sizeof buf, "0%o", v); return buf;
    case 2: std::snprintf(buf, sizeof buf, "0X%X", v); return buf;
    default: return std::to_string(v);
    }
}

std::string RandomExpressions::bare_id() {
    switch (carry_) {
    case Carry::ipv4:
        return pick({"10.0.0.1", "10.0.0.2", "192.168.1.1", "127.0.0.1", "10.0.0.3", "8.8.8.8", "10.0.0.01",
                     "010.0.0.2", "192.168.1", "10.0", "10"});
    case Carry::ipv6: return pick({"2001:db8::1", "2001:db8::2", "::1", "ff02::1", "2001:DB8::1", "::ffff:10.0.0.1"});
    case Carry::net: return pick({"10.0.0.0/8", "192.168", "172.16.0.0/12", "10", "2001:db8::/32", "10.0.0.0 mask 255.0.0.0"});
    case Carry::port:
        return pick({"80", "443", "53", "1234", "7070", "domain", "40000", "0x50", "0120", "(80)", "((443))", "http"});
    case Carry::portrange: return pick({"1-1024", "25-smtp", "domain-53", "1-http", "http-https", "5000-6000"});
    case Carry::mac:
        return pick({"00:11:22:33:44:55", "00:aa:bb:cc:dd:ee", "ff:ff:ff:ff:ff:ff", "02000a000001", "0200.0a00.0002",
                     "2:0:a:0:0:1", "02-00-0A-00-00-02", "2.0.a.0.0.1", "FFFFFFFFFFFF", "001122334455"});
    case Carry::proto: return pick({"6", "17", "\\tcp", "\\udp", "58", "0x11"});
    case Carry::ethertype: return pick({"\\ip", "\\arp", "\\ip6", "0x86dd", "2048", "\\rarp"});
    case Carry::none: break;
    }
    return "10.0.0.1";
}

std::string RandomExpressions::value_list(int depth) {
    auto item = [&] {
        if (depth > 0 && chance(20)) return value_list(depth - 1);
        return (chance(15) ? std::string(pick({"not ", "! "})) : std::string()) + bare_id();
    };
    // The first value cannot be a list (libpcap: `host ((a or b) and c)`
    // is a syntax error), but a number in parentheses can be.
    std::string list = "(" + (chance(15) ? std::string(pick({"not ", "! "})) : std::string()) + bare_id();
    for (int i = below(3); i >= 0; --i) list += " " + pick({"or", "and", "||", "&&", "or"}) + " " + item();
    return list + ")";
}

std::string RandomExpressions::primitive() {
    carry_ = Carry::none;
    switch (below(20)) {
    case 0:
    case 1: return protocol();
    case 2:
    case 3:
    case 4: return host();
    case 5:
    case 6:
    case 7: return port();
    case 8:
    case 9: return link();
    case 10:
        return pick({"vlan", "vlan 10", "vlan 100", "vlan 20", "vlan 200", "vlan 4095", "mpls", "mpls 100",
                     "mpls 200", "mpls 1", "pppoes", "pppoes 1", "pppoes 0x1234", "pppoed", "geneve", "geneve 10",
                     "geneve 100"});
    case 11:
        if (chance(15)) {
            carry_ = chance(50) ? Carry::proto : Carry::ethertype;
            if (carry_ == Carry::proto) return pick({"ip proto ", "proto ", "ip6 proto "}) + value_list(0);
            return pick({"ether proto ", "link proto "}) + value_list(0);
        }
        return pick({"proto 6", "ip proto 17", "ip6 proto 58", "ip proto \\tcp", "ip proto \\icmp", "proto \\udp",
                     "ip6 proto \\udp", "ip proto 47", "ip proto 2", "ip proto 132", "ether proto \\ip",
                     "ether proto \\ip6", "ether proto \\arp", "ether proto 0x88cc", "ether proto \\rarp",
                     "ether proto \\atalk", "ether proto \\decnet", "ether proto \\ipx", "protochain 6",
                     "ip6 protochain 17", "ip6 protochain 44", "ip protochain 51", "protochain \\udp",
                     "iso proto \\isis", "iso proto \\clnp", "ether proto 0x8100", "link proto \\ip"});
    case 12:
        return pick({"less 60", "less 100", "greater 100", "greater 500", "less 54", "greater 1000", "len > 64",
                     "len < 100", "len >= 1000", "len = 60", "len != 98"});
    case 13:
        return pick({"tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
                     "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0", "tcp[tcpflags] = tcp-ack|tcp-push",
                     "tcp[tcpflags] & tcp-ece != 0", "tcp[tcpflags] & tcp-cwr != 0", "tcp[tcpflags] & tcp-urg != 0",
                     "icmp[icmptype] = icmp-echo", "icmp[icmptype] != icmp-echoreply", "icmp[icmpcode] = 3",
                     "icmp[icmptype] = icmp-unreach", "icmp[icmptype] = icmp-timxceed",
                     "icmp6[icmp6type] = icmp6-echo", "icmp6[icmp6type] = icmp6-neighborsolicit",
                     "icmp6[icmp6type] = icmp6-routeradvert", "icmp6[icmp6code] = 0"});
    case 14:
        return pick({"decnet host 1.2", "decnet src 10.5", "decnet dst 1.1", "l1", "l2", "iih", "lsp", "snp", "csnp",
                     "psnp", "llc i", "llc s", "llc u", "llc ui", "llc rr", "llc sabme", "llc xid", "llc test",
                     "inbound", "outbound", "ifindex 1"});
    default: return relation();
    }
}

std::string RandomExpressions::protocol() {
    return pick({"ip", "ip6", "arp", "rarp", "tcp", "udp", "sctp", "icmp", "icmp6", "igmp", "igrp", "pim", "ah",
                 "esp", "vrrp", "carp", "atalk", "aarp", "decnet", "lat", "sca", "moprc", "mopdl", "iso", "esis",
                 "isis", "clnp", "stp", "ipx", "netbeui", "llc"});
}

std::string RandomExpressions::host() {
    std::string dir = pick({"", "", "src ", "dst ", "src or dst ", "src and dst "});
    switch (below(6)) {
    case 0:
    case 1:
    case 2:
        carry_ = Carry::ipv4;
        if (chance(20)) return pick({"", "", "ip ", "arp ", "rarp "}) + dir + "host " + value_list(1);
        if (chance(5)) return pick({"", "ip "}) + dir + "host " + pick({"not ", "! "}) + bare_id();
        return pick({"", "", "ip ", "arp ", "rarp "}) + dir + pick({"host ", "host ", ""}) +
               pick({"0x0a000001", "10.0.0.01", "10.0", "10", "10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.1", "192.168.0.1", "127.0.0.1", "8.8.8.8",
                     "172.16.0.5", "10.1.2.3", "localhost", "255.255.255.255"});
    case 3:
        carry_ = Carry::ipv6;
        if (chance(20)) return pick({"", "ip6 "}) + dir + "host " + value_list(1);
        return pick({"", "ip6 "}) + dir + pick({"host ", ""}) +
               pick({"2001:db8::1", "2001:db8::2", "::1", "ff02::1", "fe80::1"});
    default:
        carry_ = Carry::net;
        if (chance(20)) return pick({"", "", "ip ", "arp "}) + dir + "net " + value_list(1);
        return pick({"", "", "ip ", "arp "}) + dir + "net " +
               pick({"10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16", "192.168.1.0/24", "172.16.0.0/12", "10",
                     "10.0", "10.0.0", "192.168", "10.0.0.0 mask 255.255.0.0", "192.168.0.0 mask 255.255.255.0",
                     "224.0.0.0/4", "0.0.0.0/0", "2001:db8::/32", "ff00::/8", "fe80::/10"});
    }
}

std::string RandomExpressions::port() {
    carry_ = Carry::port;
    std::string p = pick({"", "", "tcp ", "udp ", "sctp "}) + pick({"", "", "src ", "dst ", "src or dst "});
    if (chance(25)) {
        carry_ = Carry::portrange;
        if (chance(15)) return p + "portrange " + value_list(1);
        return p + "portrange " + pick({"1-1024", "1000-2000", "0-79", "80-80", "1024-65535", "50-60",
                                        "ftp-data-ssh", "domain-http", "2000-1000", "25-smtp", "smtp-25",
                                        "1-http", "domain-53", "http-https", "ftp-8080", "ssh-http", "0-ftp",
                                        "1-2x"});
    }
    if (chance(15)) return p + "port " + value_list(1);
    if (chance(5)) return p + "port " + pick({"not ", "! ", "not not "}) + bare_id();
    return p + "port " +
           pick({"80", "53", "443", "22", "7070", "1234", "40000", "8080", "65535", "0", "1", "1000", "http",
                 "domain", "ssh", "https", "ntp", "0x50", "0120", "(80)", "((53))"});
}

std::string RandomExpressions::link() {
    if (chance(30))
        return pick({"broadcast", "multicast", "ether broadcast", "ether multicast", "ip multicast", "ip6 multicast",
                     "ip broadcast", "ip6 broadcast"});
    carry_ = Carry::mac;
    std::string quals = pick({"ether ", "ether ", "link ", "fddi ", "tr ", "wlan ", "ppp ", "slip "}) +
                        pick({"", "src ", "dst ", "src or dst ", "src and dst "});
    if (chance(15)) return quals + "host " + value_list(1);
    return quals + pick({"", "host "}) +
           pick({"00:11:22:33:44:55", "00:aa:bb:cc:dd:ee", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
                 "33:33:00:00:00:01", "00-11-22-33-44-55", "0011.2233.4455", "0:1:2:3:4:5", "02000a000001",
                 "333300000001", "0200.0A00.0002", "2:0:a:0:0:1", "2-0-a-0-0-2", "2.0.a.0.0.1", "02.00.0a.00.00.02",
                 "FF:FF:FF:FF:FF:FF", "001122334455", "00AABBCCDDEE"});
}

std::string RandomExpressions::load(int depth) {
    std::string proto = pick({"ether", "ether", "ip", "ip", "ip6", "tcp", "tcp", "udp", "icmp", "icmp6", "arp",
                              "sctp", "igmp", "link", "vrrp", "pim", "rarp"});
    std::string index = depth > 0 && chance(20) ? arith(depth - 1) : std::to_string(below(chance(80) ? 40 : 1600));
    return proto + "[" + index + pick({"", "", ":1", ":2", ":4"}) + "]";
}

std::string RandomExpressions::arith(int depth) {
    switch (below(depth > 0 ? 10 : 5)) {
    case 0: return number(std::uint32_t(below(chance(70) ? 20 : 300)));
    case 1: return depth > 0 ? load(depth) : std::to_string(below(256));
    case 2: return load(depth);
    case 3: return pick({"len", "len", "0x45", "0xff", "0xffffffff", "0x800", "6", "17"});
    case 4:
        return pick({"tcpflags", "icmptype", "icmpcode", "icmp6type", "icmp6code", "tcp-syn", "tcp-ack",
                     "icmp-echo", "icmp6-echo"});
    case 5: return "-" + arith(depth - 1);
    case 6: return "(" + arith(depth - 1) + ")";
    case 7: {
        // Shifts by a constant above 31 are refused; keep most in range.
        std::string op = pick({"<<", ">>"});
        return arith(depth - 1) + " " + op + " " + (chance(85) ? std::to_string(below(32)) : arith(depth - 1));
    }
    default:
        return arith(depth - 1) + " " + pick({"+", "-", "*", "/", "%", "&", "|", "^", "&", "+"}) + " " +
               arith(depth - 1);
    }
}

std::string RandomExpressions::relation() {
    // Mostly a packet load on the left: comparisons of constants alone are
    // the known gap of docs/divergences.md, and rare in real filters.
    // On the right mostly a constant: loads of two protocols in one
    // relation usually contradict each other ("rejects all packets").
    std::string left = chance(75) ? load(2) + (chance(40) ? " & " + std::to_string(below(256)) : "") : arith(2);
    std::string right = chance(70) ? arith(0) : arith(2);
    return left + " " + pick({"=", "==", "!=", "<", "<=", ">", ">="}) + " " + right;
}

}  // namespace fcap::test
