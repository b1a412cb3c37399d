// Structural checks, run after every pass in tests.
#include "ir/ir.hpp"

namespace fcap::ir {

namespace {

std::string check_expr(const Program& p, ExprId id, std::size_t depth = 0) {
    if (id == no_expr || id >= p.exprs.size()) return "expression id " + std::to_string(id) + " does not exist";
    if (depth > 10000) return "expression nesting too deep";
    const ExprNode& n = p.exprs[id];
    switch (n.kind) {
    case ExprKind::load:
        if (n.size != 1 && n.size != 2 && n.size != 4) return "load of size " + std::to_string(n.size);
        return n.a == no_expr ? "" : check_expr(p, n.a, depth + 1);
    case ExprKind::var:
        return n.k < p.var_count ? "" : "variable v" + std::to_string(n.k) + " past var_count";
    case ExprKind::neg: return check_expr(p, n.a, depth + 1);
    case ExprKind::binary:
    case ExprKind::protochain: {
        std::string e = check_expr(p, n.a, depth + 1);
        return e.empty() ? check_expr(p, n.b, depth + 1) : e;
    }
    default: return "";
    }
}

}  // namespace

std::string verify(const Program& p) {
    if (p.entry == no_block || p.entry >= p.blocks.size()) return "entry block does not exist";
    for (BlockId b = 0; b < p.blocks.size(); ++b) {
        const Block& block = p.blocks[b];
        std::string where = "b" + std::to_string(b) + ": ";
        for (const auto& a : block.assigns)
            if (a.var >= p.var_count) return where + "assigns to v" + std::to_string(a.var) + " past var_count";
        std::string error;
        for_each_use(block, [&](ExprId e) {
            if (error.empty()) error = check_expr(p, e);
        });
        if (!error.empty()) return where + error;
        for (BlockId s : successors(block))
            if (s >= p.blocks.size()) return where + "jumps to missing block b" + std::to_string(s);
    }
    // Acyclic: a DFS from the entry never meets an open block.
    std::vector<std::uint8_t> state(p.blocks.size(), 0);
    std::vector<std::pair<BlockId, std::size_t>> stack{{p.entry, 0}};
    state[p.entry] = 1;
    while (!stack.empty()) {
        auto& [b, next] = stack.back();
        auto succ = successors(p.blocks[b]);
        if (next < succ.size()) {
            BlockId s = succ[next++];
            if (state[s] == 1) return "cycle through b" + std::to_string(s);
            if (state[s] == 0) {
                state[s] = 1;
                stack.push_back({s, 0});
            }
            continue;
        }
        state[b] = 2;
        stack.pop_back();
    }
    return "";
}

}  // namespace fcap::ir
