// IR to classic BPF.  Small steps, each named:
//   1. order blocks (reverse post-order: every jump goes forward);
//   2. per block, evaluate expressions into A and X, tracking what A and X
//      hold at every block exit, and skip a load when every predecessor
//      leaves the value in place (as libpcap's code does);
//   3. share one `ret` per returned constant at the end;
//   4. resolve labels; a conditional jump reaches 255 instructions at most,
//      so a farther target gets a trampoline: a copy of the `ret` it aims at,
//      or a `ja`.
#include "backend/cbpf/emit.hpp"

#include "backend/cbpf/ops.hpp"

#include <algorithm>
#include <optional>
#include <map>
#include <unordered_map>

namespace fcap::cbpf {

namespace {

using ir::ExprId;
using ir::ExprKind;

struct Item {
    Insn insn;
    int target_true = -1;   // label, for conditional jumps and ja
    int target_false = -1;
    std::vector<int> labels;  // labels that name this instruction
};

struct State {
    ExprId a = ir::no_expr;
    ExprId x = ir::no_expr;
    bool operator==(const State&) const = default;
};

class Emitter {
public:
    Emitter(const ir::Program& p, diag::Sink& sink) : p_(p), pool_(p.exprs), sink_(sink) {}

    std::optional<std::vector<Insn>> run();

private:
    // ---- labels
    int block_label(ir::BlockId b);
    int ret_label(std::uint32_t value);
    bool is_shared_ret(ir::BlockId b, std::uint32_t& value) const;

    // ---- code
    void put(Insn insn) { put_jump(insn, -1, -1); }
    void put_jump(Insn insn, int if_true, int if_false) {
        Item item;
        item.insn = insn;
        item.target_true = if_true;
        item.target_false = if_false;
        item.labels = std::move(pending_labels_);
        pending_labels_.clear();
        code_.push_back(std::move(item));
    }
    // A label for the next instruction put.
    int label_here() {
        int l = next_label_++;
        pending_labels_.push_back(l);
        return l;
    }
    void gen_protochain(const ir::ExprNode& n);
    bool clobbers_x(ExprId e) const;
    bool direct_x(ExprId e) const;
    void gen_a(ExprId e);
    void gen_x(ExprId e);
    void gen_branch(const ir::Branch& br);
    int temp();
    void free_temp() { --temps_in_use_; }
    void forget_vars();

    std::vector<Insn> resolve();

