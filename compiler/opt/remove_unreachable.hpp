// Drops blocks no path reaches and renumbers the rest in topological order.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool remove_unreachable(ir::Program& program);
}
