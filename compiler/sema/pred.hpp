// Boolean predicates over packet values, as sema builds them before they
// become IR blocks.  libpcap's code generator joins blocks with gen_and /
// gen_or / gen_not, which are short-circuit compositions; a Pred tree is the
// same composition kept as a tree, lowered once at the end (lower()), so
// that the loads a packet goes through, and their order, are libpcap's.
#pragma once

#include "ir/ir.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace fcap::sema {

using PredId = std::uint32_t;

enum class PredKind : std::uint8_t {
    always,  // true
    never,   // false
    test,    // compare lhs op rhs
    all,     // a and b, a first
    any,     // a or b, a first
    negate,  // not a
    assign,  // runs `assigns`, then is true (libpcap's "forcibly appended" statements)
};

struct Pred {
    PredKind kind = PredKind::always;
    ir::CmpOp op = ir::CmpOp::eq;
    ir::ExprId lhs = ir::no_expr;
    ir::ExprId rhs = ir::no_expr;
    PredId a = 0;
    PredId b = 0;
    std::vector<ir::Assign> assigns;
};

class PredPool {
public:
    PredId always();
    PredId never();
    PredId test(ir::CmpOp op, ir::ExprId lhs, ir::ExprId rhs);
    PredId all(PredId a, PredId b);
    PredId any(PredId a, PredId b);
    PredId negate(PredId a);
    PredId assign(std::vector<ir::Assign> assigns);

    const Pred& operator[](PredId id) const { return preds_[id]; }

    // Lowers `root` into `program` (short-circuit, left to right) and sets its
    // entry: a match returns `accept`, a miss returns 0.
    void lower(PredId root, ir::Program& program, std::uint32_t accept) const;

private:
    PredId add(Pred p);
    PredId join(PredKind kind, PredId a, PredId b);
    ir::BlockId lower(PredId p, ir::Program& program, ir::BlockId if_true, ir::BlockId if_false) const;
    std::vector<Pred> preds_;
};

}  // namespace fcap::sema
