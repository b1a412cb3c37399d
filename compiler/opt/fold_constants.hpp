// Constant folding and algebraic identities in expressions; a branch on
// two constants becomes a jump.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool fold_constants(ir::Program& program);
}
