// ARP, RARP and InARP (RFC 826, RFC 903, RFC 2390) in tcpdump's words
// (print-arp.c): the operation and addresses when the protocol is IPv4,
// otherwise the hardware and protocol types with their lengths.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

const char* hardware_name(std::uint16_t type) {
    switch (type) {
    case 1: return "Ethernet";
    case 6: return "TokenRing";
    case 7: return "ArcNet";
    case 15: return "FrameRelay";
    case 19: return "ATM";
    case 23: return "Strip";
    case 24: return "IEEE 1394";
    case 32: return "InfiniBand";
    default: return nullptr;
    }
}

const char* operation_name(std::uint16_t op) {
    switch (op) {
    case 1: return "Request";
    case 2: return "Reply";
    case 3: return "Reverse Request";
    case 4: return "Reverse Reply";
    case 8: return "Inverse Request";
    case 9: return "Inverse Reply";
    case 10: return "NACK Reply";
    default: return nullptr;
    }
}

// A hardware address of any length: a MAC as usual, other lengths as
// colon-separated bytes (tcpdump's linkaddr_string).
std::string link_address(Bytes b, std::size_t at, std::size_t length) {
    if (length == 6) return mac_text(b, at);
    if (length == 0) return "<empty>";
    std::string s;
    for (std::size_t i = 0; i < length; ++i) {
        if (i) s += ':';
        s += hex(b.u8(at + i), 2).substr(2);
    }
    return s;
}

// A Q.922 address (ITU-T Q.922, 2 to 4 bytes, EA bit ending it): "DLCI n",
// as tcpdump's q922_string.
std::string dlci_text(Bytes b, std::size_t at, std::size_t length) {
    const std::string invalid = "<Invalid DLCI>";
    if (length < 1 || (b.u8(at) & 1)) return invalid;
    if (length < 2) return invalid;
    unsigned dlci = ((b.u8(at) & 0xfc) << 2) | ((b.u8(at + 1) & 0xf0) >> 4);
    if (b.u8(at + 1) & 1) return "DLCI " + std::to_string(dlci);
    std::size_t p = at + 2, left = length - 2;
    if (left < 1) return invalid;
    if ((b.u8(p) & 1) == 0) {
        dlci = (dlci << 7) | (b.u8(p) >> 1);
        ++p, --left;
    }
    if (left < 1 || (b.u8(p) & 1) == 0) return invalid;
    dlci = (dlci << 6) | (b.u8(p) >> 2);
    return "DLCI " + std::to_string(dlci);
}

}  // namespace

// RFC 2225: ATM numbers and subaddresses in place of the hardware
// addresses, each with its own length byte.
void Decoder::atm_arp(Bytes b, std::uint32_t length) {
    if (!b.has(0, 12)) return cut("arp");
    std::uint16_t ptype = b.be16(2), op = b.be16(6);
    std::size_t shl = b.u8(4) & 0x3f, ssl = b.u8(5) & 0x3f, spl = b.u8(8), thl = b.u8(9) & 0x3f,
                tsl = b.u8(10) & 0x3f, tpl = b.u8(11);
    std::size_t sha = 12, ssa = sha + shl, spa = ssa + ssl, tha = spa + spl, tsa = tha + thl, tpa = tsa + tsl;
    if (!b.has(tpa, tpl)) return cut("arp");
    if (!options_.link_header) put("ARP, ");
    bool ip = ptype == 0x0800 || ptype == 0x1000;
    if (!ip || spl != 4 || tpl != 4 || options_.verbose > 0) {
        const char* pname = ethertype_name(ptype);
        put("ATM, " + (pname ? std::string(pname) : "Unknown Protocol (" + hex(ptype, 4) + ")") + " (len " +
            std::to_string(spl) + "/" + std::to_string(tpl) + ")");
        if (options_.verbose == 0) return put(", length " + std::to_string(length));
        put(", ");
    }
    auto atm_address = [&](std::size_t at, std::size_t len, std::size_t sub, std::size_t sublen) {
        if (len == 0) return std::string("<No address>");
        std::string s = link_address(b, at, len);
        return sublen ? s + "," + link_address(b, sub, sublen) : s;
    };
    auto target = ip && tpl == 4 ? ipv4_text(b, tpa) : ip ? std::string("<wrong tplen>") : "<wrong proto type>";
    auto sender = ip && spl == 4 ? ipv4_text(b, spa) : ip ? std::string("<wrong splen>") : "<wrong proto type>";
    const char* name = operation_name(op);
    put((name ? std::string(name) : "Unknown (" + std::to_string(op) + ")") + " ");
    switch (op) {
    case 1:
        put("who-has " + target + (thl ? " (" + atm_address(tha, thl, tsa, tsl) + ")" : "") + " tell " + sender);
        break;
    case 2: put(sender + " is-at " + atm_address(sha, shl, ssa, ssl)); break;
    case 8: put("who-is " + atm_address(tha, thl, tsa, tsl) + " tell " + atm_address(sha, shl, ssa, ssl)); break;
    case 9: put(atm_address(sha, shl, ssa, ssl) + "at " + sender); break;  // sic: no space, as tcpdump
    case 10: put("for " + sender); break;
    default: return raw_dump(b);
    }
    put(", length " + std::to_string(length));
}

