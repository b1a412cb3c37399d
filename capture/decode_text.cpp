// Text protocols over TCP in tcpdump's words (print-http.c, print-ftp.c,
// print-smtp.c, print-ssh.c, util-print.c's txtproto_print): the name in
// capitals, and the request or response line.
#include "capture/decode_internal.hpp"

#include <strings.h>

#include <cctype>
#include <cstdio>

namespace fcap::capture::detail {

namespace {

bool printable(std::uint8_t c) { return c >= 0x20 && c < 0x7f; }

// The next space-delimited token from `at` (empty when there is none or it
// is not printable text), and where the following one starts.
std::string token(Bytes b, std::size_t& at, std::size_t len, bool* cut) {
    std::string t;
    for (; at < len; ++at) {
        if (!b.has(at, 1)) return *cut = true, "";
        std::uint8_t c = b.u8(at);
        if (c & 0x80) return "";
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
        if (!printable(c) || t.size() + 2 > 128) return "";
        t += char(c);
    }
    if (t.empty()) return "";
    for (; at < len && b.has(at, 1); ++at) {
        std::uint8_t c = b.u8(at);
        if (c == '\r' || c == '\n' || !printable(c) || (c != ' ' && c != '\t')) break;
    }
    return t;
}

const char* const http_methods[] = {
    "GET",      "PUT",       "COPY",         "HEAD",     "LOCK",        "MOVE",       "POLL",
    "POST",     "BCOPY",     "BMOVE",        "MKCOL",    "TRACE",       "LABEL",      "MERGE",
    "DELETE",   "SEARCH",    "UNLOCK",       "REPORT",   "UPDATE",      "NOTIFY",     "BDELETE",
    "CONNECT",  "OPTIONS",   "CHECKIN",      "PROPFIND", "CHECKOUT",    "CCM_POST",   "SUBSCRIBE",
    "PROPPATCH", "BPROPFIND", "BPROPPATCH",  "UNCHECKOUT", "MKACTIVITY", "MKWORKSPACE", "UNSUBSCRIBE",
    "RPC_CONNECT", "VERSION-CONTROL", "BASELINE-CONTROL"};

}  // namespace

// One line from `at`: false (nothing printed) for binary data, a cut
// line marked truncated; `at` moves past the line's end.
bool Decoder::text_line(Bytes b, std::size_t& at, std::size_t len, const char* prefix, const char* layer) {
    std::size_t start = at;
    while (at < len) {
        if (!b.has(at, 1)) return cut(layer), false;
        std::uint8_t c = b.u8(at);
        if (c == '\n' || c == '\r') {
            std::size_t end = at;
            if (c == '\r') {
                if (at + 1 >= len) return false;
                if (!b.has(at + 1, 1)) return cut(layer), false;
                if (b.u8(at + 1) != '\n') return false;
                ++at;
            }
            ++at;
            put(prefix);
            put(std::string_view(reinterpret_cast<const char*>(b.data()) + start, end - start));
            return true;
        }
        if (!printable(c) && c != '\t') return false;
        ++at;
    }
    put(prefix);
    put(std::string_view(reinterpret_cast<const char*>(b.data()) + start, at - start));
    truncated(layer);
    return false;
}

// tcpdump's txtproto_print: with `methods`, only a request or a response
// (a 3-digit code as the second token) has its line printed.
void Decoder::text_protocol(Bytes b, std::uint32_t length, const char* name, const char* layer, bool http) {
    bool show = !http;
    if (http) {
        std::size_t at = 0;
        bool cut_short = false;
        std::string first = token(b, at, length, &cut_short);
        if (!first.empty()) {
            for (const char* m : http_methods)
                if (strcasecmp(first.c_str(), m) == 0) show = true;
            std::string second = token(b, at, length, &cut_short);
            if (!second.empty() && second.size() == 3 && std::isdigit((unsigned char)second[0]) &&
                std::isdigit((unsigned char)second[1]) && std::isdigit((unsigned char)second[2]))
                show = true;
        }
        // A token the capture cuts is no request (fetch_token gives up
        // quietly): the name alone.
        (void)cut_short;
    }
    put(name);
    if (!show) return;
    std::size_t at = 0;
    if (options_.verbose == 0) {
        text_line(b, at, length, ": ", layer);
        return;
    }
    put(", length: " + std::to_string(length));
    while (at < length && text_line(b, at, length, "\n\t", layer)) {
    }
}

// print-ssh.c: the version line that opens a connection, nothing else.
void Decoder::ssh(Bytes b, std::uint32_t length) {
    static const char prefix[] = "SSH-";
    for (std::size_t i = 0; i < 4; ++i) {
        if (!b.has(i, 1)) return cut("ssh");
        if (b.u8(i) != std::uint8_t(prefix[i])) return;
    }
    for (std::size_t at = 4; at < length; ++at) {
        if (!b.has(at, 1)) return cut("ssh");
        std::uint8_t c = b.u8(at);
        std::size_t end = at;
        if (c == '\r') {
            if (!b.has(at + 1, 1)) return cut("ssh");
            if (b.u8(at + 1) != '\n') continue;
        } else if (c != '\n') {
            continue;
        }
        std::string s;
        for (std::size_t i = 0; i < end; ++i) {
            std::uint8_t ch = b.u8(i);
            if (ch & 0x80) s += "M-", ch &= 0x7f;
            if (ch < 0x20 || ch == 0x7f) s += '^', ch ^= 0x40;
            s += char(ch);
        }
        return put(": SSH: " + s);
    }
}

// tcpdump's print_unknown_data: hex_print's lines (16 bytes, no text
// column) of what was captured of `length` bytes from `at`.
std::string hex_lines(Bytes b, std::size_t at, std::size_t length, const char* prefix) {
    if (at > b.size()) return "";
    if (length > b.size() - at) length = b.size() - at;
    std::string s;
    char buf[32];
    for (std::size_t i = 0; i < length; ++i) {
        if (i % 16 == 0) {
            std::snprintf(buf, sizeof buf, "%s0x%04zx: ", prefix, i);
            s += buf;
        }
        s += i % 2 == 0 ? " " : "";
        std::snprintf(buf, sizeof buf, "%02x", b.u8(at + i));
        s += buf;
    }
    return s;
}

}  // namespace fcap::capture::detail
