// The abstract syntax tree of a pcap-filter(7) expression.
//
// Plain structs and x3::variant, as in Spirit X3's own examples: the parser
// builds this tree and does nothing else; sema walks it.  Every node is
// position_tagged so that errors can point at the words that caused them
// (see parse::Parsed::span).
//
// Shape follows libpcap's grammar.y, not its code generator:
//   expression := term { (and|or) term }        -- and/or: same precedence, left to right
//   term       := not term | ( expression ) | primitive | bare id | relation | ...
// A bare id (`host a or b`, `port 80 or 443`, `host a and not b`) inherits the
// qualifiers of the term before it; sema resolves that, as libpcap's parser does.
#pragma once

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::parse::ast {

namespace x3 = boost::spirit::x3;

// Protocol qualifiers (libpcap's "pname").  `ether`, `link`, `fddi`, `tr`,
// `wlan`, `ppp` and `slip` all mean the link layer.
enum class Proto : std::uint8_t {
    link, ip, ip6, arp, rarp, tcp, udp, sctp, icmp, icmp6, igmp, igrp, pim, ah, esp, vrrp, carp,
    radio, atalk, aarp, decnet, lat, sca, moprc, mopdl, iso, esis, isis, l1, l2, iih, lsp, snp,
    csnp, psnp, clnp, stp, ipx, netbeui,
};

// Direction qualifiers ("dqual").
enum class Dir : std::uint8_t { src, dst, src_or_dst, src_and_dst, addr1, addr2, addr3, addr4, ra, ta };

// Address-kind qualifiers ("aqual"), plus `proto` and `protochain` which take
// the same place in a primitive.
enum class Kind : std::uint8_t { host, net, port, portrange, gateway, proto, protochain };

struct Qualifiers : x3::position_tagged {
    std::optional<Proto> proto;
    std::optional<Dir> dir;
    std::optional<Kind> kind;
};

// What follows the qualifiers ("id" / "nid" / "pnum" in grammar.y).
enum class IdKind : std::uint8_t {
    name,         // text: a host, network, port, protocol or service name ("\tcp" arrives as "tcp")
    number,       // number: 80, 0x50, 010 (octal), or a named constant
    ipv4,         // text: 1, 2 or 3 or 4 dotted parts: "10", "10.1", "10.1.2", "10.1.2.3" (HID)
    ipv4_cidr,    // text: dotted address, number: prefix length ("10.1.0.0/16")
    ipv4_masked,  // text: dotted address, mask: dotted mask ("10.1.0.0 mask 255.255.0.0")
    ipv6,         // text: an IPv6 address
    ipv6_cidr,    // text: an IPv6 address, number: prefix length
    mac,          // text: 6-byte MAC in any of libpcap's spellings
    portrange,    // text: "N-M" or "name-name" as written (portrange qualifier only)
};

struct Id : x3::position_tagged {
    IdKind kind = IdKind::name;
    std::string text;
    std::string mask;
    std::uint32_t number = 0;
};

// `[qualifiers] id`, with at least one of dir/kind/`proto`/`protochain`
// ("head id" in grammar.y): `host a`, `tcp dst port 80`, `ip proto \tcp`.
struct Primitive : x3::position_tagged {
    Qualifiers quals;
    Id id;
};

// An id with no qualifiers of its own; it takes the previous term's.
struct BareId : x3::position_tagged {
    Id id;
};

// ---- Arithmetic -------------------------------------------------------------

enum class ArithOp : std::uint8_t { add, sub, mul, div, mod, band, bor, bxor, lsh, rsh };
enum class RelOp : std::uint8_t { gt, ge, eq, ne, lt, le };

struct Number : x3::position_tagged {
    std::uint32_t value = 0;
};

struct PacketLength : x3::position_tagged {  // `len`, `length`
    bool unused = false;                     // (Fusion wants a member)
};

struct PacketAccess;
struct Negate;
struct ArithChain;

using Arith = x3::variant<
    Number,
    PacketLength,
    x3::forward_ast<PacketAccess>,
    x3::forward_ast<Negate>,
    x3::forward_ast<ArithChain>>;

// `proto[index]`, `proto[index:size]`; size is 1, 2 or 4.
struct PacketAccess : x3::position_tagged {
    Proto proto{};
    Arith index;
    std::optional<std::uint32_t> size;
};

struct Negate : x3::position_tagged {  // unary minus
    Arith operand;
};

struct ArithOperation : x3::position_tagged {
    ArithOp op{};
    Arith operand;
};

// first op1 operand1 op2 operand2 ... evaluated left to right.  Precedence
// is already in the nesting: `a + b * c` is {a, [+ {b, [* c]}]}.  libpcap's
// `%` and `^` have no precedence and take everything to their right:
// `a % b + c` is {a, [% {b, [+ c]}]}.
struct ArithChain : x3::position_tagged {
    Arith first;
    std::vector<ArithOperation> rest;
};

struct Relation : x3::position_tagged {
    Arith lhs;
    RelOp op{};
    Arith rhs;
};

// ---- Other primitives ("other" in grammar.y) ----------------------------------

struct ProtoAbbrev : x3::position_tagged {  // `tcp`, `ip6`, `arp` alone
    Proto proto{};
};

struct Broadcast : x3::position_tagged {  // `[ether|ip|ip6] broadcast`
    std::optional<Proto> proto;
};

struct Multicast : x3::position_tagged {  // `[ether|ip|ip6] multicast`
    std::optional<Proto> proto;
};

struct LengthCheck : x3::position_tagged {  // `less N`, `greater N`
    bool greater = false;
    std::uint32_t value = 0;
};

struct Direction : x3::position_tagged {  // `inbound`, `outbound`
    bool inbound = true;
};

struct Ifindex : x3::position_tagged {  // `ifindex N` (LINUX_SLL2)
    std::uint32_t value = 0;
};

enum class Encap : std::uint8_t { vlan, mpls, pppoed, pppoes, geneve };

// `vlan [id]`, `mpls [label]`, `pppoed`, `pppoes [session]`, `geneve [vni]`:
// each moves the offsets of everything parsed after it.
struct Encapsulation : x3::position_tagged {
    Encap kind{};
    std::optional<std::uint32_t> value;
};

struct Llc : x3::position_tagged {  // `llc`, `llc i|s|u|rr|rnr|ui|ua|...`
    std::optional<std::string> subtype;
};

struct ByteOp : x3::position_tagged {  // `byte N op M`, op one of & | < > =
    std::uint32_t index = 0;
    char op = '=';
    std::uint32_t value = 0;
};

// Keywords that libpcap parses but that apply only to link types fcap does
// not target (802.11 `type`/`subtype`/`dir`, pflog `on`/`rnr`/`action`...,
// ATM, MTP2/3).  Sema refuses them with a message that says where they apply.
struct LinkSpecific : x3::position_tagged {
    std::string keyword;
    std::vector<std::string> args;
};

// ---- Boolean structure --------------------------------------------------------

struct Not;
struct Paren;
struct PrimitiveList;

// Primitive comes first: a variant default-constructs its first type,
// which must not be recursive.
using Term = x3::variant<
    Primitive,
    x3::forward_ast<Not>,
    x3::forward_ast<Paren>,
    x3::forward_ast<PrimitiveList>,
    BareId,
    Relation,
    ProtoAbbrev,
    Broadcast,
    Multicast,
    LengthCheck,
    Direction,
    Ifindex,
    Encapsulation,
    Llc,
    ByteOp,
    LinkSpecific>;

struct Not : x3::position_tagged {  // `not`, `!`
    Term operand;
};

enum class LogicOp : std::uint8_t { and_, or_ };

struct LogicOperation : x3::position_tagged {
    LogicOp op{};
    Term term;
};

// and/or have one precedence in libpcap and group left to right:
// `a or b and c` is `(a or b) and c`.
struct Expression : x3::position_tagged {
    Term first;
    std::vector<LogicOperation> rest;
};

struct Paren : x3::position_tagged {
    Expression inner;
};

// `head ( id and|or id ... )` and `head not id`: values after qualifiers,
// every one of them taking those qualifiers (grammar.y: `head id` with
// `id: paren pid ')'` or `nid: not id`): `host (a or b)`, `tcp dst port
// (80 or not 443)`, `port not 22`.  `value` is a Paren or a Not holding
// only BareId, Not and Paren terms, as grammar.y's pid allows.
struct PrimitiveList : x3::position_tagged {
    Qualifiers quals;
    Term value;
};

}  // namespace fcap::parse::ast
