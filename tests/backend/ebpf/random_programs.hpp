// Random IR programs and packets, to hold the eBPF lowering against the
// IR's reference interpreter (ir::run) on shapes the compiler's front end
// seldom makes: deep arithmetic (register spills), variables read before
// they are written, indexed loads at any offset, division and shifts by
// packet bytes, non-constant returns, constant operands on either side.
#pragma once

#include "ir/ir.hpp"

#include <cstdint>
#include <random>
#include <vector>

namespace fcap::test {

ir::Program random_program(std::mt19937& rng);

// 14 to 120 bytes; some look like IPv4 over Ethernet so that header
// lengths and ports take sensible values.
std::vector<std::uint8_t> random_packet(std::mt19937& rng);

}  // namespace fcap::test
