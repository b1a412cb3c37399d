#include "backend/ebpf/sets.hpp"

#include <algorithm>
#include <map>

namespace fcap::ebpf::detail {

namespace {

// One test of a chain: (field & mask) == value.
struct Test {
    ir::ExprId lhs = ir::no_expr;  // what the branch compares
    ir::ExprId field = ir::no_expr;
    std::uint32_t mask = 0xffffffffu;
    std::uint32_t value = 0;
};

// The block's test, if it is `expression == constant`.
bool equality(const ir::Program& p, const ir::Branch& br, Test* t) {
    if (br.op != ir::CmpOp::eq) return false;
    const auto& pool = p.exprs;
    if (pool.is_constant(br.rhs) && !pool.is_constant(br.lhs)) {
        t->lhs = br.lhs;
        t->value = pool[br.rhs].k;
    } else if (pool.is_constant(br.lhs) && !pool.is_constant(br.rhs)) {
        t->lhs = br.rhs;
        t->value = pool[br.lhs].k;
    } else {
        return false;
    }
    t->field = t->lhs;
    t->mask = 0xffffffffu;
    const auto& n = pool[t->lhs];
    if (n.kind == ir::ExprKind::binary && n.op == ir::BinOp::band) {
        if (pool.is_constant(n.b) && !pool.is_constant(n.a)) t->field = n.a, t->mask = pool[n.b].k;
        else if (pool.is_constant(n.a) && !pool.is_constant(n.b)) t->field = n.b, t->mask = pool[n.a].k;
    }
    return true;
}

// The prefix length of a CIDR mask, or -1.
int prefix_length(std::uint32_t mask) {
    int len = __builtin_popcount(mask);
    std::uint32_t cidr = len == 0 ? 0 : 0xffffffffu << (32 - len);
    return cidr == mask ? len : -1;
}

// Follows the chain from `head` through tests of the same field (or, with
// `same_lhs`, the same compared expression) with one outcome.
std::vector<ir::BlockId> walk(const ir::Program& p, const ir::Predecessors& preds, const std::vector<bool>& taken,
                              ir::BlockId head, bool same_lhs, std::vector<Test>* tests, ir::BlockId* missed) {
    const auto& first = std::get<ir::Branch>(p.blocks[head].end);
    std::vector<ir::BlockId> members = {head};
    ir::BlockId next = first.if_false;
    for (;;) {
        const auto& blk = p.blocks[next];
        const auto* nb = std::get_if<ir::Branch>(&blk.end);
        Test t;
        if (taken[next] || !blk.assigns.empty() || !nb || nb->if_true != first.if_true ||
            preds.of(next).size() != 1 || !equality(p, *nb, &t) ||
            (same_lhs ? t.lhs != tests->front().lhs : t.field != tests->front().field))
            break;
        members.push_back(next);
        tests->push_back(t);
        next = nb->if_false;
    }
    *missed = next;
    return members;
}

}  // namespace

std::vector<SetChain> find_set_chains(const ir::Program& p, std::uint32_t min_tests) {
    std::vector<SetChain> chains;
    if (min_tests == 0) return chains;
    auto order = p.topological_order();
    ir::Predecessors preds(p, order);
    std::vector<bool> taken(p.blocks.size(), false);
    for (ir::BlockId head : order) {
        if (taken[head]) continue;
        const auto* br = std::get_if<ir::Branch>(&p.blocks[head].end);
        Test t;
        if (!br || !equality(p, *br, &t)) continue;
        SetChain chain;
        chain.found = br->if_true;
        std::vector<Test> tests = {t};
        chain.members = walk(p, preds, taken, head, false, &tests, &chain.missed);
        bool one_mask = std::all_of(tests.begin(), tests.end(), [&](const Test& x) { return x.lhs == tests[0].lhs; });
        bool cidr = std::all_of(tests.begin(), tests.end(), [](const Test& x) { return prefix_length(x.mask) >= 0; });
        if (!one_mask && !cidr) {  // masks of no single length and not CIDR: the plain chain of one expression
            tests = {t};
            chain.members = walk(p, preds, taken, head, true, &tests, &chain.missed);
            one_mask = true;
        }
        if (chain.members.size() < min_tests) continue;
        if (one_mask) {
            chain.value = tests[0].lhs;
            for (const auto& x : tests) chain.keys.push_back(x.value);
            std::sort(chain.keys.begin(), chain.keys.end());
            chain.keys.erase(std::unique(chain.keys.begin(), chain.keys.end()), chain.keys.end());
        } else {
            // A test whose constant has bits outside its mask never holds:
            // it has no network in the trie.
            chain.value = tests[0].field;
            std::map<std::pair<std::uint8_t, std::uint32_t>, bool> networks;
            for (const auto& x : tests)
                if ((x.value & ~x.mask) == 0) networks[{std::uint8_t(prefix_length(x.mask)), x.value}] = true;
            for (const auto& [net, _] : networks) {
                chain.prefix_lengths.push_back(net.first);
                chain.keys.push_back(net.second);
            }
        }
        for (ir::BlockId b : chain.members) taken[b] = true;
        chains.push_back(std::move(chain));
    }
    return chains;
}

}  // namespace fcap::ebpf::detail
