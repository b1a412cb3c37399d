// Routing and redundancy protocols above IP: PIM, VRRP, OSPF, EIGRP (IP
// protocols) and HSRP, BFD (over UDP).  The first line tcpdump prints
// under -n; -v details only where they are short.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string number_or(const char* name, const char* unknown_format, unsigned value) {
    if (name) return name;
    char text[48];
    std::snprintf(text, sizeof text, unknown_format, value);
    return text;
}

// RFC 7761, 4.9: PIMv2's message types.
const char* pim_type_name(unsigned type) {
    static const char* const names[] = {"Hello",      "Register",          "Register Stop",
                                        "Join / Prune", "Bootstrap",       "Assert",
                                        "Graft",      "Graft Acknowledgement", "Candidate RP Advertisement",
                                        "Prune Refresh", "DF Election",    "ECMP Redirect"};
    return type < std::size(names) ? names[type] : "Unknown Type";
}

const char* ospf_type_name(unsigned type) {
    switch (type) {
    case 1: return "Hello";
    case 2: return "Database Description";
    case 3: return "LS-Request";
    case 4: return "LS-Update";
    case 5: return "LS-Ack";
    default: return nullptr;
    }
}

const char* eigrp_opcode_name(unsigned opcode) {
    switch (opcode) {
    case 1: return "Update";
    case 3: return "Query";
    case 4: return "Reply";
    case 5: return "Hello";
    case 6: return "IPX SAP";
    case 10: return "SIA Query";
    case 11: return "SIA Reply";
    default: return nullptr;
    }
}

// tcpdump's unsigned_relts_print: 0s, 10s, 1m40s, 2h, ...
std::string relative_time(std::uint32_t seconds) {
    if (seconds == 0) return "0s";
    static const std::pair<std::uint32_t, char> units[] = {
        {31536000, 'y'}, {604800, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    std::string s;
    for (auto [size, letter] : units) {
        if (seconds >= size) {
            s += std::to_string(seconds / size) + letter;
            seconds %= size;
        }
    }
    return s;
}

}  // namespace

void Decoder::pim(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (!b.has(0, 1)) return cut("pim");
    unsigned version = b.u8(0) >> 4;
    if (version != 2) return put("PIMv" + std::to_string(version) + ", length " + std::to_string(length));
    unsigned type = b.u8(0) & 0xf;
    if (options_.verbose == 0)
        return put(std::string("PIMv2, ") + pim_type_name(type) + ", length " + std::to_string(length));
    // -v: the type on a line of its own with the checksum's verdict; a
    // Register's covers only its 8-byte header (RFC 7761, 4.9.3), IPv6's
    // the pseudo-header too.
    put("PIMv2, length " + std::to_string(length) + "\n\t" + pim_type_name(type));
    if (!b.has(0, 4)) return cut("pim");
    std::uint32_t covered = type == 1 ? 8 : length;
    if (!options_.verify_checksums || !b.has(0, covered)) return;
    std::uint16_t computed = ends.v6 ? transport_checksum(b, covered, ends, 103)
                                     : std::uint16_t(~ones_fold(ones_sum(b, 0, covered)));
    put(", cksum " + hex(b.be16(2), 4) +
        (computed == 0 ? " (correct)" : " (incorrect -> " + hex(checksum_should_be(b.be16(2), computed), 4) + ")"));
}

// RFC 3768 (VRRPv2) and RFC 5798 (VRRPv3).  The TTL is the IP header's: a
// router sends 255, other values are shown.
void Decoder::vrrp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (!b.has(0, 1)) return cut("vrrp");
    unsigned version = b.u8(0) >> 4, type = b.u8(0) & 0xf;
    put("VRRPv" + std::to_string(version) + ", " + number_or(type == 1 ? "Advertisement" : nullptr, "unknown type (%u)", type));
    if (ends.ttl != 255) put(", (ttl " + std::to_string(ends.ttl) + ")");
    if (version < 2 || version > 3 || type != 1) return;
    if (!b.has(0, 3)) return cut("vrrp");
    put(", vrid " + std::to_string(b.u8(1)) + ", prio " + std::to_string(b.u8(2)));
    if (!b.has(0, 6)) return cut("vrrp");
    unsigned auth = b.u8(4);
    if (version == 2) {
        static const char* const auth_names[] = {"none", "simple", "ah"};
        put(", authtype " + number_or(auth < 3 ? auth_names[auth] : nullptr, "#%u", auth) + ", intvl " +
            std::to_string(b.u8(5)) + "s, length " + std::to_string(length));
    } else {
        put(", intvl " + std::to_string((auth & 0xf) << 8 | b.u8(5)) + "cs, length " + std::to_string(length));
    }
    if (options_.verbose == 0) return;
    if (length < 8) return cut("vrrp");  // shorter than the fixed header
    unsigned count = b.u8(3);
    if (options_.verify_checksums && b.has(0, length)) {
        std::uint16_t computed = version == 3 ? transport_checksum(b, length, ends, 112)
                                              : std::uint16_t(~ones_fold(ones_sum(b, 0, length)));
        if (computed != 0) {
            char text[40];
            std::snprintf(text, sizeof text, ", (bad vrrp cksum %x)", b.be16(6));
            put(text);
        }
    }
    put(count > 1 ? ", addrs(" + std::to_string(count) + "):" : std::string(", addrs:"));
    std::size_t at = 8, size = ends.v6 ? 16 : 4;
    for (unsigned i = 0; i < count; ++i, at += size) {
        if (!b.has(at, size)) return cut("vrrp");
        put((i ? "," : " ") + (ends.v6 ? ipv6_text(b, at) : ipv4_text(b, at)));
    }
    if (version == 2 && auth == 1) {
        if (!b.has(at, 1)) return cut("vrrp");
        std::string text = " auth \"";
        for (std::size_t i = 0; i < 8 && b.u8(at + i) != 0; ++i) {
            if (!b.has(at + i, 1)) return put(text), cut("vrrp");
            print_char(text, b.u8(at + i));
        }
        put(text + "\"");
    }
}

