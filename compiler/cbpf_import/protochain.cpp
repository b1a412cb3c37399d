// Matching libpcap's protochain loop (gencode.c, gen_protochain, libpcap
// 1.10; the whole program is left unoptimized when it has one, so the loop
// always appears as generated).  Listing for `ip6 protochain 17`, head at 4:
//   jeq #17 exit; jeq #59 exit; jeq #0 ext; jeq #60 ext; jeq #43 ext;
//   jeq #44 ext else ah;
//   ext: ldb [x+14]; st M[0]; ldb [x+15]; add #1; mul #8; add x; tax;
//        ld M[0]; ja head
//   ah:  jeq #51 else exit; txa; ldb [x+14]; st M[0]; txa; add #1; tax;
//        ldb [x+14]; add #2; mul #4; tax; ld M[0]; ja head
//   exit: ...
// IPv4 has no extension headers: `jeq #wanted exit; jeq #59 exit; add #0;`
// then the same `ah` part.
#include "cbpf_import/protochain.hpp"

#include <optional>

namespace fcap::cbpf_import {

namespace {

// What an instruction's k or jump target must be.
enum class K : std::uint8_t { literal, wanted, network, network_plus_1, scratch };
enum class To : std::uint8_t { next, exit, ext, ah, head, none };

struct Step {
    std::uint16_t code;
    K k;
    std::uint32_t literal;
    To jt, jf;
};

constexpr std::uint16_t jeq = 0x15, ldb_ind = 0x50, st = 0x02, add_k = 0x04, mul_k = 0x24, add_x = 0x0c, tax = 0x07,
                        txa = 0x87, ld_mem = 0x60, ja = 0x05;

constexpr Step ipv6_head[] = {
    {jeq, K::wanted, 0, To::exit, To::next},   {jeq, K::literal, 59, To::exit, To::next},
    {jeq, K::literal, 0, To::ext, To::next},   {jeq, K::literal, 60, To::ext, To::next},
    {jeq, K::literal, 43, To::ext, To::next},  {jeq, K::literal, 44, To::ext, To::ah},
    // ext:
    {ldb_ind, K::network, 0, To::none, To::none}, {st, K::scratch, 0, To::none, To::none},
    {ldb_ind, K::network_plus_1, 0, To::none, To::none}, {add_k, K::literal, 1, To::none, To::none},
    {mul_k, K::literal, 8, To::none, To::none}, {add_x, K::literal, 0, To::none, To::none},
    {tax, K::literal, 0, To::none, To::none},   {ld_mem, K::scratch, 0, To::none, To::none},
    {ja, K::literal, 0, To::head, To::none},
};

constexpr Step ipv4_head[] = {
    {jeq, K::wanted, 0, To::exit, To::next},
    {jeq, K::literal, 59, To::exit, To::next},
    {add_k, K::literal, 0, To::none, To::none},
};

constexpr Step ah_part[] = {
    {jeq, K::literal, 51, To::next, To::exit},  {txa, K::literal, 0, To::none, To::none},
    {ldb_ind, K::network, 0, To::none, To::none}, {st, K::scratch, 0, To::none, To::none},
    {txa, K::literal, 0, To::none, To::none},   {add_k, K::literal, 1, To::none, To::none},
    {tax, K::literal, 0, To::none, To::none},   {ldb_ind, K::network, 0, To::none, To::none},
    {add_k, K::literal, 2, To::none, To::none}, {mul_k, K::literal, 4, To::none, To::none},
    {tax, K::literal, 0, To::none, To::none},   {ld_mem, K::scratch, 0, To::none, To::none},
    {ja, K::literal, 0, To::head, To::none},
};

class Matcher {
public:
    Matcher(const std::vector<cbpf::Insn>& p, std::size_t head, bool ipv6) : p_(p), head_(head) {
        loop_.head = head;
        loop_.ipv6 = ipv6;
        std::size_t first = ipv6 ? std::size(ipv6_head) : std::size(ipv4_head);
        ext_ = head + 6;
        ah_ = head + first;
        loop_.exit = ah_ + std::size(ah_part);
    }

