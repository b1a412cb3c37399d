// fcc's -d text is its own printer (the code generator links no libpcap);
// it must be libpcap's bpf_image byte for byte, for every opcode.
#include "backend/cbpf/format.hpp"
#include "reference/libpcap.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace fcap::cbpf {
namespace {

TEST(FormatTest, EveryOpcodeIsPrintedAsBpfImage) {
    std::vector<std::uint32_t> ks = {0, 1, 12, 255, 0x7fffffff, 0x80000000, 0xffffffff};
    for (std::uint32_t k = 0xfffff000; k < 0xfffff000 + 72; ++k) ks.push_back(k);  // Linux's ancillary loads
    const std::uint8_t jumps[] = {0, 1, 254, 255};
    std::size_t compared = 0;
    for (std::uint32_t code = 0; code < 0x10000; code += code < 0x100 ? 1 : 0x101) {
        for (std::uint32_t k : ks) {
            for (std::uint8_t j : jumps) {
                for (int n : {0, 4095}) {
                    Insn insn{std::uint16_t(code), j, std::uint8_t(255 - j), k};
                    ASSERT_EQ(image(insn, std::size_t(n)), reference::image(insn, n))
                        << "code 0x" << std::hex << code << " k 0x" << k;
                    ++compared;
                }
            }
        }
    }
    EXPECT_GT(compared, 300000u);
}

}  // namespace
}  // namespace fcap::cbpf
