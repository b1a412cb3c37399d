// The IR's text form, for --dump-ir and golden tests:
//   b3: if P[12:2] == 0x800 goto b4 else b7
//   b7: return 0
#include "ir/ir.hpp"

#include <cstdio>

namespace fcap::ir {

namespace {

std::string hex(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, v < 10 ? "%u" : "0x%x", v);
    return buf;
}

const char* op_text(BinOp op) {
    switch (op) {
    case BinOp::add: return "+";
    case BinOp::sub: return "-";
    case BinOp::mul: return "*";
    case BinOp::div: return "/";
    case BinOp::mod: return "%";
    case BinOp::band: return "&";
    case BinOp::bor: return "|";
    case BinOp::bxor: return "^";
    case BinOp::lsh: return "<<";
    case BinOp::rsh: return ">>";
    }
    return "?";
}

const char* cmp_text(CmpOp op) {
    switch (op) {
    case CmpOp::eq: return "==";
    case CmpOp::gt: return ">";
    case CmpOp::ge: return ">=";
    case CmpOp::set: return "&";
    }
    return "?";
}

}  // namespace

std::string print_expr(const ExprPool& pool, ExprId id) {
    if (id == no_expr) return "<none>";
    if (id >= pool.size()) return "<bad expr " + std::to_string(id) + ">";
    const ExprNode& n = pool[id];
    switch (n.kind) {
    case ExprKind::constant: return hex(n.k);
    case ExprKind::packet_len: return "len";
    case ExprKind::var: return "v" + std::to_string(n.k);
    case ExprKind::ancillary: return "anc[" + hex(n.k) + "]";
    case ExprKind::ip_header_len: return "4*(P[" + std::to_string(n.k) + "]&0xf)";
    case ExprKind::load: {
        std::string at = n.a == no_expr ? std::to_string(n.k)
                                        : print_expr(pool, n.a) + (n.k ? "+" + std::to_string(n.k) : "");
        return "P[" + at + ":" + std::to_string(n.size) + "]";
    }
    case ExprKind::neg: return "-(" + print_expr(pool, n.a) + ")";
    case ExprKind::protochain:
        return std::string(n.size == 6 ? "ip6" : "ip") + "chain(" + std::to_string(n.k2) + ", " +
               print_expr(pool, n.a) + ", " + print_expr(pool, n.b) + ")";
    case ExprKind::binary:
        return "(" + print_expr(pool, n.a) + " " + op_text(n.op) + " " + print_expr(pool, n.b) + ")";
    }
    return "?";
}

std::string print(const Program& p) {
    std::string out;
    for (BlockId b : p.topological_order()) {
        const Block& block = p.blocks[b];
        std::string label = "b" + std::to_string(b) + ": ";
        for (const auto& a : block.assigns)
            out += label + "v" + std::to_string(a.var) + " = " + print_expr(p.exprs, a.value) + "\n",
                label = std::string(label.size(), ' ');
        if (const auto* r = std::get_if<Return>(&block.end)) {
            out += label + "return " + print_expr(p.exprs, r->value) + "\n";
        } else if (const auto* j = std::get_if<Jump>(&block.end)) {
            out += label + "goto b" + std::to_string(j->target) + "\n";
        } else {
            const auto& br = std::get<Branch>(block.end);
            out += label + "if " + print_expr(p.exprs, br.lhs) + " " + cmp_text(br.op) + " " +
                   print_expr(p.exprs, br.rhs) + " goto b" + std::to_string(br.if_true) + " else b" +
                   std::to_string(br.if_false) + "\n";
        }
    }
    return out;
}

}  // namespace fcap::ir