    const ir::Program& p_;
    const ir::ExprPool& pool_;
    diag::Sink& sink_;
    std::vector<Item> code_;
    State state_;
    std::vector<int> block_labels_;  // by block; -1: no label yet
    std::map<std::uint32_t, int> ret_labels_;
    int next_label_ = 0;
    std::uint32_t temps_in_use_ = 0;
    std::vector<int> pending_labels_;
    std::vector<std::size_t> fragments_;  // where each block's code starts
    std::size_t ret_start_ = 0;            // where the shared rets start
    void merge_tails();
    bool failed_ = false;
};

bool Emitter::is_shared_ret(ir::BlockId b, std::uint32_t& value) const {
    const auto& block = p_.blocks[b];
    const auto* r = std::get_if<ir::Return>(&block.end);
    if (!r || !block.assigns.empty() || !pool_.is_constant(r->value)) return false;
    value = pool_[r->value].k;
    return true;
}

int Emitter::block_label(ir::BlockId b) {
    std::uint32_t value;
    if (is_shared_ret(b, value)) return ret_label(value);
    if (block_labels_.size() <= b) block_labels_.resize(p_.blocks.size(), -1);
    if (block_labels_[b] < 0) block_labels_[b] = next_label_++;
    return block_labels_[b];
}

int Emitter::ret_label(std::uint32_t value) {
    auto [it, inserted] = ret_labels_.try_emplace(value, next_label_);
    if (inserted) ++next_label_;
    return it->second;
}

// Does putting e in A go through X?
bool Emitter::clobbers_x(ExprId e) const {
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant:
    case ExprKind::packet_len:
    case ExprKind::var:
    case ExprKind::ancillary: return false;
    case ExprKind::ip_header_len:
    case ExprKind::protochain: return true;
    case ExprKind::load: return n.a != ir::no_expr && !pool_.is_constant(n.a);
    case ExprKind::neg: return clobbers_x(n.a);
    case ExprKind::binary: return !pool_.is_constant(n.b) || clobbers_x(n.a);
    }
    return true;
}

// Can e go straight into X, without A?
bool Emitter::direct_x(ExprId e) const {
    switch (pool_[e].kind) {
    case ExprKind::constant:
    case ExprKind::packet_len:
    case ExprKind::var:
    case ExprKind::ip_header_len: return true;
    default: return false;
    }
}

int Emitter::temp() {
    std::uint32_t slot = p_.var_count + temps_in_use_++;
    if (slot >= memwords && !failed_) {
        sink_.error("the expression needs more than 16 scratch registers for classic BPF",
                    "simplify the arithmetic, or use an eBPF target");
        failed_ = true;
    }
    return int(slot % memwords);
}

void Emitter::forget_vars() {
    if (state_.a != ir::no_expr && pool_.reads_var(state_.a)) state_.a = ir::no_expr;
    if (state_.x != ir::no_expr && pool_.reads_var(state_.x)) state_.x = ir::no_expr;
}

void Emitter::gen_x(ExprId e) {
    if (state_.x == e) return;
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: put(stmt(cls::ldx | size::w | mode::imm, n.k)); break;
    case ExprKind::packet_len: put(stmt(cls::ldx | size::w | mode::len)); break;
    case ExprKind::var: put(stmt(cls::ldx | size::w | mode::mem, n.k)); break;
    case ExprKind::ip_header_len: put(stmt(cls::ldx | size::b | mode::msh, n.k)); break;
    default:
        gen_a(e);
        put(stmt(cls::misc | miscop::tax));
        break;
    }
    state_.x = e;
}

static std::uint16_t alu_op(ir::BinOp op) {
    switch (op) {
    case ir::BinOp::add: return alu::add;
    case ir::BinOp::sub: return alu::sub;
    case ir::BinOp::mul: return alu::mul;
    case ir::BinOp::div: return alu::div;
    case ir::BinOp::mod: return alu::mod;
    case ir::BinOp::band: return alu::and_;
    case ir::BinOp::bor: return alu::or_;
    case ir::BinOp::bxor: return alu::xor_;
    case ir::BinOp::lsh: return alu::lsh;
    case ir::BinOp::rsh: return alu::rsh;
    }
    return alu::add;
}

void Emitter::gen_a(ExprId e) {
    if (state_.a == e) return;
    const auto& n = pool_[e];
    switch (n.kind) {
    case ExprKind::constant: put(stmt(cls::ld | size::w | mode::imm, n.k)); break;
    case ExprKind::packet_len: put(stmt(cls::ld | size::w | mode::len)); break;
    case ExprKind::var: put(stmt(cls::ld | size::w | mode::mem, n.k)); break;
    case ExprKind::ancillary:
        // The packet type is a half-word, as libpcap loads it.
        put(stmt(cls::ld | (n.k == 4 ? size::h : size::w) | mode::abs, ancillary_base + n.k));
        break;
    case ExprKind::ip_header_len:
        gen_x(e);
        put(stmt(cls::misc | miscop::txa));
        break;
    case ExprKind::load: {
        std::uint16_t sz = size_bits(n.size);
        if (n.a == ir::no_expr) {
            put(stmt(cls::ld | sz | mode::abs, n.k));
        } else if (pool_.is_constant(n.a) && std::uint64_t(n.k) + pool_[n.a].k <= 0xffffffffu) {
            put(stmt(cls::ld | sz | mode::abs, n.k + pool_[n.a].k));
        } else {
            gen_x(n.a);
            put(stmt(cls::ld | sz | mode::ind, n.k));
        }
        break;
    }
    case ExprKind::neg:
        gen_a(n.a);
        put(stmt(cls::alu | alu::neg));
        break;
    case ExprKind::protochain: gen_protochain(n); break;
    case ExprKind::binary: {
        std::uint16_t op = alu_op(n.op);
        if (pool_.is_constant(n.b)) {
            gen_a(n.a);
            put(stmt(cls::alu | op | src::k, pool_[n.b].k));
        } else if (direct_x(n.b) || (state_.x == n.b && !clobbers_x(n.a))) {
            gen_a(n.a);
            gen_x(n.b);
            put(stmt(cls::alu | op | src::x));
        } else if (!clobbers_x(n.a)) {
            gen_a(n.b);
            put(stmt(cls::misc | miscop::tax));
            state_.x = n.b;
            gen_a(n.a);
            put(stmt(cls::alu | op | src::x));
        } else {
            int t = temp();
            gen_a(n.b);
            put(stmt(cls::st, std::uint32_t(t)));
            gen_a(n.a);
            put(stmt(cls::ldx | size::w | mode::mem, std::uint32_t(t)));
            state_.x = ir::no_expr;
            put(stmt(cls::alu | op | src::x));
            free_temp();
        }
        break;
    }
    }
    state_.a = e;
}

