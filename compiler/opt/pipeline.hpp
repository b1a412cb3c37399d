// The optimizer's passes, in the one place that orders them.
#pragma once

#include "ir/ir.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace fcap::opt {

// A pass has one entry point and says whether it changed anything.
struct PassInfo {
    std::string_view name;
    bool (*run)(ir::Program&);
};

const std::vector<PassInfo>& default_pipeline();

using AfterPass = std::function<void(std::string_view pass, const ir::Program&)>;

// Runs the pipeline until nothing changes (bounded), calling `after_pass`
// after every pass that changed the program.
void optimize(ir::Program& program, const AfterPass& after_pass = {});

}  // namespace fcap::opt
