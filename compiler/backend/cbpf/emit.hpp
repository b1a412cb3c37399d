// Lowers an IR program to classic BPF.
#pragma once

#include "fcap/cbpf.hpp"
#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"

#include <optional>
#include <vector>

namespace fcap::cbpf {

// Errors (too many scratch registers needed) go to `sink`.
std::optional<std::vector<Insn>> emit(const ir::Program& program, diag::Sink& sink);

}  // namespace fcap::cbpf
