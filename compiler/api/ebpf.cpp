// The public eBPF entry points: the IR lowered for a target, a classic
// program converted, an ELF object written.
#include "api/compile_ir.hpp"
#include "backend/cbpf/format.hpp"
#include "backend/ebpf/convert.hpp"
#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/print.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "cbpf_import/protochain.hpp"
#include "kernel/elf_writer.hpp"

namespace fcap {

namespace {

// Below this many tests a chain of compares beats a helper call (about
// 1 ns a compare, some 10 ns a hash lookup).
constexpr std::uint32_t lookup_set_threshold = 16;

ebpf::LowerOptions lower_options(const EbpfOptions& o) {
    ebpf::LowerOptions l;
    l.invert = o.invert;
    l.ancillary = o.ancillary;
    l.lookup_sets = o.lookup_sets ? lookup_set_threshold : 0;
    return l;
}

}  // namespace

std::string format_cbpf(const std::vector<cbpf::Insn>& program, int level) { return cbpf::dump(program, level); }

std::optional<ebpf::Program> compile_ebpf(std::string_view expression, const CompileOptions& options,
                                          const EbpfOptions& ebpf_options, diag::Sink& sink) {
    auto program = compile_to_ir(expression, options, sink);
    if (!program) return std::nullopt;
    return ebpf::lower(*program, ebpf_options.target, lower_options(ebpf_options), sink);
}

std::optional<ebpf::Program> ebpf::from_cbpf(const std::vector<cbpf::Insn>& program, bool straight, Target target,
                                             const LowerOptions& options, diag::Sink& sink) {
    // A protochain loop cannot be converted one to one (the verifier wants
    // a bound): such a program takes the IR path, as straight as it goes.
    if (straight && cbpf_import::fold_protochain_loops(program).loops.empty())
        return convert_cbpf(program, target, options, sink);
    return lower(cbpf_import::translate(program, straight), target, options, sink);
}

std::optional<ebpf::Program> ebpf_from_cbpf(const std::vector<cbpf::Insn>& program, bool straight,
                                            const EbpfOptions& ebpf_options, diag::Sink& sink) {
    return ebpf::from_cbpf(program, straight, ebpf_options.target, lower_options(ebpf_options), sink);
}

bool write_object(const ebpf::Program& program, const std::string& path, diag::Sink& sink) {
    if (!program.sets.empty()) {
        sink.error("a program with lookup sets cannot be written as an ELF object (nothing fills its maps)");
        return false;
    }
    return ebpf::write_elf(program, path, sink);
}

std::string format_ebpf(const ebpf::Program& program) { return ebpf::print(program); }

}  // namespace fcap
