#include "diff/random_expr.hpp"

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
        if (carry_ != Carry::none && chance(30)) e += " " + op + (chance(20) ? " not " : " ") + bare_id();
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

std::string RandomExpressions::bare_id() {
    switch (carry_) {
    case Carry::ipv4: return pick({"10.0.0.1", "10.0.0.2", "192.168.1.1", "127.0.0.1", "10.0.0.3", "8.8.8.8"});
    case Carry::ipv6: return pick({"2001:db8::1", "2001:db8::2", "::1", "ff02::1"});
    case Carry::net: return pick({"10.0.0.0/8", "192.168", "172.16.0.0/12", "10", "2001:db8::/32"});
    case Carry::port: return pick({"80", "443", "53", "1234", "7070", "domain", "40000"});
    case Carry::mac: return pick({"00:11:22:33:44:55", "00:aa:bb:cc:dd:ee", "ff:ff:ff:ff:ff:ff"});
    case Carry::none: break;
    }
    return "10.0.0.1";
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
        return pick({"", "", "ip ", "arp ", "rarp "}) + dir + pick({"host ", "host ", ""}) +
               pick({"10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.1", "192.168.0.1", "127.0.0.1", "8.8.8.8",
                     "172.16.0.5", "10.1.2.3", "localhost", "255.255.255.255"});
    case 3:
        carry_ = Carry::ipv6;
        return pick({"", "ip6 "}) + dir + pick({"host ", ""}) +
               pick({"2001:db8::1", "2001:db8::2", "::1", "ff02::1", "fe80::1"});
    default:
        carry_ = Carry::net;
        return pick({"", "", "ip ", "arp "}) + dir + "net " +
               pick({"10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16", "192.168.1.0/24", "172.16.0.0/12", "10",
                     "10.0", "10.0.0", "192.168", "10.0.0.0 mask 255.255.0.0", "192.168.0.0 mask 255.255.255.0",
                     "224.0.0.0/4", "0.0.0.0/0", "2001:db8::/32", "ff00::/8", "fe80::/10"});
    }
}

std::string RandomExpressions::port() {
    carry_ = Carry::port;
    std::string p = pick({"", "", "tcp ", "udp ", "sctp "}) + pick({"", "", "src ", "dst ", "src or dst "});
    if (chance(25))
        return p + "portrange " + pick({"1-1024", "1000-2000", "0-79", "80-80", "1024-65535", "50-60",
                                        "ftp-data-ssh", "domain-http", "2000-1000"});
    return p + "port " +
           pick({"80", "53", "443", "22", "7070", "1234", "40000", "8080", "65535", "0", "1", "1000", "http",
                 "domain", "ssh", "https", "ntp", "0x50"});
}

std::string RandomExpressions::link() {
    if (chance(30))
        return pick({"broadcast", "multicast", "ether broadcast", "ether multicast", "ip multicast", "ip6 multicast",
                     "ip broadcast", "ip6 broadcast"});
    carry_ = Carry::mac;
    return pick({"ether ", "ether ", "link ", "fddi "}) + pick({"", "src ", "dst ", "src or dst ", "src and dst "}) +
           pick({"", "host "}) +
           pick({"00:11:22:33:44:55", "00:aa:bb:cc:dd:ee", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01",
                 "33:33:00:00:00:01", "00-11-22-33-44-55", "0011.2233.4455", "0:1:2:3:4:5"});
}

std::string RandomExpressions::load(int depth) {
    std::string proto = pick({"ether", "ether", "ip", "ip", "ip6", "tcp", "tcp", "udp", "icmp", "icmp6", "arp",
                              "sctp", "igmp", "link", "vrrp", "pim", "rarp"});
    std::string index = depth > 0 && chance(20) ? arith(depth - 1) : std::to_string(below(chance(80) ? 40 : 1600));
    return proto + "[" + index + pick({"", "", ":1", ":2", ":4"}) + "]";
}

std::string RandomExpressions::arith(int depth) {
    switch (below(depth > 0 ? 10 : 5)) {
    case 0: return std::to_string(below(chance(70) ? 20 : 300));
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
