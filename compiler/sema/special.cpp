// broadcast, multicast, less/greater, inbound/outbound, ifindex, byte.
#include "sema/analyzer.hpp"

namespace fcap::sema {

namespace {
// Linux's SKF_AD_* ancillary fields (offsets from SKF_AD_OFF) and the packet
// type of a packet this host sent.
constexpr std::uint32_t skf_ad_pkttype = 4, skf_ad_ifindex = 8, packet_outgoing = 4;
}  // namespace

PredId Analyzer::broadcast(std::optional<ast::Proto> proto, diag::Span where) {
    if (!proto || *proto == ast::Proto::link) {
        if (!layout_.link->mac_addresses)
            return error(where, "'broadcast' needs a link layer with broadcast addresses, not " +
                                    std::string(layout_.link->description));
        static const std::uint8_t all_ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        return bytes_cmp(Region::link_header, 0, all_ones, 6);
    }
    if (*proto == ast::Proto::ip) {
        if (options_.netmask == 0xffffffff)
            return error(where, "'ip broadcast' needs the network's netmask, which is not known",
                         "libpcap refuses it too without a netmask; match the address instead, e.g. "
                         "`dst host 192.0.2.255`");
        std::uint32_t hostmask = ~options_.netmask;
        PredId type = linktype(0x0800);
        if (type == bad) return bad;
        return all(type, any(masked_cmp(Region::network, 16, 4, 0, hostmask),
                             masked_cmp(Region::network, 16, 4, hostmask, hostmask)));
    }
    return error(where, "only link-layer and IPv4 broadcasts can be matched");
}

PredId Analyzer::multicast(std::optional<ast::Proto> proto, diag::Span where) {
    auto& pool = program_.exprs;
    if (!proto || *proto == ast::Proto::link) {
        if (!layout_.link->mac_addresses)
            return error(where, "link-layer 'multicast' is not supported on " +
                                    std::string(layout_.link->description) + " captures",
                         "use `ip multicast` or `ip6 multicast`");
        // The group bit of the destination MAC.
        return preds_.test(ir::CmpOp::set, load(Region::link_header, 0, 1), pool.constant(1));
    }
    if (*proto == ast::Proto::ip) {
        PredId type = linktype(0x0800);
        return type == bad ? bad : all(type, cmp_op(ir::CmpOp::ge, Region::network, 16, 1, 224));
    }
    if (*proto == ast::Proto::ip6) {
        PredId type = linktype(0x86dd);
        return type == bad ? bad : all(type, cmp(Region::network, 24, 1, 255));
    }
    return error(where, "only link-layer, IPv4 and IPv6 multicasts can be matched");
}

PredId Analyzer::length_check(const ast::LengthCheck& l) {
    auto& pool = program_.exprs;
    if (l.greater) return preds_.test(ir::CmpOp::ge, pool.packet_len(), pool.constant(l.value));
    return negate(preds_.test(ir::CmpOp::gt, pool.packet_len(), pool.constant(l.value)));
}

PredId Analyzer::direction(bool inbound, diag::Span where) {
    auto& pool = program_.exprs;
    PredId outgoing;
    if (layout_.link->pkttype_offset && layout_.link == find_link_layer(layout_.link->dlt)) {
        outgoing = cmp(Region::link_header, *layout_.link->pkttype_offset, layout_.link->pkttype_size, packet_outgoing);
    } else {
        // Only a live Linux socket knows the direction (SKF_AD_PKTTYPE);
        // libpcap compiles that load, which no capture file can satisfy.
        outgoing = preds_.test(ir::CmpOp::eq, pool.ancillary(skf_ad_pkttype), pool.constant(packet_outgoing));
    }
    (void)where;
    return inbound ? negate(outgoing) : outgoing;
}

PredId Analyzer::ifindex(std::uint32_t index, diag::Span where) {
    auto& pool = program_.exprs;
    (void)where;
    if (layout_.link->ifindex_offset) return cmp(Region::link_header, *layout_.link->ifindex_offset, 4, index);
    return preds_.test(ir::CmpOp::eq, pool.ancillary(skf_ad_ifindex), pool.constant(index));
}

// `byte N op M`: libpcap's gen_byteop, N counted from the start of the
// link header (OR_LINKHDR).  For `&` and `|` libpcap forgets to
// load the byte and tests whatever the accumulator holds; fcap loads it
// (documented in docs/divergences.md).
PredId Analyzer::byte_op(const ast::ByteOp& b, diag::Span where) {
    auto& pool = program_.exprs;
    switch (b.op) {
    case '=': return cmp(Region::link_header, b.index, 1, b.value);
    case '<': return negate(cmp_op(ir::CmpOp::ge, Region::link_header, b.index, 1, b.value));
    case '>': return cmp_op(ir::CmpOp::gt, Region::link_header, b.index, 1, b.value);
    case '|': {
        ir::ExprId v = pool.binary(ir::BinOp::bor, load(Region::link_header, b.index, 1), pool.constant(b.value));
        return negate(preds_.test(ir::CmpOp::eq, v, pool.constant(0)));
    }
    case '&': {
        ir::ExprId v = pool.binary(ir::BinOp::band, load(Region::link_header, b.index, 1), pool.constant(b.value));
        return negate(preds_.test(ir::CmpOp::eq, v, pool.constant(0)));
    }
    default: return error(where, std::string("unknown byte operator '") + b.op + "'");
    }
}

// `protochain N`: follow IPv6 extension headers (and AH, in IPv4 too) to
// the header of protocol N, as an IR walk (ir::ExprKind::protochain) that
// each backend lowers to a loop: libpcap's own code loops with a backward
// jump.
PredId Analyzer::protochain(std::uint32_t v, std::optional<ast::Proto> proto, diag::Span where) {
    auto& pool = program_.exprs;
    if (!proto) {
        PredId v4 = protochain(v, ast::Proto::ip, where);
        if (v4 == bad) return bad;
        PredId v6 = protochain(v, ast::Proto::ip6, where);
        return v6 == bad ? bad : any(v4, v6);
    }
    if (*proto != ast::Proto::ip && *proto != ast::Proto::ip6)
        return error(where, "'protochain' applies only to ip and ip6");
    if (layout_.payload.var) return error(where, "'protochain' is not supported inside Geneve");
    bool v6 = *proto == ast::Proto::ip6;
    PredId type = linktype(v6 ? 0x86dd : 0x0800);
    if (type == bad) return bad;
    libpcap_skips_optimizer_ = true;  // libpcap's loop turns its optimizer off
    std::uint32_t nl = layout_.payload.constant + layout_.network;
    ir::ExprId first = v6 ? pool.load(1, nl + 6) : pool.load(1, nl + 9);
    ir::ExprId start = v6 ? pool.constant(40) : ip_header_length();
    ir::ExprId walk = pool.protochain(v6, nl, v, first, start);
    return all(type, preds_.test(ir::CmpOp::eq, walk, pool.constant(v)));
}

}  // namespace fcap::sema
