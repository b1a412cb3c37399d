#include "ir/ir.hpp"

#include <algorithm>

namespace fcap::ir {

BlockId Program::add_block(Block b) {
    blocks.push_back(std::move(b));
    return BlockId(blocks.size() - 1);
}

BlockId Program::add_return(std::uint32_t value) {
    Block b;
    b.end = Return{exprs.constant(value)};
    return add_block(std::move(b));
}

BlockId Program::add_branch(CmpOp op, ExprId lhs, ExprId rhs, BlockId if_true, BlockId if_false) {
    Block b;
    b.end = Branch{op, lhs, rhs, if_true, if_false};
    return add_block(std::move(b));
}

Successors successors(const Block& b) {
    Successors s;
    if (const auto* br = std::get_if<Branch>(&b.end)) {
        s.ids[0] = br->if_true;
        s.ids[1] = br->if_false;
        s.count = 2;
    } else if (const auto* j = std::get_if<Jump>(&b.end)) {
        s.ids[0] = j->target;
        s.count = 1;
    }
    return s;
}

std::vector<BlockId> Program::topological_order() const {
    std::vector<BlockId> post;
    if (entry == no_block) return post;
    // Iterative DFS: deep programs (hundreds of terms) must not overflow the stack.
    std::vector<std::uint8_t> state(blocks.size(), 0);  // 0 new, 1 open, 2 done
    std::vector<std::pair<BlockId, std::size_t>> stack;
    stack.push_back({entry, 0});
    state[entry] = 1;
    stack.reserve(64);
    post.reserve(blocks.size());
    while (!stack.empty()) {
        auto& [b, next] = stack.back();
        auto succ = successors(blocks[b]);
        if (next < succ.size()) {
            BlockId s = succ[next++];
            if (s < blocks.size() && state[s] == 0) {
                state[s] = 1;
                stack.push_back({s, 0});
            }
            continue;
        }
        state[b] = 2;
        post.push_back(b);
        stack.pop_back();
    }
    std::reverse(post.begin(), post.end());
    return post;
}

}  // namespace fcap::ir

namespace fcap::ir {

Predecessors::Predecessors(const Program& p, const std::vector<BlockId>& order) : start_(p.blocks.size() + 1, 0) {
    for (BlockId b : order)
        for (BlockId s : successors(p.blocks[b])) ++start_[s + 1];
    for (std::size_t i = 1; i < start_.size(); ++i) start_[i] += start_[i - 1];
    list_.resize(start_.back());
    std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
    for (BlockId b : order)
        for (BlockId s : successors(p.blocks[b])) list_[fill[s]++] = b;
}

}  // namespace fcap::ir
