// The transport layer: TCP, UDP, ICMP, ICMPv6 and the others by name.
#include "capture/decode_internal.hpp"

namespace fcap::capture::detail {

namespace {

constexpr std::uint8_t tcp_fin = 0x01, tcp_syn = 0x02, tcp_rst = 0x04, tcp_psh = 0x08, tcp_ack = 0x10,
                       tcp_urg = 0x20, tcp_ece = 0x40, tcp_cwr = 0x80;

const char* well_known_port(std::uint16_t port, bool udp) {
    switch (port) {
    case 20: return "ftp-data";
    case 21: return "ftp";
    case 22: return "ssh";
    case 23: return "telnet";
    case 25: return "smtp";
    case 53: return "domain";
    case 67: return "bootps";
    case 68: return "bootpc";
    case 69: return "tftp";
    case 80: return "http";
    case 110: return "pop3";
    case 123: return "ntp";
    case 143: return "imap";
    case 161: return "snmp";
    case 179: return "bgp";
    case 443: return "https";
    case 514: return udp ? "syslog" : "shell";
    case 546: return "dhcpv6-client";
    case 547: return "dhcpv6-server";
    case 993: return "imaps";
    case 5353: return "mdns";
    default: return nullptr;
    }
}

// The flag letters in tcpdump's order and spelling: [S.], [P.], [F.], [none].
std::string tcp_flags(std::uint8_t f) {
    std::string s;
    if (f & tcp_fin) s += 'F';
    if (f & tcp_syn) s += 'S';
    if (f & tcp_rst) s += 'R';
    if (f & tcp_psh) s += 'P';
    if (f & tcp_ack) s += '.';
    if (f & tcp_urg) s += 'U';
    if (f & tcp_ece) s += 'E';
    if (f & tcp_cwr) s += 'W';
    return "Flags [" + (s.empty() ? std::string("none") : s) + "]";
}

}  // namespace

std::string Decoder::port_text(std::uint16_t port, bool udp) const {
    const char* name = options_.port_names ? well_known_port(port, udp) : nullptr;
    return name ? name : std::to_string(port);
}

void Decoder::transport(std::uint8_t proto, Bytes b, std::uint32_t length, const Endpoints& ends) {
    bool v6 = ends.v6;
    if (proto == 6) return tcp(b, length, ends);
    if (proto == 17) return udp(b, length, ends);
    std::string len = ", length " + std::to_string(length);
    switch (proto) {
    case 1: return v6 ? put("ICMP (in IPv6)" + len) : icmp(b, length, ends);
    case 58: return icmp6(b, length, ends);
    case 4: return ipv4(b, length);
    case 41: return ipv6(b, length);
    case 2:
        if (b.has(0, 1) && (b.u8(0) == 0x13 || b.u8(0) == 0x14)) return put("IGMP" + len);  // DVMRP, PIMv1: not yet
        if (options_.quiet) return put("igmp");
        return igmp(b, length);
    case 47: return gre(b, length);  // decode_tunnel.cpp
    case 50:
        if (!b.has(0, 8)) return cut("esp");
        return put("ESP(spi=" + hex(b.be32(0), 8) + ",seq=" + hex(b.be32(4), 1) + ")" + len);
    case 51: {
        if (!b.has(0, 12)) return cut("ah");
        std::size_t size = (b.u8(1) + 2u) * 4;
        put("AH(spi=" + hex(b.be32(4), 8) + ",seq=" + hex(b.be32(8), 1) + "): ");
        if (!b.has(0, size)) return cut("ah");
        Endpoints inner = ends;
        inner.shown = true;
        return transport(b.u8(0), b.from(size), length > size ? length - std::uint32_t(size) : 0, inner);
    }
    case 88: return eigrp(b, length);
    case 89: return ospf(b, length, v6);
    case 103: return pim(b, length, ends);
    case 112: return vrrp(b, length, ends);
    case 132: return sctp(b, length, ends);
    case 135:
        if (!v6 || options_.verbose > 0) return put("Mobility" + len);  // -v's options: not yet
        return mobility(b);
    case 46:
        if (options_.verbose > 0) return put("RSVP" + len);  // -v's objects: not yet
        return rsvp(b, length);
    case 113:
        if (options_.verbose > 0) return put("PGM" + len);  // -v's details: not yet
        return pgm(b, ends);
    case 33:
        if (options_.verbose > 0) return put("DCCP" + len);  // -v's checksum, sequence number and options: not yet
        return dccp(b, length, ends);
    default: {
        const char* name = ip_protocol_name(proto);
        if (name) return put(std::string(name) + len);
        return put("ip-proto-" + std::to_string(proto) + " " + std::to_string(length));
    }
    }
}

void Decoder::tcp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    auto at = [&](const std::string& host, std::uint16_t port) {
        return ends.shown ? port_text(port, false) : host + "." + port_text(port, false);
    };
    if (!b.has(0, 4)) {
        put(ends.src + " > " + ends.dst + ":");  // tcpdump: no space before "[|tcp]"
        return truncated("tcp");
    }
    put(at(ends.src, b.be16(0)) + " > " + at(ends.dst, b.be16(2)) + ": ");
    if (!b.has(0, 20)) return truncated("tcp");
    std::uint32_t header = (b.u8(12) >> 4) * 4u;
    // tcpdump's forms for a data offset that does not fit, the payload's
    // length wrapping as an unsigned one.
    std::string too_long = " [bad hdr length " + std::to_string(header) + " - too long, > " + std::to_string(length) + "]";
    if (header < 20)
        return put(" tcp " + std::to_string(std::uint32_t(length - header)) + " [bad hdr length " +
                   std::to_string(header) + " - too short, < 20]");
    std::uint32_t payload = length - header;
    if (options_.quiet) return put("tcp " + std::to_string(payload) + (header > length ? too_long : ""));
    std::uint8_t flags = b.u8(13);
    if (header > length) return put(tcp_flags(flags) + too_long);
    std::uint32_t seq = b.be32(4), ack = b.be32(8), sack_base = 0;
    if (options_.conversations && (flags & tcp_ack)) sack_base = relative_numbers(b, ends, seq, ack, flags & tcp_syn);
    std::string s = tcp_flags(flags);
    // -v: the checksum and its verdict when the whole segment is there.
    if (options_.verbose > 0 && options_.verify_checksums && !ends.fragment && b.has(0, length)) {
        std::uint16_t computed = transport_checksum(b, length, ends, 6);
        s += ", cksum " + hex(b.be16(16), 4) +
             (computed == 0 ? " (correct)" : " (incorrect -> " + hex(checksum_should_be(b.be16(16), computed), 4) + ")");
    }
    // -vv shows the sequence number of every segment, a bare ACK's too.
    if (options_.verbose > 1 || (flags & (tcp_syn | tcp_fin | tcp_rst)) || payload > 0) {
        s += ", seq " + std::to_string(seq);
        if (payload > 0) s += ":" + std::to_string(std::uint32_t(seq + payload));
    }
    if (flags & tcp_ack) s += ", ack " + std::to_string(ack);
    s += ", win " + std::to_string(b.be16(14));
    if (flags & tcp_urg) s += ", urg " + std::to_string(b.be16(18));
    if (header > 20) {
        TcpOptionsEnd end;
        s += ", options [" +
             // Not clipped to the option area: tcpdump reads a last option's
             // length byte from past it (then calls the option bad).
             tcp_options(b.from(20), header - 20, flags, sack_base, b.has(0, length), &end);
        if (end.whole_dump) return put(s), mark_whole_dump();
        if (end.cut || end.bad) return put(s);
    }
    put(s + ", length " + std::to_string(payload));
    if (payload == 0) return;
    if (!b.has(0, header)) {
        put(" [remaining caplen(" + std::to_string(b.size()) + ") < header length(" + std::to_string(header) + ")]");
        return truncated("tcp");
    }
    Bytes data = b.from(header);
    if ((flags & tcp_rst) && options_.verbose > 0) {
        // RFC 1122's diagnostic text in a reset, at most 30 bytes of it.
        put(data.has(0, payload) ? " [RST" : " [!RST");
        std::uint32_t shown = payload;
        if (shown > 30) shown = 30, put("+");
        std::string text = " ";
        for (std::uint32_t i = 0; i < shown && data.has(i, 1); ++i) {
            std::uint8_t c = data.u8(i);
            if (c & 0x80) text += "M-", c &= 0x7f;
            if (c < 0x20 || c == 0x7f) text += '^', c ^= 0x40;
            text += char(c);
        }
        return put(text + "]");
    }
    tcp_payload(b.be16(0), b.be16(2), data, payload);
}

