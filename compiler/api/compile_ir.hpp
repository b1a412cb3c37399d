// The front half of the pipeline, for the library's own programs and tests:
// parse -> sema -> (optimizer), the IR that every back end lowers.
#pragma once

#include "backend/ebpf/lower.hpp"
#include "fcap/compiler.hpp"
#include "ir/ir.hpp"

#include <pcap/dlt.h>  // DLT_* names for CompileOptions::dlt

#include <optional>
#include <string_view>

namespace fcap {

// The IR of `expression`.  Errors go to `sink` with positions in
// `expression`; nullopt after any error.
std::optional<ir::Program> compile_to_ir(std::string_view expression, const CompileOptions& options,
                                         diag::Sink& sink);

namespace ebpf {

// `fcc --from-cbpf` with the lowering's every option: `straight` (-O0)
// converts one to one, except a program with a protochain loop, which takes
// the IR path as straight as it goes (cbpf_import::translate's one
// assignment per instruction); otherwise the program is translated, carried
// and lowered as fcc's own code is.
std::optional<Program> from_cbpf(const std::vector<cbpf::Insn>& program, bool straight, Target target,
                                 const LowerOptions& options, diag::Sink& sink);

}  // namespace ebpf

}  // namespace fcap