// `length` is what the link layer carries after its header, padding
// included: tcpdump prints it, not the ARP message's own size.
void Decoder::arp(Bytes b, std::uint32_t length) {
    // tcpdump checks the whole message, up to the target protocol address,
    // before printing anything.
    if (!b.has(0, 8)) return cut("arp");
    std::uint16_t htype = b.be16(0), ptype = b.be16(2), op = b.be16(6);
    std::size_t hlen = b.u8(4), plen = b.u8(5);
    if (htype == 19) return atm_arp(b, length);
    std::size_t sha = 8, spa = sha + hlen, tha = spa + plen, tpa = tha + hlen;
    if (!b.has(tpa, plen)) return cut("arp");
    if (!options_.link_header) put("ARP, ");  // with -e the EtherType said it
    bool ipv4 = (ptype == 0x0800 || ptype == 0x1000) && plen == 4;
    if (!ipv4 || hlen == 0 || options_.verbose > 0) {
        const char* hname = hardware_name(htype);
        const char* pname = ethertype_name(ptype);
        put((hname ? std::string(hname) : "Unknown Hardware (" + std::to_string(htype) + ")") + " (len " +
            std::to_string(hlen) + "), " + (pname ? std::string(pname) : "Unknown Protocol (" + hex(ptype, 4) + ")") +
            " (len " + std::to_string(plen) + ")");
        if (options_.verbose == 0) return put(", length " + std::to_string(length));
        put(", ");
    }
    // Frame relay's hardware addresses are Q.922 DLCIs.
    auto hardware = [&](std::size_t at) { return htype == 15 ? dlci_text(b, at, hlen) : link_address(b, at, hlen); };
    auto protocol_address = [&](std::size_t at) {
        if (ptype != 0x0800 && ptype != 0x1000) return std::string("<wrong proto type>");
        if (plen != 4) return std::string("<wrong len>");
        return ipv4_text(b, at);
    };
    const char* name = operation_name(op);
    put((name ? std::string(name) : "Unknown (" + std::to_string(op) + ")") + " ");
    switch (op) {
    case 1: {
        put("who-has " + protocol_address(tpa));
        bool zero = true;
        for (std::size_t i = 0; i < hlen; ++i) zero = zero && b.u8(tha + i) == 0;
        if (!zero) put(" (" + hardware(tha) + ")");
        put(" tell " + protocol_address(spa));
        break;
    }
    case 2: put(protocol_address(spa) + " is-at " + hardware(sha)); break;
    case 3:
    case 8: put("who-is " + hardware(tha) + " tell " + hardware(sha)); break;
    case 4: put(hardware(tha) + " at " + protocol_address(tpa)); break;
    case 9: put(hardware(sha) + " at " + protocol_address(spa)); break;
    default:
        // tcpdump dumps what it cannot name, whatever -x says.
        return raw_dump(b);
    }
    put(", length " + std::to_string(length));
}

}  // namespace fcap::capture::detail
