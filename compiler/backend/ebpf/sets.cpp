#include "backend/ebpf/sets.hpp"

#include <algorithm>

namespace fcap::ebpf::detail {

namespace {

// The block's test as (value, constant), if it is `value == constant`.
bool equality(const ir::Program& p, const ir::Branch& br, ir::ExprId* value, std::uint32_t* k) {
    if (br.op != ir::CmpOp::eq) return false;
    const auto& pool = p.exprs;
    if (pool.is_constant(br.rhs) && !pool.is_constant(br.lhs)) {
        *value = br.lhs;
        *k = pool[br.rhs].k;
        return true;
    }
    if (pool.is_constant(br.lhs) && !pool.is_constant(br.rhs)) {
        *value = br.rhs;
        *k = pool[br.lhs].k;
        return true;
    }
    return false;
}

}  // namespace

std::vector<SetChain> find_set_chains(const ir::Program& p, std::uint32_t min_tests) {
    std::vector<SetChain> chains;
    if (min_tests == 0) return chains;
    auto order = p.topological_order();
    ir::Predecessors preds(p, order);
    std::vector<bool> taken(p.blocks.size(), false);
    for (ir::BlockId head : order) {
        if (taken[head]) continue;
        const auto* br = std::get_if<ir::Branch>(&p.blocks[head].end);
        SetChain chain;
        std::uint32_t k = 0;
        if (!br || !equality(p, *br, &chain.value, &k)) continue;
        chain.found = br->if_true;
        chain.members.push_back(head);
        chain.keys.push_back(k);
        ir::BlockId next = br->if_false;
        for (;;) {
            const auto& blk = p.blocks[next];
            const auto* nb = std::get_if<ir::Branch>(&blk.end);
            ir::ExprId v = ir::no_expr;
            if (taken[next] || !blk.assigns.empty() || !nb || nb->if_true != chain.found ||
                preds.of(next).size() != 1 || !equality(p, *nb, &v, &k) || v != chain.value)
                break;
            chain.members.push_back(next);
            chain.keys.push_back(k);
            next = nb->if_false;
        }
        chain.missed = next;
        std::sort(chain.keys.begin(), chain.keys.end());
        chain.keys.erase(std::unique(chain.keys.begin(), chain.keys.end()), chain.keys.end());
        if (chain.members.size() < min_tests) continue;
        for (ir::BlockId b : chain.members) taken[b] = true;
        chains.push_back(std::move(chain));
    }
    return chains;
}

}  // namespace fcap::ebpf::detail
