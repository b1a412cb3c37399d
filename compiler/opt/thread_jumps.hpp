// Jump threading: an edge into a branch whose outcome is already known on
// that edge goes straight to the outcome.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool thread_jumps(ir::Program& program);
}
