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
    // Passes run in turn until each has run once more since the last
    // change without changing anything (a pass may leave work for its own
    // next run, as pullup does).  The bound keeps a bug from looping.
    const auto& passes = default_pipeline();
    std::size_t quiet = 0;
    for (std::size_t step = 0; step < 16 * passes.size() && quiet < passes.size(); ++step) {
        const auto& pass = passes[step % passes.size()];
        if (pass.run(program)) {
            quiet = 0;
            if (after_pass) after_pass(pass.name, program);
        } else {
            ++quiet;
        }
    }
}

}  // namespace fcap::opt
