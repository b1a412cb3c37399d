// Folds what libpcap's optimizer folds, and no more, because folding can
// drop a load and so change the verdict on a truncated packet:
//   * constant arithmetic; x+0, x-0, x|0, x^0, x<<0, x>>0, x*1, x/1 -> x;
//     x&0, x*0 -> 0; x&0xffffffff -> x;
//   * a load at a constant index becomes an absolute load, its offset
//     wrapping at 2^32 as libpcap's folded `ld [k]` does (so after
//     optimization `ip[0xfffffff5]` reads byte 3, as libpcap's code does);
//   * a comparison of two constants becomes a jump.
// Rewrites that libpcap makes only in its last peephole step, after its
// jump threading (`(x & k) == 0` as jset, `(x + c) == d` as x == d - c),
// belong to the classic BPF emitter: done here, they would let threading
// see two tests as one where libpcap does not.
// Division and modulo by a constant 0 stay: they reject at run time.
#include "opt/fold_constants.hpp"

#include <algorithm>
#include <vector>

namespace fcap::opt {

namespace {

class Folder {
public:
    explicit Folder(ir::Program& p) : p_(p), pool_(p.exprs) {}

    ir::ExprId fold(ir::ExprId id) {
        if (id == ir::no_expr) return id;
        if (id < memo_.size() && memo_[id] != ir::no_expr) return memo_[id];
        ir::ExprId out = rewrite(id);
        if (memo_.size() <= id) memo_.resize(std::max<std::size_t>(pool_.size(), id + 1), ir::no_expr);
        memo_[id] = out;
        return out;
    }

private:
    ir::ExprId rewrite(ir::ExprId id) {
        ir::ExprNode n = pool_[id];
        switch (n.kind) {
        case ir::ExprKind::load: {
            if (n.a == ir::no_expr) return id;
            ir::ExprId index = fold(n.a);
            if (pool_.is_constant(index)) return pool_.load(n.size, n.k + pool_[index].k);
            // ld [x + k] with x = e + c: libpcap folds c into k (wrapping).
            const ir::ExprNode& in = pool_[index];
            if (in.kind == ir::ExprKind::binary && in.op == ir::BinOp::add) {
                if (pool_.is_constant(in.a)) return pool_.load(n.size, n.k + pool_[in.a].k, in.b);
                if (pool_.is_constant(in.b)) return pool_.load(n.size, n.k + pool_[in.b].k, in.a);
            }
            return index == n.a ? id : pool_.load(n.size, n.k, index);
        }
        case ir::ExprKind::neg: {
            ir::ExprId a = fold(n.a);
            if (pool_.is_constant(a)) return pool_.constant(0u - pool_[a].k);
            return a == n.a ? id : pool_.neg(a);
        }
        case ir::ExprKind::binary: {
            ir::ExprId a = fold(n.a), b = fold(n.b);
            bool ca = pool_.is_constant(a), cb = pool_.is_constant(b);
            if (ca && cb) {
                std::uint32_t v;
                if (ir::fold(n.op, pool_[a].k, pool_[b].k, v)) return pool_.constant(v);
            }
            if (cb) {
                std::uint32_t k = pool_[b].k;
                switch (n.op) {
                case ir::BinOp::add:
                case ir::BinOp::sub:
                case ir::BinOp::bor:
                case ir::BinOp::bxor:
                case ir::BinOp::lsh:
                case ir::BinOp::rsh:
                    if (k == 0) return a;
                    break;
                case ir::BinOp::mul:
                    if (k == 1) return a;
                    if (k == 0) return pool_.constant(0);
                    break;
                case ir::BinOp::div:
                    if (k == 1) return a;
                    break;
                case ir::BinOp::band:
                    if (k == 0xffffffffu) return a;
                    if (k == 0) return pool_.constant(0);
                    break;
                default: break;
                }
            }
            if (ca && pool_[a].k == 0 && (n.op == ir::BinOp::add || n.op == ir::BinOp::bor || n.op == ir::BinOp::bxor))
                return b;
            if (ca && pool_[a].k == 1 && n.op == ir::BinOp::mul) return b;
            if (a == n.a && b == n.b) return id;
            return pool_.binary(n.op, a, b);
        }
        default: return id;
        }
    }

    ir::Program& p_;
    ir::ExprPool& pool_;
    std::vector<ir::ExprId> memo_;  // by expression id; no_expr: not folded yet
};

}  // namespace

bool fold_constants(ir::Program& program) {
    Folder folder(program);
    bool changed = false;
    auto update = [&](ir::ExprId& e) {
        ir::ExprId f = folder.fold(e);
        if (f != e) {
            e = f;
            changed = true;
        }
    };
    for (auto& block : program.blocks) {
        ir::for_each_use(block, update);
        if (auto* br = std::get_if<ir::Branch>(&block.end)) {
            if (program.exprs.is_constant(br->lhs) && program.exprs.is_constant(br->rhs)) {
                bool taken = ir::compare(br->op, program.exprs[br->lhs].k, program.exprs[br->rhs].k);
                block.end = ir::Jump{taken ? br->if_true : br->if_false};
                changed = true;
            }
        }
    }
    return changed;
}

}  // namespace fcap::opt
