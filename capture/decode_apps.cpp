// Applications over TCP that tcpdump names by port: OpenFlow, BGP, RESP.
// Their first lines only (what tcpdump prints without -v).
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

namespace {

// OpenFlow 1.0's message types (OpenFlow Switch Specification 1.0.0, 5.1).
constexpr const char* openflow10_types[] = {
    "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR", "FEATURES_REQUEST", "FEATURES_REPLY",
    "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS",
    "PACKET_OUT", "FLOW_MOD", "PORT_MOD", "STATS_REQUEST", "STATS_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY",
    "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY"};
// OpenFlow 1.3's (OpenFlow Switch Specification 1.3.x, A.1).
constexpr const char* openflow13_types[] = {
    "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER", "FEATURES_REQUEST", "FEATURES_REPLY",
    "GET_CONFIG_REQUEST", "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED", "PORT_STATUS",
    "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD", "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY",
    "BARRIER_REQUEST", "BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY", "ROLE_REQUEST",
    "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY", "SET_ASYNC", "METER_MOD"};

std::string unknown_byte(std::uint8_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "unknown (0x%02x)", v);
    return text;
}

std::string openflow_type(std::uint8_t version, std::uint8_t type) {
    if (version == 1 && type < std::size(openflow10_types)) return openflow10_types[type];
    if (version == 4 && type < std::size(openflow13_types)) return openflow13_types[type];
    return unknown_byte(type);
}

}  // namespace

// tcpdump's openflow_print: one "\n\t" line per message header, the segment
// taken to start on a message boundary.  A message reaching past the
// capture ends the list with [|openflow]; a length under the header's 8
// bytes makes the rest of the segment invalid.
void Decoder::openflow(Bytes b, std::uint32_t length) {
    put(": OpenFlow");
    std::size_t at = 0;
    while (at < b.size()) {
        if (!b.has(at, 8)) {
            put(" (invalid)");
            if (length > b.size()) truncated("openflow");
            return;
        }
        std::uint8_t version = b.u8(at), type = b.u8(at + 1);
        std::uint16_t size = b.be16(at + 2);
        std::string v = version >= 1 && version <= 6 ? "1." + std::to_string(version - 1) : unknown_byte(version);
        put("\n\tversion " + v + ", type " + openflow_type(version, type) + ", length " + std::to_string(size) +
            (size < 8 ? " (too short!)" : "") + ", xid " + hex(b.be32(at + 4), 8));
        if (size < 8) {
            put(" (invalid)");
            if (length > b.size()) truncated("openflow");
            return;
        }
        if (!b.has(at, size)) return truncated("openflow");
        at += size;
    }
}

namespace {

// RESP, the Redis serialization protocol (redis.io/docs/reference/protocol-spec),
// as tcpdump's resp_print walks it: every element of a segment in turn, a
// string as ` "text"`, giving up with [|resp] where the data or the
// segment runs out.  `left` counts what the segment still declares.
class RespPrinter {
public:
    RespPrinter(Bytes b, std::string& out) : b_(b), out_(out) {}

    // One element from `at`; false to give up.
    bool element(std::size_t& at, long& left) {
        if (left < 1 || !b_.has(at, 1)) return false;
        switch (b_.u8(at)) {
        case '+':
        case '-':
        case ':': return simple(at, left);
        case '$': return bulk_string(at, left);
        case '*': return array(at, left);
        default: return inline_command(at, left);
        }
    }

private:
    // Lengths: >= 0, or one of these.
    static constexpr long truncated = -2, too_large = -3, negative = -4, invalid = -5;

