// Random classic programs of every opcode and odd packets, for the tests
// that hold a translation of classic BPF against bpf_filter.
#pragma once

#include "fcap/cbpf.hpp"
#include "support/pcap_file.hpp"

#include <array>
#include <random>
#include <vector>

namespace fcap::cbpf_import::test_support {

using fcap::test::Packet;

// Every packet again, cut short at a random length, and random bytes behind
// an IPv4, IPv6, ARP or VLAN EtherType.
inline std::vector<Packet> with_truncated_and_random(std::vector<Packet> packets, std::mt19937& rng) {
    std::size_t n = packets.size();
    for (std::size_t i = 0; i < n; ++i) {
        Packet cut = packets[i];
        cut.caplen = cut.caplen ? std::uint32_t(rng() % cut.caplen) : 0;
        cut.data.resize(cut.caplen);
        packets.push_back(std::move(cut));
    }
    static const std::uint16_t types[] = {0x0800, 0x86dd, 0x0806, 0x8100, 0x8035};
    for (int i = 0; i < 300; ++i) {
        Packet p;
        p.caplen = std::uint32_t(rng() % 120);
        p.wirelen = p.caplen + (rng() % 3 ? 0 : std::uint32_t(rng() % 1000));
        p.data.resize(p.caplen);
        for (auto& b : p.data) b = std::uint8_t(rng());
        if (p.caplen >= 24 && rng() % 4) {
            std::uint16_t t = types[rng() % std::size(types)];
            p.data[12] = std::uint8_t(t >> 8), p.data[13] = std::uint8_t(t);
            p.data[14] = std::uint8_t(t == 0x86dd ? 0x60 : 0x45);
            p.data[23] = std::uint8_t(std::array<int, 4>{6, 17, 1, 58}[rng() % 4]);
        }
        packets.push_back(std::move(p));
    }
    return packets;
}

// Random programs of every opcode (but the ancillary ones, which
// bpf_filter does not have) against bpf_filter, return values and all.
inline std::vector<cbpf::Insn> random_program(std::mt19937& rng) {
    static const std::uint16_t codes[] = {
        0x00, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50, 0x60, 0x80,              // ld
        0x01, 0x61, 0x81, 0xb1,                                            // ldx
        0x02, 0x03, 0x07, 0x87,                                            // st stx tax txa
        0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54,  // alu
        0x5c, 0x64, 0x6c, 0x74, 0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac,        //
        0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d,              // jmp
        0x06, 0x16};                                                       // ret
    std::size_t n = 2 + rng() % 24;
    std::vector<cbpf::Insn> p(n);
    for (std::size_t pc = 0; pc < n; ++pc) {
        auto& i = p[pc];
        i.code = codes[rng() % std::size(codes)];
        if ((i.code & 0x07) == 0x06 && rng() % 3) i.code = 0x87;  // fewer early rets
        std::size_t room = n - pc - 1;
        i.jt = std::uint8_t(room > 1 ? rng() % std::min<std::size_t>(room - 1, 6) : 0);
        i.jf = std::uint8_t(room > 1 ? rng() % std::min<std::size_t>(room - 1, 6) : 0);
        switch (rng() % 5) {
        case 0: i.k = rng(); break;
        case 1: i.k = rng() % 32; break;
        default: i.k = rng() % 4; break;
        }
        if (i.code == 0x05) i.k = room > 1 ? rng() % (room - 1) : 0;
        if ((i.code == 0x34 || i.code == 0x94) && i.k == 0) i.k = 3;
        if ((i.code == 0x64 || i.code == 0x74)) i.k %= 32;
        if ((i.code & 0x07) == 0x02 || (i.code & 0x07) == 0x03 || i.code == 0x60 || i.code == 0x61) i.k %= 4;
    }
    p.back().code = rng() % 2 ? 0x06 : 0x16;
    return p;
}

}  // namespace fcap::cbpf_import::test_support
