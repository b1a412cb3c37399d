// A branch whose two targets are one block becomes a jump; an edge into an
// empty jump goes straight to where it jumps.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool simplify_branches(ir::Program& program);
}
