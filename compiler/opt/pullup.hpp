// libpcap's or_pullup and and_pullup: in a chain of tests that share one
// target, move a later test of the value the chain started from up next to
// the tests of that value.
#pragma once

#include "ir/ir.hpp"

namespace fcap::opt {
bool pullup(ir::Program& program);
}
