// Entry point of the parser: expression text to AST, with positions.
#pragma once

#include "fcap/diagnostics.hpp"
#include "parse/ast.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace fcap::parse {

// A parsed expression.  Owns its source text and the positions of every
// AST node, so spans stay valid when a Parsed is moved.
class Parsed {
public:
    Parsed(Parsed&&) noexcept;
    Parsed& operator=(Parsed&&) noexcept;
    ~Parsed();

    // Null when the expression is empty or only blanks: libpcap accepts that
    // and the filter matches every packet.
    const ast::Expression* expression() const;

    // The byte range of any node of this tree in source().
    diag::Span span(const ast::x3::position_tagged& node) const;

    std::string_view source() const;

    struct State;  // parse.cpp
    explicit Parsed(std::unique_ptr<State> state);

private:
    std::unique_ptr<State> state_;
};

// Parses `source`.  On a syntax error reports it to `sink` (position, caret,
// and what was expected) and returns nullopt.
std::optional<Parsed> parse(std::string_view source, diag::Sink& sink);

// --dump-ast: an indented, stable rendering of the tree (golden tests use it).
std::string dump(const Parsed& parsed);

}  // namespace fcap::parse
