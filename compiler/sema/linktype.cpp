// The link-layer protocol check (libpcap's gen_linktype and friends) and
// 802.2 LLC.
#include "sema/analyzer.hpp"

namespace fcap::sema {

namespace ether {
constexpr std::uint32_t mtu = 1500;  // a type/length field up to this is an 802.3 length
constexpr std::uint32_t ip = 0x0800, ip6 = 0x86dd, ipx = 0x8137, atalk = 0x809b, aarp = 0x80f3;
}  // namespace ether

namespace llcsap {
constexpr std::uint32_t ip = 0x06, isons = 0xfe, netbeui = 0xf0, ipx = 0xe0, snap = 0xaa;
}

// Linux cooked captures' pseudo-protocols for 802.3 and 802.2 frames.
constexpr std::uint32_t sll_p_802_3 = 0x0001, sll_p_802_2 = 0x0004;

// PPP carries PPP protocol numbers where Ethernet has ethertypes.
static std::uint32_t ppp_protocol(std::uint32_t ethertype) {
    switch (ethertype) {
    case ether::ip: return 0x0021;
    case ether::ip6: return 0x0057;
    case 0x6003: return 0x0027;              // DECnet
    case ether::atalk: return 0x0029;
    case 0x0600: return 0x0025;              // XNS
    case llcsap::isons: return 0x0023;       // OSI
    case 0x42: return 0x0031;                // spanning tree (bridge PDU)
    case llcsap::ipx: return 0x002b;
    default: return ethertype;
    }
}

PredId Analyzer::snap(std::uint32_t orgcode, std::uint32_t ptype) {
    const std::uint8_t block[8] = {std::uint8_t(llcsap::snap), std::uint8_t(llcsap::snap), 0x03,
                                   std::uint8_t(orgcode >> 16), std::uint8_t(orgcode >> 8), std::uint8_t(orgcode),
                                   std::uint8_t(ptype >> 8), std::uint8_t(ptype)};
    return bytes_cmp(Region::llc, 0, block, 8);
}

PredId Analyzer::linktype(std::uint32_t proto) {
    auto& pool = program_.exprs;
    // Inside MPLS only IP can be recognised: by the bottom-of-stack bit of
    // the last label and the IP version nibble.
    if (layout_.label_depth > 0) {
        std::uint32_t version;
        if (proto == ether::ip || proto == 0x0021) version = 0x40;
        else if (proto == ether::ip6 || proto == 0x0057) version = 0x60;
        else return error(whole_, "only IPv4 and IPv6 can be matched inside MPLS",
                          "libpcap: \"unsupported protocol over mpls\"");
        return all(masked_cmp(Region::network, std::uint32_t(-2), 1, 0x01, 0x01),
                   masked_cmp(Region::network, 0, 1, version, 0xf0));
    }
    // Geneve carries an ethertype whether or not an Ethernet header follows.
    if (layout_.geneve) return cmp(Region::link_type, 0, 2, proto);

    auto not_longer_than_mtu = [&] {
        return negate(cmp_op(ir::CmpOp::gt, Region::link_type, 0, 2, ether::mtu));
    };
    switch (layout_.link->family) {
    case LinkFamily::ethernet:
        switch (proto) {
        case llcsap::isons:
        case llcsap::ip:
        case llcsap::netbeui:
            // OSI and NetBEUI always use 802.2: DSAP and SSAP both the SAP.
            return all(not_longer_than_mtu(), cmp(Region::llc, 0, 2, proto << 8 | proto));
        case llcsap::ipx:
            // Ethernet II, or 802.3 with SNAP, the IPX SAP, or raw 802.3 (0xffff).
            return any(cmp(Region::link_type, 0, 2, ether::ipx),
                       all(not_longer_than_mtu(),
                           any(snap(0x000000, ether::ipx),
                               any(cmp(Region::llc, 0, 1, llcsap::ipx), cmp(Region::llc, 0, 2, 0xffff)))));
        case ether::atalk:
        case ether::aarp:
            return any(cmp(Region::link_type, 0, 2, proto),
                       all(not_longer_than_mtu(), proto == ether::atalk ? snap(0x080007, ether::atalk)
                                                                        : snap(0x000000, ether::aarp)));
        default:
            if (proto <= ether::mtu)  // an LLC SAP
                return all(not_longer_than_mtu(), cmp(Region::link_type, 2, 1, proto));
            return cmp(Region::link_type, 0, 2, proto);
        }
    case LinkFamily::linux_sll2:
        // libpcap 1.10 compares cooked v2's protocol field as it is, 802.2
        // SAPs included.
        return cmp(Region::link_type, 0, 2, proto);
    case LinkFamily::linux_sll:
        switch (proto) {
        case llcsap::isons:
        case llcsap::ip:
        case llcsap::netbeui:
            return all(cmp(Region::link_type, 0, 2, sll_p_802_2), cmp(Region::llc, 0, 2, proto << 8 | proto));
        case llcsap::ipx:
            return any(cmp(Region::link_type, 0, 2, ether::ipx),
                       any(cmp(Region::link_type, 0, 2, sll_p_802_3),
                           all(cmp(Region::link_type, 0, 2, sll_p_802_2),
                               any(cmp(Region::llc, 0, 1, llcsap::ipx), snap(0x000000, ether::ipx)))));
        case ether::atalk:
        case ether::aarp:
            return any(cmp(Region::link_type, 0, 2, proto),
                       all(cmp(Region::link_type, 0, 2, sll_p_802_2),
                           proto == ether::atalk ? snap(0x080007, ether::atalk) : snap(0x000000, ether::aarp)));
        default:
            if (proto <= ether::mtu)
                return all(cmp(Region::link_type, 0, 2, sll_p_802_2), cmp(Region::llc, 0, 1, proto));
            return cmp(Region::link_type, 0, 2, proto);
        }
    case LinkFamily::raw_ip:
        if (proto == ether::ip) return masked_cmp(Region::link_header, 0, 1, 0x40, 0xf0);
        if (proto == ether::ip6) return masked_cmp(Region::link_header, 0, 1, 0x60, 0xf0);
        return preds_.test(ir::CmpOp::eq, pool.constant(1), pool.constant(0));
    case LinkFamily::ipv4_only:
    case LinkFamily::ipv6_only: {
        bool match = proto == (layout_.link->family == LinkFamily::ipv4_only ? ether::ip : ether::ip6);
        // libpcap emits `ld #0/#1; jeq #0` here; a constant test keeps its shape.
        return preds_.test(ir::CmpOp::eq, pool.constant(match ? 0 : 1), pool.constant(0));
    }
    case LinkFamily::ppp: return cmp(Region::link_type, 0, 2, ppp_protocol(proto));
    }
    return bad;
}

// An 802.2 LLC frame on Ethernet: a length, not a type, and not raw
// NetWare-over-802.3 (DSAP/SSAP 0xffff).
PredId Analyzer::llc_frame() {
    return all(negate(cmp_op(ir::CmpOp::gt, Region::link_type, 0, 2, ether::mtu)),
               negate(cmp(Region::llc, 0, 2, 0xffff)));
}

PredId Analyzer::llc(const ast::Llc& node, diag::Span where) {
    if (!layout_.link->llc)
        return error(where, "'llc' is not supported on " + std::string(layout_.link->description) + " captures");
    if (!node.subtype) return llc_frame();
    auto& pool = program_.exprs;
    std::string s = *node.subtype;
    for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (s == "i") {
        // I frames: the low bit of the control byte is clear.
        PredId bit = preds_.test(ir::CmpOp::set, load(Region::llc, 2, 1), pool.constant(0x01));
        return all(llc_frame(), negate(bit));
    }
    if (s == "s") return all(llc_frame(), masked_cmp(Region::llc, 2, 1, 0x01, 0x03));
    if (s == "u") return all(llc_frame(), masked_cmp(Region::llc, 2, 1, 0x03, 0x03));
    struct Subtype {
        const char* name;
        std::uint32_t value;
        bool supervisory;
    };
    static const Subtype subtypes[] = {
        {"rr", 0x01, true},    {"rnr", 0x05, true},   {"rej", 0x09, true},   {"ui", 0x03, false},
        {"ua", 0x63, false},   {"disc", 0x43, false}, {"dm", 0x0f, false},   {"sabme", 0x6f, false},
        {"test", 0xe3, false}, {"xid", 0xaf, false},  {"frmr", 0x87, false},
    };
    for (const auto& t : subtypes)
        if (s == t.name)
            return all(llc_frame(), masked_cmp(Region::llc, 2, 1, t.value, t.supervisory ? 0x0f : 0xef));
    return error(where, "unknown LLC type name \"" + *node.subtype + "\"",
                 "use i, s, u, rr, rnr, rej, ui, ua, disc, dm, sabme, test, xid or frmr");
}

}  // namespace fcap::sema
