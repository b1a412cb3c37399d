#include "opt/pipeline.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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
    // next run, as pullup does).  libpcap too optimizes until nothing
    // changes, and where a test lands decides which loads a truncated packet
    // meets, so the bound is not a budget: pullup moves one test of a chain
    // per run, and a chain is at most as long as the program.  The bound
    // only keeps a bug from looping.
    const auto& passes = default_pipeline();
    // FCAP_TIME_PASSES=1 prints each pass's run time on stderr.
    static const bool timing = std::getenv("FCAP_TIME_PASSES") != nullptr;
    std::size_t quiet = 0;
    const std::size_t rounds = 16 + program.blocks.size();
    for (std::size_t step = 0; step < rounds * passes.size() && quiet < passes.size(); ++step) {
        const auto& pass = passes[step % passes.size()];
        auto t0 = std::chrono::steady_clock::now();
        bool changed = pass.run(program);
        if (timing)
            std::fprintf(stderr, "%-20s %8.3f ms %s\n", std::string(pass.name).c_str(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 1e3,
                         changed ? "changed" : "");
        if (changed) {
            quiet = 0;
            if (after_pass) after_pass(pass.name, program);
        } else {
            ++quiet;
        }
    }
}

}  // namespace fcap::opt