// The applications tcpdump names by port, after the segment's length.
void Decoder::tcp_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length) {
    auto either = [&](std::uint16_t port) { return sport == port || dport == port; };
    // print-tcp.c's order: a segment between ports 53 and 80 is HTTP, and
    // telnet comes first (its option negotiation is not decoded yet; other
    // bytes tcpdump does not print).
    if (either(23)) return;
    if (either(25)) return put(": "), text_protocol(b, length, "SMTP", "smtp", false);
    if (either(22)) return ssh(b, length);
    if (either(21)) return put(": "), text_protocol(b, length, "FTP", "ftp", false);
    if (either(80) || either(8080)) return put(": "), text_protocol(b, length, "HTTP", "http", true);
    if (either(53)) return dns(b, length, true, false);
    if (either(179)) return put(": BGP");  // tcpdump decodes the messages only under -v
    if (either(6379)) return resp(b, length);
    if (either(6633) || either(6653)) return openflow(b, length);
}

// tcpdump's rule (print-tcp.c): with ACK set, the first packet of a
// conversation (or a SYN) records its numbers and prints them whole; later
// ones print the difference.  One entry serves both directions.
std::uint32_t Decoder::relative_numbers(Bytes b, const Endpoints& ends, std::uint32_t& seq, std::uint32_t& ack,
                                        bool syn) {
    std::string a = ends.src + "." + std::to_string(b.be16(0)), z = ends.dst + "." + std::to_string(b.be16(2));
    bool reversed = z < a;
    bool found = false;
    TcpConversations::Base& base = options_.conversations->find(reversed ? z + ">" + a : a + ">" + z, &found);
    if (!found || syn) {
        if (reversed) base.ack = seq, base.seq = ack - 1;
        else base.seq = seq, base.ack = ack - 1;
    } else if (reversed) {
        seq -= base.ack, ack -= base.seq;
    } else {
        seq -= base.seq, ack -= base.ack;
    }
    // SACK edges are in the acknowledged direction's numbers.
    return reversed ? base.seq : base.ack;
}

