#include "random_ir.hpp"

namespace fcap::test {

namespace {

class Generator {
public:
    Generator(std::mt19937& rng, const RandomShape& shape, ir::Program& p) : rng_(rng), shape_(shape), p_(p) {}

    std::uint32_t pick(std::uint32_t n) { return n ? std::uint32_t(rng_() % n) : 0; }
    bool chance(int percent) { return int(pick(100)) < percent; }

    std::uint32_t constant() {
        static constexpr std::uint32_t edges[] = {0, 1, 2, 3, 4, 7, 14, 31, 32, 33, 0xff, 0x800, 0xffffffff};
        if (chance(60)) return edges[pick(std::size(edges))];
        return chance(50) ? pick(64) : std::uint32_t(rng_());
    }

    // An index that lands inside a small packet often.
    ir::ExprId index(int depth) {
        auto& e = p_.exprs;
        switch (pick(4)) {
        case 0: return e.ip_header_len(pick(24));
        case 1: return e.constant(pick(40));
        case 2: return p_.var_count ? e.var(pick(p_.var_count)) : e.constant(pick(40));
        default: return e.binary(ir::BinOp::band, expr(depth - 1), e.constant(0x1f));
        }
    }

    ir::ExprId leaf() {
        auto& e = p_.exprs;
        switch (pick(8)) {
        case 0: return e.constant(constant());
        case 1: return e.packet_len();
        case 2: return e.ip_header_len(pick(40));
        case 3: return p_.var_count ? e.var(pick(p_.var_count)) : e.constant(constant());
        case 4:  // bpf_filter has no ancillary data: the packet is rejected
            return chance(10) ? e.ancillary(4 * pick(16)) : e.constant(constant());
        default: return e.load(std::uint8_t(1u << pick(3)), pick(64));
        }
    }

    ir::ExprId expr(int depth) {
        auto& e = p_.exprs;
        if (depth <= 0 || chance(25)) return leaf();
        switch (pick(6)) {
        case 0: return e.neg(expr(depth - 1));
        case 1: return e.load(std::uint8_t(1u << pick(3)), pick(24), index(depth - 1));
        default: {
            auto op = ir::BinOp(pick(10));
            ir::ExprId a = expr(depth - 1);
            // A constant right operand half the time: the K forms, and now
            // and then a division by 0 or a shift by 32 or more.
            ir::ExprId b = chance(50) ? e.constant(constant()) : expr(depth - 1);
            return e.binary(op, a, b);
        }
        }
    }

    void build() {
        auto& e = p_.exprs;
        for (std::uint32_t v = 0; v < shape_.vars; ++v) p_.add_var();
        std::vector<ir::BlockId> built{p_.add_return(0), p_.add_return(262144), p_.add_return(1)};
        for (int i = 0; i < 2; ++i) {  // computed returns
            ir::Block r;
            r.end = ir::Return{expr(shape_.depth)};
            built.push_back(p_.add_block(std::move(r)));
        }
        // Later blocks go to blocks built before them, so the graph is a
        // DAG; mostly to recent ones (long chains), sometimes to any.
        auto target = [&] {
            if (chance(shape_.far)) return built[pick(std::uint32_t(built.size()))];
            std::uint32_t recent = std::min<std::uint32_t>(std::uint32_t(built.size()), 4);
            return built[built.size() - 1 - pick(recent)];
        };
        for (int i = 0; i < shape_.blocks; ++i) {
            ir::Block b;
            if (p_.var_count && chance(30)) {
                int n = 1 + int(pick(2));
                for (int j = 0; j < n; ++j) b.assigns.push_back({pick(p_.var_count), expr(shape_.depth)});
            }
            if (chance(10)) {
                b.end = ir::Jump{target()};
            } else {
                ir::Branch br;
                br.op = ir::CmpOp(pick(4));
                br.lhs = expr(shape_.depth);
                br.rhs = chance(60) ? e.constant(constant()) : expr(shape_.depth);
                br.if_true = target();
                br.if_false = chance(5) ? br.if_true : target();
                b.end = br;
            }
            built.push_back(p_.add_block(std::move(b)));
        }
        p_.entry = built.back();
    }

private:
    std::mt19937& rng_;
    const RandomShape& shape_;
    ir::Program& p_;
};

}  // namespace

ir::Program random_program(std::mt19937& rng, const RandomShape& shape) {
    ir::Program p;
    Generator(rng, shape, p).build();
    return p;
}

std::vector<std::uint8_t> random_packet(std::mt19937& rng) {
    std::vector<std::uint8_t> bytes(rng() % 4 ? 64 + rng() % 33 : rng() % 97);
    for (auto& b : bytes) b = std::uint8_t(rng() % 3 == 0 ? rng() : rng() % 4);
    if (bytes.size() > 23 && rng() % 2) bytes[12] = 0x08, bytes[13] = 0, bytes[14] = 0x45, bytes[23] = 6;
    return bytes;
}

}  // namespace fcap::test
