// Blocks that do the same thing and go to the same places become one.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool merge_blocks(ir::Program& program);
}
