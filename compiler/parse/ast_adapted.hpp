// Fusion adaptation of the AST, and nothing else.
#pragma once

#include "parse/ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Qualifiers, proto, dir, kind)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Primitive, quals, id)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::BareId, id)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::PacketLength, unused)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::PacketAccess, proto, index, size)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Negate, operand)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::ArithOperation, op, operand)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::ArithChain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Relation, lhs, op, rhs)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::ProtoAbbrev, proto)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Broadcast, proto)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Multicast, proto)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::LengthCheck, greater, value)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Direction, inbound)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Ifindex, value)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Encapsulation, kind, value)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Llc, subtype)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::ByteOp, index, op, value)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::LinkSpecific, keyword, args)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Not, operand)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::LogicOperation, op, term)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Expression, first, rest)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::Paren, inner)
BOOST_FUSION_ADAPT_STRUCT(fcap::parse::ast::PrimitiveList, quals, value)