    std::optional<ProtochainLoop> match() {
        if (loop_.exit > p_.size()) return std::nullopt;
        bool ok = loop_.ipv6 ? steps(head_, ipv6_head) : steps(head_, ipv4_head);
        if (!ok || !steps(ah_, ah_part)) return std::nullopt;
        return loop_;
    }

private:
    template <std::size_t N>
    bool steps(std::size_t pc, const Step (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i)
            if (!step(pc + i, s[i])) return false;
        return true;
    }

    bool step(std::size_t pc, const Step& s) {
        const cbpf::Insn& in = p_[pc];
        if (in.code != s.code) return false;
        if (s.code == ja) return in.k == std::uint32_t(head_ - (pc + 1));  // wraps: a backward jump
        if (!(is_jump(s) ? target(pc, in.jt, s.jt) && target(pc, in.jf, s.jf) : in.jt == 0 && in.jf == 0))
            return false;
        switch (s.k) {
        case K::literal: return in.k == s.literal;
        case K::wanted: return bind(wanted_, in.k, loop_.wanted);
        case K::network: return bind(network_, in.k, loop_.network);
        case K::network_plus_1: return network_ && in.k == loop_.network + 1;
        case K::scratch: return in.k < 16 && bind(scratch_, in.k, loop_.scratch);
        }
        return false;
    }

    static bool is_jump(const Step& s) { return s.jt != To::none; }

    bool target(std::size_t pc, std::uint8_t offset, To to) const {
        std::size_t at = pc + 1 + offset;
        switch (to) {
        case To::next: return offset == 0;
        case To::exit: return at == loop_.exit;
        case To::ext: return at == ext_;
        case To::ah: return at == ah_;
        default: return false;
        }
    }

    static bool bind(bool& bound, std::uint32_t value, std::uint32_t& slot) {
        if (bound) return value == slot;
        bound = true;
        slot = value;
        return true;
    }

    const std::vector<cbpf::Insn>& p_;
    std::size_t head_, ext_ = 0, ah_ = 0;
    ProtochainLoop loop_;
    bool wanted_ = false, network_ = false, scratch_ = false;
};

}  // namespace

Folded fold_protochain_loops(const std::vector<cbpf::Insn>& program) {
    Folded out{program, {}};
    for (std::size_t pc = 0; pc < program.size(); ++pc) {
        const auto& in = program[pc];
        // A backward ja: k is pc+1+k wrapped below pc.
        if (in.code != ja || in.k < 0x80000000u || std::uint32_t(pc + 1) + in.k >= pc + 1) continue;
        std::size_t head = std::uint32_t(pc + 1) + in.k;
        for (bool ipv6 : {true, false}) {
            auto loop = Matcher(program, head, ipv6).match();
            if (!loop || loop->exit != pc + 1) continue;
            // Only the loop itself may jump into it, past its head.
            bool entered = false;
            for (std::size_t from = 0; from < head && !entered; ++from) {
                const auto& j = program[from];
                if ((j.code & 0x07) != 0x05) continue;
                auto inside = [&](std::size_t to) { return to > head && to < loop->exit; };
                entered = j.code == ja ? inside(from + 1 + j.k) : inside(from + 1 + j.jt) || inside(from + 1 + j.jf);
            }
            if (entered) continue;
            out.program[head] = {protochain_pseudo_op, 0, 0, std::uint32_t(out.loops.size())};
            out.program[head + 1] = {ja, 0, 0, std::uint32_t(loop->exit - head - 2)};
            for (std::size_t i = head + 2; i < loop->exit; ++i) out.program[i] = {0x06, 0, 0, 0};
            out.loops.push_back(*loop);
            break;
        }
    }
    return out;
}

}  // namespace fcap::cbpf_import