// RFC 2328 A.3.1 and RFC 5340 A.3.1: the common header's version and type.
void Decoder::ospf(Bytes b, std::uint32_t length, bool v6) {
    if (!b.has(0, 2)) return cut("ospf");
    // tcpdump leaves out a cryptographic authentication's trailer (RFC 2328 D.3).
    if (b.u8(0) == 2 && b.has(0, 20) && b.be16(14) == 2 && length >= b.u8(19)) length -= b.u8(19);
    put("OSPFv" + std::to_string(b.u8(0)) + ", " +
        number_or(ospf_type_name(b.u8(1)), v6 ? "unknown packet type (%u)" : "unknown LS-type %u", b.u8(1)) + ", length " + std::to_string(length));
}

// Cisco's EIGRP (RFC 7868): a 20-byte header, version 2.
void Decoder::eigrp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 20)) return cut("eigrp");
    if (b.u8(0) != 2) return put("EIGRP version " + std::to_string(b.u8(0)) + " packet not supported");
    put("EIGRP " + number_or(eigrp_opcode_name(b.u8(1)), "unknown (%u)", b.u8(1)) + ", length: " + std::to_string(length));
}

// RFC 2281: HSRP version 0's 20 bytes.
void Decoder::hsrp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("hsrp");
    unsigned version = b.u8(0);
    put("HSRPv" + std::to_string(version));
    if (version != 0) return;
    if (!b.has(0, 2)) return cut("hsrp");
    unsigned op = b.u8(1);
    static const char* const ops[] = {"hello", "coup", "resign"};
    put("-" + number_or(op < 3 ? ops[op] : nullptr, "unknown (%u)", op) + " " + std::to_string(length) + ": ");
    if (!b.has(0, 3)) return cut("hsrp");
    unsigned state = b.u8(2);
    const char* state_name = state == 0 ? "initial" : state == 1 ? "learn" : state == 2 ? "listen" : state == 4 ? "speak"
                           : state == 8 ? "standby" : state == 16 ? "active" : nullptr;
    put("state=" + number_or(state_name, "Unknown (%u)", state) + " ");
    if (!b.has(0, 7)) return cut("hsrp");
    put("group=" + std::to_string(b.u8(6)) + " ");
    if (!b.has(0, 8)) return cut("hsrp");
    if (b.u8(7) != 0) put("[reserved=" + std::to_string(b.u8(7)) + "!] ");
    if (!b.has(16, 4)) return cut("hsrp");
    put("addr=" + ipv4_text(b, 16));
    if (options_.verbose == 0) return;
    put(" hellotime=" + relative_time(b.u8(3)) + " holdtime=" + relative_time(b.u8(4)) + " priority=" +
        std::to_string(b.u8(5)) + " auth=\"");
    std::string text;
    for (std::size_t i = 8; i < 16 && b.u8(i) != 0; ++i) print_char(text, b.u8(i));
    put(text + "\"");
}