    void segment(std::size_t at, std::size_t size) {
        out_ += " \"";
        for (std::size_t i = 0; i < size; ++i) print_char(out_, b_.u8(at + i));
        out_ += '"';
    }
    // Moves to the next CR LF, as far as the segment and capture go.
    bool find_crlf(std::size_t& at, long& left) {
        for (;;) {
            if (left < 2 || !b_.has(at, 2)) return false;
            if (b_.u8(at) == '\r' && b_.u8(at + 1) == '\n') return true;
            ++at, --left;
        }
    }
    // Skips CR and LF bytes; at least one unless the data ends after some.
    bool skip_cr_lf(std::size_t& at, long& left) {
        bool seen = false;
        for (;;) {
            if (left == 0 || !b_.has(at, 1)) return seen;
            if (b_.u8(at) != '\r' && b_.u8(at) != '\n') return true;
            seen = true;
            ++at, --left;
        }
    }
    bool simple(std::size_t& at, long& left) {
        ++at, --left;
        std::size_t start = at;
        if (!find_crlf(at, left)) return false;
        segment(start, at - start);
        at += 2, left -= 2;
        return true;
    }
    long length(std::size_t& at, long& left) {
        if (left == 0 || !b_.has(at, 1)) return truncated;
        bool neg = b_.u8(at) == '-', big = false, digit = false;
        if (neg) ++at, --left;
        long value = 0;
        for (;;) {
            if (left == 0 || !b_.has(at, 1)) return truncated;
            std::uint8_t c = b_.u8(at);
            if (c < '0' || c > '9') {
                if (!digit) return ++at, invalid;
                break;
            }
            if (value > 214748364 || (value == 214748364 && c - '0' > 7)) big = true;  // past INT_MAX
            else value = value * 10 + (c - '0');
            ++at, --left, digit = true;
        }
        if (b_.u8(at) != '\r') return ++at, invalid;
        ++at, --left;
        if (left == 0 || !b_.has(at, 1)) return truncated;
        if (b_.u8(at) != '\n') return ++at, invalid;
        ++at, --left;
        if (neg) return big || value != 1 ? negative : -1;
        return big ? too_large : value;
    }
    bool odd_length(long n) {
        switch (n) {
        case -1: out_ += " null"; return true;
        case truncated: return false;
        case too_large: out_ += " length too large"; return true;
        case negative: out_ += " length negative and not -1"; return true;
        default: out_ += " invalid"; return true;
        }
    }
    bool bulk_string(std::size_t& at, long& left) {
        ++at, --left;
        long n = length(at, left);
        if (n < 0) return odd_length(n);
        if (n == 0) {
            out_ += " empty";
        } else {
            if (left < n || !b_.has(at, std::size_t(n))) return false;
            segment(at, std::size_t(n));
            at += std::size_t(n), left -= n;
        }
        if (!find_crlf(at, left)) return false;
        at += 2, left -= 2;
        return true;
    }
    bool array(std::size_t& at, long& left) {
        ++at, --left;
        long n = length(at, left);
        if (n == 0) return out_ += " empty", true;
        if (n < 0) return odd_length(n);
        for (long i = 0; i < n; ++i)
            if (!element(at, left)) return false;
        return true;
    }
    // A line typed by hand (telnet, nc): text up to CR or LF.
    bool inline_command(std::size_t& at, long& left) {
        if (!skip_cr_lf(at, left)) return false;
        std::size_t start = at;
        for (;;) {
            if (left < 1 || !b_.has(at, 1)) return false;
            if (b_.u8(at) == '\r' || b_.u8(at) == '\n') break;
            ++at, --left;
        }
        segment(start, at - start);
        return skip_cr_lf(at, left);
    }

    Bytes b_;
    std::string& out_;
};

}  // namespace

