// ICMP in tcpdump's words (print-icmp.c): the quoted packet of an error
// names the destination, and with -v is printed whole.
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

// tcpdump's icmp_tstamp_print: milliseconds since midnight as HH:MM:SS.mmm.
std::string milliseconds_text(std::uint32_t t) {
    char s[32];
    std::uint32_t ms = t % 1000, sec = t / 1000, min = sec / 60, hrs = min / 60;
    std::snprintf(s, sizeof s, "%02u:%02u:%02u.%03u", hrs, min % 60, sec % 60, ms);
    return s;
}

std::string lifetime_text(std::uint16_t t) {
    char s[32];
    if (t < 60) std::snprintf(s, sizeof s, "%u", t);
    else if (t < 3600) std::snprintf(s, sizeof s, "%u:%02u", t / 60, t % 60);
    else std::snprintf(s, sizeof s, "%u:%02u:%02u", t / 3600, t % 3600 / 60, t % 60);
    return s;
}

}  // namespace

void Decoder::icmp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    if (!b.has(0, 2)) return cut("icmp");  // type and code: all some messages need
    std::uint8_t type = b.u8(0), code = b.u8(1);
    // Past the capture tcpdump prints only " [|icmp]": the name comes last.
    std::string s = "ICMP ";
    Bytes inner = b.from(8);
    std::string dst = ipv4_text(inner, 16);
    switch (type) {
    case 0:
    case 8:
        if (!b.has(0, 8)) return cut("icmp");
        s += std::string(type == 8 ? "echo request" : "echo reply") + ", id " + std::to_string(b.be16(4)) + ", seq " +
             std::to_string(b.be16(6));
        break;
    case 3: {
        // The quoted header's destination is all tcpdump needs (and its
        // protocol, and for a port its transport header's second word).
        if (!inner.has(16, 4)) return cut("icmp");
        std::size_t th = (inner.u8(0) & 0xf) * 4u;
        static const char* const forms[] = {
            "net %s unreachable", "host %s unreachable", nullptr, nullptr, nullptr,
            "%s unreachable - source route failed", "net %s unreachable - unknown", "host %s unreachable - unknown",
            "%s unreachable - source host isolated", "net %s unreachable - admin prohibited",
            "host %s unreachable - admin prohibited", "net %s unreachable - tos prohibited",
            "host %s unreachable - tos prohibited", "host %s unreachable - admin prohibited filter",
            "host %s unreachable - host precedence violation", "host %s unreachable - precedence cutoff"};
        char text[160];
        std::uint8_t proto = inner.u8(9);
        if (code == 2) {
            s += dst + " protocol " + std::to_string(proto) + " unreachable";
        } else if (code == 3) {
            if (!inner.has(th, 4)) return cut("icmp");
            const char* name = proto == 6 ? "tcp" : proto == 17 ? "udp" : nullptr;
            s += name ? dst + " " + name + " port " + std::to_string(inner.be16(th + 2)) + " unreachable"
                      : dst + " protocol " + std::to_string(proto) + " port " + std::to_string(inner.be16(th + 2)) +
                            " unreachable";
        } else if (code == 4) {
            std::uint16_t mtu = b.be16(6);
            s += dst + " unreachable - need to frag" + (mtu ? " (mtu " + std::to_string(mtu) + ")" : "");
        } else if (code < 16) {
            std::snprintf(text, sizeof text, forms[code], dst.c_str());
            s += text;
        } else {
            s += dst + " unreachable - #" + std::to_string(code);
        }
        break;
    }
    case 4: s += "source quench"; break;
    case 5: {
        if (!inner.has(16, 4)) return cut("icmp");
        static const char* const forms[] = {"redirect %s to net %s", "redirect %s to host %s",
                                            "redirect-tos %s to net %s", "redirect-tos %s to host %s"};
        char text[160];
        std::string gateway = ipv4_text(b, 4);
        if (code < 4) std::snprintf(text, sizeof text, forms[code], dst.c_str(), gateway.c_str());
        else std::snprintf(text, sizeof text, "redirect-#%u %s to %s", code, dst.c_str(), gateway.c_str());
        s += text;
        break;
    }
    case 9: {
        if (!b.has(0, 8)) return cut("icmp");
        unsigned count = b.u8(4), size = b.u8(5);
        s += "router advertisement lifetime " + lifetime_text(b.be16(6)) + " " + std::to_string(count) + ":";
        if (size != 2) {
            s += " [size " + std::to_string(size) + "]";
            break;
        }
        for (unsigned i = 0; i < count; ++i) {
            if (!b.has(8 + 8 * i, 8)) return cut("icmp");
            s += " {" + ipv4_text(b, 8 + 8 * i) + " " + std::to_string(b.be32(12 + 8 * i)) + "}";
        }
        break;
    }
    case 10: s += "router solicitation"; break;
    case 11:
        if (!inner.has(16, 4)) return cut("icmp");  // tcpdump reads the quoted destination
        s += code == 0 ? "time exceeded in-transit" : code == 1 ? "ip reassembly time exceeded"
                                                                : "time exceeded-#" + std::to_string(code);
        break;
    case 12:
        s += code == 0 ? "parameter problem - octet " + std::to_string(b.u8(4))
                       : "parameter problem - code " + std::to_string(code);
        break;
    case 13:
    case 14:
        if (!b.has(0, 8)) return cut("icmp");
        s += std::string(type == 13 ? "time stamp query" : "time stamp reply") + " id " + std::to_string(b.be16(4)) +
             " seq " + std::to_string(b.be16(6));
        if (type == 14) {
            if (!b.has(8, 12)) return cut("icmp");
            s += ": org " + milliseconds_text(b.be32(8)) + ", recv " + milliseconds_text(b.be32(12)) + ", xmit " +
                 milliseconds_text(b.be32(16));
        }
        break;
    case 15: s += "information request"; break;
    case 16: s += "information reply"; break;
    case 17: s += "address mask request"; break;
    case 18: {
        if (!b.has(8, 4)) return cut("icmp");
        char mask[16];
        std::snprintf(mask, sizeof mask, "0x%08x", b.be32(8));
        s += std::string("address mask is ") + mask;
        break;
    }
    default: s += "type-#" + std::to_string(type); break;
    }
    put(s + ", length " + std::to_string(length));
    // -v: a wrong checksum is noted (a right one is not).
    if (options_.verbose > 0 && !ends.fragment && b.has(0, length)) {
        std::uint16_t computed = std::uint16_t(~ones_fold(ones_sum(b, 0, length)));
        if (computed != 0) {
            char text[64];
            std::snprintf(text, sizeof text, " (wrong icmp cksum %x (->%x)!)", b.be16(2),
                          checksum_should_be(b.be16(2), computed));
            put(text);
        }
    }
    // -v: an error's quoted datagram, printed as a packet of its own.
    bool error = type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    if (options_.verbose > 0 && error) {
        put("\n\t");
        if (!inner.has(2, 2)) return cut("icmp");
        std::uint32_t quoted = inner.be16(2);
        ipv4(inner.first(quoted), quoted);
    }
}

}  // namespace fcap::capture::detail
