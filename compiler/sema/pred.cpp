#include "sema/pred.hpp"

#include <utility>

namespace fcap::sema {

PredId PredPool::add(Pred p) {
    preds_.push_back(std::move(p));
    return PredId(preds_.size() - 1);
}

PredId PredPool::always() {
    Pred p;
    p.kind = PredKind::always;
    return add(std::move(p));
}

PredId PredPool::never() {
    Pred p;
    p.kind = PredKind::never;
    return add(std::move(p));
}

PredId PredPool::test(ir::CmpOp op, ir::ExprId lhs, ir::ExprId rhs) {
    Pred p;
    p.kind = PredKind::test;
    p.op = op;
    p.lhs = lhs;
    p.rhs = rhs;
    return add(std::move(p));
}

PredId PredPool::join(PredKind kind, PredId a, PredId b) {
    Pred p;
    p.kind = kind;
    p.a = a;
    p.b = b;
    return add(std::move(p));
}

PredId PredPool::all(PredId a, PredId b) { return join(PredKind::all, a, b); }
PredId PredPool::any(PredId a, PredId b) { return join(PredKind::any, a, b); }
PredId PredPool::negate(PredId a) { return join(PredKind::negate, a, 0); }

PredId PredPool::assign(std::vector<ir::Assign> assigns) {
    Pred p;
    p.kind = PredKind::assign;
    p.assigns = std::move(assigns);
    return add(std::move(p));
}

void PredPool::lower(PredId root, ir::Program& program, std::uint32_t accept) const {
    ir::BlockId yes = program.add_return(accept);
    ir::BlockId no = program.add_return(0);
    program.entry = lower(root, program, yes, no);
}

// Right operands are lowered first because the left one needs their entry
// block as a target; the blocks still run left to right.  Recursion depth is
// the tree's depth, which the parser bounds.
ir::BlockId PredPool::lower(PredId id, ir::Program& program, ir::BlockId if_true,
                            ir::BlockId if_false) const {
    const Pred& p = preds_[id];
    switch (p.kind) {
    case PredKind::always: return if_true;
    case PredKind::never: return if_false;
    case PredKind::test: return program.add_branch(p.op, p.lhs, p.rhs, if_true, if_false);
    case PredKind::all: {
        ir::BlockId rest = lower(p.b, program, if_true, if_false);
        return lower(p.a, program, rest, if_false);
    }
    case PredKind::any: {
        ir::BlockId rest = lower(p.b, program, if_true, if_false);
        return lower(p.a, program, if_true, rest);
    }
    case PredKind::negate: return lower(p.a, program, if_false, if_true);
    case PredKind::assign: {
        ir::Block b;
        b.assigns = p.assigns;
        b.end = ir::Jump{if_true};
        return program.add_block(std::move(b));
    }
    }
    return if_false;
}

}  // namespace fcap::sema