// libpcap's protochain loop: A holds the protocol, X the offset of the
// header from the network header; extension headers and AH loop back.  The
// backward `ja` runs in libpcap's interpreter; the kernel's classic checker
// refuses it, as it refuses libpcap's own protochain code.
void Emitter::gen_protochain(const ir::ExprNode& n) {
    int slot = temp();
    gen_x(n.b);
    if (clobbers_x(n.a)) {
        int first = temp();
        gen_a(n.b);
        put(stmt(cls::st, std::uint32_t(first)));
        gen_a(n.a);
        put(stmt(cls::ldx | size::w | mode::mem, std::uint32_t(first)));
        free_temp();
    } else {
        gen_a(n.a);
    }
    int exit = next_label_++, extension = next_label_++, ah = next_label_++;
    auto jeq = [&](std::uint32_t k, int t, int f) { put_jump(stmt(cls::jmp | jmp::jeq | src::k, k), t, f); };
    int loop = label_here();
    int next = next_label_++;
    jeq(n.k2, exit, next);
    pending_labels_.push_back(next);
    next = next_label_++;
    jeq(59, exit, next);
    pending_labels_.push_back(next);
    if (n.size == 6) {
        for (std::uint32_t h : {0u, 60u, 43u}) {
            next = next_label_++;
            jeq(h, extension, next);
            pending_labels_.push_back(next);
        }
        next = next_label_++;
        jeq(44, extension, next);
        pending_labels_.push_back(next);
    }
    jeq(51, ah, exit);
    auto step = [&](int label, std::uint32_t plus, std::uint32_t times, bool add_offset) {
        pending_labels_.push_back(label);
        put(stmt(cls::ld | size::b | mode::ind, n.k));
        put(stmt(cls::st, std::uint32_t(slot)));
        put(stmt(cls::ld | size::b | mode::ind, n.k + 1));
        put(stmt(cls::alu | alu::add | src::k, plus));
        put(stmt(cls::alu | alu::mul | src::k, times));
        if (add_offset) put(stmt(cls::alu | alu::add | src::x));
        put(stmt(cls::misc | miscop::tax));
        put(stmt(cls::ld | size::w | mode::mem, std::uint32_t(slot)));
        put_jump(stmt(cls::jmp | jmp::ja), loop, -1);
    };
    if (n.size == 6) step(extension, 1, 8, true);
    step(ah, 2, 4, false);
    pending_labels_.push_back(exit);
    free_temp();
    state_.x = ir::no_expr;
}

static std::uint16_t jump_op(ir::CmpOp op) {
    switch (op) {
    case ir::CmpOp::eq: return jmp::jeq;
    case ir::CmpOp::gt: return jmp::jgt;
    case ir::CmpOp::ge: return jmp::jge;
    case ir::CmpOp::set: return jmp::jset;
    }
    return jmp::jeq;
}

