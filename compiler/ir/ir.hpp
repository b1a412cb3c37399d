// fcap's intermediate representation of a packet filter.
//
// A Program is a directed acyclic graph of Blocks.  A block runs a few
// assignments to variables, then ends in a Branch (compare two values, go to
// one of two blocks), a Jump, or a Return (the value to return: the snaplen
// to accept, 0 to reject, or any other value a translated cBPF program
// returns).
//
// Values are expression trees, hash-consed in an ExprPool: two equal trees are
// the same ExprId, so "is this the value A already holds" is one comparison.
//
// Semantics, which every pass and backend keeps (they are libpcap's
// bpf_filter semantics, which is the reference):
//   * All arithmetic is unsigned 32-bit and wraps, except a load's address:
//     k + value(index) is computed without wrapping (as bpf_filter's bounds
//     checks do), so `ip[0xfffffff5]` is past the end, never byte 3.
//   * Evaluating a Load whose bytes are not all inside the captured packet
//     ends the program at once and rejects the packet (returns 0), whatever
//     the surrounding logic: "libpcap: a load past the captured end rejects
//     the packet, even under `not`".  The same holds for division or modulo
//     by zero.
//   * A shift by 32 or more gives 0 (bpf_filter in libpcap 1.10).
//   * A block evaluates every expression it holds (assignments in order, then
//     the branch operands) before it branches; so the loads a packet is
//     subject to are exactly those of the blocks on its path.
//   * Variables (Var expressions) hold values assigned earlier on the path;
//     a program that reads a variable on a path where it was never assigned
//     reads 0, as cBPF's registers and scratch memory start at 0.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace fcap::ir {

using ExprId = std::uint32_t;
using BlockId = std::uint32_t;
using VarId = std::uint32_t;

inline constexpr ExprId no_expr = std::numeric_limits<ExprId>::max();
inline constexpr BlockId no_block = std::numeric_limits<BlockId>::max();

enum class ExprKind : std::uint8_t {
    constant,       // k
    load,           // size bytes, big-endian, at offset k + value(a) (a may be no_expr)
    ip_header_len,  // 4 * (packet byte at k & 0xf): cBPF's `ldxb 4*([k]&0xf)`
    packet_len,     // the packet's length on the wire (cBPF `len`)
    binary,         // op(a, b)
    neg,            // -a
    var,            // the current value of variable k
    ancillary,      // Linux SKF_AD_* extension k (k is the offset from SKF_AD_OFF)
    // libpcap's protochain walk: starting with next-header a at offset b
    // (from the network header at k), skip IPv6 extension headers (size 6)
    // and AH (sizes 4 and 6) until protocol k2, "no next header" (59) or
    // anything else; the value is the protocol it stopped at.  AH sets the
    // offset to the AH length alone, as libpcap's code does.
    protochain,
};

enum class BinOp : std::uint8_t { add, sub, mul, div, mod, band, bor, bxor, lsh, rsh };

struct ExprNode {
    ExprKind kind = ExprKind::constant;
    BinOp op = BinOp::add;    // binary only
    std::uint8_t size = 0;    // load only: 1, 2 or 4
    std::uint32_t k = 0;      // constant value, load offset, var id, ancillary code
    std::uint32_t k2 = 0;     // protochain only: the protocol looked for
    ExprId a = no_expr;
    ExprId b = no_expr;

    bool operator==(const ExprNode&) const = default;
};

struct ExprNodeHash {
    std::size_t operator()(const ExprNode& n) const noexcept;
};

// Interns expression nodes.  Builders fold nothing: folding is a pass's job,
// so that -O0 stays a literal translation.
class ExprPool {
public:
    ExprId constant(std::uint32_t k);
    ExprId load(std::uint8_t size, std::uint32_t offset, ExprId index = no_expr);
    ExprId ip_header_len(std::uint32_t offset);
    ExprId packet_len();
    ExprId binary(BinOp op, ExprId a, ExprId b);
    ExprId neg(ExprId a);
    ExprId var(VarId v);
    ExprId ancillary(std::uint32_t code);
    ExprId protochain(bool ipv6, std::uint32_t network, std::uint32_t wanted, ExprId first, ExprId offset);
    ExprId intern(const ExprNode& node);

    const ExprNode& operator[](ExprId id) const { return nodes_[id]; }
    std::size_t size() const { return nodes_.size(); }

    bool is_constant(ExprId id) const { return nodes_[id].kind == ExprKind::constant; }
    // True when evaluating the expression can reject the packet (a load, or a
    // division or modulo by a value that may be zero).
    bool can_fail(ExprId id) const;
    // True when the value depends on a variable (so is not the same value in
    // every block).
    bool reads_var(ExprId id) const;

private:
    bool compute_can_fail(const ExprNode& n) const;
    bool compute_reads_var(const ExprNode& n) const;

    std::vector<ExprNode> nodes_;
    // Per node, computed once when interned (children exist first):
    // bit 0 can_fail, bit 1 reads_var.
    std::vector<std::uint8_t> flags_;
    std::unordered_map<ExprNode, ExprId, ExprNodeHash> index_;
};