// The complement of the sum over the pseudo-header and the segment: 0 when
// the checksum is right.
std::uint16_t Decoder::transport_checksum(Bytes b, std::uint32_t length, const Endpoints& ends, std::uint8_t proto) {
    std::uint32_t sum = ends.address_sum + proto + (length & 0xffff) + (length >> 16);
    return std::uint16_t(~ones_fold(ones_sum(b, 0, length, ones_fold(sum))));
}

void Decoder::udp(Bytes b, std::uint32_t length, const Endpoints& ends) {
    auto at = [&](const std::string& host, std::uint16_t port) {
        return ends.shown ? port_text(port, true) : host + "." + port_text(port, true);
    };
    if (!b.has(0, 4)) {
        if (!ends.shown) put(ends.src + " > " + ends.dst + ": ");
        return truncated("udp");
    }
    std::string ports = at(ends.src, b.be16(0)) + " > " + at(ends.dst, b.be16(2)) + ": ";
    put(ports);
    if (length < 8) return put("truncated-udp " + std::to_string(length));
    if (!b.has(0, 6)) return truncated("udp");
    std::uint32_t ulen = b.be16(4);
    if (ulen == 0 && length > 65535) ulen = length;  // RFC 2675 jumbogram
    if (ulen < 8) return put("truncated-udplength " + std::to_string(ulen));
    ulen -= 8;
    length -= 8;
    if (ulen < length) length = ulen;
    if (!b.has(0, 8)) return truncated("udp");
    // -v: the checksum's verdict when the datagram is all there (IPv4's
    // only from -vv, where it is optional).
    if (options_.verbose > (ends.v6 ? 0 : 1) && options_.verify_checksums && !ends.fragment) {
        std::uint16_t field = b.be16(6);
        if (!ends.v6 && field == 0) {
            put("[no cksum] ");
        } else if (b.has(8, length)) {
            std::uint16_t computed = transport_checksum(b, length + 8, ends, 17);
            if (computed == 0) put("[udp sum ok] ");
            else put("[bad udp cksum " + hex(field, 4) + " -> " + hex(checksum_should_be(field, computed), 4) + "!] ");
        }
    }
    // The printers read up to the IP datagram's end, as tcpdump's snapend
    // lets them, even past a UDP length that says less.
    Bytes payload = b.from(8);
    if (!options_.quiet && udp_payload(b.be16(0), b.be16(2), payload, length, ends)) return;
    if (ulen > length && !ends.fragment)
        put("UDP, bad length " + std::to_string(ulen) + " > " + std::to_string(length));
    else
        put("UDP, length " + std::to_string(ulen));
}

// The applications tcpdump names by port; false when none applies.
bool Decoder::udp_payload(std::uint16_t sport, std::uint16_t dport, Bytes b, std::uint32_t length,
                          const Endpoints& ends) {
    auto either = [&](std::uint16_t port) { return sport == port || dport == port; };
    if (tunnel_payload(sport, dport, b, length)) return true;  // decode_tunnel.cpp
    if (either(53)) return dns(b, length, false, false), true;
    if (either(5353)) return dns(b, length, false, true), true;
    if (either(67) || either(68)) return bootp(b, length), true;
    if (either(123)) return ntp(b, length), true;
    if (either(500) || either(7500) || either(8500)) return isakmp(b, length, ends), true;
    if (either(4500)) return isakmp_nat(b, length, ends), true;
    if (either(1985)) return hsrp(b, length), true;
    if (either(6696) || either(6697)) return babel(b, length), true;
    if ((sport >= 7000 && sport <= 7009) || (dport >= 7000 && dport <= 7009)) return rx(b, length), true;
    if (either(88)) return krb(b), true;
    // Without -v only: the records and attributes -v shows are not decoded yet.
    if (options_.verbose == 0) {
        for (std::uint16_t port : {1645, 1646, 1700, 1812, 1813, 3799})
            if (either(port)) return radius(b, length), true;
        if (either(6343)) return sflow(b, length), true;
        if (either(520)) return rip(b, length), true;
        if (either(5359)) return ahcp(b, length), true;
    }
    if (either(49152)) return bcm_li(b), true;
    if (options_.verbose == 0 && (either(546) || either(547))) return dhcp6(b), true;  // -v: options not decoded yet
    if (either(3784) || either(3785) || either(4784) || either(6784)) return bfd(b, length, dport), true;
    return false;
}

}  // namespace fcap::capture::detail
