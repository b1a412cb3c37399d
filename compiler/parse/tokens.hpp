// Token-level parsers for the grammar: keywords, numbers and ids, scanned by
// libpcap's rules (words.hpp).  Each is an X3 primitive parser, so the
// grammar in filter_def.hpp reads like grammar.y.
#pragma once

#include "parse/ast.hpp"
#include "parse/config.hpp"
#include "parse/words.hpp"

#include <string>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

namespace fcap::parse::tokens {

template <typename It>
std::string_view rest(It first, It last) {
    return std::string_view(&*first, std::size_t(last - first));
}

// A number that does not fit in 32 bits, or an octal number with an 8 or
// 9, is an error, not a non-number (libpcap's scanner refuses both).
struct number_overflow {
    std::size_t offset_from_end;  // where, as characters before the end
    std::string text;
    bool bad_octal = false;
};

// One reserved word: `kw("host")`.
struct keyword_parser : x3::parser<keyword_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;
    std::string_view word;
    explicit keyword_parser(std::string_view w) : word(w) {}

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
        x3::skip_over(first, last, ctx);
        if (first == last) return false;
        std::size_t n = words::word_length(rest(first, last));
        if (n != word.size() || rest(first, last).substr(0, n) != word) return false;
        first += std::ptrdiff_t(n);
        return true;
    }
};
inline keyword_parser kw(std::string_view w) { return keyword_parser(w); }

// A word looked up in a table: protocol names, directions, ...
template <typename T>
struct table_parser : x3::parser<table_parser<T>> {
    using attribute_type = T;
    std::vector<std::pair<std::string_view, T>> table;
    explicit table_parser(std::vector<std::pair<std::string_view, T>> t) : table(std::move(t)) {}

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last) return false;
        std::size_t n = words::word_length(rest(first, last));
        std::string_view w = rest(first, last).substr(0, n);
        for (const auto& [name, value] : table)
            if (n > 0 && name == w) {
                x3::traits::move_to(value, attr);
                first += std::ptrdiff_t(n);
                return true;
            }
        return false;
    }
};

// A NUM: decimal, hex, octal, or a named constant; as an ast::Number or a
// plain uint32_t.
template <typename Out>
struct number_parser : x3::parser<number_parser<Out>> {
    using attribute_type = Out;

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last) return false;
        std::size_t n = words::word_length(rest(first, last));
        if (n == 0 || words::colon_length(rest(first, last)) > n) return false;
        std::string_view w = rest(first, last).substr(0, n);
        // libpcap's scanner tries its MAC rule before NUM: twelve hex
        // digits are a MAC address even when they are all decimal.
        if (words::is_mac(w)) return false;
        std::uint32_t v = 0;
        switch (words::number(w, v)) {
        case words::NumberResult::ok: break;
        case words::NumberResult::overflow:
            throw number_overflow{std::size_t(last - first), std::string(w)};
        case words::NumberResult::bad_octal: throw number_overflow{std::size_t(last - first), std::string(w), true};
        case words::NumberResult::not_a_number: return false;
        }
        Out out{};
        if constexpr (std::is_same_v<Out, ast::Number>) out.value = v;
        else out = v;
        x3::traits::move_to(out, attr);
        first += std::ptrdiff_t(n);
        return true;
    }
};

// A NUM as an ast::Id (a number in a parenthesised value list).
struct number_id_parser : x3::parser<number_id_parser> {
    using attribute_type = ast::Id;

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
        std::uint32_t v = 0;
        if (!number_parser<std::uint32_t>{}.parse(first, last, ctx, rctx, v)) return false;
        ast::Id id;
        id.kind = ast::IdKind::number;
        id.number = v;
        id.text = std::to_string(v);
        x3::traits::move_to(id, attr);
        return true;
    }
};

// A word that is not reserved (llc subtypes, arguments of link-specific keywords).
struct plain_word_parser : x3::parser<plain_word_parser> {
    using attribute_type = std::string;

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        x3::skip_over(first, last, ctx);
        if (first == last) return false;
        std::size_t n = words::word_length(rest(first, last));
        std::string_view w = rest(first, last).substr(0, n);
        if (n == 0 || words::is_keyword(w)) return false;
        x3::traits::move_to(std::string(w), attr);
        first += std::ptrdiff_t(n);
        return true;
    }
};

