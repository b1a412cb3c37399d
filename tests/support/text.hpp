// Small text matchers for the tests' look at programs' output: numbers next
// to words, JSON fields, runs of digits.  Plain string scans, not
// std::regex: libstdc++'s regex trips GCC's -Wmaybe-uninitialized in
// sanitizer builds, and these shapes do not need it.
#pragma once

#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fcap::test {

inline bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The index just past the run of digits starting at `at` (`at` itself when
// there is none).
inline std::size_t skip_digits(std::string_view s, std::size_t at) {
    while (at < s.size() && is_digit(s[at])) ++at;
    return at;
}

// The number written just before the first ` words` that has one: "(\d+) words".
inline std::optional<unsigned long long> number_before(std::string_view text, std::string_view words) {
    const std::string needle = " " + std::string(words);
    for (auto at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) {
        std::size_t begin = at;
        while (begin > 0 && is_digit(text[begin - 1])) --begin;
        if (begin < at) return std::stoull(std::string(text.substr(begin, at - begin)));
    }
    return std::nullopt;
}

// The number right after the first `prefix` that has one: "prefix(\d+)".
inline std::optional<unsigned long long> number_after(std::string_view text, std::string_view prefix) {
    for (auto at = text.find(prefix); at != std::string_view::npos; at = text.find(prefix, at + 1)) {
        std::size_t begin = at + prefix.size(), end = skip_digits(text, begin);
        if (end > begin) return std::stoull(std::string(text.substr(begin, end - begin)));
    }
    return std::nullopt;
}

// A JSON object's integer field, `"key":123`, as fcap's tools print it
// (no spaces).
inline std::optional<unsigned long long> json_number(std::string_view text, std::string_view key) {
    return number_after(text, "\"" + std::string(key) + "\":");
}

// Whether `s` is `prefix` followed by one or more digits and then `suffix`.
inline bool digits_between(std::string_view s, std::string_view prefix, std::string_view suffix) {
    if (!s.starts_with(prefix)) return false;
    std::size_t end = skip_digits(s, prefix.size());
    return end > prefix.size() && s.substr(end) == suffix;
}

}  // namespace fcap::test
