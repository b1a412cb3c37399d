#include "api/compile_ir.hpp"

#include "backend/cbpf/emit.hpp"
#include "opt/fold_constants.hpp"
#include "opt/pipeline.hpp"
#include "parse/parse.hpp"
#include "sema/sema.hpp"

#include <algorithm>

namespace fcap {

namespace {

bool wants_dump(const CompileOptions& options, std::string_view pass) {
    return options.trace != nullptr &&
           std::any_of(options.dump_after.begin(), options.dump_after.end(),
                       [&](const std::string& p) { return p == pass || p == "all"; });
}

// True when the program returns 0 whatever the packet.
bool rejects_everything(const ir::Program& p) {
    const auto* ret = std::get_if<ir::Return>(&p.blocks[p.entry].end);
    return ret && p.blocks[p.entry].assigns.empty() && p.exprs.is_constant(ret->value) &&
           p.exprs[ret->value].k == 0;
}

// libpcap's optimizer refuses an operation whose right operand it has
// folded to a constant it cannot use (`len >> 1 + 40` compiles at -O0 and
// is refused at -O), but only where the operation is still reachable: a
// comparison cut off by a contradiction (`udp and tcp[8] = 8 % 0`) is
// dropped before it is looked at.
std::string refused_constant_operation(const ir::Program& p) {
    const auto& pool = p.exprs;
    std::vector<char> seen(pool.size(), 0);
    std::vector<ir::ExprId> work;
    auto visit = [&](ir::ExprId e) {
        if (e != ir::no_expr && e < pool.size() && !seen[e]) {
            seen[e] = 1;
            work.push_back(e);
        }
    };
    for (const auto& block : p.blocks) ir::for_each_use(block, visit);
    while (!work.empty()) {
        const auto& n = pool[work.back()];
        work.pop_back();
        visit(n.a);
        visit(n.b);
        if (n.kind != ir::ExprKind::binary || !pool.is_constant(n.b)) continue;
        std::uint32_t k = pool[n.b].k;
        if (n.op == ir::BinOp::div && k == 0) return "division by zero";
        if (n.op == ir::BinOp::mod && k == 0) return "modulus by zero";
        if ((n.op == ir::BinOp::lsh || n.op == ir::BinOp::rsh) && k > 31) return "shift by more than 31 bits";
    }
    return "";
}

}  // namespace

std::optional<ir::Program> compile_to_ir(std::string_view expression, const CompileOptions& options,
                                         diag::Sink& sink) {
    auto parsed = parse::parse(expression, sink);
    if (!parsed) return std::nullopt;
    sema::Options sema_options;
    sema_options.dlt = options.dlt;
    sema_options.snaplen = options.snaplen;
    sema_options.netmask = options.netmask;
    sema::Facts facts;
    auto program = sema::analyze(*parsed, sema_options, sink, &facts);
    if (!program) return std::nullopt;
    if (wants_dump(options, "sema")) *options.trace += "# after sema\n" + ir::print(*program);
    if (!options.optimize || facts.libpcap_skips_optimizer) return program;
    opt::optimize(*program, [&](std::string_view pass, const ir::Program& p) {
        if (wants_dump(options, pass)) *options.trace += "# after " + std::string(pass) + "\n" + ir::print(p);
    });
    if (auto why = refused_constant_operation(*program); !why.empty()) {
        sink.error(diag::Span{0, expression.size()}, why, "the right operand is a constant once folded");
        return std::nullopt;
    }
    // libpcap refuses, when optimizing, a filter that can match nothing.
    if (rejects_everything(*program)) {
        sink.error(diag::Span{0, expression.size()}, "expression rejects all packets",
                   "no packet can satisfy every part of it; check for contradictions such as `tcp and udp`");
        return std::nullopt;
    }
    return program;
}

std::optional<std::vector<cbpf::Insn>> compile_cbpf(std::string_view expression, const CompileOptions& options,
                                                    diag::Sink& sink) {
    auto program = compile_to_ir(expression, options, sink);
    if (!program) return std::nullopt;
    auto code = cbpf::emit(*program, sink);
    if (!code) return std::nullopt;
    if (code->size() > cbpf::max_kernel_insns) {
        std::string message = "the classic BPF program has " + std::to_string(code->size()) +
                              " instructions, more than the kernel's limit of " +
                              std::to_string(cbpf::max_kernel_insns);
        std::string hint = "the eBPF targets (--target socket or xdp) have room for it";
        if (options.kernel_limit_is_error) {
            sink.error(std::move(message), std::move(hint));
            return std::nullopt;
        }
        sink.warning(std::move(message), std::move(hint));
    }
    return code;
}

std::string expression_from_file_text(std::string_view text) {
    std::string out(text);
    bool comment = false;
    for (auto& c : out) {
        if (c == '#') comment = true;
        if (c == '\n') comment = false;
        if (comment || c == '\n' || c == '\t' || c == '\r') c = ' ';
    }
    return out;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) out += ' ';
        out += w;
    }
    return out;
}

}  // namespace fcap
