#include "opt/merge_blocks.hpp"

#include <unordered_map>
#include <tuple>
#include <vector>

namespace fcap::opt {

namespace {

// A block's identity: its assignments and its terminator, with targets
// already replaced by their representatives.
using Key = std::tuple<std::vector<std::pair<ir::VarId, ir::ExprId>>, int, int, ir::ExprId, ir::ExprId,
                       ir::BlockId, ir::BlockId>;

struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
        std::size_t h = 0;
        auto mix = [&h](std::size_t v) { h = (h ^ v) * 0x100000001b3ull; };
        for (const auto& [var, value] : std::get<0>(k)) mix(std::size_t(var) << 32 | value), (void)0;
        mix(std::size_t(std::get<1>(k)));
        mix(std::size_t(std::get<2>(k)));
        mix(std::get<3>(k));
        mix(std::get<4>(k));
        mix(std::get<5>(k));
        mix(std::get<6>(k));
        return h;
    }
};

Key key_of(const ir::Block& b) {
    std::vector<std::pair<ir::VarId, ir::ExprId>> assigns;
    for (const auto& a : b.assigns) assigns.emplace_back(a.var, a.value);
    if (const auto* br = std::get_if<ir::Branch>(&b.end))
        return {assigns, 0, int(br->op), br->lhs, br->rhs, br->if_true, br->if_false};
    if (const auto* j = std::get_if<ir::Jump>(&b.end)) return {assigns, 1, 0, 0, 0, j->target, 0};
    return {assigns, 2, 0, std::get<ir::Return>(b.end).value, 0, 0, 0};
}

}  // namespace

bool merge_blocks(ir::Program& program) {
    auto order = program.topological_order();
    std::vector<ir::BlockId> rep(program.blocks.size(), ir::no_block);
    std::unordered_map<Key, ir::BlockId, KeyHash> seen;
    seen.reserve(order.size() * 2);
    bool changed = false;
    // Successors first, so that their representatives are known.
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        ir::BlockId b = *it;
        auto& block = program.blocks[b];
        auto remap = [&](ir::BlockId& t) {
            if (rep[t] != ir::no_block && rep[t] != t) {
                t = rep[t];
                changed = true;
            }
        };
        if (auto* br = std::get_if<ir::Branch>(&block.end)) {
            remap(br->if_true);
            remap(br->if_false);
        } else if (auto* j = std::get_if<ir::Jump>(&block.end)) {
            remap(j->target);
        }
        auto [pos, inserted] = seen.try_emplace(key_of(block), b);
        rep[b] = pos->second;
    }
    if (rep[program.entry] != program.entry) {
        program.entry = rep[program.entry];
        changed = true;
    }
    return changed;
}

}  // namespace fcap::opt
