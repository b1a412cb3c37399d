#include "opt/pipeline.hpp"

namespace fcap::opt {

const std::vector<PassInfo>& default_pipeline() {
    static const std::vector<PassInfo> passes = {};
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
