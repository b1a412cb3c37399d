// IEEE 802.2 LLC, SNAP and the spanning tree BPDUs they carry, in the
// words of tcpdump 4.99 (print-llc.c, print-stp.c) as its output shows.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

std::string u(std::uint32_t v) { return std::to_string(v); }

const char* sap_name(std::uint8_t sap) {
    switch (sap) {
    case 0x00: return "Null";
    case 0x02: return "802.1B I";
    case 0x03: return "802.1B G";
    case 0x04: return "SNA";
    case 0x06: return "IP";
    case 0x0e: return "ProWay NM";
    case 0x42: return "STP";
    case 0x4e: return "RS511";
    case 0x7e: return "ISO8208";
    case 0x8e: return "ProWay";
    case 0xaa: return "SNAP";
    case 0xe0: return "IPX";
    case 0xf0: return "NetBeui";
    case 0xfe: return "OSI";
    case 0xff: return "Global";
    default: return nullptr;
    }
}

const char* oui_name(std::uint32_t oui) {
    switch (oui) {
    case 0x000000: return "Ethernet";
    case 0x00000c: return "Cisco";
    case 0x0000f8: return "Cisco bridged";
    case 0x0080c2: return "Ethernet bridged";
    case 0x080007: return "Appletalk";
    default: return "Unknown";
    }
}

const char* cisco_pid_name(std::uint16_t pid) {
    switch (pid) {
    case 0x2000: return "CDP";
    case 0x2003: return "VTP";
    case 0x2004: return "DTP";
    case 0x010b: return "PVST";
    case 0x0111: return "UDLD";
    default: return "Unknown";
    }
}

// The command of an unnumbered frame, without its poll/final bit.
std::string unnumbered_command(std::uint8_t control) {
    switch (control & 0xef) {
    case 0x03: return "ui";
    case 0x0f: return "dm";
    case 0x43: return "disc";
    case 0x63: return "ua";
    case 0x6f: return "sabme";
    case 0x87: return "frmr";
    case 0xaf: return "xid";
    case 0xe3: return "test";
    default: {
        char s[4];
        std::snprintf(s, sizeof s, "%02x", control & 0xef);
        return s;
    }
    }
}

const char* command_flags(bool response, bool poll) {
    return response ? (poll ? "Final" : "Response") : (poll ? "Poll" : "Command");
}

std::string bridge_id(Bytes b, std::size_t at) {
    char s[8];
    std::snprintf(s, sizeof s, "%04x.", b.be16(at));
    return s + mac_text(b, at + 2);
}

std::string seconds(std::uint16_t v) {  // STP timers count 1/256 s
    char s[24];
    std::snprintf(s, sizeof s, "%.2fs", v / 256.0);
    return s;
}

}  // namespace