// RFC 5880 (control), 5883 (multihop), 7130 (LAG): the first line, named
// by the destination port as tcpdump does.
void Decoder::bfd(Bytes b, std::uint32_t length, std::uint16_t port) {
    const char* port_name = port == 3784 ? "Control" : port == 3785 ? "Echo" : port == 4784 ? "Multihop"
                          : port == 6784 ? "Lag" : nullptr;
    std::string where = number_or(port_name, "unknown (%u)", port);
    if (!b.has(0, 2)) return cut("bfd");
    unsigned version = b.u8(0) >> 5;
    if (version != 1 || port == 3785 || !port_name)
        return put("BFD, " + where + ", length: " + std::to_string(length));
    static const char* const states[] = {"AdminDown", "Down", "Init", "Up"};
    static const std::pair<unsigned, const char*> flag_names[] = {
        {0x20, "Poll"}, {0x10, "Final"}, {0x08, "Control Plane Independent"},
        {0x04, "Authentication Present"}, {0x02, "Demand"}, {0x01, "Multipoint"}};
    unsigned flags = b.u8(1);
    std::string flag_text;
    for (auto [bit, name] : flag_names)
        if (flags & bit) flag_text += (flag_text.empty() ? "" : ", ") + std::string(name);
    put("BFDv1, " + where + ", State " + states[flags >> 6] + ", Flags: [" + (flag_text.empty() ? "none" : flag_text) +
        "], length: " + std::to_string(length));
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// Broadcom's lawful-intercept shim on UDP 49152: one 32-bit word, the
// direction (3 bits), packet type (4), subtype (3) and the intercept's id.
void Decoder::bcm_li(Bytes b) {
    if (!b.has(0, 4)) return cut("bcm_li");
    std::uint32_t shim = b.be32(0);
    unsigned direction = shim >> 29, type = (shim >> 25) & 0xf, subtype = (shim >> 22) & 0x7;
    static const char* const directions[] = {"unknown", "unused", "egress", "ingress"};
    const char* type_name = type == 4 ? "undecided" : type == 5 ? "ipv4" : type == 6 ? "ipv6" : type == 7 ? "ethernet" : "unknown";
    const char* subtype_name = subtype == 1 ? "single VLAN tag" : subtype == 2 ? "double VLAN tag" : subtype == 3 ? "untagged" : "unknown";
    put(std::string("BCM-LI-SHIM: direction ") + (direction < 4 ? directions[direction] : "unknown") + ", pkt-type " +
        type_name + ", pkt-subtype " + subtype_name + ", li-id " + std::to_string(shim & 0x3fffff));
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// IGMP (RFC 1112, 2236, 3376): the message and its group, as tcpdump's
// igmp_print without -v.  DVMRP and PIMv1 (also IGMP types) are named only.
void Decoder::igmp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1)) return cut("igmp");
    unsigned type = b.u8(0);
    auto group = [&] { return b.has(4, 4) ? ipv4_text(b, 4) : std::string(); };
    switch (type) {
    case 0x11: {
        put("igmp query");
        if (!b.has(0, 8)) return cut("igmp");
        unsigned code = b.u8(1);
        bool has_group = b.be32(4) != 0;
        if (length == 8) {
            put(code == 0 ? " v1" : " v2");
            if (code != 0 && code != 100) put(" [max resp time " + std::to_string(code) + "]");  // 100: the default
            if (has_group) put(" [gaddr " + group() + "]");
        } else if (length >= 12) {
            put(" v3");
            std::uint32_t time = code < 128 ? code : ((code & 0x0f) | 0x10) << (((code & 0x70) >> 4) + 3);
            if (code != 100) {
                char text[32];
                if (time < 600) std::snprintf(text, sizeof text, "%.1fs", time * 0.1);
                put(" [max resp time " + (time < 600 ? std::string(text) : relative_time(time / 10)) + "]");
            }
            if (!b.has(0, 12)) return cut("igmp");
            unsigned sources = b.be16(10);
            if (has_group || sources) {
                put(" [gaddr " + group());
                if (sources) put(" {" + std::to_string(sources) + " source(s)}");
                put("]");
            }
        } else {
            put(" [invalid len " + std::to_string(length) + "]");
        }
        return;
    }
    case 0x12:
        if (!b.has(4, 4)) return put("igmp v1 report"), cut("igmp");
        return put("igmp v1 report " + group());
    case 0x16:
        if (!b.has(4, 4)) return put("igmp v2 report"), cut("igmp");
        return put("igmp v2 report " + group());
    case 0x17:
        if (!b.has(4, 4)) return put("igmp leave"), cut("igmp");
        return put("igmp leave " + group());
    case 0x22:
        if (length < 16 || length % 4) return put("igmp v3 report [invalid len " + std::to_string(length) + "]");
        if (!b.has(6, 2)) return put("igmp v3 report"), cut("igmp");
        return put("igmp v3 report, " + std::to_string(b.be16(6)) + " group record(s)");
    default: {
        char text[32];
        std::snprintf(text, sizeof text, "igmp-%u", type);
        return put(text);
    }
    }
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// RIP (RFC 2453) on UDP 520: version, command and length.
void Decoder::rip(Bytes b, std::uint32_t length) {
    if (!b.has(0, 4)) return put(" [|rip]");
    unsigned command = b.u8(0);
    static const char* const commands[] = {nullptr, "Request", "Response", "Trace on", "Trace off", "Poll", "Poll Entry"};
    const char* name = command < std::size(commands) ? commands[command] : nullptr;
    put("RIPv" + std::to_string(b.u8(1)) + ", " +
        (name ? std::string(name) : "unknown command (" + std::to_string(command) + ")") + ", length: " +
        std::to_string(length));
}

