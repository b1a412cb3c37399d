#include "backend/cbpf/live_remap.hpp"

#include <unordered_map>

namespace fcap::cbpf::live {

namespace {

using ir::BinOp;
using ir::ExprId;
using ir::ExprKind;
using ir::no_expr;

class Remapper {
public:
    Remapper(ir::Program& p, const Layout& layout) : p_(p), pool_(p.exprs), layout_(layout) {}

    // The translated expression, or no_expr when it cannot be translated.
    ExprId map(ExprId e) {
        if (auto it = memo_.find(e); it != memo_.end()) return it->second;
        ExprId r = translate(e);
        memo_.emplace(e, r);
        return r;
    }

private:
    const Segment& tail() const { return layout_.segments.back(); }

    ExprId translate(ExprId e) {
        const ir::ExprNode n = pool_[e];  // a copy: interning below may grow the pool
        switch (n.kind) {
        case ExprKind::constant:
        case ExprKind::var:
        case ExprKind::ancillary: return e;
        case ExprKind::packet_len:
            return layout_.extra_len == 0 ? e : pool_.binary(BinOp::add, e, pool_.constant(layout_.extra_len));
        case ExprKind::neg: {
            ExprId a = map(n.a);
            return a == no_expr ? no_expr : pool_.neg(a);
        }
        case ExprKind::binary: {
            ExprId a = map(n.a), b = map(n.b);
            return a == no_expr || b == no_expr ? no_expr : pool_.binary(n.op, a, b);
        }
        case ExprKind::load:
            if (n.a == no_expr) return constant_load(n.size, n.k);
            return indexed(n, [&](ir::ExprNode& m) { m.a = map(n.a); return m.a != no_expr; });
        case ExprKind::ip_header_len: {
            if (n.k >= tail().begin) return pool_.ip_header_len(n.k - tail().delta);
            ExprId byte = constant_load(1, n.k);
            if (byte == no_expr) return no_expr;
            const ir::ExprNode& b = pool_[byte];
            if (b.kind == ExprKind::load && b.a == no_expr) return pool_.ip_header_len(b.k);
            return pool_.binary(BinOp::lsh, pool_.binary(BinOp::band, byte, pool_.constant(0xf)), pool_.constant(2));
        }
        case ExprKind::protochain:
            // Every byte the walk reads lies at or after its base k, so a
            // base inside the data tail is the whole story.
            return indexed(n, [&](ir::ExprNode& m) {
                m.a = map(n.a);
                m.b = map(n.b);
                return m.a != no_expr && m.b != no_expr;
            });
        }
        return no_expr;
    }

    // A load whose address is k plus a run-time value (or a protochain walk
    // from k): exact when k is inside the open-ended data tail, since the
    // address can only be larger.  Before the tail the bytes may come from
    // several sources depending on the value: punt.
    template <class MapOperands>
    ExprId indexed(const ir::ExprNode& n, MapOperands map_operands) {
        if (n.k < tail().begin) return no_expr;
        ir::ExprNode m = n;
        m.k = n.k - tail().delta;
        if (!map_operands(m)) return no_expr;
        return pool_.intern(m);
    }

    // `size` file bytes at the constant offset k, put together from the
    // segments they fall in (a 4-byte load may straddle the tag).
    ExprId constant_load(std::uint8_t size, std::uint32_t k) {
        if (k >= tail().begin) return pool_.load(size, k - tail().delta);
        const std::uint64_t first = k, last = first + size;  // [first, last)
        ExprId value = no_expr;
        for (const Segment& s : layout_.segments) {
            std::uint64_t end = &s == &tail() ? last : s.end;
            std::uint64_t lo = std::max<std::uint64_t>(first, s.begin), hi = std::min<std::uint64_t>(last, end);
            if (lo >= hi) continue;
            ExprId piece = segment_bytes(s, std::uint32_t(lo), std::uint32_t(hi - lo));
            if (piece == no_expr) return no_expr;
            if (hi < last) piece = pool_.binary(BinOp::lsh, piece, pool_.constant(std::uint32_t(8 * (last - hi))));
            value = value == no_expr ? piece : pool_.binary(BinOp::bor, value, piece);
        }
        return value;
    }

    // n bytes (1..4) at file offset `at`, all inside segment s.
    ExprId segment_bytes(const Segment& s, std::uint32_t at, std::uint32_t n) {
        switch (s.source) {
        case Segment::Source::missing: return no_expr;
        case Segment::Source::data: {
            std::uint32_t real = at - s.delta;
            if (n != 3) return pool_.load(std::uint8_t(n), real);
            return pool_.binary(BinOp::bor, pool_.binary(BinOp::lsh, pool_.load(2, real), pool_.constant(8)),
                                pool_.load(1, real + 2));
        }
        case Segment::Source::word: {
            std::uint32_t width = s.end - s.begin;
            std::uint32_t shift = 8 * (s.end - (at + n));
            ExprId v = s.word;
            if (shift != 0) v = pool_.binary(BinOp::rsh, v, pool_.constant(shift));
            if (n < width) v = pool_.binary(BinOp::band, v, pool_.constant(std::uint32_t((1ull << (8 * n)) - 1)));
            return v;
        }
        }
        return no_expr;
    }

    ir::Program& p_;
    ir::ExprPool& pool_;
    const Layout& layout_;
    std::unordered_map<ExprId, ExprId> memo_;
};

}  // namespace

ir::BlockId remap_copy(ir::Program& p, const Layout& layout, bool* punts) {
    Remapper remap(p, layout);
    const std::vector<ir::BlockId> order = p.topological_order();
    std::unordered_map<ir::BlockId, ir::BlockId> copy_of;
    for (ir::BlockId b : order) copy_of[b] = p.add_block(ir::Block{});
    const ir::ExprId accept = p.exprs.constant(p.snaplen);

    for (ir::BlockId b : order) {
        ir::Block out = p.blocks[b];  // a copy: add_block may reallocate
        bool ok = true;
        ir::for_each_use(out, [&](ir::ExprId& e) { ok = ok && (e = remap.map(e)) != no_expr; });
        ir::for_each_target(out, [&](ir::BlockId& to) { to = copy_of.at(to); });
        if (!ok) {
            // Punt: accept, and let user space judge the packet as written.
            out = ir::Block{};
            out.end = ir::Return{accept};
            if (punts) *punts = true;
        }
        p.blocks[copy_of.at(b)] = std::move(out);
    }
    return copy_of.at(p.entry);
}

}  // namespace fcap::cbpf::live
