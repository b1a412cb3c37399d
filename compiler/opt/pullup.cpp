// `host a or b` becomes "P[26] == a, P[26] == b, P[30] == a, P[30] == b"
// with one load of each word.  The reordering decides which loads a
// truncated packet meets, so it follows libpcap's or_pullup/and_pullup
// step by step: the chain runs along the false (or true) edges from a block
// whose predecessors all test one value; its first test of another value
// is where a later test of the first value is moved to; every block moved
// over must share the chain's other target and be dominated by its start.
#include "opt/pullup.hpp"

#include "opt/dominators.hpp"

#include <memory>
#include <vector>

namespace fcap::opt {

namespace {

class Pullup {
public:
    explicit Pullup(ir::Program& p) : p_(p) {}

    bool run() {
        analyze();
        bool changed = false;
        touched_.assign(p_.blocks.size(), false);
        // From the root down: a chain's first start gathers all of it in
        // this run (libpcap, leaves first, gathers it over many runs; the
        // end is the same order).
        for (auto it = order_.begin(); it != order_.end(); ++it) {
            if (touched_[*it]) continue;
            if (pull(*it, false) || pull(*it, true)) changed = true;
        }
        return changed;
    }

private:
    void analyze() {
        dom_ = std::make_unique<Dominators>(p_);
        const Dominators& dom = *dom_;
        order_ = dom.order;
        rank_ = dom.rank;
        idom_ = dom.idom;
        std::size_t n = p_.blocks.size();
        // Pre/post numbers on the dominator tree answer "a dominates b" at once.
        // Children lists in one array (first_child / next_sibling).
        std::vector<ir::BlockId> first_child(n, ir::no_block), next_sibling(n, ir::no_block);
        for (auto it = order_.rbegin(); it != order_.rend(); ++it)
            if (idom_[*it] != ir::no_block) {
                next_sibling[*it] = first_child[idom_[*it]];
                first_child[idom_[*it]] = *it;
            }
        pre_.assign(n, 0);
        post_.assign(n, 0);
        int clock = 0;
        // (block, next child to visit)
        std::vector<std::pair<ir::BlockId, ir::BlockId>> stack{{p_.entry, first_child[p_.entry]}};
        pre_[p_.entry] = clock++;
        while (!stack.empty()) {
            auto& [b, next] = stack.back();
            if (next != ir::no_block) {
                ir::BlockId c = next;
                next = next_sibling[c];
                pre_[c] = clock++;
                stack.push_back({c, first_child[c]});
                continue;
            }
            post_[b] = clock++;
            stack.pop_back();
        }
    }

    bool dominates(ir::BlockId a, ir::BlockId b) const {
        if (rank_[a] < 0 || rank_[b] < 0) return false;
        return pre_[a] <= pre_[b] && post_[b] <= post_[a];
    }

    const ir::Branch* branch(ir::BlockId b) const {
        const auto& block = p_.blocks[b];
        if (!block.assigns.empty()) return nullptr;
        return std::get_if<ir::Branch>(&block.end);
    }
    ir::Branch* branch(ir::BlockId b) {
        auto& block = p_.blocks[b];
        if (!block.assigns.empty()) return nullptr;
        return std::get_if<ir::Branch>(&block.end);
    }

    // `along_true`: and_pullup (the chain follows true edges and shares
    // the false target); otherwise or_pullup.
    // Chains are followed to their end, as libpcap does: stopping early
    // would leave tests where libpcap does not, and a packet cut between two
    // loads would then get another verdict.
    bool pull(ir::BlockId b, bool along_true) {
        const ir::Branch* start = branch(b);
        if (!start || dom_->preds.of(b).empty()) return false;
        auto next = [&](const ir::Branch* br) { return along_true ? br->if_true : br->if_false; };
        auto other = [&](const ir::Branch* br) { return along_true ? br->if_false : br->if_true; };
        // Every predecessor must test one value.
        ir::ExprId value = ir::no_expr;
        for (ir::BlockId q : dom_->preds.of(b)) {
            const ir::Branch* br = branch(q);
            if (!br) return false;
            if (value == ir::no_expr) value = br->lhs;
            else if (br->lhs != value) return false;
        }
        ir::BlockId shared = other(start);
        // Down the chain while it tests `value`: the first other test is `diff`.
        bool at_top = true;
        ir::BlockId diff_parent = ir::no_block, diff = b;
        for (;;) {
            const ir::Branch* br = branch(diff);
            if (!br || other(br) != shared || !dominates(b, diff)) return false;
            if (br->lhs != value) break;
            diff_parent = diff;
            diff = next(br);
            at_top = false;
        }
        // Further down, a test of `value` again: it moves up.
        ir::BlockId same_parent = diff, same = next(branch(diff));
        for (;;) {
            const ir::Branch* br = branch(same);
            if (!br || other(br) != shared || !dominates(b, same)) return false;
            if (br->lhs == value) break;
            same_parent = same;
            same = next(br);
        }
        for (ir::BlockId x : {b, diff, same, same_parent})
            if (touched_[x]) return false;
        ir::Branch* moved = branch(same);
        ir::Branch* parent = branch(same_parent);
        (along_true ? parent->if_true : parent->if_false) = next(moved);
        (along_true ? moved->if_true : moved->if_false) = diff;
        if (at_top) {
            for (ir::BlockId q : dom_->preds.of(b)) {
                ir::Branch* br = branch(q);
                if (br->if_true == b) br->if_true = same;
                if (br->if_false == b) br->if_false = same;
                touched_[q] = true;
            }
            if (p_.entry == b) p_.entry = same;
        } else {
            ir::Branch* dp = branch(diff_parent);
            (along_true ? dp->if_true : dp->if_false) = same;
            touched_[diff_parent] = true;
        }
        for (ir::BlockId x : {b, diff, same, same_parent}) touched_[x] = true;
        // The later tests of `value` follow, each placed after the one
        // moved before it: the order libpcap reaches over as many runs (the
        // blocks further down are still dominated by b; only edges inside
        // the chain changed).
        for (ir::BlockId last = same;;) {
            ir::BlockId parent = same_parent, candidate = next(branch(parent));
            for (;;) {
                const ir::Branch* br = branch(candidate);
                if (!br || other(br) != shared || !dominates(b, candidate)) return true;
                if (br->lhs == value) break;
                parent = candidate;
                candidate = next(br);
            }
            if (touched_[candidate] || (parent != same_parent && touched_[parent])) return true;
            ir::Branch* c = branch(candidate);
            (along_true ? branch(parent)->if_true : branch(parent)->if_false) = next(c);
            (along_true ? c->if_true : c->if_false) = diff;
            (along_true ? branch(last)->if_true : branch(last)->if_false) = candidate;
            touched_[candidate] = touched_[parent] = true;
            last = candidate;
            same_parent = parent;
        }
    }

    ir::Program& p_;
    std::vector<ir::BlockId> order_;
    std::vector<int> rank_;
    std::unique_ptr<Dominators> dom_;
    std::vector<ir::BlockId> idom_;
    std::vector<int> pre_, post_;
    std::vector<bool> touched_;
};

}  // namespace

bool pullup(ir::Program& program) { return Pullup(program).run(); }

}  // namespace fcap::opt
