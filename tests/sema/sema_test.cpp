// Sema: libpcap's refusals as errors with a position and a caret, and the
// IR of a few expressions (goldens).
#include "api/compile_ir.hpp"

#include <gtest/gtest.h>

namespace fcap {
namespace {

std::string error_of(const std::string& e, int dlt = DLT_EN10MB) {
    CompileOptions o;
    o.dlt = dlt;
    diag::Sink sink;
    auto p = compile_to_ir(e, o, sink);
    if (p) return "(compiled)";
    return diag::format(sink.diagnostics().at(0), "fcc", e);
}

std::string ir_of(const std::string& e, bool optimize = true) {
    CompileOptions o;
    o.optimize = optimize;
    diag::Sink sink;
    auto p = compile_to_ir(e, o, sink);
    if (!p) return "ERROR " + sink.first_error();
    EXPECT_EQ(ir::verify(*p), "") << e;
    return ir::print(*p);
}

TEST(SemaTest, RefusalsPointAtTheWords) {
    EXPECT_EQ(error_of("tcp and dst port htp"),
              "fcc: error: unknown port 'htp'\n"
              "  tcp and dst port htp\n"
              "          ^~~~~~~~~~~~\n"
              "  hint: port names come from /etc/services\n");
    EXPECT_EQ(error_of("udp port http"),
              "fcc: error: port 'http' is tcp\n"
              "  udp port http\n"
              "  ^~~~~~~~~~~~~\n"
              "  hint: /etc/services lists it for tcp only\n");
    EXPECT_EQ(error_of("ip[0] / 0 = 1"),
              "fcc: error: division by zero\n"
              "  ip[0] / 0 = 1\n"
              "        ^~~\n");
    EXPECT_EQ(error_of("host 10.0.0.1 or 10.0.0.0/8"),
              "fcc: error: a mask or prefix length applies only to networks\n"
              "  host 10.0.0.1 or 10.0.0.0/8\n"
              "                   ^~~~~~~~~~\n"
              "  hint: write `net 10.0.0.0/8`\n");
    EXPECT_EQ(error_of("tcp and udp"),
              "fcc: error: expression rejects all packets\n"
              "  tcp and udp\n"
              "  ^~~~~~~~~~~\n"
              "  hint: no packet can satisfy every part of it; check for contradictions such as `tcp and udp`\n");
}

TEST(SemaTest, LibpcapRefusalsAreRefused) {
    const char* refused[] = {
        "10.0.0.1", "tcp host 10.0.0.1", "ip6 host 10.0.0.1", "ip host ::1", "port 65536", "vlan 4096",
        "mpls and vlan", "net 10.0.0.1/8", "host 00:11:22:33:44:55", "ether host 10.0.0.1", "aarp[0] = 1",
        "ip[0:3] = 1", "link", "ip broadcast", "ip6 broadcast", "arp proto 6", "tcp proto 6", "port 10.1",
        "ip proto \\nosuch", "ether proto \\nosuch", "llc foo", "type mgt", "radio", "ether[0] << 32 = 1",
        "len >> 1 + 40 = 1", "ip[0] / ether[0] = 1", "ip and ip6",
    };
    for (const char* e : refused) {
        std::string out = error_of(e);
        EXPECT_NE(out, "(compiled)") << e;
        EXPECT_NE(out.find("fcc: error: "), std::string::npos) << e;
    }
    EXPECT_NE(error_of("ether host 00:11:22:33:44:55", DLT_LINUX_SLL), "(compiled)");
    EXPECT_NE(error_of("vlan", DLT_RAW), "(compiled)");
    EXPECT_NE(error_of("llc", DLT_LINUX_SLL), "(compiled)");
}

TEST(SemaTest, QualifiersCarryOver) {
    // `host a or b` is `host a or host b`: same IR.
    EXPECT_EQ(ir_of("host 10.0.0.1 or 10.0.0.2"), ir_of("host 10.0.0.1 or host 10.0.0.2"));
    EXPECT_EQ(ir_of("tcp port 80 or 443"), ir_of("tcp port 80 or tcp port 443"));
    EXPECT_EQ(ir_of("not host 10.0.0.1 and 10.0.0.2"), ir_of("not host 10.0.0.1 and host 10.0.0.2"));
    EXPECT_EQ(ir_of("host 10.0.0.1 and (10.0.0.2 or 10.0.0.3)"),
              ir_of("host 10.0.0.1 and (host 10.0.0.2 or host 10.0.0.3)"));
}

TEST(SemaTest, ValueListsTakeTheQualifiers) {
    EXPECT_EQ(ir_of("host (10.0.0.1 or 10.0.0.2)"), ir_of("host 10.0.0.1 or host 10.0.0.2"));
    EXPECT_EQ(ir_of("tcp dst port (80 or not 443)"), ir_of("tcp dst port 80 or not tcp dst port 443"));
    EXPECT_EQ(ir_of("ether src (0:1:2:3:4:5 or 000102030406)"),
              ir_of("ether src 00:01:02:03:04:05 or ether src 00:01:02:03:04:06"));
    // After the list, a bare value still takes them.
    EXPECT_EQ(ir_of("port (80 or 443) or 53"), ir_of("port 80 or port 443 or port 53"));
    EXPECT_EQ(ir_of("port ((80) or 443)"), ir_of("port 80 or port 443"));
    EXPECT_EQ(error_of("host 10.0.0.1 or ((10.0.0.2 or 10.0.0.3))"),
              "fcc: error: a parenthesised list of values cannot start a parenthesised expression\n"
              "  host 10.0.0.1 or ((10.0.0.2 or 10.0.0.3))\n"
              "                    ^~~~~~~~~~~~~~~~~~~~~~\n"
              "  hint: libpcap refuses `((a or b))`; drop one pair of parentheses\n");
}

TEST(SemaTest, SpellingsOfOneValue) {
    for (const char* mac : {"00:01:02:0a:0b:0c", "0001020a0b0c", "0:1:2:a:b:c", "00-01-02-0A-0B-0C", "0.1.2.a.B.c",
                            "0001.020a.0b0c"})
        EXPECT_EQ(ir_of(std::string("ether host ") + mac), ir_of("ether host 00:01:02:0a:0b:0c")) << mac;
    EXPECT_EQ(ir_of("portrange 25-smtp"), ir_of("portrange 25-25"));
    EXPECT_EQ(ir_of("tcp portrange smtp-26"), ir_of("tcp portrange 25-26"));
    EXPECT_EQ(ir_of("host 012.0.0.01"), ir_of("host 12.0.0.1"));  // __pcap_atoin: parts are decimal
    EXPECT_EQ(ir_of("host ::ffff:10.0.0.1"), ir_of("host ::ffff:a00:1"));
    CompileOptions o;
    o.netmask = 0xffffff00;
    diag::Sink sink;
    EXPECT_TRUE(compile_to_ir("ip broadcast", o, sink)) << sink.first_error();
}

TEST(SemaTest, EncapsulationsMoveOffsets) {
    EXPECT_EQ(ir_of("vlan and ip", false),
              "b5: if P[12:2] == 0x8100 goto b2 else b4\n"
              "b4: if P[12:2] == 0x88a8 goto b2 else b3\n"
              "b3: if P[12:2] == 0x9100 goto b2 else b1\n"
              "b2: if P[16:2] == 0x800 goto b0 else b1\n"
              "b1: return 0\n"
              "b0: return 0x40000\n");
    EXPECT_EQ(ir_of("mpls and ip"),
              "b0: if P[12:2] == 0x8847 goto b1 else b3\n"
              "b1: if (P[16:1] & 1) == 1 goto b2 else b3\n"
              "b2: if (P[18:1] & 0xf0) == 0x40 goto b4 else b3\n"
              "b3: return 0\n"
              "b4: return 0x40000\n");
}

TEST(SemaTest, GoldenIr) {
    EXPECT_EQ(ir_of("tcp[tcpflags] & tcp-syn != 0"),
              "b0: if P[12:2] == 0x800 goto b1 else b5\n"
              "b1: if P[23:1] == 6 goto b2 else b5\n"
              "b2: if P[20:2] & 0x1fff goto b5 else b3\n"
              "b3: if (P[4*(P[14]&0xf)+27:1] & 2) == 0 goto b5 else b4\n"
              "b4: return 0x40000\n"
              "b5: return 0\n");
}

}  // namespace
}  // namespace fcap
