// Reading tcpdump's listings back: -ddd prints a count line and then
// `code jt jf k` in decimal; -dd prints `{ 0x28, 0, 0, 0x0000000c },`.
// Both are a sequence of numbers separated by blanks, commas and braces, so
// one tokenizer reads either; a line holds one instruction.
#include "cbpf_import/cbpf_import.hpp"

#include <algorithm>
#include <string>

namespace fcap::cbpf_import {

namespace {

bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\r' || c == ',' || c == '{' || c == '}'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

int digit_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return 99;
}

struct Number {
    std::uint64_t value = 0;
    std::size_t column = 0;  // 0-based, in the line
    std::size_t length = 0;
};

// One line, split into numbers.  On an error, `bad` holds where it is and
// `why` what was wrong.
struct LineScan {
    std::vector<Number> numbers;
    std::string why;
    Number bad;
};

LineScan scan(std::string_view line) {
    LineScan out;
    std::size_t at = 0;
    while (at < line.size()) {
        if (is_separator(line[at])) {
            ++at;
            continue;
        }
        Number n;
        n.column = at;
        std::size_t end = at;
        while (end < line.size() && !is_separator(line[end])) ++end;
        n.length = end - at;
        std::string_view word = line.substr(at, end - at);
        int base = 10;
        if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'X')) {
            base = 16;
            word.remove_prefix(2);
        }
        bool ok = !word.empty() && is_digit(line[at]);
        for (char c : word) {
            int d = digit_value(c);
            if (d >= base) {
                ok = false;
                break;
            }
            n.value = n.value * std::uint64_t(base) + std::uint64_t(d);
            if (n.value > 0xffffffffull) {
                out.bad = n;
                out.why = "number out of range (more than 32 bits)";
                return out;
            }
        }
        if (!ok) {
            out.bad = n;
            out.why = "expected a number (decimal, or hexadecimal with 0x)";
            return out;
        }
        out.numbers.push_back(n);
        at = end;
    }
    return out;
}

// "line 3:5: MESSAGE", then the line and a caret under the offending text:
// the sink prints one-line sources, so the listing's line travels in the
// message.
void located_error(diag::Sink& sink, std::size_t line_no, std::string_view line, std::size_t column,
                   std::size_t length, const std::string& message) {
    std::string shown(line);
    for (char& c : shown)
        if (c == '\t' || c == '\r' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    if (shown.size() > 120) shown = shown.substr(0, 120) + "...";
    column = std::min(column, shown.size());
    length = std::max<std::size_t>(1, std::min(length, shown.size() > column ? shown.size() - column : 1));
    sink.error("line " + std::to_string(line_no) + ":" + std::to_string(column + 1) + ": " + message + "\n  " +
               shown + "\n  " + std::string(column, ' ') + "^" + std::string(length - 1, '~'));
}

}  // namespace

std::optional<std::vector<cbpf::Insn>> read(std::string_view text, diag::Sink& sink) {
    std::vector<cbpf::Insn> out;
    std::optional<std::uint64_t> count;
    std::size_t count_line = 0;
    std::size_t line_no = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        LineScan s = scan(line);
        if (!s.why.empty()) {
            located_error(sink, line_no, line, s.bad.column, s.bad.length, s.why);
            return std::nullopt;
        }
        const auto& v = s.numbers;
        if (v.empty()) continue;
        // -ddd's first line is the instruction count.
        if (v.size() == 1 && !count && out.empty()) {
            count = v[0].value;
            count_line = line_no;
            continue;
        }
        if (v.size() != 4) {
            std::size_t column = v.size() > 4 ? v[4].column : line.find_last_not_of(" \t\r,}") + 1;
            located_error(sink, line_no, line, column, v.size() > 4 ? v[4].length : 1,
                          "expected four numbers, `code jt jf k` (tcpdump -ddd) or `{ code, jt, jf, k },` (-dd); "
                          "found " + std::to_string(v.size()));
            return std::nullopt;
        }
        static const char* field[] = {"code", "jt", "jf"};
        static const std::uint64_t limit[] = {0xffff, 0xff, 0xff};
        for (int f = 0; f < 3; ++f)
            if (v[f].value > limit[f]) {
                located_error(sink, line_no, line, v[f].column, v[f].length,
                              std::string(field[f]) + " is " + (f == 0 ? "16" : "8") + " bits; " +
                                  std::to_string(v[f].value) + " does not fit");
                return std::nullopt;
            }
        if (out.size() > cbpf::max_kernel_insns) {
            sink.error("line " + std::to_string(line_no) + ": more than " + std::to_string(cbpf::max_kernel_insns) +
                       " instructions, the kernel's limit (BPF_MAXINSNS)");
            return std::nullopt;
        }
        out.push_back({std::uint16_t(v[0].value), std::uint8_t(v[1].value), std::uint8_t(v[2].value),
                       std::uint32_t(v[3].value)});
    }
    if (count && *count != out.size()) {
        sink.error("line " + std::to_string(count_line) + ": the count says " + std::to_string(*count) +
                   " instructions, but " + std::to_string(out.size()) + " follow");
        return std::nullopt;
    }
    return out;
}

}  // namespace fcap::cbpf_import
