#include "fcap/ebpf.hpp"

#include <bit>
#include <cstring>

namespace fcap::ebpf {

static_assert(std::endian::native == std::endian::little, "the register nibbles below are little-endian's");

std::vector<std::uint8_t> encode(const Program& program, const std::vector<int>& map_fds) {
    std::vector<std::uint8_t> out(program.insns.size() * 8);
    auto put = [&](std::size_t index, const Insn& in) {
        std::uint8_t* p = out.data() + index * 8;
        p[0] = in.code;
        p[1] = std::uint8_t((in.dst & 0xf) | (in.src & 0xf) << 4);
        std::memcpy(p + 2, &in.off, 2);
        std::memcpy(p + 4, &in.imm, 4);
    };
    for (std::size_t i = 0; i < program.insns.size(); ++i) put(i, program.insns[i]);
    for (const auto& ref : program.map_refs) {
        Insn first = program.insns[ref.insn_index];
        if (!map_fds.empty()) {
            first.imm = map_fds.at(ref.map);
        } else {
            first.src = 0;  // libbpf sets BPF_PSEUDO_MAP_FD when it relocates
            first.imm = 0;
        }
        put(ref.insn_index, first);
    }
    return out;
}

}  // namespace fcap::ebpf