void Emitter::gen_branch(const ir::Branch& in) {
    ir::Branch br = in;
    // k op e: put the constant on the right.
    if (pool_.is_constant(br.lhs) && !pool_.is_constant(br.rhs)) {
        std::swap(br.lhs, br.rhs);
        if (br.op == ir::CmpOp::gt) {  // k > e  <=>  !(e >= k)
            br.op = ir::CmpOp::ge;
            std::swap(br.if_true, br.if_false);
        } else if (br.op == ir::CmpOp::ge) {  // k >= e  <=>  !(e > k)
            br.op = ir::CmpOp::gt;
            std::swap(br.if_true, br.if_false);
        }
    }
    // libpcap's peephole forms: (x & k) == 0 is `jset #k` with the
    // targets swapped; (x + c) == d, (x - c) == d and (x ^ c) == d compare
    // x with the constant solved for.
    std::optional<std::uint32_t> k;  // the constant compared with, when there is one
    if (pool_.is_constant(br.rhs)) k = pool_[br.rhs].k;
    for (int rounds = 0; rounds < 8 && br.op == ir::CmpOp::eq && k; ++rounds) {
        const auto& l = pool_[br.lhs];
        if (l.kind != ExprKind::binary || !pool_.is_constant(l.b)) break;
        std::uint32_t c = pool_[l.b].k, d = *k;
        if (l.op == ir::BinOp::band && d == 0) {
            br = ir::Branch{ir::CmpOp::set, l.a, l.b, br.if_false, br.if_true};
            k = c;
            break;
        }
        if (l.op == ir::BinOp::add) k = d - c;
        else if (l.op == ir::BinOp::sub) k = d + c;
        else if (l.op == ir::BinOp::bxor) k = d ^ c;
        else break;
        br.lhs = l.a;
    }
    int t = block_label(br.if_true), f = block_label(br.if_false);
    std::uint16_t op = cls::jmp | jump_op(br.op);
    if (k) {
        gen_a(br.lhs);
        put_jump(stmt(op | src::k, *k), t, f);
    } else if (direct_x(br.rhs) || (state_.x == br.rhs && !clobbers_x(br.lhs))) {
        gen_a(br.lhs);
        gen_x(br.rhs);
        put_jump(stmt(op | src::x), t, f);
    } else if (!clobbers_x(br.lhs)) {
        gen_a(br.rhs);
        put(stmt(cls::misc | miscop::tax));
        state_.x = br.rhs;
        gen_a(br.lhs);
        put_jump(stmt(op | src::x), t, f);
    } else {
        int slot = temp();
        gen_a(br.rhs);
        put(stmt(cls::st, std::uint32_t(slot)));
        gen_a(br.lhs);
        put(stmt(cls::ldx | size::w | mode::mem, std::uint32_t(slot)));
        state_.x = ir::no_expr;
        put_jump(stmt(op | src::x), t, f);
        free_temp();
    }
}

