// libpcap's scanner rules, as plain functions: how long a word is, and
// whether it is a keyword, a number, a dotted address, a MAC address or a
// name.  Like flex, the longest match wins and a tie goes to the earlier
// rule, so `len-1` is one name and `ftp-data` is a port name.
#pragma once

#include "parse/ast.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fcap::parse::words {

// Length of the longest `[A-Za-z0-9]([-_.A-Za-z0-9]*[.A-Za-z0-9])?` at s.
std::size_t word_length(std::string_view s);

// Length of the longest IPv6 or colon-MAC spelling at s (0 if none).
std::size_t colon_length(std::string_view s);

bool is_keyword(std::string_view word);

// bad_octal: all digits, a leading 0 and an 8 or 9 (libpcap's scanner takes
// it as a NUM and refuses it: "number 089 contains non-octal digit").
enum class NumberResult { ok, not_a_number, overflow, bad_octal };
// NUM: decimal, 0x hex, or octal with a leading 0; or a named constant
// (tcp-syn, icmp-echo, ...).
NumberResult number(std::string_view word, std::uint32_t& value);

bool is_dotted(std::string_view word);  // HID: 2 to 4 dot-separated NUMs (as spelled, valid or not)
bool is_mac(std::string_view word);     // EID spellings

std::optional<ast::Proto> proto(std::string_view word);

}  // namespace fcap::parse::words
