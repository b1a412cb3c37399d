// The pcap-filter(7) grammar (libpcap 1.10's grammar.y), as X3 rules.
// No semantic actions: the rules build the AST, and sema gives it meaning.
#pragma once

#include "parse/ast.hpp"
#include "parse/ast_adapted.hpp"
#include "parse/filter.hpp"
#include "parse/tokens.hpp"

#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>

namespace fcap::parse::grammar {

using tokens::kw;
using x3::attr;
using x3::lit;

// ---- tokens --------------------------------------------------------------------

const tokens::number_parser<ast::Number> num_node{};
const tokens::number_parser<std::uint32_t> num{};
const tokens::id_parser id_token{};
const tokens::number_id_parser id_number{};
const tokens::plain_word_parser plain_word{};

const tokens::table_parser<ast::Proto> pname{{
    {"link", ast::Proto::link},   {"ether", ast::Proto::link},    {"ppp", ast::Proto::link},
    {"slip", ast::Proto::link},   {"fddi", ast::Proto::link},     {"tr", ast::Proto::link},
    {"wlan", ast::Proto::link},   {"ip", ast::Proto::ip},         {"ip6", ast::Proto::ip6},
    {"arp", ast::Proto::arp},     {"rarp", ast::Proto::rarp},     {"tcp", ast::Proto::tcp},
    {"udp", ast::Proto::udp},     {"sctp", ast::Proto::sctp},     {"icmp", ast::Proto::icmp},
    {"icmp6", ast::Proto::icmp6}, {"igmp", ast::Proto::igmp},     {"igrp", ast::Proto::igrp},
    {"pim", ast::Proto::pim},     {"ah", ast::Proto::ah},         {"esp", ast::Proto::esp},
    {"vrrp", ast::Proto::vrrp},   {"carp", ast::Proto::carp},     {"radio", ast::Proto::radio},
    {"atalk", ast::Proto::atalk}, {"aarp", ast::Proto::aarp},     {"decnet", ast::Proto::decnet},
    {"lat", ast::Proto::lat},     {"sca", ast::Proto::sca},       {"moprc", ast::Proto::moprc},
    {"mopdl", ast::Proto::mopdl}, {"iso", ast::Proto::iso},       {"esis", ast::Proto::esis},
    {"es-is", ast::Proto::esis},  {"isis", ast::Proto::isis},     {"is-is", ast::Proto::isis},
    {"l1", ast::Proto::l1},       {"l2", ast::Proto::l2},         {"iih", ast::Proto::iih},
    {"lsp", ast::Proto::lsp},     {"snp", ast::Proto::snp},       {"csnp", ast::Proto::csnp},
    {"psnp", ast::Proto::psnp},   {"clnp", ast::Proto::clnp},     {"stp", ast::Proto::stp},
    {"ipx", ast::Proto::ipx},     {"netbeui", ast::Proto::netbeui},
}};

const tokens::table_parser<ast::Dir> single_dir{{
    {"src", ast::Dir::src}, {"dst", ast::Dir::dst}, {"addr1", ast::Dir::addr1}, {"address1", ast::Dir::addr1},
    {"addr2", ast::Dir::addr2}, {"address2", ast::Dir::addr2}, {"addr3", ast::Dir::addr3},
    {"address3", ast::Dir::addr3}, {"addr4", ast::Dir::addr4}, {"address4", ast::Dir::addr4},
    {"ra", ast::Dir::ra}, {"ta", ast::Dir::ta},
}};

const tokens::table_parser<ast::Kind> kind{{
    {"host", ast::Kind::host}, {"net", ast::Kind::net}, {"port", ast::Kind::port},
    {"portrange", ast::Kind::portrange}, {"gateway", ast::Kind::gateway}, {"proto", ast::Kind::proto},
    {"protochain", ast::Kind::protochain},
}};

const tokens::table_parser<ast::Encap> encap_word{{
    {"vlan", ast::Encap::vlan}, {"mpls", ast::Encap::mpls}, {"pppoed", ast::Encap::pppoed},
    {"pppoes", ast::Encap::pppoes}, {"geneve", ast::Encap::geneve},
}};

const tokens::table_parser<std::string> link_specific_word{{
    {"type", "type"}, {"subtype", "subtype"}, {"dir", "dir"}, {"direction", "direction"}, {"on", "on"},
    {"ifname", "ifname"}, {"rnr", "rnr"}, {"rulenum", "rulenum"}, {"reason", "reason"}, {"rset", "rset"},
    {"ruleset", "ruleset"}, {"srnr", "srnr"}, {"subrulenum", "subrulenum"}, {"action", "action"},
    {"lane", "lane"}, {"metac", "metac"}, {"bcc", "bcc"}, {"oam", "oam"}, {"oamf4", "oamf4"},
    {"oamf4ec", "oamf4ec"}, {"oamf4sc", "oamf4sc"}, {"sc", "sc"}, {"ilmic", "ilmic"}, {"vpi", "vpi"},
    {"vci", "vci"}, {"connectmsg", "connectmsg"}, {"metaconnect", "metaconnect"}, {"fisu", "fisu"},
    {"lssu", "lssu"}, {"lsu", "lsu"}, {"msu", "msu"}, {"hfisu", "hfisu"}, {"hlssu", "hlssu"}, {"hmsu", "hmsu"},
    {"sio", "sio"}, {"opc", "opc"}, {"dpc", "dpc"}, {"sls", "sls"}, {"hsio", "hsio"}, {"hopc", "hopc"},
    {"hdpc", "hdpc"}, {"hsls", "hsls"}, {"radio", "radio"},
}};

x3::symbols<ast::LogicOp> const logic_symbol = [] {
    x3::symbols<ast::LogicOp> s;
    s.add("&&", ast::LogicOp::and_)("||", ast::LogicOp::or_);
    return s;
}();

x3::symbols<ast::RelOp> const relop = [] {
    x3::symbols<ast::RelOp> s;
    s.add(">", ast::RelOp::gt)(">=", ast::RelOp::ge)("=", ast::RelOp::eq)("==", ast::RelOp::eq)(
        "!=", ast::RelOp::ne)("<", ast::RelOp::lt)("<=", ast::RelOp::le);
    return s;
}();

// ---- rules ---------------------------------------------------------------------

struct term_class;
struct not_class;
struct paren_class;
struct primitive_class;
struct qualifiers_class;
struct bare_id_class;
struct id_class;
struct relation_class;
struct arith_class;
struct or_level_class;
struct and_level_class;
struct shift_level_class;
struct add_level_class;
struct mul_level_class;
struct unary_class;
struct negate_class;
struct tail_class;
struct primary_class;
struct access_class;
struct number_class;
struct length_class;
struct logic_operation_class;
struct arith_operation_class;
struct arith_tail_operation_class;
struct proto_abbrev_class;
struct broadcast_class;
struct multicast_class;
struct length_check_class;
struct direction_class;
struct ifindex_class;
struct encapsulation_class;
struct llc_class;
struct byte_op_class;
struct link_specific_class;
struct pnum_class;
struct primitive_list_class;
struct id_list_class;
struct id_operation_class;
struct id_first_class;
struct id_item_class;
struct id_not_class;
struct id_paren_class;
struct id_list_paren_class;
struct pnum_id_class;
struct paren_number_class;
struct head_value_class;

expression_type const expression = "a filter expression";
x3::rule<logic_operation_class, ast::LogicOperation> const logic_operation = "and/or and a term";
x3::rule<term_class, ast::Term> const term = "a filter term";
x3::rule<not_class, ast::Not> const not_term = "not";
x3::rule<paren_class, ast::Paren> const paren = "a parenthesised expression";
x3::rule<primitive_class, ast::Primitive> const primitive = "a primitive";
x3::rule<qualifiers_class, ast::Qualifiers> const qualifiers = "qualifiers";
x3::rule<bare_id_class, ast::BareId> const bare_id = "an address, name or number";
x3::rule<id_class, ast::Id> const id = "an address, name or number";
x3::rule<primitive_list_class, ast::PrimitiveList> const primitive_list = "a primitive";
x3::rule<id_list_class, ast::Expression> const id_list = "a list of addresses, names or numbers";
x3::rule<id_operation_class, ast::LogicOperation> const id_operation = "and/or and an address, name or number";
x3::rule<id_first_class, ast::Term> const id_first = "an address, name or number";
x3::rule<id_item_class, ast::Term> const id_item = "an address, name or number";
x3::rule<id_not_class, ast::Not> const id_not = "not";
x3::rule<id_paren_class, ast::Paren> const id_paren = "a parenthesised list of addresses, names or numbers";
x3::rule<id_list_paren_class, ast::Paren> const id_list_paren = "a parenthesised list of addresses, names or numbers";
x3::rule<pnum_id_class, ast::Id> const pnum_id = "a number in parentheses";
x3::rule<paren_number_class, ast::BareId> const paren_number = "a number in parentheses";
x3::rule<head_value_class, ast::Term> const head_value = "an address, name or number";
x3::rule<relation_class, ast::Relation> const relation = "a comparison";
x3::rule<arith_class, ast::Arith> const arith = "an arithmetic expression";
x3::rule<or_level_class, ast::ArithChain> const or_level = "an arithmetic expression";
x3::rule<and_level_class, ast::ArithChain> const and_level = "an arithmetic expression";
x3::rule<shift_level_class, ast::ArithChain> const shift_level = "an arithmetic expression";
x3::rule<add_level_class, ast::ArithChain> const add_level = "an arithmetic expression";
x3::rule<mul_level_class, ast::ArithChain> const mul_level = "an arithmetic expression";
x3::rule<unary_class, ast::Arith> const unary = "an arithmetic operand";
x3::rule<negate_class, ast::Negate> const negate = "a negation";
x3::rule<tail_class, ast::ArithChain> const tail = "an arithmetic operand";
x3::rule<primary_class, ast::Arith> const primary = "a number, `len` or a packet access such as ip[0]";
x3::rule<access_class, ast::PacketAccess> const access = "a packet access";
x3::rule<number_class, ast::Number> const number = "a number";
x3::rule<pnum_class, std::uint32_t> const pnum = "a number";
x3::rule<length_class, ast::PacketLength> const length = "len";
x3::rule<struct or_op_class, ast::ArithOperation> const or_op = "an operand";
x3::rule<struct and_op_class, ast::ArithOperation> const and_op = "an operand";
x3::rule<struct shift_op_class, ast::ArithOperation> const shift_op = "an operand";
x3::rule<struct add_op_class, ast::ArithOperation> const add_op = "an operand";
x3::rule<struct mul_op_class, ast::ArithOperation> const mul_op = "an operand";
x3::rule<arith_tail_operation_class, ast::ArithOperation> const tail_op = "an operand";
x3::rule<proto_abbrev_class, ast::ProtoAbbrev> const proto_abbrev = "a protocol name";
x3::rule<broadcast_class, ast::Broadcast> const broadcast = "broadcast";
x3::rule<multicast_class, ast::Multicast> const multicast = "multicast";
x3::rule<length_check_class, ast::LengthCheck> const length_check = "less or greater";
x3::rule<direction_class, ast::Direction> const direction = "inbound or outbound";
x3::rule<ifindex_class, ast::Ifindex> const ifindex = "ifindex";
x3::rule<encapsulation_class, ast::Encapsulation> const encapsulation = "an encapsulation";
x3::rule<llc_class, ast::Llc> const llc = "llc";
x3::rule<byte_op_class, ast::ByteOp> const byte_op = "byte";
x3::rule<link_specific_class, ast::LinkSpecific> const link_specific = "a link-specific keyword";

// and/or: one precedence, left to right (grammar.y's %left OR AND).
auto const and_word = (kw("and") >> attr(ast::LogicOp::and_)) | (kw("or") >> attr(ast::LogicOp::or_)) |
                      logic_symbol;
auto const expression_def = term >> *logic_operation;
auto const logic_operation_def = and_word > term;

auto const not_word = kw("not") | (lit('!') >> !lit('='));
auto const term_def = not_term | relation | primitive_list | id_paren | paren | primitive | encapsulation | broadcast | multicast |
                      length_check | direction | ifindex | llc | byte_op | link_specific | proto_abbrev | bare_id;
auto const not_term_def = not_word > term;
auto const paren_def = '(' > expression > ')';

// `src or dst` and `src and dst` are directions, not boolean operators.
auto const dir = (kw("src") >> kw("or") >> kw("dst") >> attr(ast::Dir::src_or_dst)) |
                 (kw("dst") >> kw("or") >> kw("src") >> attr(ast::Dir::src_or_dst)) |
                 (kw("src") >> kw("and") >> kw("dst") >> attr(ast::Dir::src_and_dst)) |
                 (kw("dst") >> kw("and") >> kw("src") >> attr(ast::Dir::src_and_dst)) | single_dir;
auto const qualifiers_def = -pname >> &(dir | kind) >> -dir >> -kind;
auto const primitive_def = qualifiers > id;
auto const id_def = id_token;
auto const bare_id_def = id;

// Values in parentheses (grammar.y's `id: paren pid ')'`, `pid: nid | qid
// and id | qid or id`, `qid: pnum | pid`, `nid: ... | not id`): the first
// value is an address or name, `not` and a value, or a number in any depth
// of parentheses (`port ((80) or 443)`); the others may be lists again.
// `host ((a or b) and c)` is a syntax error in libpcap, and here.
auto const primitive_list_def = qualifiers >> head_value;
auto const head_value_def = id_list_paren | id_not;
auto const id_list_paren_def = '(' >> id_list > ')';
auto const id_paren_def = '(' >> id_list >> ')';
auto const id_list_def = id_first >> *id_operation;
auto const id_operation_def = and_word > id_item;
auto const id_first_def = id_not | paren_number | bare_id;
auto const id_item_def = id_not | paren_number | id_paren | bare_id;
auto const id_not_def = not_word >> id_item;
auto const pnum_id_def = '(' >> (id_number | pnum_id) >> ')';
auto const paren_number_def = pnum_id;

// Arithmetic: | < & < << >> < + - < * / < unary minus, left to right; `%`
// and `^` have no precedence in grammar.y, so yacc shifts: they take all of
// the arithmetic to their right.
auto const relation_def = arith >> relop > arith;
auto const arith_def = or_level;
auto const or_level_def = and_level >> *or_op;
auto const or_op_def = (lit('|') >> !lit('|') >> attr(ast::ArithOp::bor)) > and_level;
auto const and_level_def = shift_level >> *and_op;
auto const and_op_def = (lit('&') >> !lit('&') >> attr(ast::ArithOp::band)) > shift_level;
auto const shift_level_def = add_level >> *shift_op;
auto const shift_op_def =
    ((lit("<<") >> attr(ast::ArithOp::lsh)) | (lit(">>") >> attr(ast::ArithOp::rsh))) > add_level;
auto const add_level_def = mul_level >> *add_op;
auto const add_op_def = ((lit('+') >> attr(ast::ArithOp::add)) | (lit('-') >> attr(ast::ArithOp::sub))) > mul_level;
auto const mul_level_def = unary >> *mul_op;
auto const mul_op_def = ((lit('*') >> attr(ast::ArithOp::mul)) | (lit('/') >> attr(ast::ArithOp::div))) > unary;
auto const unary_def = negate | tail;
auto const negate_def = lit('-') > unary;
auto const tail_def = primary >> -tail_op;
auto const tail_op_def = ((lit('%') >> attr(ast::ArithOp::mod)) | (lit('^') >> attr(ast::ArithOp::bxor))) > arith;
auto const primary_def = access | length | number | ('(' >> arith >> ')');
auto const access_def = pname >> '[' > arith > -(':' > num) > ']';
auto const number_def = num_node;
auto const pnum_def = num | ('(' >> pnum >> ')');
auto const length_def = (kw("len") | kw("length")) >> attr(false);

auto const proto_abbrev_def = pname;
auto const broadcast_def = -pname >> kw("broadcast");
auto const multicast_def = -pname >> kw("multicast");
auto const length_check_def = ((kw("less") >> attr(false)) | (kw("greater") >> attr(true))) > num;
auto const direction_def = (kw("inbound") >> attr(true)) | (kw("outbound") >> attr(false));
auto const ifindex_def = kw("ifindex") > num;
auto const encapsulation_def = encap_word >> -pnum;
auto const llc_def = kw("llc") >> -(plain_word | (kw("rnr") >> attr(std::string("rnr"))));
auto const byte_op_def = kw("byte") > num > x3::char_("&|<>=") > num;
auto const link_specific_def = link_specific_word >> *(plain_word | link_specific_word | x3::lexeme[+x3::digit]);

BOOST_SPIRIT_DEFINE(expression, logic_operation, term, not_term, paren, primitive, qualifiers, bare_id, id,
                    relation, arith, or_level, and_level, shift_level, add_level, mul_level, unary, negate, tail,
                    primary, access, number, pnum, length, or_op, and_op, shift_op, add_op, mul_op, tail_op,
                    proto_abbrev, broadcast, multicast, length_check, direction, ifindex, encapsulation, llc,
                    byte_op, link_specific, primitive_list, id_list_paren, id_paren, id_list, id_operation,
                    id_first, id_item, id_not, pnum_id, paren_number, head_value)

// Every node records where it came from (x3::annotate_on_success).
struct expression_class : x3::annotate_on_success {};
struct logic_operation_class : x3::annotate_on_success {};
struct term_class {};
struct not_class : x3::annotate_on_success {};
struct paren_class : x3::annotate_on_success {};
struct primitive_class : x3::annotate_on_success {};
struct qualifiers_class : x3::annotate_on_success {};
struct bare_id_class : x3::annotate_on_success {};
struct id_class : x3::annotate_on_success {};
struct relation_class : x3::annotate_on_success {};
struct arith_class {};
struct or_level_class : x3::annotate_on_success {};
struct and_level_class : x3::annotate_on_success {};
struct shift_level_class : x3::annotate_on_success {};
struct add_level_class : x3::annotate_on_success {};
struct mul_level_class : x3::annotate_on_success {};
struct unary_class {};
struct negate_class : x3::annotate_on_success {};
struct tail_class : x3::annotate_on_success {};
struct primary_class {};
struct access_class : x3::annotate_on_success {};
struct number_class : x3::annotate_on_success {};
struct pnum_class {};
struct length_class : x3::annotate_on_success {};
struct or_op_class : x3::annotate_on_success {};
struct and_op_class : x3::annotate_on_success {};
struct shift_op_class : x3::annotate_on_success {};
struct add_op_class : x3::annotate_on_success {};
struct mul_op_class : x3::annotate_on_success {};
struct arith_operation_class : x3::annotate_on_success {};
struct arith_tail_operation_class : x3::annotate_on_success {};
struct proto_abbrev_class : x3::annotate_on_success {};
struct broadcast_class : x3::annotate_on_success {};
struct multicast_class : x3::annotate_on_success {};
struct length_check_class : x3::annotate_on_success {};
struct direction_class : x3::annotate_on_success {};
struct ifindex_class : x3::annotate_on_success {};
struct encapsulation_class : x3::annotate_on_success {};
struct llc_class : x3::annotate_on_success {};
struct byte_op_class : x3::annotate_on_success {};
struct link_specific_class : x3::annotate_on_success {};
struct primitive_list_class : x3::annotate_on_success {};
struct id_list_paren_class : x3::annotate_on_success {};
struct id_paren_class : x3::annotate_on_success {};
struct id_list_class : x3::annotate_on_success {};
struct id_operation_class : x3::annotate_on_success {};
struct id_first_class {};
struct id_item_class {};
struct id_not_class : x3::annotate_on_success {};
struct pnum_id_class : x3::annotate_on_success {};
struct paren_number_class : x3::annotate_on_success {};
struct head_value_class {};

}  // namespace fcap::parse::grammar
