// Parser golden tests: expression -> --dump-ast text, and malformed input ->
// the error a user sees (message, source line, caret).
#include "parse/parse.hpp"

#include <gtest/gtest.h>

namespace fcap::parse {
namespace {

std::string ast(const std::string& e) {
    diag::Sink sink;
    auto p = parse(e, sink);
    if (!p) return "ERROR " + sink.first_error();
    std::string out = dump(*p);
    out.pop_back();  // newline
    return out;
}

std::string error(const std::string& e) {
    diag::Sink sink;
    auto p = parse(e, sink);
    if (p) return "(parsed)";
    return diag::format(sink.diagnostics().at(0), "fcc", e);
}

struct Golden {
    const char* expression;
    const char* tree;
};

TEST(ParseTest, Goldens) {
    const Golden cases[] = {
        {"", "(empty)"},
        {"   ", "(empty)"},
        {"tcp", "tcp"},
        {"host 10.0.0.1", "(host 10.0.0.1)"},
        {"src host 10.0.0.1", "(src host 10.0.0.1)"},
        {"ip dst net 10.0.0.0/8", "(ip dst net 10.0.0.0/8)"},
        {"net 10.0.0.0 mask 255.0.0.0", "(net 10.0.0.0 mask 255.0.0.0)"},
        {"src or dst host a", "(src-or-dst host \"a\")"},
        {"dst and src port 80", "(src-and-dst port 80)"},
        {"src 10.0.0.1", "(src 10.0.0.1)"},
        {"ip6 net fe80::/10", "(ip6 net fe80::/10)"},
        {"host ::ffff:1.2.3.4", "(host ::ffff:1.2.3.4)"},
        {"ether host aa:bb:cc:dd:ee:ff", "(ether host aa:bb:cc:dd:ee:ff)"},
        {"ether host aabb.ccdd.eeff", "(ether host aabb.ccdd.eeff)"},
        {"ether host aa-bb-cc-dd-ee-ff", "(ether host aa-bb-cc-dd-ee-ff)"},
        {"port ftp-data", "(port \"ftp-data\")"},
        {"portrange 1000-2000", "(portrange 1000-2000)"},
        {"port 0x50", "(port 80)"},
        {"port 010", "(port 8)"},
        {"ip proto \\tcp", "(ip proto \"tcp\")"},
        {"ether proto \\ip6", "(ether proto \"ip6\")"},
        {"protochain 6", "(protochain 6)"},
        // Carried qualifiers: the parser keeps bare ids; sema gives them meaning.
        {"host a or b", "(or (host \"a\") (id \"b\"))"},
        {"tcp port 80 or 443", "(or (tcp port 80) (id 443))"},
        {"not host a and b", "(and (not (host \"a\")) (id \"b\"))"},
        {"host a and not b", "(and (host \"a\") (not (id \"b\")))"},
        {"host a and (b or c)", "(and (host \"a\") (or (id \"b\") (id \"c\")))"},
        // and/or: one precedence, left to right.
        {"a or b and c", "(and (or (id \"a\") (id \"b\")) (id \"c\"))"},
        {"tcp or udp and ip6", "(and (or tcp udp) ip6)"},
        {"tcp and udp or ip6", "(or (and tcp udp) ip6)"},
        {"not tcp and udp", "(and (not tcp) udp)"},
        {"! tcp && ! udp || arp", "(or (and (not tcp) (not udp)) arp)"},
        // Arithmetic precedence, and % ^ taking everything to their right.
        {"ip[0] + 1 * 2 = 3", "(== (+ ip[0] (* 1 2)) 3)"},
        {"ip[0] - 1 - 2 = 3", "(== (- (- ip[0] 1) 2) 3)"},
        {"ip[0] & 1 | 2 = 3", "(== (| (& ip[0] 1) 2) 3)"},
        {"ip[0] << 1 + 2 = 3", "(== (<< ip[0] (+ 1 2)) 3)"},
        {"ip[0] % 3 + 1 = 2", "(== (% ip[0] (+ 3 1)) 2)"},
        {"1 + ip[0] % 7 = 3", "(== (+ 1 (% ip[0] 7)) 3)"},
        {"ip[0] ^ 1 | 2 = 3", "(== (^ ip[0] (| 1 2)) 3)"},
        {"-ip[0] % 2 = 1", "(== (neg (% ip[0] 2)) 1)"},
        {"-ip[0] + 1 = 1", "(== (+ (neg ip[0]) 1) 1)"},
        {"tcp[tcpflags] & (tcp-syn|tcp-ack) != 0", "(!= (& tcp[13] (| 2 16)) 0)"},
        {"ip[2:2] > 576", "(> ip[2:2] 576)"},
        {"tcp[(tcp[12] >> 4) * 4] = 0x47", "(== tcp[(* (>> tcp[12] 4) 4)] 71)"},
        {"(len < 100)", "(< len 100)"},
        {"len >= 64 and less 100", "(and (>= len 64) (less 100))"},
        {"icmp6[icmp6type] = icmp6-echo", "(== icmp6[0] 128)"},
        {"vlan 10 and vlan", "(and (vlan 10) vlan)"},
        {"mpls 100 or pppoes 3 or geneve 7 or pppoed", "(or (or (or (mpls 100) (pppoes 3)) (geneve 7)) pppoed)"},
        {"ether broadcast or ip multicast", "(or (ether broadcast) (ip multicast))"},
        {"inbound and ifindex 3", "(and inbound (ifindex 3))"},
        {"llc rnr or llc i or llc", "(or (or (llc rnr) (llc i)) llc)"},
        {"byte 2 & 4", "(byte 2 & 4)"},
        {"type mgt subtype beacon", "(type mgt subtype beacon)"},
        {"es-is or is-is or l1", "(or (or esis isis) l1)"},
        // Values in parentheses after qualifiers (grammar.y's `paren pid ')'`).
        {"host (a or b)", "(host list (or (id \"a\") (id \"b\")))"},
        {"tcp dst port (80 or not 443)", "(tcp dst port list (or (id 80) (not (id 443))))"},
        {"host (a or (b and not c))", "(host list (or (id \"a\") (and (id \"b\") (not (id \"c\")))))"},
        {"port ((80) or 443)", "(port list (or (id 80) (id 443)))"},
        {"port ((80))", "(port list (id 80))"},
        {"port not 22", "(port list (not (id 22)))"},
        {"host not (a or b) or c", "(or (host list (not (or (id \"a\") (id \"b\")))) (id \"c\"))"},
        {"host a or (b or c)", "(or (host \"a\") (or (id \"b\") (id \"c\")))"},
        {"host a or (not tcp)", "(or (host \"a\") (not tcp))"},
        {"host a or (80 > 5)", "(or (host \"a\") (> 80 5))"},
        // Scanner: MAC before NUM and HID; a name with '-' is one word.
        {"ether host 000102030405", "(ether host 000102030405)"},
        {"ether host 0001.0203.0405", "(ether host 0001.0203.0405)"},
        {"ether host ab.CD.ef.0.0.1", "(ether host ab.CD.ef.0.0.1)"},
        {"ether host 0:1:2:3:4:5", "(ether host 0:1:2:3:4:5)"},
        {"portrange 25-smtp", "(portrange 25-smtp)"},
        {"portrange smtp-25", "(portrange \"smtp-25\")"},
        // HID parts are the scanner's N, decimal to __pcap_atoin: 08 is fine there.
        {"host 10.089.0.1", "(host 10.089.0.1)"},
    };
    for (const auto& c : cases) EXPECT_EQ(ast(c.expression), c.tree) << c.expression;
}

TEST(ParseTest, ErrorsPointAtTheProblem) {
    EXPECT_EQ(error("host 1.2.3.4 and"),
              "fcc: error: expected a filter term, found the end of the expression\n"
              "  host 1.2.3.4 and\n"
              "                  ^\n");
    EXPECT_EQ(error("tcp 80"),
              "fcc: error: unexpected '80'\n"
              "  tcp 80\n"
              "      ^~\n"
              "  hint: join terms with `and` or `or`; an address or number needs a qualifier such as `host`, "
              "`net` or `port`\n");
    EXPECT_EQ(error("(tcp"),
              "fcc: error: expected ')' to close a parenthesis, found the end of the expression\n"
              "  (tcp\n"
              "      ^\n"
              "  hint: unbalanced parenthesis\n");
    EXPECT_EQ(error("tcp)"),
              "fcc: error: unbalanced parenthesis\n"
              "  tcp)\n"
              "     ^\n"
              "  hint: this ')' closes nothing\n");
    EXPECT_EQ(error("tcp and dst port"),
              "fcc: error: expected an address, name or number, found the end of the expression\n"
              "  tcp and dst port\n"
              "                  ^\n");
    EXPECT_EQ(error("host (10.0.0.1 or )"),
              "fcc: error: expected an address, name or number, found ')'\n"
              "  host (10.0.0.1 or )\n"
              "                    ^\n");
    EXPECT_EQ(error("host (10.0.0.1 or 10.0.0.2"),
              "fcc: error: expected ')' to close a parenthesis, found the end of the expression\n"
              "  host (10.0.0.1 or 10.0.0.2\n"
              "                            ^\n"
              "  hint: unbalanced parenthesis\n");
    EXPECT_EQ(error("port (80 or tcp)"),
              "fcc: error: expected an address, name or number, found 'tcp'\n"
              "  port (80 or tcp)\n"
              "              ^~~\n");
    EXPECT_EQ(error("port 089"),
              "fcc: error: number 089 contains non-octal digit\n"
              "  port 089\n"
              "       ^~~\n"
              "  hint: a leading 0 makes a number octal; drop it\n");
    EXPECT_EQ(error("ip[0] = "),
              "fcc: error: expected an arithmetic expression, found the end of the expression\n"
              "  ip[0] = \n"
              "          ^\n");
    EXPECT_EQ(error("ip[0] = 99999999999"),
              "fcc: error: number 99999999999 does not fit in 32 bits\n"
              "  ip[0] = 99999999999\n"
              "          ^~~~~~~~~~~\n");
}

TEST(ParseTest, KeywordsAreCaseSensitiveAndReserved) {
    EXPECT_EQ(ast("TCP"), "(id \"TCP\")");  // a name, which sema refuses for lack of a qualifier
    EXPECT_NE(error("host tcp"), "(parsed)");  // a keyword is not a host name...
    EXPECT_EQ(ast("host \\tcp"), "(host \"tcp\")");  // ...unless escaped
    EXPECT_EQ(ast("host len-1"), "(host \"len-1\")");  // longest match: one word
}

TEST(ParseTest, SpansCoverNodes) {
    diag::Sink sink;
    auto p = parse("tcp and host 10.0.0.1", sink);
    ASSERT_TRUE(p);
    const auto* e = p->expression();
    ASSERT_EQ(e->rest.size(), 1u);
    const auto& prim = boost::get<ast::Primitive>(e->rest[0].term.get());
    diag::Span s = p->span(prim);
    EXPECT_EQ(p->source().substr(s.begin, s.end - s.begin), "host 10.0.0.1");
}

}  // namespace
}  // namespace fcap::parse
