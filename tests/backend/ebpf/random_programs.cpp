#include "random_programs.hpp"

namespace fcap::test {

namespace {

class Generator {
public:
    Generator(std::mt19937& rng, ir::Program& p) : rng_(rng), p_(p) {}

    std::uint32_t pick(std::uint32_t n) { return std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng_); }

    std::uint32_t constant() {
        static const std::uint32_t special[] = {0, 1, 2, 4, 14, 31, 32, 33, 0x800, 0xffff, 0x7fffffff, 0xffffffff};
        return pick(3) ? special[pick(sizeof special / sizeof *special)] : std::uint32_t(rng_());
    }

    ir::ExprId leaf() {
        auto& pool = p_.exprs;
        switch (pick(7)) {
        case 0: return pool.constant(constant());
        case 1: return pool.packet_len();
        case 2: return p_.var_count ? pool.var(pick(p_.var_count)) : pool.constant(pick(256));
        case 3: return pool.ip_header_len(pick(3) ? 14 : pick(130));
        default: {
            static const std::uint8_t sizes[] = {1, 2, 4};
            std::uint32_t k = pick(10) ? pick(80) : pick(4) ? pick(70000) : std::uint32_t(rng_());
            return pool.load(sizes[pick(3)], k);
        }
        }
    }

    ir::ExprId expr(int depth) {
        auto& pool = p_.exprs;
        if (depth == 0 || pick(3) == 0) return leaf();
        switch (pick(8)) {
        case 0: return pool.neg(expr(depth - 1));
        case 1: {  // an indexed load, as libpcap's `ip[x]` and ports after the IP header
            static const std::uint8_t sizes[] = {1, 2, 4};
            ir::ExprId index = pick(2) ? pool.ip_header_len(14) : expr(depth - 1);
            return pool.load(sizes[pick(3)], pick(4) ? pick(60) : std::uint32_t(rng_()), index);
        }
        default: {
            ir::BinOp op = ir::BinOp(pick(10));
            ir::ExprId a = expr(depth - 1);
            ir::ExprId b = pick(3) ? expr(depth - 1) : pool.constant(constant());
            return pool.binary(op, a, b);
        }
        }
    }

    ir::Program build() {
        p_.var_count = pick(4);
        p_.snaplen = 1 + pick(0xffff);
        std::uint32_t n = 2 + pick(7);
        p_.blocks.resize(n);
        // Block i jumps only forward, so the graph is acyclic; the last two return.
        for (std::uint32_t i = 0; i < n; ++i) {
            ir::Block& b = p_.blocks[i];
            for (std::uint32_t a = pick(3); a > 0 && p_.var_count; --a)
                b.assigns.push_back({pick(p_.var_count), expr(3)});
            if (i + 2 >= n || pick(6) == 0) {
                ir::ExprId value = pick(4) == 0 ? expr(2) : p_.exprs.constant(pick(2) ? 0 : p_.snaplen);
                b.end = ir::Return{value};
            } else if (pick(8) == 0) {
                b.end = ir::Jump{i + 1 + pick(n - i - 1)};
            } else {
                ir::ExprId lhs = pick(8) ? expr(3) : p_.exprs.constant(constant());
                ir::ExprId rhs = pick(2) ? p_.exprs.constant(constant()) : expr(2);
                b.end = ir::Branch{ir::CmpOp(pick(4)), lhs, rhs, i + 1 + pick(n - i - 1), i + 1 + pick(n - i - 1)};
            }
        }
        p_.entry = 0;
        return std::move(p_);
    }

private:
    std::mt19937& rng_;
    ir::Program& p_;
};

}  // namespace

ir::Program random_program(std::mt19937& rng) {
    ir::Program p;
    return Generator(rng, p).build();
}

std::vector<std::uint8_t> random_packet(std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<std::uint8_t> packet(14 + std::uniform_int_distribution<int>(0, 106)(rng));
    for (auto& b : packet) b = std::uint8_t(byte(rng));
    if (byte(rng) < 160 && packet.size() >= 34) {  // Ethernet, IPv4, a plausible header length
        packet[12] = 0x08;
        packet[13] = 0x00;
        packet[14] = std::uint8_t(0x40 | (5 + byte(rng) % 4));
    } else if (packet[12] == 0x08 && packet[13] == 0x00) {
        packet[12] = 0x88;  // the skb test runner refuses short IPv4 frames
    }
    return packet;
}

}  // namespace fcap::test
