#include "ir/ir.hpp"

namespace fcap::ir {

std::size_t ExprNodeHash::operator()(const ExprNode& n) const noexcept {
    std::size_t h = std::size_t(n.kind) | std::size_t(n.op) << 8 | std::size_t(n.size) << 16;
    h = h * 0x9e3779b97f4a7c15ull ^ n.k;
    h = h * 0x9e3779b97f4a7c15ull ^ n.k2;
    h = h * 0x9e3779b97f4a7c15ull ^ n.a;
    h = h * 0x9e3779b97f4a7c15ull ^ n.b;
    return h;
}

ExprId ExprPool::intern(const ExprNode& node) {
    auto [it, inserted] = index_.try_emplace(node, ExprId(nodes_.size()));
    if (inserted) {
        nodes_.push_back(node);
        flags_.push_back(std::uint8_t((compute_can_fail(node) ? 1 : 0) | (compute_reads_var(node) ? 2 : 0)));
    }
    return it->second;
}

bool ExprPool::can_fail(ExprId id) const { return flags_[id] & 1; }
bool ExprPool::reads_var(ExprId id) const { return flags_[id] & 2; }

ExprId ExprPool::constant(std::uint32_t k) {
    ExprNode n;
    n.kind = ExprKind::constant;
    n.k = k;
    return intern(n);
}

ExprId ExprPool::load(std::uint8_t size, std::uint32_t offset, ExprId index) {
    ExprNode n;
    n.kind = ExprKind::load;
    n.size = size;
    n.k = offset;
    n.a = index;
    return intern(n);
}

ExprId ExprPool::ip_header_len(std::uint32_t offset) {
    ExprNode n;
    n.kind = ExprKind::ip_header_len;
    n.k = offset;
    return intern(n);
}

ExprId ExprPool::packet_len() {
    ExprNode n;
    n.kind = ExprKind::packet_len;
    return intern(n);
}

ExprId ExprPool::binary(BinOp op, ExprId a, ExprId b) {
    ExprNode n;
    n.kind = ExprKind::binary;
    n.op = op;
    n.a = a;
    n.b = b;
    return intern(n);
}

ExprId ExprPool::neg(ExprId a) {
    ExprNode n;
    n.kind = ExprKind::neg;
    n.a = a;
    return intern(n);
}

ExprId ExprPool::var(VarId v) {
    ExprNode n;
    n.kind = ExprKind::var;
    n.k = v;
    return intern(n);
}

ExprId ExprPool::ancillary(std::uint32_t code) {
    ExprNode n;
    n.kind = ExprKind::ancillary;
    n.k = code;
    return intern(n);
}

ExprId ExprPool::protochain(bool ipv6, std::uint32_t network, std::uint32_t wanted, ExprId first, ExprId offset) {
    ExprNode n;
    n.kind = ExprKind::protochain;
    n.size = ipv6 ? 6 : 4;
    n.k = network;
    n.k2 = wanted;
    n.a = first;
    n.b = offset;
    return intern(n);
}

bool ExprPool::compute_can_fail(const ExprNode& n) const {
    switch (n.kind) {
    case ExprKind::constant:
    case ExprKind::packet_len:
    case ExprKind::var: return false;
    case ExprKind::load:
    case ExprKind::ip_header_len:
    case ExprKind::ancillary:
    case ExprKind::protochain: return true;
    case ExprKind::neg: return can_fail(n.a);
    case ExprKind::binary:
        if ((n.op == BinOp::div || n.op == BinOp::mod) &&
            !(nodes_[n.b].kind == ExprKind::constant && nodes_[n.b].k != 0))
            return true;
        return can_fail(n.a) || can_fail(n.b);
    }
    return true;
}

bool ExprPool::compute_reads_var(const ExprNode& n) const {
    switch (n.kind) {
    case ExprKind::var: return true;
    case ExprKind::load: return n.a != no_expr && reads_var(n.a);
    case ExprKind::neg: return reads_var(n.a);
    case ExprKind::binary:
    case ExprKind::protochain: return reads_var(n.a) || reads_var(n.b);
    default: return false;
    }
}

bool fold(BinOp op, std::uint32_t a, std::uint32_t b, std::uint32_t& out) {
    switch (op) {
    case BinOp::add: out = a + b; return true;
    case BinOp::sub: out = a - b; return true;
    case BinOp::mul: out = a * b; return true;
    case BinOp::div:
        if (b == 0) return false;
        out = a / b;
        return true;
    case BinOp::mod:
        if (b == 0) return false;
        out = a % b;
        return true;
    case BinOp::band: out = a & b; return true;
    case BinOp::bor: out = a | b; return true;
    case BinOp::bxor: out = a ^ b; return true;
    case BinOp::lsh: out = b >= 32 ? 0 : a << b; return true;
    case BinOp::rsh: out = b >= 32 ? 0 : a >> b; return true;
    }
    return false;
}

bool compare(CmpOp op, std::uint32_t lhs, std::uint32_t rhs) {
    switch (op) {
    case CmpOp::eq: return lhs == rhs;
    case CmpOp::gt: return lhs > rhs;
    case CmpOp::ge: return lhs >= rhs;
    case CmpOp::set: return (lhs & rhs) != 0;
    }
    return false;
}

}  // namespace fcap::ir