std::optional<std::vector<Insn>> Emitter::run() {
    if (p_.var_count > memwords) {
        sink_.error("the program keeps " + std::to_string(p_.var_count) +
                        " values, more than classic BPF's 16 scratch registers",
                    "use an eBPF target");
        return std::nullopt;
    }
    auto order = p_.topological_order();
    // The entry may itself be a shared `ret` (a filter that accepts all).
    int entry_label = block_label(p_.entry);
    (void)entry_label;
    // Predecessor exit states decide what a block may reuse.
    ir::Predecessors preds_of(p_, order);
    std::vector<State> exit_state(p_.blocks.size());

    for (std::size_t i = 0; i < order.size(); ++i) {
        ir::BlockId b = order[i];
        std::uint32_t ret_value;
        if (is_shared_ret(b, ret_value)) continue;
        const auto& block = p_.blocks[b];
        // Entry state: what every predecessor agrees on.
        state_ = {};
        auto preds = preds_of.of(b);
        if (!preds.empty()) {
            state_ = exit_state[preds[0]];
            for (ir::BlockId pb : preds) {
                if (exit_state[pb].a != state_.a) state_.a = ir::no_expr;
                if (exit_state[pb].x != state_.x) state_.x = ir::no_expr;
            }
        }
        std::size_t first = code_.size();
        for (const auto& a : block.assigns) {
            gen_a(a.value);
            put(stmt(cls::st, a.var));
            ExprId value = a.value;
            forget_vars();
            if (!pool_.reads_var(value)) state_.a = value;
        }
        if (const auto* r = std::get_if<ir::Return>(&block.end)) {
            if (pool_.is_constant(r->value)) {
                put(stmt(cls::ret | rval::k, pool_[r->value].k));
            } else {
                gen_a(r->value);
                put(stmt(cls::ret | rval::a));
            }
        } else if (const auto* j = std::get_if<ir::Jump>(&block.end)) {
            std::uint32_t v;
            if (is_shared_ret(j->target, v)) {
                put(stmt(cls::ret | rval::k, v));
            } else {
                bool next = i + 1 < order.size() && order[i + 1] == j->target;
                if (!next) put_jump(stmt(cls::jmp | jmp::ja), block_label(j->target), -1);
            }
        } else {
            gen_branch(std::get<ir::Branch>(block.end));
        }
        if (code_.size() == first) {
            // An empty block (a jump to the next one): it still needs a
            // place for its label.
            put_jump(stmt(cls::jmp | jmp::ja), -2, -1);
        }
        code_[first].labels.push_back(block_label(b));
        fragments_.push_back(first);
        exit_state[b] = state_;
    }
    ret_start_ = code_.size();
    // Accepting returns first, `ret #0` last, as libpcap lays them out.
    for (auto it = ret_labels_.rbegin(); it != ret_labels_.rend(); ++it) {
        const auto& [value, label] = *it;
        put(stmt(cls::ret | rval::k, value));
        code_.back().labels.push_back(label);
    }
    if (failed_) return std::nullopt;
    return resolve();
}

// Blocks whose code is the same instructions going to the same places
// become one, even when they compare different values: `jeq #0x11` after
// the IPv4 protocol load and after the IPv6 one (libpcap's code shares
// these too).  The last copy stays, so every jump to it is still forward.
void Emitter::merge_tails() {
    if (fragments_.empty()) return;
    std::vector<std::size_t> ends(fragments_.size());
    for (std::size_t i = 0; i < fragments_.size(); ++i)
        ends[i] = i + 1 < fragments_.size() ? fragments_[i + 1] : ret_start_;
    std::vector<int> alias(std::size_t(next_label_) + 1, -1);
    auto canon = [&](int l) {
        while (l >= 0 && alias[std::size_t(l)] >= 0) l = alias[std::size_t(l)];
        return l;
    };
    auto ends_flow = [&](std::size_t i) {
        if (ends[i] == fragments_[i]) return false;
        const Insn& last = code_[ends[i] - 1].insn;
        return (last.code & 0x07) == cls::ret || (last.code & 0x07) == cls::jmp;
    };
    std::vector<bool> dead(fragments_.size(), false);
    for (bool changed = true; changed;) {
        changed = false;
        struct SigHash {
            std::size_t operator()(const std::vector<std::uint64_t>& v) const noexcept {
                std::size_t h = v.size();
                for (auto x : v) h = (h ^ x) * 0x100000001b3ull;
                return h;
            }
        };
        std::unordered_map<std::vector<std::uint64_t>, std::size_t, SigHash> seen;
        seen.reserve(fragments_.size());
        for (std::size_t r = fragments_.size(); r-- > 0;) {
            if (dead[r] || !ends_flow(r) || code_[fragments_[r]].labels.size() != 1) continue;
            // A fragment the one before it falls into must stay where it is.
            if (r > 0 && !dead[r - 1] && !ends_flow(r - 1)) continue;
            std::vector<std::uint64_t> sig;
            bool plain = true;
            for (std::size_t i = fragments_[r]; i < ends[r]; ++i) {
                if (i > fragments_[r] && !code_[i].labels.empty()) plain = false;
                const Item& it = code_[i];
                sig.push_back(std::uint64_t(it.insn.code) << 32 | it.insn.k);
                sig.push_back(std::uint64_t(std::uint32_t(canon(it.target_true))) << 32 |
                              std::uint32_t(canon(it.target_false)));
            }
            if (!plain) continue;
            auto [pos, inserted] = seen.try_emplace(sig, r);
            if (inserted) continue;
            alias[std::size_t(code_[fragments_[r]].labels[0])] = code_[fragments_[pos->second]].labels[0];
            dead[r] = true;
            changed = true;
        }
    }
    std::vector<Item> kept;
    for (std::size_t i = 0; i < code_.size(); ++i) {
        auto f = std::upper_bound(fragments_.begin(), fragments_.end(), i);
        if (f != fragments_.begin() && i < ret_start_ && dead[std::size_t(f - fragments_.begin()) - 1]) continue;
        Item it = code_[i];
        it.target_true = it.target_true >= 0 ? canon(it.target_true) : it.target_true;
        it.target_false = it.target_false >= 0 ? canon(it.target_false) : it.target_false;
        kept.push_back(std::move(it));
    }
    code_ = std::move(kept);
}