// AHCP (draft-chroboczek-ahcp) on UDP 5359: magic 43 and the version.
void Decoder::ahcp(Bytes b, std::uint32_t length) {
    put("AHCP");
    if (length < 2) return put(" (invalid)");
    if (!b.has(0, 2)) return cut("ahcp");
    if (b.u8(0) != 43) return put(" (invalid)");
    if (b.u8(1) != 1) return put(" unknown-version (" + std::to_string(b.u8(1)) + ")");
    put(" Version 1");
    if (length < 24) return put(" (invalid)");
    if (!b.has(0, 24)) return cut("ahcp");
}

// PGM (RFC 3208), IP protocol 113: tcpdump prints the addresses again
// with the ports, then the transport data unit's length.
void Decoder::pgm(Bytes b, const Endpoints& ends) {
    if (!b.has(0, 4)) return put(ends.src + " > " + ends.dst + ":"), cut("pgm");
    put(ends.src + "." + std::to_string(b.be16(0)) + " > " + ends.dst + "." + std::to_string(b.be16(2)) + ": ");
    if (!b.has(0, 16)) return cut("pgm");
    put("PGM, length " + std::to_string(b.be16(14)));
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// RSVP (RFC 2205, 3209), IP protocol 46: the message type, as tcpdump
// without -v.
void Decoder::rsvp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 8)) return cut("rsvp");
    unsigned version = b.u8(0) >> 4, type = b.u8(1);
    if (version != 1) return put("ERROR: RSVP version " + std::to_string(version) + " packet not supported");
    static const char* const types[] = {nullptr, "Path", "Resv", "PathErr", "ResvErr", "PathTear", "ResvTear", "ResvConf"};
    const char* name = type < std::size(types) ? types[type] : type == 20 ? "Hello" : nullptr;
    put("RSVPv1 " + (name ? std::string(name) : "unknown (" + std::to_string(type) + ")") + " Message, length: " +
        std::to_string(length));
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// IPv6 mobility header (RFC 6275), next header 135: the message and its
// main fields, as tcpdump without -v (the options are not shown).
void Decoder::mobility(Bytes b) {
    if (!b.has(0, 3)) return cut("mobility");
    std::uint32_t size = (b.u8(1) + 1u) * 8;
    unsigned type = b.u8(2);
    static const char* const names[] = {"BRR", "HoTI", "CoTI", "HoT", "CoT", "BU", "BA", "BE"};
    static const std::uint32_t minimum[] = {8, 16, 16, 24, 24, 12, 12, 24};
    if (type < std::size(names) && size < minimum[type])
        return put("(header length " + std::to_string(size) + " is too small for type " + std::to_string(type) + ")"),
               cut("mobility");
    put("mobility: " + (type < std::size(names) ? std::string(names[type]) : "type-#" + std::to_string(type)));
    char text[32];
    switch (type) {
    case 0:
    case 1:
    case 2: return;
    case 3:
    case 4:
        if (!b.has(6, 2)) return cut("mobility");
        std::snprintf(text, sizeof text, " nonce id=0x%x", b.be16(6));
        return put(text);
    case 5: {
        if (!b.has(6, 2)) return cut("mobility");
        put(" seq#=" + std::to_string(b.be16(6)));
        if (!b.has(8, 1)) return cut("mobility");
        unsigned flags = b.u8(8);
        if (flags & 0xf0)
            put(std::string(" ") + (flags & 0x80 ? "A" : "") + (flags & 0x40 ? "H" : "") + (flags & 0x20 ? "L" : "") +
                (flags & 0x10 ? "K" : ""));
        if (!b.has(10, 2)) return cut("mobility");
        return put(" lifetime=" + std::to_string(b.be16(10) << 2));
    }
    case 6:
        if (!b.has(6, 1)) return cut("mobility");
        put(" status=" + std::to_string(b.u8(6)));
        if (!b.has(7, 1)) return cut("mobility");
        if (b.u8(7) & 0x80) put(" K");
        if (!b.has(8, 2)) return cut("mobility");
        put(" seq#=" + std::to_string(b.be16(8)));
        if (!b.has(10, 2)) return cut("mobility");
        return put(" lifetime=" + std::to_string(b.be16(10) << 2));
    case 7:
        if (!b.has(6, 1)) return cut("mobility");
        put(" status=" + std::to_string(b.u8(6)));
        if (!b.has(8, 16)) return cut("mobility");
        return put(" homeaddr " + ipv6_text(b, 8));
    default: return put(" len=" + std::to_string(b.u8(1)));
    }
}

}  // namespace fcap::capture::detail
