#include "opt/remove_unreachable.hpp"

namespace fcap::opt {

bool remove_unreachable(ir::Program& program) {
    auto order = program.topological_order();
    bool already = order.size() == program.blocks.size();
    for (std::size_t i = 0; already && i < order.size(); ++i) already = order[i] == i;
    if (already) return false;
    std::vector<ir::BlockId> number(program.blocks.size(), ir::no_block);
    for (std::size_t i = 0; i < order.size(); ++i) number[order[i]] = ir::BlockId(i);
    std::vector<ir::Block> blocks;
    blocks.reserve(order.size());
    for (ir::BlockId b : order) {
        ir::Block block = std::move(program.blocks[b]);
        ir::for_each_target(block, [&](ir::BlockId& to) { to = number[to]; });
        blocks.push_back(std::move(block));
    }
    bool removed = blocks.size() != program.blocks.size();
    program.blocks = std::move(blocks);
    program.entry = 0;
    // Renumbering alone is not a change worth another round.
    return removed;
}

}  // namespace fcap::opt