// What follows the qualifiers: a name, a number, a dotted address with an
// optional `/len` or `mask m`, an IPv6 address with an optional `/len`, a
// MAC address, or `\name`.
struct id_parser : x3::parser<id_parser> {
    using attribute_type = ast::Id;

    template <typename It, typename Ctx>
    static void skip(It& first, It const& last, Ctx const& ctx) {
        x3::skip_over(first, last, ctx);
    }

    template <typename It, typename Ctx>
    static bool prefix_length(It& first, It const& last, Ctx const& ctx, std::uint32_t& len) {
        It save = first;
        skip(first, last, ctx);
        if (first == last || *first != '/') {
            first = save;
            return false;
        }
        ++first;
        skip(first, last, ctx);
        std::size_t n = words::word_length(rest(first, last));
        std::uint32_t v;
        if (n == 0 || words::number(rest(first, last).substr(0, n), v) != words::NumberResult::ok) {
            first = save;
            return false;
        }
        first += std::ptrdiff_t(n);
        len = v;
        return true;
    }

    template <typename It, typename Ctx, typename RCtx, typename Attr>
    bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
        skip(first, last, ctx);
        if (first == last) return false;
        ast::Id id;
        if (*first == '\\') {  // `\tcp`: a name even when it is a keyword
            It it = first + 1;
            while (it != last && *it != ' ' && *it != '!' && *it != '(' && *it != ')' && *it != '\n' && *it != '\t')
                ++it;
            if (it == first + 1) return false;
            id.kind = ast::IdKind::name;
            id.text.assign(first + 1, it);
            first = it;
            x3::traits::move_to(id, attr);
            return true;
        }
        std::string_view s = rest(first, last);
        std::size_t n = words::word_length(s), c = words::colon_length(s);
        if (c > n) {
            id.text = std::string(s.substr(0, c));
            first += std::ptrdiff_t(c);
            if (words::is_mac(id.text)) {
                id.kind = ast::IdKind::mac;
            } else {
                id.kind = ast::IdKind::ipv6;
                if (prefix_length(first, last, ctx, id.number)) id.kind = ast::IdKind::ipv6_cidr;
            }
            x3::traits::move_to(id, attr);
            return true;
        }
        if (n == 0) return false;
        std::string_view w = s.substr(0, n);
        if (words::is_keyword(w) && words::number(w, id.number) != words::NumberResult::ok) return false;
        // libpcap's scanner: MAC before NUM and HID, so `000102030405`
        // and `0001.0203.0405` are MAC addresses.
        if (words::is_mac(w)) {
            id.kind = ast::IdKind::mac;
            id.text = std::string(w);
            first += std::ptrdiff_t(n);
            x3::traits::move_to(id, attr);
            return true;
        }
        switch (words::number(w, id.number)) {
        case words::NumberResult::ok:
            id.kind = ast::IdKind::number;
            break;
        case words::NumberResult::overflow: throw number_overflow{std::size_t(last - first), std::string(w)};
        case words::NumberResult::bad_octal:
            throw number_overflow{std::size_t(last - first), std::string(w), true};
        case words::NumberResult::not_a_number:
            if (words::is_dotted(w)) id.kind = ast::IdKind::ipv4;
            else if (w.find('-') != std::string_view::npos && std::isdigit(static_cast<unsigned char>(w[0])))
                id.kind = ast::IdKind::portrange;
            else id.kind = ast::IdKind::name;
            break;
        }
        id.text = std::string(w);
        first += std::ptrdiff_t(n);
        if (id.kind == ast::IdKind::ipv4) {
            if (prefix_length(first, last, ctx, id.number)) {
                id.kind = ast::IdKind::ipv4_cidr;
            } else {
                // `mask M`
                It save = first;
                skip(first, last, ctx);
                std::size_t m = words::word_length(rest(first, last));
                if (m == 4 && rest(first, last).substr(0, 4) == "mask") {
                    first += 4;
                    skip(first, last, ctx);
                    std::size_t k = words::word_length(rest(first, last));
                    std::string_view mask = rest(first, last).substr(0, k);
                    if (k > 0 && words::is_dotted(mask)) {
                        id.kind = ast::IdKind::ipv4_masked;
                        id.mask = std::string(mask);
                        first += std::ptrdiff_t(k);
                    } else {
                        first = save;
                    }
                } else {
                    first = save;
                }
            }
        }
        x3::traits::move_to(id, attr);
        return true;
    }
};

}  // namespace fcap::parse::tokens
