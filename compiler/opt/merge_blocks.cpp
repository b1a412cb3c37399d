#include "opt/merge_blocks.hpp"

#include <unordered_map>
#include <vector>

namespace fcap::opt {

namespace {

// A block's identity: its terminator, with targets already replaced by
// their representatives.  Blocks with assignments (rare: Geneve,
// protochain, imported cBPF) keep their own identity.
struct Key {
    int kind;
    int op;
    ir::ExprId lhs, rhs;
    ir::BlockId t, f;
    bool operator==(const Key&) const = default;
};

struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
        std::size_t h = std::size_t(k.kind) * 31 + std::size_t(k.op);
        for (std::size_t v : {std::size_t(k.lhs), std::size_t(k.rhs), std::size_t(k.t), std::size_t(k.f)})
            h = (h ^ v) * 0x100000001b3ull;
        return h;
    }
};

Key key_of(const ir::Block& b) {
    if (const auto* br = std::get_if<ir::Branch>(&b.end)) return {0, int(br->op), br->lhs, br->rhs, br->if_true, br->if_false};
    if (const auto* j = std::get_if<ir::Jump>(&b.end)) return {1, 0, 0, 0, j->target, 0};
    return {2, 0, std::get<ir::Return>(b.end).value, 0, 0, 0};
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
        ir::for_each_target(block, remap);
        if (!block.assigns.empty()) {
            rep[b] = b;
            continue;
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
