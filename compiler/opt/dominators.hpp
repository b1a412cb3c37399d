// Immediate dominators of a program's branch and jump blocks (returns have
// none: nothing is asked of them), by the two-finger walk over reverse
// post-order.  A walk longer than `walk_limit` gives up on that block and
// names the entry as its dominator: always true, only less precise, and it
// keeps the analysis linear on long chains of terms.
#pragma once

#include "ir/ir.hpp"

#include <vector>

namespace fcap::opt {

struct Dominators {
    std::vector<ir::BlockId> order;  // reverse post-order
    std::vector<int> rank;           // position in order, -1 if unreachable
    std::vector<ir::BlockId> idom;   // no_block for the entry, returns, unreachable blocks
    ir::Predecessors preds;

    explicit Dominators(const ir::Program& p, int walk_limit = 256);
};

}  // namespace fcap::opt
