#include "opt/dominators.hpp"

namespace fcap::opt {

Dominators::Dominators(const ir::Program& p, int walk_limit)
    : order(p.topological_order()), rank(p.blocks.size(), -1), idom(p.blocks.size(), ir::no_block), preds(p, order) {
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = int(i);
    for (ir::BlockId b : order) {
        if (b == p.entry || ir::successors(p.blocks[b]).size() == 0) continue;
        ir::BlockId d = ir::no_block;
        int walked = 0;
        for (ir::BlockId q : preds.of(b)) {
            if (d == ir::no_block) {
                d = q;
                continue;
            }
            ir::BlockId x = q;
            while (x != d && walked < walk_limit) {
                while (rank[x] > rank[d] && walked++ < walk_limit) x = idom[x];
                while (rank[d] > rank[x] && walked++ < walk_limit) d = idom[d];
            }
            if (x != d) {
                d = p.entry;
                break;
            }
        }
        idom[b] = d;
    }
}

}  // namespace fcap::opt
