#include "cbpf_import/cbpf_import.hpp"

#include <cctype>
#include <string>

namespace fcap::cbpf_import {

namespace {

// Numbers in -ddd (decimal) and -dd (0x hex or decimal) lines.
bool next_number(std::string_view line, std::size_t& at, std::uint64_t& out) {
    while (at < line.size() && !std::isdigit(static_cast<unsigned char>(line[at]))) {
        if (!std::isspace(static_cast<unsigned char>(line[at])) && line[at] != '{' && line[at] != ',' &&
            line[at] != '}')
            return false;
        ++at;
    }
    if (at >= line.size()) return false;
    std::size_t start = at;
    int base = 10;
    if (line[at] == '0' && at + 1 < line.size() && (line[at + 1] == 'x' || line[at + 1] == 'X')) {
        base = 16;
        at += 2;
        start = at;
    }
    out = 0;
    while (at < line.size() && std::isxdigit(static_cast<unsigned char>(line[at]))) {
        char c = char(std::tolower(static_cast<unsigned char>(line[at])));
        int d = c <= '9' ? c - '0' : c - 'a' + 10;
        if (d >= base) return false;
        out = out * std::uint64_t(base) + std::uint64_t(d);
        if (out > 0xffffffffull) return false;
        ++at;
    }
    return at > start;
}

}  // namespace

std::optional<std::vector<cbpf::Insn>> read(std::string_view text, diag::Sink& sink) {
    std::vector<cbpf::Insn> out;
    std::optional<std::uint64_t> count;
    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        std::uint64_t v[4];
        std::size_t at = 0;
        int n = 0;
        while (n < 4 && next_number(line, at, v[n])) ++n;
        std::string where = "line " + std::to_string(line_no);
        bool rest_blank = line.find_first_not_of(" \t\r,}", at) == std::string_view::npos;
        if (n == 1 && !count && out.empty() && rest_blank) {
            count = v[0];
            continue;
        }
        if (n != 4 || !rest_blank) {
            sink.error(where + ": expected `code jt jf k` (tcpdump -ddd) or `{ code, jt, jf, k },` (-dd), found `" +
                       std::string(line) + "`");
            return std::nullopt;
        }
        if (v[0] > 0xffff || v[1] > 255 || v[2] > 255) {
            sink.error(where + ": a field is out of range (code is 16 bits, jt and jf 8 bits)");
            return std::nullopt;
        }
        out.push_back({std::uint16_t(v[0]), std::uint8_t(v[1]), std::uint8_t(v[2]), std::uint32_t(v[3])});
    }
    if (count && *count != out.size()) {
        sink.error("the program says it has " + std::to_string(*count) + " instructions but lists " +
                   std::to_string(out.size()));
        return std::nullopt;
    }
    return out;
}

}  // namespace fcap::cbpf_import
