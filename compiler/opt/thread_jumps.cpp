// An outcome is known on an edge when a test on the way there (on every
// path: the dominating edges) decides it.  Only libpcap's two rules are
// used (its fold_edge), because skipping a block skips its loads, and a
// truncated packet's verdict depends on which loads run:
//   1. the same test (operation, value, operand) has the same outcome;
//   2. after `v == c` held, `v == d` for another constant d is false.
// Facts are a persistent list along the dominator tree, searched to a
// bounded depth so that time stays linear in the program's size.
#include "opt/thread_jumps.hpp"

#include "opt/dominators.hpp"

#include <optional>
#include <vector>

namespace fcap::opt {

namespace {

constexpr int search_depth = 24;

struct Fact {
    ir::CmpOp op;
    ir::ExprId lhs, rhs;
    bool held;
    int parent;  // index of the next fact up the path, or -1
};

class Threader {
public:
    explicit Threader(ir::Program& p) : p_(p) {}

    bool run() {
        Dominators dom(p_);
        const auto& order = dom.order;
        const auto& idom = dom.idom;
        std::size_t n = p_.blocks.size();
        auto preds = [&](ir::BlockId b) { return dom.preds.of(b); };

        // Facts known on entry to each block.
        facts_in_.assign(n, -1);
        facts_.reserve(2 * order.size());
        for (ir::BlockId b : order) {
            if (b == p_.entry || ir::successors(p_.blocks[b]).size() == 0) continue;
            bool single = preds(b).size() == 1 || (preds(b).size() == 2 && preds(b)[0] == preds(b)[1]);
            if (single && ir::successors(p_.blocks[preds(b)[0]]).size() == 2 &&
                !both_targets(preds(b)[0], b)) {
                facts_in_[b] = edge_fact(preds(b)[0], b);
            } else if (single) {
                facts_in_[b] = facts_in_[preds(b)[0]];
            } else {
                facts_in_[b] = facts_in_[idom[b]];
            }
        }

        bool changed = false;
        for (auto it = order.rbegin(); it != order.rend(); ++it) {
            ir::BlockId b = *it;
            auto* br = std::get_if<ir::Branch>(&p_.blocks[b].end);
            if (!br || br->if_true == br->if_false) continue;
            for (bool sense : {true, false}) {
                ir::BlockId& target = sense ? br->if_true : br->if_false;
                int facts = fact_for(b, sense);
                for (int hops = 0; hops < 64; ++hops) {
                    auto next = decided(target, facts);
                    if (!next) break;
                    target = *next;
                    changed = true;
                }
            }
        }
        return changed;
    }

private:
    bool both_targets(ir::BlockId pred, ir::BlockId b) const {
        const auto* br = std::get_if<ir::Branch>(&p_.blocks[pred].end);
        return br && br->if_true == b && br->if_false == b;
    }

    bool usable(const ir::Branch& br) const {
        return !p_.exprs.reads_var(br.lhs) && !p_.exprs.reads_var(br.rhs);
    }

    // The facts on the edge leaving `b` on its `sense` side.
    int fact_for(ir::BlockId b, bool sense) {
        const auto& br = std::get<ir::Branch>(p_.blocks[b].end);
        if (!usable(br)) return facts_in_[b];
        facts_.push_back({br.op, br.lhs, br.rhs, sense, facts_in_[b]});
        return int(facts_.size() - 1);
    }

    int edge_fact(ir::BlockId pred, ir::BlockId b) {
        const auto& br = std::get<ir::Branch>(p_.blocks[pred].end);
        return fact_for(pred, br.if_true == b);
    }

    // The successor `target` leads to when the facts decide its branch.
    std::optional<ir::BlockId> decided(ir::BlockId target, int facts) const {
        const auto& block = p_.blocks[target];
        if (!block.assigns.empty()) return std::nullopt;
        if (const auto* j = std::get_if<ir::Jump>(&block.end)) return j->target;
        const auto* br = std::get_if<ir::Branch>(&block.end);
        if (!br || !usable(*br)) return std::nullopt;
        const auto& pool = p_.exprs;
        int depth = 0;
        for (int f = facts; f >= 0 && depth < search_depth; f = facts_[std::size_t(f)].parent, ++depth) {
            const Fact& fact = facts_[std::size_t(f)];
            if (fact.lhs != br->lhs) continue;
            if (fact.op == br->op && fact.rhs == br->rhs) return fact.held ? br->if_true : br->if_false;
            if (fact.held && fact.op == ir::CmpOp::eq && br->op == ir::CmpOp::eq && pool.is_constant(fact.rhs) &&
                pool.is_constant(br->rhs))
                return br->if_false;  // distinct constants: fact.rhs != br->rhs here
        }
        return std::nullopt;
    }

    ir::Program& p_;
    std::vector<Fact> facts_;
    std::vector<int> facts_in_;
};

}  // namespace

bool thread_jumps(ir::Program& program) { return Threader(program).run(); }

}  // namespace fcap::opt
