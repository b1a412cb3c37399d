// Instantiation only.
#include "parse/config.hpp"
#include "parse/filter_def.hpp"

namespace fcap::parse::grammar {
BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
}

namespace fcap::parse {
grammar::expression_type const& expression() { return grammar::expression; }
}
