#include "sema/analyzer.hpp"

#include <boost/variant/apply_visitor.hpp>

namespace fcap::sema {

Analyzer::Analyzer(const parse::Parsed& parsed, const Options& options, diag::Sink& sink, const LinkLayer& link)
    : parsed_(parsed), options_(options), sink_(sink) {
    program_.snaplen = options.snaplen;
    layout_.link = &link;
    layout_.link_header = {0, std::nullopt};
    layout_.link_type = {link.type_offset.value_or(0), std::nullopt};
    layout_.payload = {link.header_length, std::nullopt};
    layout_.network = 0;
    layout_.nosnap = link.nosnap_offset;
    whole_ = {0, parsed.source().size()};
}

std::optional<ir::Program> Analyzer::run() {
    const ast::Expression* e = parsed_.expression();
    PredId root;
    if (e == nullptr) {
        root = preds_.always();  // libpcap: an empty filter accepts every packet
    } else {
        Quals context;  // libpcap's `null` rule: nothing to inherit yet
        root = expression(*e, context);
    }
    if (root == bad || sink_.has_errors()) return std::nullopt;
    preds_.lower(root, program_, options_.snaplen);
    return std::move(program_);
}

PredId Analyzer::expression(const ast::Expression& e, Quals& context) {
    PredId result = term(e.first, context);
    for (const auto& operation : e.rest) {
        if (result == bad) return bad;
        PredId rhs = term(operation.term, context);
        if (rhs == bad) return bad;
        result = operation.op == ast::LogicOp::and_ ? all(result, rhs) : any(result, rhs);
    }
    return result;
}

namespace {

Quals quals_of(const ast::Qualifiers& q) {
    Quals out;
    out.valid = true;
    out.proto = q.proto;
    out.dir = q.dir;
    out.kind = q.kind;
    return out;
}

bool starts_with_id(const ast::Expression& e) {
    const ast::Term* t = &e.first;
    // `not id` is an id too (grammar.y: nid: not id).
    while (const auto* n = boost::get<ast::x3::forward_ast<ast::Not>>(&t->get())) t = &n->get().operand;
    return boost::get<ast::BareId>(&t->get()) != nullptr;
}

}  // namespace

PredId Analyzer::term(const ast::Term& t, Quals& context) {
    struct Visitor {
        Analyzer& self;
        Quals& context;
        using result_type = PredId;

        PredId operator()(const ast::x3::forward_ast<ast::Not>& n) const {
            PredId inner = self.term(n.get().operand, context);
            return inner == bad ? bad : self.negate(inner);
        }
        PredId operator()(const ast::x3::forward_ast<ast::Paren>& p) const {
            // libpcap's grammar has no `( id-list ...` at the start of an
            // expression: `host a or ((b or c))` is a syntax error there.
            if (const auto* first = boost::get<ast::x3::forward_ast<ast::Paren>>(&p.get().inner.first.get());
                first && starts_with_id(first->get().inner))
                return self.error(self.span(first->get()), "a parenthesised list of values cannot start a "
                                                           "parenthesised expression",
                                  "libpcap refuses `((a or b))`; drop one pair of parentheses");
            Quals inner_context = context;
            PredId inner = self.expression(p.get().inner, inner_context);
            // `host a and (b or c)`: a parenthesised list of ids passes its
            // qualifiers on; `(expr)` gives back those before the parenthesis.
            if (starts_with_id(p.get().inner)) context = inner_context;
            return inner;
        }
        PredId operator()(const ast::x3::forward_ast<ast::PrimitiveList>& l) const {
            // `host (a or not b)`, `port not 22`: every value takes the
            // qualifiers, and so does a bare id after them (libpcap:
            // `head id` with `paren pid ')'` or `not id`).
            context = quals_of(l.get().quals);
            Quals inner_context = context;
            return self.term(l.get().value, inner_context);
        }
        PredId operator()(const ast::Primitive& p) const {
            context = quals_of(p.quals);
            return self.primitive(context, p.id, self.span(p));
        }
        PredId operator()(const ast::BareId& b) const {
            if (!context.valid)
                return self.error(self.span(b), "an address or number here needs a qualifier",
                                  "write `host`, `net`, `port` or `proto` before it, e.g. `host " +
                                      b.id.text + "`");
            return self.primitive(context, b.id, self.span(b));
        }
        PredId operator()(const ast::Relation& r) const {
            context = Quals{};
            return self.relation(r);
        }
        PredId operator()(const ast::ProtoAbbrev& p) const {
            context = Quals{};
            return self.proto_abbrev(p.proto, self.span(p));
        }
        PredId operator()(const ast::Broadcast& b) const {
            context = Quals{};
            return self.broadcast(b.proto, self.span(b));
        }
        PredId operator()(const ast::Multicast& m) const {
            context = Quals{};
            return self.multicast(m.proto, self.span(m));
        }
        PredId operator()(const ast::LengthCheck& l) const {
            context = Quals{};
            return self.length_check(l);
        }
        PredId operator()(const ast::Direction& d) const {
            context = Quals{};
            return self.direction(d.inbound, self.span(d));
        }
        PredId operator()(const ast::Ifindex& i) const {
            context = Quals{};
            return self.ifindex(i.value, self.span(i));
        }
        PredId operator()(const ast::Encapsulation& e) const {
            context = Quals{};
            return self.encapsulation(e, self.span(e));
        }
        PredId operator()(const ast::Llc& l) const {
            context = Quals{};
            return self.llc(l, self.span(l));
        }
        PredId operator()(const ast::ByteOp& b) const {
            context = Quals{};
            return self.byte_op(b, self.span(b));
        }
        PredId operator()(const ast::LinkSpecific& l) const {
            context = Quals{};
            return self.error(self.span(l),
                              "'" + l.keyword + "' is not supported on " +
                                  std::string(self.layout_.link->description) + " captures",
                              "it applies to link types such as 802.11, pflog, ATM or MTP, which fcap does not "
                              "compile for");
        }
    };
    return boost::apply_visitor(Visitor{*this, context}, t.get());
}

PredId Analyzer::primitive(const Quals& q, const ast::Id& id, diag::Span where) {
    switch (id.kind) {
    case ast::IdKind::name:
    case ast::IdKind::portrange: {
        ast::Kind kind = q.kind.value_or(ast::Kind::host);
        switch (kind) {
        case ast::Kind::port: return named_port(id.text, q, where);
        case ast::Kind::portrange: return named_portrange(id.text, q, where);
        case ast::Kind::proto:
        case ast::Kind::protochain: return named_proto(id.text, q, where);
        case ast::Kind::gateway:
        case ast::Kind::host:
        case ast::Kind::net: return named_host(id.text, q, where);
        }
        return bad;
    }
    case ast::IdKind::number:
    case ast::IdKind::ipv4: return number_id(id, q, where);
    case ast::IdKind::ipv4_cidr:
    case ast::IdKind::ipv4_masked: return masked_id(id, q, where);
    case ast::IdKind::ipv6:
    case ast::IdKind::ipv6_cidr: return ipv6_id(id, q, where);
    case ast::IdKind::mac: return mac_id(id, q, where);
    }
    return bad;
}

// ---- helpers -------------------------------------------------------------------

ir::ExprId Analyzer::at(const Offset& base, std::uint32_t offset, std::uint8_t size) {
    auto& pool = program_.exprs;
    if (base.var) return pool.load(size, base.constant + offset, pool.var(*base.var));
    return pool.load(size, base.constant + offset);
}

ir::ExprId Analyzer::ip_header_length() {
    auto& pool = program_.exprs;
    std::uint32_t k = layout_.payload.constant + layout_.network;
    if (!layout_.payload.var) return pool.ip_header_len(k);
    // libpcap's gen_loadx_iphdrlen with a variable part: var + 4*(P[var+k]&0xf).
    ir::ExprId var = pool.var(*layout_.payload.var);
    ir::ExprId nibble = pool.binary(ir::BinOp::band, pool.load(1, k, var), pool.constant(0xf));
    ir::ExprId len = pool.binary(ir::BinOp::lsh, nibble, pool.constant(2));
    return pool.binary(ir::BinOp::add, len, var);
}

ir::ExprId Analyzer::load(Region region, std::uint32_t offset, std::uint8_t size) {
    auto& pool = program_.exprs;
    const Layout& l = layout_;
    switch (region) {
    case Region::packet: return pool.load(size, offset);
    case Region::link_header: return at(l.link_header, offset, size);
    case Region::link_type: return at(l.link_type, offset, size);
    case Region::llc: return at(l.payload, offset, size);
    case Region::network: return at(l.payload, l.network + offset, size);
    case Region::network_nosnap: return at(l.payload, l.nosnap + offset, size);
    case Region::prev_mpls: return at(l.payload, l.network - 4 + offset, size);
    case Region::transport_v4:
        return pool.load(size, l.payload.constant + l.network + offset, ip_header_length());
    case Region::transport_v6: return at(l.payload, l.network + 40 + offset, size);
    }
    return ir::no_expr;
}

PredId Analyzer::cmp(Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value) {
    return preds_.test(ir::CmpOp::eq, load(region, offset, size), program_.exprs.constant(value));
}

PredId Analyzer::masked_cmp(Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value,
                            std::uint32_t mask) {
    auto& pool = program_.exprs;
    ir::ExprId v = load(region, offset, size);
    if (mask != 0xffffffff) v = pool.binary(ir::BinOp::band, v, pool.constant(mask));
    return preds_.test(ir::CmpOp::eq, v, pool.constant(value));
}

PredId Analyzer::cmp_op(ir::CmpOp op, Region region, std::uint32_t offset, std::uint8_t size, std::uint32_t value) {
    return preds_.test(op, load(region, offset, size), program_.exprs.constant(value));
}

// libpcap's gen_bcmp: words from the end backwards, then a half, then a byte.
PredId Analyzer::bytes_cmp(Region region, std::uint32_t offset, const std::uint8_t* v, std::uint32_t size) {
    PredId result = bad;
    auto join = [&](PredId p) { result = result == bad ? p : all(result, p); };
    while (size >= 4) {
        const std::uint8_t* p = v + size - 4;
        join(cmp(region, offset + size - 4, 4,
                 std::uint32_t(p[0]) << 24 | std::uint32_t(p[1]) << 16 | std::uint32_t(p[2]) << 8 | p[3]));
        size -= 4;
    }
    while (size >= 2) {
        const std::uint8_t* p = v + size - 2;
        join(cmp(region, offset + size - 2, 2, std::uint32_t(p[0]) << 8 | p[1]));
        size -= 2;
    }
    if (size > 0) join(cmp(region, offset, 1, v[0]));
    return result;
}

PredId Analyzer::all(PredId a, PredId b) { return preds_.all(a, b); }
PredId Analyzer::any(PredId a, PredId b) { return preds_.any(a, b); }
PredId Analyzer::negate(PredId a) { return preds_.negate(a); }

PredId Analyzer::error(diag::Span where, std::string message, std::string hint) {
    if (!sink_.has_errors()) sink_.error(where, std::move(message), std::move(hint));
    return bad;
}

std::string_view proto_name(ast::Proto p) {
    switch (p) {
    case ast::Proto::link: return "ether";
    case ast::Proto::ip: return "ip";
    case ast::Proto::ip6: return "ip6";
    case ast::Proto::arp: return "arp";
    case ast::Proto::rarp: return "rarp";
    case ast::Proto::tcp: return "tcp";
    case ast::Proto::udp: return "udp";
    case ast::Proto::sctp: return "sctp";
    case ast::Proto::icmp: return "icmp";
    case ast::Proto::icmp6: return "icmp6";
    case ast::Proto::igmp: return "igmp";
    case ast::Proto::igrp: return "igrp";
    case ast::Proto::pim: return "pim";
    case ast::Proto::ah: return "ah";
    case ast::Proto::esp: return "esp";
    case ast::Proto::vrrp: return "vrrp";
    case ast::Proto::carp: return "carp";
    case ast::Proto::radio: return "radio";
    case ast::Proto::atalk: return "atalk";
    case ast::Proto::aarp: return "aarp";
    case ast::Proto::decnet: return "decnet";
    case ast::Proto::lat: return "lat";
    case ast::Proto::sca: return "sca";
    case ast::Proto::moprc: return "moprc";
    case ast::Proto::mopdl: return "mopdl";
    case ast::Proto::iso: return "iso";
    case ast::Proto::esis: return "esis";
    case ast::Proto::isis: return "isis";
    case ast::Proto::l1: return "l1";
    case ast::Proto::l2: return "l2";
    case ast::Proto::iih: return "iih";
    case ast::Proto::lsp: return "lsp";
    case ast::Proto::snp: return "snp";
    case ast::Proto::csnp: return "csnp";
    case ast::Proto::psnp: return "psnp";
    case ast::Proto::clnp: return "clnp";
    case ast::Proto::stp: return "stp";
    case ast::Proto::ipx: return "ipx";
    case ast::Proto::netbeui: return "netbeui";
    }
    return "?";
}

std::string_view dir_name(ast::Dir d) {
    switch (d) {
    case ast::Dir::src: return "src";
    case ast::Dir::dst: return "dst";
    case ast::Dir::src_or_dst: return "src or dst";
    case ast::Dir::src_and_dst: return "src and dst";
    case ast::Dir::addr1: return "addr1";
    case ast::Dir::addr2: return "addr2";
    case ast::Dir::addr3: return "addr3";
    case ast::Dir::addr4: return "addr4";
    case ast::Dir::ra: return "ra";
    case ast::Dir::ta: return "ta";
    }
    return "?";
}

std::optional<ir::Program> analyze(const parse::Parsed& parsed, const Options& options, diag::Sink& sink,
                                   Facts* facts) {
    const LinkLayer* link = find_link_layer(options.dlt);
    if (link == nullptr) {
        sink.error("link type " + std::to_string(options.dlt) + " is not supported",
                   "fcap compiles for " + std::string(supported_link_types()));
        return std::nullopt;
    }
    Analyzer analyzer(parsed, options, sink, *link);
    auto program = analyzer.run();
    if (facts) facts->libpcap_skips_optimizer = analyzer.libpcap_skips_optimizer_;
    return program;
}

}  // namespace fcap::sema
