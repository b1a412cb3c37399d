// libpcap's optimizer drops such a branch with its loads (it treats loads as
// free of effects), so a truncated packet is not rejected by a test whose
// outcome does not matter; fcap does the same to give the same verdicts.
#include "opt/simplify_branches.hpp"

namespace fcap::opt {

namespace {

// Where control really goes from `b`: past empty jumps.
ir::BlockId forward(const ir::Program& p, ir::BlockId b) {
    for (std::size_t hops = 0; hops < p.blocks.size(); ++hops) {
        const auto& block = p.blocks[b];
        const auto* j = std::get_if<ir::Jump>(&block.end);
        if (!j || !block.assigns.empty()) break;
        b = j->target;
    }
    return b;
}

}  // namespace

bool simplify_branches(ir::Program& program) {
    bool changed = false;
    for (auto& block : program.blocks) {
        if (auto* br = std::get_if<ir::Branch>(&block.end)) {
            ir::BlockId t = forward(program, br->if_true), f = forward(program, br->if_false);
            if (t != br->if_true || f != br->if_false) {
                br->if_true = t;
                br->if_false = f;
                changed = true;
            }
            if (t == f) {
                block.end = ir::Jump{t};
                changed = true;
            }
        } else if (auto* j = std::get_if<ir::Jump>(&block.end)) {
            ir::BlockId t = forward(program, j->target);
            if (t != j->target) {
                j->target = t;
                changed = true;
            }
        }
    }
    ir::BlockId entry = forward(program, program.entry);
    if (entry != program.entry) {
        program.entry = entry;
        changed = true;
    }
    return changed;
}

}  // namespace fcap::opt
