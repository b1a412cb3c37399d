// The reference interpreter: the IR's semantics, written out once.
#include "ir/ir.hpp"

namespace fcap::ir {

namespace {

struct Rejected {};  // internal only: a load past the end or a division by zero

class Interpreter {
public:
    Interpreter(const Program& p, const Packet& pkt) : p_(p), pkt_(pkt), vars_(p.var_count, 0) {}

    std::uint32_t run() {
        BlockId b = p_.entry;
        // The program is a DAG, so a path is at most as long as the block list.
        for (std::size_t steps = 0; steps <= p_.blocks.size(); ++steps) {
            const Block& block = p_.blocks[b];
            for (const auto& a : block.assigns) {
                std::uint32_t v;
                if (!eval(a.value, v)) return 0;
                vars_[a.var] = v;
            }
            if (const auto* r = std::get_if<Return>(&block.end)) {
                std::uint32_t v;
                return eval(r->value, v) ? v : 0;
            }
            if (const auto* j = std::get_if<Jump>(&block.end)) {
                b = j->target;
                continue;
            }
            const auto& br = std::get<Branch>(block.end);
            std::uint32_t lhs, rhs;
            if (!eval(br.lhs, lhs) || !eval(br.rhs, rhs)) return 0;
            b = compare(br.op, lhs, rhs) ? br.if_true : br.if_false;
        }
        return 0;  // a cycle: verify() reports it; reject rather than loop
    }

private:
    bool load(std::uint64_t address, std::uint8_t size, std::uint32_t& out) const {
        if (address + size > pkt_.caplen) return false;
        std::uint32_t v = 0;
        for (std::uint8_t i = 0; i < size; ++i) v = v << 8 | pkt_.data[address + i];
        out = v;
        return true;
    }

    // libpcap loops until it finds the protocol or a load fails; an AH that
    // points at itself would loop forever there, so the walk is bounded.
    bool walk(const ExprNode& n, std::uint32_t& out) const {
        std::uint32_t proto, x;
        if (!eval(n.a, proto) || !eval(n.b, x)) return false;
        for (int steps = 0; steps < 65536; ++steps) {
            if (proto == n.k2 || proto == 59) break;
            bool extension = n.size == 6 && (proto == 0 || proto == 60 || proto == 43 || proto == 44);
            if (!extension && proto != 51) break;
            std::uint32_t next, len;
            if (!load(std::uint64_t(n.k) + x, 1, next) || !load(std::uint64_t(n.k) + x + 1, 1, len)) return false;
            x = extension ? (len + 1) * 8 + x : (len + 2) * 4;
            proto = next;
        }
        out = proto;
        return true;
    }

    bool eval(ExprId id, std::uint32_t& out) const {
        const ExprNode& n = p_.exprs[id];
        switch (n.kind) {
        case ExprKind::constant: out = n.k; return true;
        case ExprKind::packet_len: out = pkt_.wirelen; return true;
        case ExprKind::var: out = n.k < vars_.size() ? vars_[n.k] : 0; return true;
        case ExprKind::ancillary: return pkt_.ancillary && pkt_.ancillary(n.k, out);
        case ExprKind::ip_header_len: {
            std::uint32_t b;
            if (!load(n.k, 1, b)) return false;
            out = (b & 0xf) * 4;
            return true;
        }
        case ExprKind::load: {
            std::uint64_t address = n.k;
            if (n.a != no_expr) {
                std::uint32_t index;
                if (!eval(n.a, index)) return false;
                address += index;
            }
            return load(address, n.size, out);
        }
        case ExprKind::neg: {
            std::uint32_t a;
            if (!eval(n.a, a)) return false;
            out = 0u - a;
            return true;
        }
        case ExprKind::binary: {
            std::uint32_t a, b;
            if (!eval(n.a, a) || !eval(n.b, b)) return false;
            return fold(n.op, a, b, out);
        }
        case ExprKind::protochain: return walk(n, out);
        }
        return false;
    }

    const Program& p_;
    const Packet& pkt_;
    std::vector<std::uint32_t> vars_;
};

}  // namespace

std::uint32_t run(const Program& p, const Packet& pkt) {
    if (p.entry == no_block || p.entry >= p.blocks.size()) return 0;
    return Interpreter(p, pkt).run();
}

}  // namespace fcap::ir