std::vector<Insn> Emitter::resolve() {
    merge_tails();
    // An empty block's placeholder `ja` to the next instruction: drop it,
    // moving its labels on.
    for (std::size_t i = 0; i < code_.size(); ++i) {
        if (code_[i].target_true == -2) {
            auto labels = code_[i].labels;
            code_.erase(code_.begin() + std::ptrdiff_t(i));
            code_[i].labels.insert(code_[i].labels.end(), labels.begin(), labels.end());
            --i;
        }
    }
    // Each round puts a trampoline after every jump that cannot reach its
    // target; the insertions lengthen other jumps, so repeat until none is
    // left.  A round is linear in the program's length.
    for (;;) {
        std::vector<std::size_t> where(std::size_t(next_label_) + 1, 0);
        for (std::size_t i = 0; i < code_.size(); ++i)
            for (int l : code_[i].labels) where[std::size_t(l)] = i;
        std::vector<Item> out;
        out.reserve(code_.size() + code_.size() / 8);
        bool inserted = false;
        for (std::size_t i = 0; i < code_.size(); ++i) {
            out.push_back(std::move(code_[i]));
            Item& it = out.back();
            if ((it.insn.code & 0x07) != cls::jmp || (it.insn.code & 0xf0) == jmp::ja) continue;
            std::vector<Item> tramps;
            for (int* target : {&it.target_true, &it.target_false}) {
                std::size_t to = where[std::size_t(*target)];
                if (to - i - 1 <= 255 - 2) continue;  // room for the two trampolines this jump may get
                // A trampoline right after the jump: a copy of the ret it
                // aims at, or a ja.
                Item tramp;
                const Item& dest = code_[to];
                if ((dest.insn.code & 0x07) == cls::ret) {
                    tramp.insn = dest.insn;
                } else {
                    tramp.insn = stmt(cls::jmp | jmp::ja);
                    tramp.target_true = *target;
                }
                int label = next_label_++;
                tramp.labels.push_back(label);
                *target = label;
                tramps.push_back(std::move(tramp));
            }
            for (auto& t : tramps) out.push_back(std::move(t));
            inserted |= !tramps.empty();
        }
        code_ = std::move(out);
        if (!inserted) break;
    }
    std::vector<std::size_t> where(std::size_t(next_label_) + 1, 0);
    for (std::size_t i = 0; i < code_.size(); ++i)
        for (int l : code_[i].labels) where[std::size_t(l)] = i;
    std::vector<Insn> out;
    out.reserve(code_.size());
    for (std::size_t i = 0; i < code_.size(); ++i) {
        Insn insn = code_[i].insn;
        if ((insn.code & 0x07) == cls::jmp) {
            if ((insn.code & 0xf0) == jmp::ja) {
                insn.k = std::uint32_t(where[std::size_t(code_[i].target_true)] - i - 1);
            } else {
                insn.jt = std::uint8_t(where[std::size_t(code_[i].target_true)] - i - 1);
                insn.jf = std::uint8_t(where[std::size_t(code_[i].target_false)] - i - 1);
            }
        }
        out.push_back(insn);
    }
    return out;
}

}  // namespace

std::optional<std::vector<Insn>> emit(const ir::Program& program, diag::Sink& sink) {
    return Emitter(program, sink).run();
}

}  // namespace fcap::cbpf