void Decoder::llc(Bytes b, std::uint32_t length) {
    if (!b.has(0, 3)) return cut("llc");
    std::uint8_t dsap_field = b.u8(0), ssap_field = b.u8(1);
    std::uint16_t control = b.u8(2);
    bool unnumbered = (control & 3) == 3;
    if (!unnumbered) {
        if (!b.has(0, 4)) return cut("llc");
        control = std::uint16_t(b.u8(2) | b.u8(3) << 8);  // I and S frames: little-endian
    }
    std::size_t header = unnumbered ? 3 : 4;
    if (dsap_field == 0xff && ssap_field == 0xff) {  // Novell's raw 802.3: IPX with no LLC header
        if (options_.link_header) put("IPX 802.3: ");
        return ipx(b, length);
    }
    std::uint8_t dsap = dsap_field & 0xfe, ssap = ssap_field & 0xfe;
    if (options_.link_header) {
        auto sap = [](std::uint8_t v) { const char* n = sap_name(v); return std::string(n ? n : "Unknown"); };
        put("LLC, dsap " + sap(dsap) + " (" + hex(dsap, 2) + ") " + (dsap_field & 1 ? "Group" : "Individual") +
            ", ssap " + sap(ssap) + " (" + hex(ssap, 2) + ") " + (ssap_field & 1 ? "Response" : "Command") +
            ", ctrl " + hex(control, unnumbered ? 2 : 4) + ": ");
    }
    // tcpdump counts the LLC header (and a SNAP header) as link layer: -x
    // starts after it.
    link_length_ += header;
    Bytes payload = b.from(header);
    std::uint32_t rest = length > header ? length - std::uint32_t(header) : 0;
    bool ui = control == 0x03;
    if (dsap == 0xaa && ssap == 0xaa && ui && snap(payload, rest)) return;
    if (dsap == 0x42 && ssap == 0x42 && ui) return stp(payload, rest);
    if (dsap == 0x06 && ssap == 0x06 && ui) return ipv4(payload, rest);
    if (dsap == 0xe0 && ssap == 0xe0 && ui) {
        if (options_.link_header) put("IPX 802.2: ");
        return ipx(payload, rest);
    }
    if (dsap == 0xfe && ssap == 0xfe && ui && osi(payload, rest)) return;
    if (!options_.link_header) {
        auto sap = [](std::uint8_t v, const char* side) {
            const char* n = sap_name(v);
            return n ? std::string(n) : std::string("Unknown ") + side + " " + hex(v, 2);
        };
        std::string src, dst;
        if (!macsec_addresses_.empty()) {
            std::size_t gt = macsec_addresses_.find(" > ");
            src = macsec_addresses_.substr(0, gt) + " ";
            dst = macsec_addresses_.substr(gt + 3) + " ";
        }
        if (ssap == dsap) put(src.empty() ? sap(dsap, "DSAP") + " " : src + "> " + dst + sap(dsap, "DSAP") + " ");
        else put(src + sap(ssap, "SSAP") + " > " + dst + sap(dsap, "DSAP") + " ");
    }
    bool response = ssap_field & 1;
    if (unnumbered) {
        put("Unnumbered, " + unnumbered_command(std::uint8_t(control)) + ", Flags [" +
            command_flags(response, control & 0x10) + "], length " + u(length));
    } else {
        const char* flags = command_flags(response, control & 0x100);
        if ((control & 3) == 1) {
            static const char* const kinds[] = {"Receiver Ready", "Receiver not Ready", "Reject", "Unknown"};
            // A supervisory frame carries no data: tcpdump dumps nothing.
            return put(std::string("Supervisory, ") + kinds[(control >> 2) & 3] + ", rcv seq " +
                       u(control >> 9) + ", Flags [" + flags + "], length " + u(length));
        } else {
            put("Information, send seq " + u((control >> 1) & 0x7f) + ", rcv seq " + u(control >> 9) + ", Flags [" +
                flags + "], length " + u(length));
        }
    }
    // No printer for what it carries: tcpdump dumps the frame from the
    // LLC header on.
    if (!options_.suppress_default_print) raw_dump(b);
}

