#include "parse/parse.hpp"

#include "parse/config.hpp"
#include "parse/filter.hpp"
#include "parse/tokens.hpp"
#include "parse/words.hpp"

#include <sstream>

namespace fcap::parse {

struct Parsed::State {
    std::string source;
    std::optional<ast::Expression> expression;
    std::ostringstream x3_messages;  // x3::error_handler insists on a stream
    std::unique_ptr<error_handler_type> positions;
};

Parsed::Parsed(std::unique_ptr<State> state) : state_(std::move(state)) {}
Parsed::Parsed(Parsed&&) noexcept = default;
Parsed& Parsed::operator=(Parsed&&) noexcept = default;
Parsed::~Parsed() = default;

const ast::Expression* Parsed::expression() const {
    return state_->expression ? &*state_->expression : nullptr;
}

std::string_view Parsed::source() const { return state_->source; }

diag::Span Parsed::span(const ast::x3::position_tagged& node) const {
    if (!state_->positions || node.id_first < 0) return {0, state_->source.size()};
    auto range = state_->positions->position_of(node);
    auto begin = state_->source.cbegin();
    return {std::size_t(range.begin() - begin), std::size_t(range.end() - begin)};
}

namespace {

// The span of the token at `offset` (after any blanks), for carets.
diag::Span token_at(std::string_view source, std::size_t offset) {
    while (offset < source.size() && (source[offset] == ' ' || source[offset] == '\t' || source[offset] == '\n'))
        ++offset;
    if (offset >= source.size()) return {source.size(), source.size()};
    std::size_t n = std::max(words::word_length(source.substr(offset)), words::colon_length(source.substr(offset)));
    return {offset, offset + std::max<std::size_t>(n, 1)};
}

std::string describe(std::string_view source, diag::Span s) {
    if (s.begin >= source.size()) return "the end of the expression";
    return "'" + std::string(source.substr(s.begin, s.end - s.begin)) + "'";
}

}  // namespace

std::optional<Parsed> parse(std::string_view text, diag::Sink& sink) {
    auto state = std::make_unique<Parsed::State>();
    state->source = std::string(text);
    const std::string& source = state->source;
    if (source.find_first_not_of(" \t\n\r") == std::string::npos) return Parsed(std::move(state));

    iterator_type first = source.cbegin(), last = source.cend();
    state->positions = std::make_unique<error_handler_type>(first, last, state->x3_messages);
    auto const parser = x3::with<x3::error_handler_tag>(std::ref(*state->positions))[expression()];
    ast::Expression tree;
    try {
        bool ok = x3::phrase_parse(first, last, parser, x3::ascii::space, tree);
        if (ok) {
            x3::ascii::space_type skipper;
            while (first != last && skipper.parse(first, last, x3::unused, x3::unused, x3::unused)) {
            }
        }
        if (!ok || first != last) {
            std::size_t at = std::size_t(first - source.cbegin());
            diag::Span where = token_at(source, at);
            std::string what = describe(source, where);
            if (!ok) {
                sink.error(where, "expected a filter expression, found " + what,
                           "start with a primitive such as `host 10.0.0.1`, `tcp port 80` or `ip[0] & 0xf > 5`");
            } else if (source[where.begin] == ')') {
                sink.error(where, "unbalanced parenthesis", "this ')' closes nothing");
            } else {
                sink.error(where, "unexpected " + what,
                           "join terms with `and` or `or`; an address or number needs a qualifier such as "
                           "`host`, `net` or `port`");
            }
            return std::nullopt;
        }
    } catch (const x3::expectation_failure<iterator_type>& x) {
        std::size_t at = std::size_t(x.where() - source.cbegin());
        diag::Span where = token_at(source, at);
        std::string expected = x.which();
        if (expected == "')'") {
            sink.error(where, "expected ')' to close a parenthesis, found " + describe(source, where),
                       "unbalanced parenthesis");
        } else {
            sink.error(where, "expected " + expected + ", found " + describe(source, where));
        }
        return std::nullopt;
    } catch (const tokens::number_overflow& o) {
        std::size_t at = source.size() - o.offset_from_end;
        if (o.bad_octal)
            sink.error(token_at(source, at), "number " + o.text + " contains non-octal digit",
                       "a leading 0 makes a number octal; drop it");
        else
            sink.error(token_at(source, at), "number " + o.text + " does not fit in 32 bits");
        return std::nullopt;
    }
    state->expression = std::move(tree);
    return Parsed(std::move(state));
}

}  // namespace fcap::parse
