// Encapsulations that move the offsets of everything after them: `vlan`,
// `mpls`, `pppoed`/`pppoes` and `geneve` (libpcap's gen_vlan, gen_mpls,
// gen_pppoed/gen_pppoes, gen_geneve).  This is libpcap's documented
// behaviour: `vlan 10 and ip` looks for IPv4 behind the tag, and so does
// `vlan or ip`.
#include "sema/analyzer.hpp"

namespace fcap::sema {

namespace {
constexpr std::uint32_t ethertype_8021q = 0x8100, ethertype_8021ad = 0x88a8, ethertype_qinq = 0x9100,
                        ethertype_mpls = 0x8847, ethertype_pppoed = 0x8863, ethertype_pppoes = 0x8864,
                        ppp_mpls_unicast = 0x0281, geneve_port = 6081, ethertype_teb = 0x6558;
}

PredId Analyzer::encapsulation(const ast::Encapsulation& e, diag::Span where) {
    auto& pool = program_.exprs;
    const std::string link = std::string(layout_.link->description);
    switch (e.kind) {
    case ast::Encap::vlan: {
        if (layout_.label_depth > 0) return error(where, "'vlan' cannot follow 'mpls'", "libpcap: no VLAN match after MPLS");
        if (!layout_.link->vlan) return error(where, "'vlan' is not supported on " + link + " captures");
        PredId tagged = any(any(linktype(ethertype_8021q), linktype(ethertype_8021ad)), linktype(ethertype_qinq));
        if (e.value) {
            if (*e.value > 0x0fff)
                return error(where, "VLAN id " + std::to_string(*e.value) + " is greater than 4095");
            tagged = all(tagged, masked_cmp(Region::network, 0, 2, *e.value, 0x0fff));
        }
        layout_.payload.constant += 4;
        layout_.link_type.constant += 4;
        ++layout_.vlan_depth;
        return tagged;
    }
    case ast::Encap::mpls: {
        PredId outer;
        if (layout_.label_depth > 0) {
            // Deeper in the stack: the previous label is not the bottom one.
            outer = masked_cmp(Region::prev_mpls, 2, 1, 0, 0x01);
        } else if (layout_.link->mpls) {
            outer = linktype(layout_.link->family == LinkFamily::ppp ? ppp_mpls_unicast : ethertype_mpls);
        } else {
            return error(where, "'mpls' is not supported on " + link + " captures");
        }
        if (outer == bad) return bad;
        if (e.value) {
            if (*e.value > 0xfffff)
                return error(where, "MPLS label " + std::to_string(*e.value) + " is greater than 1048575");
            outer = all(outer, masked_cmp(Region::network, 0, 4, *e.value << 12, 0xfffff000));
        }
        layout_.network += 4;
        layout_.nosnap += 4;
        ++layout_.label_depth;
        return outer;
    }
    case ast::Encap::pppoed: return linktype(ethertype_pppoed);
    case ast::Encap::pppoes: {
        PredId session = linktype(ethertype_pppoes);
        if (session == bad) return bad;
        if (e.value) {
            if (*e.value > 0xffff)
                return error(where, "PPPoE session " + std::to_string(*e.value) + " is greater than 65535");
            // libpcap loads the first PPPoE word and masks the session id out of it.
            session = all(session, masked_cmp(Region::network, 0, 4, *e.value, 0xffff));
        }
        // A PPP header follows the 6-byte PPPoE header; from here on the
        // link layer is PPP.
        Offset ppp{layout_.payload.constant + layout_.network + 6, layout_.payload.var};
        layout_.link = &ppp_link_layer();
        layout_.link_header = ppp;
        layout_.link_type = ppp;
        layout_.payload = {ppp.constant + 2, ppp.var};
        layout_.network = 0;
        layout_.nosnap = 0;
        return session;
    }
    case ast::Encap::geneve: {
        if (e.value && *e.value > 0xffffff)
            return error(where, "Geneve VNI " + std::to_string(*e.value) + " is greater than 16777215");
        libpcap_skips_optimizer_ = true;  // gen_geneve sets no_optimize
        ir::VarId ip_len = program_.add_var();
        auto check = [&](bool v6) {
            Region r = v6 ? Region::transport_v6 : Region::transport_v4;
            PredId b = port_family(geneve_port, 17, ast::Dir::dst, v6, where);
            if (b == bad) return bad;
            // Version 0 only: the two top bits of the first Geneve byte.
            b = all(b, masked_cmp(r, 8, 1, 0, 0xc0));
            if (e.value) b = all(b, masked_cmp(r, 12, 4, *e.value << 8, 0xffffff00));
            ir::ExprId len = v6 ? (layout_.payload.var
                                       ? pool.binary(ir::BinOp::add, pool.var(*layout_.payload.var), pool.constant(40))
                                       : pool.constant(40))
                                : ip_header_length();
            return all(b, preds_.assign({{ip_len, len}}));
        };
        PredId v4 = check(false);
        if (v4 == bad) return bad;
        PredId v6 = check(true);
        if (v6 == bad) return bad;
        PredId matched = any(v4, v6);

        // The Geneve header, its options, and what it carries: an Ethernet
        // frame (Transparent Ethernet Bridging) or a bare protocol.
        ir::VarId link_type = program_.add_var(), link_header = program_.add_var(), payload = program_.add_var();
        ir::ExprId start = pool.binary(ir::BinOp::add, pool.var(ip_len),
                                       pool.constant(layout_.payload.constant + layout_.network + 8));
        ir::ExprId options = pool.binary(
            ir::BinOp::mul, pool.binary(ir::BinOp::band, pool.load(1, 0, start), pool.constant(0x3f)), pool.constant(4));
        ir::ExprId inner = pool.binary(ir::BinOp::add, pool.binary(ir::BinOp::add, options, pool.constant(8)), start);
        PredId offsets = preds_.assign({{link_type, pool.binary(ir::BinOp::add, start, pool.constant(2))},
                                        {link_header, inner}});
        ir::ExprId protocol = pool.load(2, 2, start);
        ir::ExprId frame = pool.var(link_header);
        PredId ethernet = all(preds_.test(ir::CmpOp::eq, protocol, pool.constant(ethertype_teb)),
                              preds_.assign({{link_type, pool.binary(ir::BinOp::add, frame, pool.constant(12))},
                                             {payload, pool.binary(ir::BinOp::add, frame, pool.constant(14))}}));
        PredId bare = preds_.assign({{payload, frame}});
        layout_.link = &ethernet_link_layer();
        layout_.link_header = {0, link_header};
        layout_.link_type = {0, link_type};
        layout_.payload = {0, payload};
        layout_.network = 0;
        layout_.geneve = true;
        return all(matched, all(offsets, any(ethernet, bare)));
    }
    }
    return bad;
}

}  // namespace fcap::sema