// The SNAP header: an OUI and a protocol.  False when tcpdump has no
// printer for it; the caller then names the LLC frame itself.
bool Decoder::snap(Bytes b, std::uint32_t length) {
    if (!b.has(0, 5)) return cut("snap"), true;
    std::uint32_t oui = b.be32(0) >> 8;
    std::uint16_t pid = b.be16(3);
    bool ether = oui == 0 || oui == 0xf8;
    Bytes payload = b.from(5);
    std::uint32_t rest = length > 5 ? length - 5 : 0;
    std::string pid_name = oui == 0 ? ethertype_text(pid).substr(10) : oui == 0x0c ? std::string(cisco_pid_name(pid)) + " (" + hex(pid, 4) + ")" : "Unknown (" + hex(pid, 4) + ")";
    std::string header = std::string("oui ") + oui_name(oui) + " (" + hex(oui, 6) + "), " +
                         (oui == 0 ? "ethertype " : "pid ") + pid_name + ", length " + u(rest) + ": ";
    bool known = (ether && ethertype_known(pid)) || (oui == 0x0c && (pid == 0x010b || pid == 0x2004 || pid == 0x0111 || pid == 0x2000));
    if (!known) {
        if (options_.link_header) {
            put(header);
        } else {
            if (!macsec_addresses_.empty()) put(macsec_addresses_ + " ");
            if (oui == 0) put("SNAP, ethertype " + pid_name + ", length " + u(rest) + ": ");
            else put("SNAP, " + header);
        }
        // tcpdump dumps the frame from the LLC header on.
        if (!options_.suppress_default_print) raw_dump(Bytes(b.data() - 3, b.size() + 3));
        return true;
    }
    link_length_ += 5;
    if (options_.link_header) put(header);
    if (oui == 0x0c && pid == 0x2004) {  // Cisco's Dynamic Trunking Protocol: its version
        if (!payload.has(0, 1)) return cut("dtp"), true;
        return put("DTPv" + u(payload.u8(0)) + ", length " + u(rest)), true;
    }
    if (oui == 0x0c && pid == 0x0111) return udld(payload, rest), true;
    if (oui == 0x0c && pid == 0x2000) return cdp(payload, rest), true;
    if (oui == 0x0c) return stp(payload, rest), true;  // Cisco PVST+
    ethertype_payload(pid, payload, rest);
    return true;
}

// IEEE 802.1D/802.1Q BPDUs: configuration, topology change, rapid and
// multiple spanning tree.
void Decoder::stp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 4)) return put("STP"), truncated("stp");
    std::uint8_t version = b.u8(2), type = b.u8(3);
    const char* vname = version == 0 ? "802.1d" : version == 2 ? "802.1w" : version == 3 ? "802.1s"
                      : version == 4 ? "802.1aq" : nullptr;
    put(std::string("STP ") + (vname ? vname : "Unknown STP protocol (" + hex(version, 2) + ")"));
    const char* tname = type == 0 ? "Config" : type == 2 ? "Rapid STP" : type == 0x80 ? "Topology Change" : nullptr;
    put(std::string(", ") + (tname ? tname : "Unknown BPDU Type (" + hex(type, 2) + ")"));
    if (type == 0x80) return;
    if (type != 0 && type != 2) return;
    std::size_t need = type == 0 ? 35 : version >= 3 ? 102 : 36;
    if (length < need) return put(" (invalid)");
    if (!b.has(0, 5)) return truncated("stp");
    std::uint8_t flags = b.u8(4);
    std::string names;
    for (auto [bit, name] : {std::pair{0x01, "Topology change"}, {0x02, "Proposal"}, {0x10, "Learn"}, {0x20, "Forward"},
                             {0x40, "Agreement"}, {0x80, "Topology change ACK"}})
        if (flags & bit) names += (names.empty() ? "" : ", ") + std::string(name);
    if (names.empty()) names = "none";
    if (version >= 3) {
        put(", CIST Flags [" + names + "]");
        return put(", length " + u(length));
    }
    put(", Flags [" + names + "]");
    if (!b.has(0, 35)) return truncated("stp");
    char port[8];
    std::snprintf(port, sizeof port, ".%04x", b.be16(25));
    put(", bridge-id " + bridge_id(b, 17) + port + ", length " + u(length));
    if (!options_.verbose) return;
    put("\n\tmessage-age " + seconds(b.be16(27)) + ", max-age " + seconds(b.be16(29)) + ", hello-time " +
        seconds(b.be16(31)) + ", forwarding-delay " + seconds(b.be16(33)));
    put("\n\troot-id " + bridge_id(b, 5) + ", root-pathcost " + u(b.be32(13)));
    if (type == 2) {
        static const char* const roles[] = {"Unknown", "Alternate", "Root", "Designated"};
        put(std::string(", port-role ") + roles[(flags >> 2) & 3]);
    }
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

