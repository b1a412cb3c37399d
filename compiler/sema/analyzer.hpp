// The analyzer's state and its code generators, split over several files by
// subject (linktype.cpp, address.cpp, transport.cpp, arith.cpp, encap.cpp,
// special.cpp).  Internal to sema.
//
// The generators follow libpcap's gencode semantics, not its shape: each
// returns a predicate whose loads, and their order, are those of libpcap's
// code, so that truncated packets get libpcap's verdicts too.
#pragma once

#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"
#include "parse/parse.hpp"
#include "sema/link_layer.hpp"
#include "sema/pred.hpp"
#include "sema/sema.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace fcap::sema {

namespace ast = parse::ast;

inline constexpr PredId bad = 0xffffffffu;  // an error was reported

// An offset in the packet: a constant, plus a variable part once the
// headers before it have variable length (inside Geneve).
struct Offset {
    std::uint32_t constant = 0;
    std::optional<ir::VarId> var;
};

// Where things are, for the rest of the expression.  `vlan`, `mpls`,
// `pppoes` and `geneve` move these for everything parsed after them
// (libpcap: "be nice: the rest of the expression is interpreted relative to
// the inner header").
struct Layout {
    const LinkLayer* link = nullptr;
    Offset link_header;           // the link-layer header
    Offset link_type;             // the protocol field (if link->type_offset)
    Offset payload;               // the link-layer payload
    std::uint32_t network = 0;    // the network header, from the payload (MPLS moves it)
    std::uint32_t nosnap = 0;     // the 802.2 payload without SNAP, from the payload
    int vlan_depth = 0;
    int label_depth = 0;          // MPLS labels
    bool geneve = false;
};

// Where a load is relative to (libpcap's e_offrel).
enum class Region : std::uint8_t {
    packet,        // absolute
    link_header,
    link_type,
    llc,           // the link-layer payload, where an 802.2 header starts
    network,       // payload + network
    network_nosnap,
    prev_mpls,     // the MPLS label before the network header
    transport_v4,  // network + IPv4 header length
    transport_v6,  // network + 40
};

// The qualifiers in force for a bare id (libpcap's `$<blk>0.q`).
struct Quals {
    bool valid = false;  // false after a relation, a lone protocol, etc.
    std::optional<ast::Proto> proto;
    std::optional<ast::Dir> dir;
    std::optional<ast::Kind> kind;
};

// An arithmetic value and the protocol check that must hold before it is
// computed (libpcap's struct arth: its `b` and its code).
struct Value {
    ir::ExprId expr = ir::no_expr;
    std::optional<PredId> guard;
    // The constant of the first instruction libpcap would emit for this
    // value, if that instruction is `ld #k` (its division-by-zero check
    // looks only there).
    std::optional<std::uint32_t> first_constant;
    bool ok = true;
};

class Analyzer {
public:
    Analyzer(const parse::Parsed& parsed, const Options& options, diag::Sink& sink, const LinkLayer& link);

    std::optional<ir::Program> run();

    // ---- boolean structure (analyzer.cpp)
    PredId expression(const ast::Expression& e, Quals& context);
    PredId term(const ast::Term& t, Quals& context);
    PredId primitive(const Quals& q, const ast::Id& id, diag::Span span);

    // ---- link layer (linktype.cpp)
    PredId linktype(std::uint32_t proto);
    PredId llc(const ast::Llc& node, diag::Span span);
    PredId llc_frame();
    PredId snap(std::uint32_t orgcode, std::uint32_t ptype);

    // ---- addresses (address.cpp)
    PredId host(std::uint32_t addr, std::uint32_t mask, std::optional<ast::Proto> proto,
                std::optional<ast::Dir> dir, bool net, diag::Span span);
    PredId host6(const std::array<std::uint8_t, 16>& addr, const std::array<std::uint8_t, 16>& mask,
                 std::optional<ast::Proto> proto, std::optional<ast::Dir> dir, bool net, diag::Span span);
    PredId ether_host(const std::array<std::uint8_t, 6>& mac, std::optional<ast::Dir> dir, diag::Span span);
    PredId named_host(const std::string& name, const Quals& q, diag::Span span);
    PredId number_id(const ast::Id& id, const Quals& q, diag::Span span);
    PredId masked_id(const ast::Id& id, const Quals& q, diag::Span span);
    PredId ipv6_id(const ast::Id& id, const Quals& q, diag::Span span);
    PredId mac_id(const ast::Id& id, const Quals& q, diag::Span span);

    // ---- transport: ports and protocols (transport.cpp)
    PredId port(std::uint32_t port, int ip_proto, std::optional<ast::Dir> dir, diag::Span span);
    PredId port_family(std::uint32_t port, int ip_proto, std::optional<ast::Dir> dir, bool v6, diag::Span span);
    PredId portrange(std::uint32_t lo, std::uint32_t hi, int ip_proto, std::optional<ast::Dir> dir,
                     diag::Span span);
    PredId ip_proto(std::uint32_t v, std::optional<ast::Proto> proto, std::optional<ast::Dir> dir,
                    diag::Span span);
    PredId protochain(std::uint32_t v, std::optional<ast::Proto> proto, diag::Span span);
    PredId proto_abbrev(ast::Proto proto, diag::Span span);
    PredId ip_fragment_zero();
    PredId named_port(const std::string& name, const Quals& q, diag::Span span);
    PredId named_portrange(const std::string& text, const Quals& q, diag::Span span);
    PredId named_proto(const std::string& name, const Quals& q, diag::Span span);

    // ---- arithmetic (arith.cpp)
    Value arith(const ast::Arith& a);
    Value packet_access(const ast::PacketAccess& p);
    PredId relation(const ast::Relation& r);

    // ---- encapsulations (encap.cpp)
    PredId encapsulation(const ast::Encapsulation& e, diag::Span span);

    // ---- the rest (special.cpp)
    PredId broadcast(std::optional<ast::Proto> proto, diag::Span span);
    PredId multicast(std::optional<ast::Proto> proto, diag::Span span);
    PredId length_check(const ast::LengthCheck& l);
    PredId direction(bool inbound, diag::Span span);
    PredId ifindex(std::uint32_t index, diag::Span span);
    PredId byte_op(const ast::ByteOp& b, diag::Span span);

    // ---- helpers (analyzer.cpp)
    ir::ExprId load(Region region, std::uint32_t offset, std::uint8_t size);
    ir::ExprId at(const Offset& base, std::uint32_t offset, std::uint8_t size);
    ir::ExprId ip_header_length();  // of the network header, with any variable part
    PredId cmp(Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value);
    PredId masked_cmp(Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value,
                      std::uint32_t mask);
    PredId cmp_op(ir::CmpOp op, Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value);
    PredId bytes_cmp(Region region, std::uint32_t offset, const std::uint8_t* bytes, std::uint32_t size);
    PredId all(PredId a, PredId b);
    PredId any(PredId a, PredId b);
    PredId negate(PredId a);
    PredId error(diag::Span span, std::string message, std::string hint = {});
    diag::Span span(const ast::x3::position_tagged& node) const { return parsed_.span(node); }

    const parse::Parsed& parsed_;
    const Options& options_;
    diag::Sink& sink_;
    ir::Program program_;
    PredPool preds_;
    Layout layout_;
    diag::Span whole_;
    // libpcap turns its optimizer off for Geneve and protochain.
    bool libpcap_skips_optimizer_ = false;
};

// Names for messages.
std::string_view proto_name(ast::Proto p);
std::string_view dir_name(ast::Dir d);

}  // namespace fcap::sema
