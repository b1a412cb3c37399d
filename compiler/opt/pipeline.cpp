#include "opt/pipeline.hpp"

#include "opt/fold_constants.hpp"
#include "opt/merge_blocks.hpp"
#include "opt/pullup.hpp"
#include "opt/remove_unreachable.hpp"
#include "opt/simplify_branches.hpp"
#include "opt/thread_jumps.hpp"

namespace fcap::opt {

const std::vector<PassInfo>& default_pipeline() {
    static const std::vector<PassInfo> passes = {
        {"fold_constants", fold_constants},
        {"simplify_branches", simplify_branches},
        {"thread_jumps", thread_jumps},
        {"simplify_branches", simplify_branches},
        {"merge_blocks", merge_blocks},
        {"remove_unreachable", remove_unreachable},
        {"pullup", pullup},
    };
    return passes;
}

void optimize(ir::Program& program, const AfterPass& after_pass) {
    // Each round can only shrink the program, so a few rounds reach the
    // fixpoint; the bound keeps a bug from looping.
    for (int round = 0; round < 16; ++round) {
        bool changed = false;
        for (const auto& pass : default_pipeline()) {
            if (pass.run(program)) {
                changed = true;
                if (after_pass) after_pass(pass.name, program);
            }
        }
        if (!changed) break;
    }
}

}  // namespace fcap::opt