// Ne, Lt and Le are written as Eq, Ge and Gt with the targets swapped.
// `set` is cBPF's jset: (lhs & rhs) != 0.
enum class CmpOp : std::uint8_t { eq, gt, ge, set };

struct Assign {
    VarId var = 0;
    ExprId value = no_expr;
};

struct Branch {
    CmpOp op = CmpOp::eq;
    ExprId lhs = no_expr;
    ExprId rhs = no_expr;
    BlockId if_true = no_block;
    BlockId if_false = no_block;
};

struct Return {
    ExprId value = no_expr;  // usually a constant: snaplen (accept) or 0 (reject)
};

// Goes to `target` unconditionally; evaluates nothing.
struct Jump {
    BlockId target = no_block;
};

using Terminator = std::variant<Branch, Return, Jump>;

struct Block {
    std::vector<Assign> assigns;
    Terminator end;
};

struct Program {
    ExprPool exprs;
    std::vector<Block> blocks;   // blocks no longer reachable from entry may linger until cleaned
    BlockId entry = no_block;
    std::uint32_t snaplen = 262144;
    std::uint32_t var_count = 0;  // variables are 0 .. var_count-1

    BlockId add_block(Block b);
    BlockId add_return(std::uint32_t value);
    BlockId add_branch(CmpOp op, ExprId lhs, ExprId rhs, BlockId if_true, BlockId if_false);
    VarId add_var() { return var_count++; }

    // Blocks reachable from entry, in an order where every block comes after
    // all its predecessors (reverse post-order).
    std::vector<BlockId> topological_order() const;
};

// Successors of a block (0, 1 or 2), without allocating.
struct Successors {
    BlockId ids[2] = {no_block, no_block};
    std::size_t count = 0;
    const BlockId* begin() const { return ids; }
    const BlockId* end() const { return ids + count; }
    std::size_t size() const { return count; }
    BlockId operator[](std::size_t i) const { return ids[i]; }
};
Successors successors(const Block& b);

// The one walk over what a block holds, for passes and back ends.
// `f(ExprId&)` on every expression the block reads: its assignments'
// values, then its branch's operands or its returned value.  `Blk` is
// Block or const Block (then f gets const ExprId&), so a pass may rewrite.
template <class Blk, class F>
void for_each_use(Blk& block, F&& f) {
    for (auto& a : block.assigns) f(a.value);
    if (auto* br = std::get_if<Branch>(&block.end)) {
        f(br->lhs);
        f(br->rhs);
    } else if (auto* r = std::get_if<Return>(&block.end)) {
        f(r->value);
    }
}

// `f(BlockId&)` on every block the block's end goes to (both edges of a
// branch, even when they are one block).
template <class Blk, class F>
void for_each_target(Blk& block, F&& f) {
    if (auto* br = std::get_if<Branch>(&block.end)) {
        f(br->if_true);
        f(br->if_false);
    } else if (auto* j = std::get_if<Jump>(&block.end)) {
        f(j->target);
    }
}

// Predecessors of the blocks reachable from the entry, in one allocation:
// of(b) lists b's predecessors (a block that reaches b by both edges is
// listed twice).
class Predecessors {
public:
    Predecessors(const Program& p, const std::vector<BlockId>& order);
    struct Range {
        const BlockId* first;
        const BlockId* last;
        const BlockId* begin() const { return first; }
        const BlockId* end() const { return last; }
        std::size_t size() const { return std::size_t(last - first); }
        bool empty() const { return first == last; }
        BlockId operator[](std::size_t i) const { return first[i]; }
    };
    Range of(BlockId b) const { return {list_.data() + start_[b], list_.data() + start_[b + 1]}; }

private:
    std::vector<std::uint32_t> start_;
    std::vector<BlockId> list_;
};

// Evaluates a constant binary operation with bpf_filter's rules.  Returns
// false for division or modulo by zero (the packet is rejected).
bool fold(BinOp op, std::uint32_t a, std::uint32_t b, std::uint32_t& out);
bool compare(CmpOp op, std::uint32_t lhs, std::uint32_t rhs);

// The reference interpreter: runs the program on one packet exactly as the
// semantics above say.  `wirelen` is the packet's length on the wire.
// Ancillary loads read from `ancillary` (index = code / 4), or reject when
// absent.  Tests hold every optimizer pass and backend against it.
struct Packet {
    const std::uint8_t* data = nullptr;
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    std::function<bool(std::uint32_t code, std::uint32_t& value)> ancillary;
};
std::uint32_t run(const Program& p, const Packet& pkt);

// Textual form for --dump-ir and golden tests.
std::string print(const Program& p);
std::string print_expr(const ExprPool& pool, ExprId id);

// Checks structural invariants (targets exist, graph is acyclic, expression
// ids valid, sizes 1/2/4, var ids < var_count).  Returns "" or a description
// of the first violation.  Tests run it after every pass.
std::string verify(const Program& p);

}  // namespace fcap::ir
