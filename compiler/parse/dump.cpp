// --dump-ast: one S-expression, stable for golden tests.
//   tcp dst port 80 or 443  =>  (or (tcp dst port 80) (id 443))
#include "parse/parse.hpp"

#include <boost/variant/apply_visitor.hpp>

namespace fcap::parse {

namespace {

using namespace ast;

const char* proto_text(Proto p) {
    static const char* names[] = {"ether", "ip",    "ip6",   "arp",  "rarp",   "tcp",  "udp",   "sctp",
                                  "icmp",  "icmp6", "igmp",  "igrp", "pim",    "ah",   "esp",   "vrrp",
                                  "carp",  "radio", "atalk", "aarp", "decnet", "lat",  "sca",   "moprc",
                                  "mopdl", "iso",   "esis",  "isis", "l1",     "l2",   "iih",   "lsp",
                                  "snp",   "csnp",  "psnp",  "clnp", "stp",    "ipx",  "netbeui"};
    return names[int(p)];
}

const char* dir_text(Dir d) {
    static const char* names[] = {"src", "dst", "src-or-dst", "src-and-dst", "addr1", "addr2", "addr3", "addr4",
                                  "ra", "ta"};
    return names[int(d)];
}

const char* kind_text(Kind k) {
    static const char* names[] = {"host", "net", "port", "portrange", "gateway", "proto", "protochain"};
    return names[int(k)];
}

std::string id_text(const Id& id) {
    switch (id.kind) {
    case IdKind::number: return std::to_string(id.number);
    case IdKind::ipv4_cidr:
    case IdKind::ipv6_cidr: return id.text + "/" + std::to_string(id.number);
    case IdKind::ipv4_masked: return id.text + " mask " + id.mask;
    case IdKind::name: return "\"" + id.text + "\"";
    default: return id.text;
    }
}

struct Printer {
    using result_type = std::string;

    std::string operator()(const Expression& e) const {
        std::string out = boost::apply_visitor(*this, e.first.get());
        for (const auto& op : e.rest)
            out = std::string("(") + (op.op == LogicOp::and_ ? "and " : "or ") + out + " " +
                  boost::apply_visitor(*this, op.term.get()) + ")";
        return out;
    }
    std::string operator()(const x3::forward_ast<Not>& n) const {
        return "(not " + boost::apply_visitor(*this, n.get().operand.get()) + ")";
    }
    std::string operator()(const x3::forward_ast<Paren>& p) const { return (*this)(p.get().inner); }
    std::string operator()(const Primitive& p) const {
        std::string out = "(";
        if (p.quals.proto) out += std::string(proto_text(*p.quals.proto)) + " ";
        if (p.quals.dir) out += std::string(dir_text(*p.quals.dir)) + " ";
        if (p.quals.kind) out += std::string(kind_text(*p.quals.kind)) + " ";
        return out + id_text(p.id) + ")";
    }
    std::string operator()(const x3::forward_ast<PrimitiveList>& l) const {
        const auto& p = l.get();
        std::string out = "(";
        if (p.quals.proto) out += std::string(proto_text(*p.quals.proto)) + " ";
        if (p.quals.dir) out += std::string(dir_text(*p.quals.dir)) + " ";
        if (p.quals.kind) out += std::string(kind_text(*p.quals.kind)) + " ";
        return out + "list " + boost::apply_visitor(*this, p.value.get()) + ")";
    }
    std::string operator()(const BareId& b) const { return "(id " + id_text(b.id) + ")"; }
    std::string operator()(const Relation& r) const {
        static const char* ops[] = {">", ">=", "==", "!=", "<", "<="};
        return std::string("(") + ops[int(r.op)] + " " + arith(r.lhs) + " " + arith(r.rhs) + ")";
    }
    std::string operator()(const ProtoAbbrev& p) const { return proto_text(p.proto); }
    std::string operator()(const Broadcast& b) const {
        return b.proto ? std::string("(") + proto_text(*b.proto) + " broadcast)" : "broadcast";
    }
    std::string operator()(const Multicast& m) const {
        return m.proto ? std::string("(") + proto_text(*m.proto) + " multicast)" : "multicast";
    }
    std::string operator()(const LengthCheck& l) const {
        return std::string("(") + (l.greater ? "greater " : "less ") + std::to_string(l.value) + ")";
    }
    std::string operator()(const Direction& d) const { return d.inbound ? "inbound" : "outbound"; }
    std::string operator()(const Ifindex& i) const { return "(ifindex " + std::to_string(i.value) + ")"; }
    std::string operator()(const Encapsulation& e) const {
        static const char* names[] = {"vlan", "mpls", "pppoed", "pppoes", "geneve"};
        std::string out = names[int(e.kind)];
        return e.value ? "(" + out + " " + std::to_string(*e.value) + ")" : out;
    }
    std::string operator()(const Llc& l) const { return l.subtype ? "(llc " + *l.subtype + ")" : "llc"; }
    std::string operator()(const ByteOp& b) const {
        return "(byte " + std::to_string(b.index) + " " + b.op + " " + std::to_string(b.value) + ")";
    }
    std::string operator()(const LinkSpecific& l) const {
        std::string out = "(" + l.keyword;
        for (const auto& a : l.args) out += " " + a;
        return out + ")";
    }

    struct ArithPrinter {
        using result_type = std::string;
        std::string operator()(const Number& n) const { return std::to_string(n.value); }
        std::string operator()(const PacketLength&) const { return "len"; }
        std::string operator()(const x3::forward_ast<PacketAccess>& a) const {
            const auto& p = a.get();
            return std::string(proto_text(p.proto)) + "[" + boost::apply_visitor(*this, p.index) +
                   (p.size ? ":" + std::to_string(*p.size) : "") + "]";
        }
        std::string operator()(const x3::forward_ast<Negate>& n) const {
            return "(neg " + boost::apply_visitor(*this, n.get().operand) + ")";
        }
        std::string operator()(const x3::forward_ast<ArithChain>& c) const {
            static const char* ops[] = {"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"};
            std::string out = boost::apply_visitor(*this, c.get().first);
            for (const auto& op : c.get().rest)
                out = std::string("(") + ops[int(op.op)] + " " + out + " " + boost::apply_visitor(*this, op.operand) +
                      ")";
            return out;
        }
    };
    std::string arith(const Arith& a) const { return boost::apply_visitor(ArithPrinter{}, a); }
};

}  // namespace

std::string dump(const Parsed& parsed) {
    const Expression* e = parsed.expression();
    return (e ? Printer{}(*e) : std::string("(empty)")) + "\n";
}

}  // namespace fcap::parse
