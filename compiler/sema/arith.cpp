// Arithmetic and relations (libpcap's gen_load, gen_arth, gen_neg,
// gen_relation), including its quirks that decide verdicts:
//   * `A op B` keeps only A's protocol check (gen_arth returns A's), so
//     `ether[0] + udp[6] < 101` reads udp[6] on non-UDP packets too;
//   * a relation requires both sides' checks;
//   * division, modulo and shifts are refused when the right operand's
//     first instruction loads a constant 0 (or > 31 for shifts), which is
//     what libpcap looks at, so `ip[0] / ether[0]` is "division by zero".
#include "sema/analyzer.hpp"

#include <boost/variant/apply_visitor.hpp>

namespace fcap::sema {

namespace {

ir::BinOp bin_op(ast::ArithOp op) {
    switch (op) {
    case ast::ArithOp::add: return ir::BinOp::add;
    case ast::ArithOp::sub: return ir::BinOp::sub;
    case ast::ArithOp::mul: return ir::BinOp::mul;
    case ast::ArithOp::div: return ir::BinOp::div;
    case ast::ArithOp::mod: return ir::BinOp::mod;
    case ast::ArithOp::band: return ir::BinOp::band;
    case ast::ArithOp::bor: return ir::BinOp::bor;
    case ast::ArithOp::bxor: return ir::BinOp::bxor;
    case ast::ArithOp::lsh: return ir::BinOp::lsh;
    case ast::ArithOp::rsh: return ir::BinOp::rsh;
    }
    return ir::BinOp::add;
}

bool is_transport(ast::Proto p) {
    switch (p) {
    case ast::Proto::sctp:
    case ast::Proto::tcp:
    case ast::Proto::udp:
    case ast::Proto::icmp:
    case ast::Proto::igmp:
    case ast::Proto::igrp:
    case ast::Proto::pim:
    case ast::Proto::vrrp:
    case ast::Proto::carp: return true;
    default: return false;
    }
}

bool is_network(ast::Proto p) {
    switch (p) {
    case ast::Proto::ip:
    case ast::Proto::arp:
    case ast::Proto::rarp:
    case ast::Proto::atalk:
    case ast::Proto::decnet:
    case ast::Proto::sca:
    case ast::Proto::lat:
    case ast::Proto::moprc:
    case ast::Proto::mopdl:
    case ast::Proto::ip6: return true;
    default: return false;
    }
}

}  // namespace

Value Analyzer::arith(const ast::Arith& a) {
    auto& pool = program_.exprs;
    struct Visitor {
        Analyzer& self;
        using result_type = Value;

        Value operator()(const ast::Number& n) const {
            return {self.program_.exprs.constant(n.value), std::nullopt, n.value};
        }
        Value operator()(const ast::PacketLength&) const {
            return {self.program_.exprs.packet_len(), std::nullopt, std::nullopt};
        }
        Value operator()(const ast::x3::forward_ast<ast::Negate>& n) const {
            Value v = self.arith(n.get().operand);
            if (!v.ok) return v;
            v.expr = self.program_.exprs.neg(v.expr);
            return v;
        }
        Value operator()(const ast::x3::forward_ast<ast::PacketAccess>& p) const {
            return self.packet_access(p.get());
        }
        Value operator()(const ast::x3::forward_ast<ast::ArithChain>& c) const {
            Value v = self.arith(c.get().first);
            for (const auto& operation : c.get().rest) {
                if (!v.ok) return v;
                Value r = self.arith(operation.operand);
                if (!r.ok) return r;
                auto fail = [&](std::string message) {
                    self.error(self.span(operation), std::move(message));
                    return Value{ir::no_expr, std::nullopt, std::nullopt, false};
                };
                if (r.first_constant) {
                    if (operation.op == ast::ArithOp::div && *r.first_constant == 0) return fail("division by zero");
                    if (operation.op == ast::ArithOp::mod && *r.first_constant == 0) return fail("modulus by zero");
                    if ((operation.op == ast::ArithOp::lsh || operation.op == ast::ArithOp::rsh) &&
                        *r.first_constant > 31)
                        return fail("shift by more than 31 bits");
                }
                v.expr = self.program_.exprs.binary(bin_op(operation.op), v.expr, r.expr);
                // libpcap's gen_arth keeps the left operand's protocol check only.
            }
            return v;
        }
    };
    (void)pool;
    return boost::apply_visitor(Visitor{*this}, a);
}

Value Analyzer::packet_access(const ast::PacketAccess& p) {
    auto& pool = program_.exprs;
    std::uint32_t size = p.size.value_or(1);
    if (size != 1 && size != 2 && size != 4) {
        error(span(p), "data size must be 1, 2, or 4");
        return {ir::no_expr, std::nullopt, std::nullopt, false};
    }
    Value index = arith(p.index);
    if (!index.ok) return index;
    auto sz = std::uint8_t(size);
    Value out;
    out.first_constant = index.first_constant;
    auto with_var = [&](const Offset& base) {
        return base.var ? pool.binary(ir::BinOp::add, pool.var(*base.var), index.expr) : index.expr;
    };
    auto join = [&](std::optional<PredId> first, PredId second) { return first ? all(*first, second) : second; };
    if (p.proto == ast::Proto::link) {
        out.expr = pool.load(sz, layout_.link_header.constant, with_var(layout_.link_header));
        out.guard = index.guard;
    } else if (is_network(p.proto)) {
        out.expr = pool.load(sz, layout_.payload.constant + layout_.network, with_var(layout_.payload));
        PredId check = proto_abbrev(p.proto, span(p));
        if (check == bad) return {ir::no_expr, std::nullopt, std::nullopt, false};
        out.guard = join(index.guard, check);
    } else if (is_transport(p.proto)) {
        // Relative to the IPv4 header's end: libpcap has no IPv6 variant.
        ir::ExprId at = pool.binary(ir::BinOp::add, index.expr, ip_header_length());
        out.expr = pool.load(sz, layout_.payload.constant + layout_.network, at);
        PredId proto = proto_abbrev(p.proto, span(p));
        PredId ip = proto_abbrev(ast::Proto::ip, span(p));
        if (proto == bad || ip == bad) return {ir::no_expr, std::nullopt, std::nullopt, false};
        out.guard = all(ip, join(index.guard, all(proto, ip_fragment_zero())));
    } else if (p.proto == ast::Proto::icmp6) {
        PredId ip6 = proto_abbrev(ast::Proto::ip6, span(p));
        if (ip6 == bad) return {ir::no_expr, std::nullopt, std::nullopt, false};
        out.guard = all(join(index.guard, ip6), cmp(Region::network, 6, 1, 58));
        out.expr = pool.load(sz, layout_.payload.constant + layout_.network + 40, with_var(layout_.payload));
    } else {
        error(span(p), "'" + std::string(proto_name(p.proto)) + "[...]' is not supported",
              "index ether, ip, ip6, arp, rarp, tcp, udp, sctp, icmp, icmp6, igmp, igrp, pim, vrrp, carp, "
              "atalk, decnet, lat, sca, moprc or mopdl");
        return {ir::no_expr, std::nullopt, std::nullopt, false};
    }
    return out;
}

PredId Analyzer::relation(const ast::Relation& r) {
    Value lhs = arith(r.lhs);
    if (!lhs.ok) return bad;
    Value rhs = arith(r.rhs);
    if (!rhs.ok) return bad;
    PredId test;
    switch (r.op) {
    case ast::RelOp::gt: test = preds_.test(ir::CmpOp::gt, lhs.expr, rhs.expr); break;
    case ast::RelOp::ge: test = preds_.test(ir::CmpOp::ge, lhs.expr, rhs.expr); break;
    case ast::RelOp::eq: test = preds_.test(ir::CmpOp::eq, lhs.expr, rhs.expr); break;
    case ast::RelOp::ne: test = negate(preds_.test(ir::CmpOp::eq, lhs.expr, rhs.expr)); break;
    case ast::RelOp::lt: test = negate(preds_.test(ir::CmpOp::ge, lhs.expr, rhs.expr)); break;
    case ast::RelOp::le: test = negate(preds_.test(ir::CmpOp::gt, lhs.expr, rhs.expr)); break;
    default: return bad;
    }
    std::optional<PredId> guard = lhs.guard;
    if (rhs.guard) guard = guard ? all(*guard, *rhs.guard) : *rhs.guard;
    return guard ? all(*guard, test) : test;
}

}  // namespace fcap::sema
