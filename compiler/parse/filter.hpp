// Rule declarations of the pcap-filter grammar.
#pragma once

#include "parse/ast.hpp"
#include "parse/config.hpp"

namespace fcap::parse {

namespace grammar {
struct expression_class;
using expression_type = x3::rule<expression_class, ast::Expression>;
BOOST_SPIRIT_DECLARE(expression_type)
}  // namespace grammar

grammar::expression_type const& expression();

}  // namespace fcap::parse
