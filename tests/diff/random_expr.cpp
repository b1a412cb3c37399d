#include "diff/random_expr.hpp"

#include <vector>

namespace fcap::test {

std::string RandomExpressions::pick(std::initializer_list<const char*> options) {
    std::vector<const char*> v(options);
    return v[std::size_t(below(int(v.size())))];
}

std::string RandomExpressions::next() { return expression(3); }

std::string RandomExpressions::expression(int depth) {
    std::string e = term(depth);
    int n = below(3);
    for (int i = 0; i < n; ++i) {
        std::string op = pick({"and", "or", "&&", "||"});
        // A bare id after and/or takes the previous qualifiers.
        if (below(6) == 0) e += " " + op + " " + pick({"10.0.0.2", "80", "443", "53", "10.0.0.1", "2001:db8::2"});
        else e += " " + op + " " + term(depth - 1);
    }
    return e;
}

std::string RandomExpressions::term(int depth) {
    int r = below(10);
    if (depth > 0 && r == 0) return "not " + term(depth - 1);
    if (depth > 0 && r == 1) return "(" + expression(depth - 1) + ")";
    if (r == 2) return relation();
    return primitive();
}

std::string RandomExpressions::primitive() {
    switch (below(16)) {
    case 0:
        return pick({"ip", "ip6", "arp", "rarp", "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "pim", "vrrp", "ah",
                     "esp", "stp", "ipx", "iso", "isis", "l1", "l2", "atalk", "decnet", "llc", "llc u", "llc s"});
    case 1:
    case 2:
        return pick({"", "src ", "dst ", "src or dst ", "src and dst "}) + pick({"", "ip ", "arp "}) +
               pick({"host 10.0.0.1", "host 10.0.0.2", "host 192.168.1.1", "net 10.0.0.0/8", "net 192.168",
                     "net 10.0.0.0 mask 255.255.0.0", "host 127.0.0.1", "host 10.1"});
    case 3:
        return pick({"", "src ", "dst "}) + pick({"host 2001:db8::1", "host ::1", "net 2001:db8::/32",
                                                   "net fe80::/10", "ip6 host fe80::1"});
    case 4:
    case 5:
        return pick({"", "tcp ", "udp ", "sctp "}) + pick({"", "src ", "dst "}) +
               pick({"port 80", "port 53", "port 443", "port 22", "port 7070", "portrange 1000-2000",
                     "portrange 1-1024", "port http", "port domain"});
    case 6:
        return pick({"ether host ff:ff:ff:ff:ff:ff", "ether src 00:11:22:33:44:55", "ether dst 00:aa:bb:cc:dd:ee",
                     "broadcast", "multicast", "ip multicast", "ip6 multicast", "ether broadcast"});
    case 7:
        return pick({"vlan", "vlan 10", "vlan 100", "mpls", "mpls 100", "pppoes", "pppoes 1", "pppoed", "geneve",
                     "geneve 10"});
    case 8:
        return pick({"proto 6", "ip proto 17", "ip6 proto 58", "ip proto \\tcp", "ether proto \\ip6",
                     "ether proto \\arp", "ether proto 0x88cc", "protochain 6", "ip6 protochain 17"});
    case 9: return pick({"less 60", "less 100", "greater 100", "greater 500", "len > 64", "len < 100"});
    case 10:
        return pick({"tcp[tcpflags] & tcp-syn != 0", "tcp[tcpflags] & (tcp-syn|tcp-ack) = tcp-syn",
                     "icmp[icmptype] = icmp-echo", "icmp6[icmp6type] = icmp6-echo", "ip[0] & 0xf > 5",
                     "ip[6:2] & 0x1fff != 0", "udp[0:2] = 53", "tcp[13] = 2"});
    default: return relation();
    }
}

std::string RandomExpressions::arith(int depth) {
    int r = below(depth > 0 ? 9 : 4);
    switch (r) {
    case 0: return std::to_string(below(300));
    case 1:
        return pick({"ether", "ip", "ip6", "tcp", "udp", "icmp", "arp", "icmp6"}) + "[" + std::to_string(below(60)) +
               pick({"", ":1", ":2", ":4"}) + "]";
    case 2: return "len";
    case 3: return pick({"tcpflags", "icmptype", "0x45", "0xff", "1"});
    case 4: return "-" + arith(depth - 1);
    case 5: return "(" + arith(depth - 1) + ")";
    case 6:
        return pick({"ether", "ip", "tcp", "udp"}) + "[" + arith(depth - 1) + pick({"", ":1", ":2"}) + "]";
    default:
        return arith(depth - 1) + " " + pick({"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"}) + " " +
               arith(depth - 1);
    }
}

std::string RandomExpressions::relation() {
    return arith(2) + " " + pick({"=", "==", "!=", "<", "<=", ">", ">="}) + " " + arith(2);
}

}  // namespace fcap::test