namespace {

// An IS-IS system ID (6 bytes), with a pseudonode byte and an LSP number
// when `extra` says so.
std::string system_id(Bytes b, std::size_t at, int extra) {
    char s[32];
    std::snprintf(s, sizeof s, "%02x%02x.%02x%02x.%02x%02x", b.u8(at), b.u8(at + 1), b.u8(at + 2), b.u8(at + 3),
                  b.u8(at + 4), b.u8(at + 5));
    std::string text = s;
    if (extra >= 1) std::snprintf(s, sizeof s, ".%02x", b.u8(at + 6)), text += s;
    if (extra >= 2) std::snprintf(s, sizeof s, "-%02x", b.u8(at + 7)), text += s;
    return text;
}

}  // namespace

// Novell IPX: the addresses, and the socket's name or number.
void Decoder::ipx(Bytes b, std::uint32_t length) {
    if (!options_.link_header) put("IPX ");
    if (!b.has(0, 30)) return cut("ipx");
    auto address = [&](std::size_t at) {
        char s[16];
        std::snprintf(s, sizeof s, "%08x.", b.be32(at));
        char port[8];
        std::snprintf(port, sizeof port, ".%04x", b.be16(at + 10));
        return s + mac_text(b, at + 4) + port;
    };
    put(address(18) + " > " + address(6) + ": ");
    std::uint16_t size = b.be16(2);
    if (size < 30) return put("[length " + u(size) + " < 30] (invalid)");
    std::uint16_t socket = b.be16(16);
    std::uint32_t rest = size - 30u;
    char other[16];
    std::snprintf(other, sizeof other, "ipx-#%x", socket);
    if (socket == 0x0455) return put("ipx-netbios " + u(rest));
    put(std::string(other) + " " + u(rest));
    (void)length;
}

// ISO network layer protocols behind the OSI SAP (or GRE's 0x00fe): IS-IS
// (ISO 10589) gets tcpdump's one-line summary; the rest is dumped.
bool Decoder::osi(Bytes b, std::uint32_t length) {
    if (!b.has(0, 1) || b.u8(0) != 0x83) return false;
    if (options_.link_header) put("OSI NLPID IS-IS (0x83): ");
    else put("IS-IS, ");
    if (!b.has(0, 8)) return cut("isis"), true;
    unsigned type = b.u8(4) & 0x1f;
    const char* name = nullptr;
    switch (type) {
    case 15: name = "L1 Lan IIH"; break;
    case 16: name = "L2 Lan IIH"; break;
    case 17: name = "p2p IIH"; break;
    case 18: name = "L1 LSP"; break;
    case 20: name = "L2 LSP"; break;
    case 24: name = "L1 CSNP"; break;
    case 25: name = "L2 CSNP"; break;
    case 26: name = "L1 PSNP"; break;
    case 27: name = "L2 PSNP"; break;
    default: return put("unknown PDU type " + u(type) + ", length " + u(length)), true;
    }
    put(name);
    std::string len = ", length " + u(length);
    switch (type) {
    case 15: case 16:
        if (!b.has(8, 19)) return cut("isis"), true;
        return put(", src-id " + system_id(b, 9, 0) + ", lan-id " + system_id(b, 20, 1) + ", prio " +
                   u(b.u8(19) & 0x7f) + len),
               true;
    case 17:
        if (!b.has(8, 7)) return cut("isis"), true;
        return put(", src-id " + system_id(b, 9, 0) + len), true;
    case 18: case 20: {
        if (!b.has(8, 19)) return cut("isis"), true;
        char rest[48];
        std::snprintf(rest, sizeof rest, ", seq 0x%08x, lifetime %5us", b.be32(20), unsigned(b.be16(10)));
        return put(", lsp-id " + system_id(b, 12, 2) + rest + len), true;
    }
    default:  // CSNP, PSNP
        if (!b.has(8, 9)) return cut("isis"), true;
        return put(", src-id " + system_id(b, 10, 1) + len), true;
    }
}

}  // namespace fcap::capture::detail