void Decoder::resp(Bytes b, std::uint32_t length) {
    std::string text = ": RESP";
    RespPrinter printer(b, text);
    std::size_t at = 0;
    long left = long(length);
    while (left > 0) {
        if (!printer.element(at, left)) {
            put(text);
            return truncated("resp");
        }
    }
    put(text);
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// DHCPv6 (RFC 8415) on UDP 546/547: the message type, as tcpdump without -v.
void Decoder::dhcp6(Bytes b) {
    put("dhcp6");
    if (!b.has(0, 1)) return cut("dhcp6");
    static const char* const names[] = {nullptr,     "solicit",   "advertise", "request",     "confirm",
                                        "renew",     "rebind",    "reply",     "release",     "decline",
                                        "reconfigure", "inf-req", "relay-fwd", "relay-reply", "leasequery",
                                        "leasequery-reply"};
    unsigned type = b.u8(0);
    const char* name = type < std::size(names) ? names[type] : nullptr;
    put(" " + (name ? std::string(name) : "msgtype-" + std::to_string(type)));
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

namespace {

// Kerberos 4's message types (the low bit of the byte is the byte order).
const char* krb4_type(unsigned type) {
    switch (type) {
    case 2: return "KDC_REQUEST";
    case 4: return "KDC_REPLY";
    case 6: return "APPL_REQUEST";
    case 8: return "APPL_REQUEST_MUTUAL";
    case 10: return "ERR_REPLY";
    case 12: return "PRIVATE";
    case 14: return "SAFE";
    case 16: return "APPL_ERR";
    case 126: return "DIE";
    default: return nullptr;
    }
}

}  // namespace

// Kerberos on UDP 88: the version; for version 4 the message type and the
// principal's name.instance@realm, as tcpdump's krb_print.  A string that
// runs to the capture's end gives up with [|krb].
void Decoder::krb(Bytes b) {
    if (!b.has(0, 1)) return truncated("krb");
    unsigned version = b.u8(0);
    if (version == 106 || version == 107) return put(" v5");
    if (version < 1 || version > 4) return;
    put(" v" + std::to_string(version));
    if (version != 4) return;
    if (!b.has(1, 1)) return truncated("krb");
    bool little = b.u8(1) & 1;
    unsigned type = b.u8(1) & 0xfe;
    const char* name = krb4_type(type);
    put(std::string(" ") + (little ? "le" : "be") + " " + (name ? name : "#" + std::to_string(type)) + ": ");
    std::size_t at = 2;
    // A NUL-terminated string; false where the capture ends first.
    auto string = [&] {
        std::string text;
        for (;; ++at) {
            if (!b.has(at, 1)) return put(text), truncated("krb"), false;
            if (b.u8(at) == 0) return ++at, put(text), true;
            print_char(text, b.u8(at));
        }
    };
    auto principal = [&] { return string() && (put("."), string()) && (put("@"), string()); };
    auto be_or_le16 = [&](std::size_t i) { return little ? std::uint16_t(b.u8(i) | b.u8(i + 1) << 8) : b.be16(i); };
    switch (type) {
    case 2:
        if (!principal()) return;
        at += 4;  // the time
        if (!b.has(at, 1)) return truncated("krb");
        put(" " + std::to_string(b.u8(at++) * 5) + "min ");
        if (string()) put("."), string();
        return;
    case 6:
        at += 2;
        if (!b.has(at, 1)) return truncated("krb");
        put("v" + std::to_string(b.u8(at++)) + " ");
        if (!string()) return;
        if (!b.has(at, 2)) return truncated("krb");
        return put(" (" + std::to_string(b.u8(at)) + ") (" + std::to_string(b.u8(at + 1)) + ")");
    case 4:
        if (!principal()) return;
        at += 10;
        if (!b.has(at, 2)) return truncated("krb");
        return put(" (" + std::to_string(be_or_le16(at)) + ")");
    case 10: {
        if (!principal()) return;
        at += 4;
        if (!b.has(at, 2)) return truncated("krb");
        static const char* const errors[] = {"OK", "NAME_EXP", "SERVICE_EXP", "AUTH_EXP", "PKT_VER", "NAME_MAST_KEY_VER",
                                             "SERV_MAST_KEY_VER", "BYTE_ORDER", "PRINCIPAL_UNKNOWN",
                                             "PRINCIPAL_NOT_UNIQUE", "NULL_KEY"};
        unsigned code = be_or_le16(at);
        put(" " + (code < std::size(errors) ? std::string(errors[code]) : "#" + std::to_string(code)) + " ");
        at += 4;
        string();
        return;
    }
    default: return put("(unknown)");
    }
}

}  // namespace fcap::capture::detail

namespace fcap::capture::detail {

// sFlow version 5 (sflow.org) on UDP 6343: the datagram header's agent,
// as tcpdump without -v.
void Decoder::sflow(Bytes b, std::uint32_t length) {
    if (length < 28) {
        if (!b.has(0, 4)) return cut("sflow");
        return put("sFlowv" + std::to_string(b.be32(0)) + " [length " + std::to_string(length) + " < 28] (invalid)");
    }
    if (!b.has(0, 28)) return cut("sflow");
    if (b.be32(0) != 5) return put("sFlow version " + std::to_string(b.be32(0)) + " packet not supported");
    bool v4 = b.be32(4) == 1;
    std::size_t id = v4 ? 12 : 24;
    if (!b.has(id, 4)) return cut("sflow");
    put(std::string("sFlowv5, ") + (v4 ? "IPv4 agent " + ipv4_text(b, 8) : "IPv6 agent " + ipv6_text(b, 8)) +
        ", agent-id " + std::to_string(b.be32(id)) + ", length " + std::to_string(length));
}

// RADIUS (RFC 2865, 2866, 5176): the code, identifier and length.
void Decoder::radius(Bytes b, std::uint32_t length) {
    if (!b.has(0, 20)) return cut("radius");
    std::uint32_t len = b.be16(2);
    if (len < 20) return truncated("radius");
    if (len > length) len = length;
    unsigned code = b.u8(0);
    const char* name = nullptr;
    switch (code) {
    case 1: name = "Access-Request"; break;
    case 2: name = "Access-Accept"; break;
    case 3: name = "Access-Reject"; break;
    case 4: name = "Accounting-Request"; break;
    case 5: name = "Accounting-Response"; break;
    case 11: name = "Access-Challenge"; break;
    case 12: name = "Status-Server"; break;
    case 13: name = "Status-Client"; break;
    case 40: name = "Disconnect-Request"; break;
    case 41: name = "Disconnect-ACK"; break;
    case 42: name = "Disconnect-NAK"; break;
    case 43: name = "CoA-Request"; break;
    case 44: name = "CoA-ACK"; break;
    case 45: name = "CoA-NAK"; break;
    default: name = "Unknown Command"; break;
    }
    put(std::string("RADIUS, ") + name + " (" + std::to_string(code) + "), id: " + hex(b.u8(1), 2) + " length: " +
        std::to_string(len));
}

}  // namespace fcap::capture::detail
