// Random IR programs and packets, for holding the classic BPF backend
// against the IR interpreter: every expression kind the emitter lowers
// (but protochain, whose loop bpf_filter may run forever on a crafted AH),
// constants that reject (division by 0) or shift everything out, variables
// read before and after they are set, computed returns, and DAGs whose
// jumps reach far.
#pragma once

#include "ir/ir.hpp"

#include <cstdint>
#include <random>
#include <vector>

namespace fcap::test {

struct RandomShape {
    int blocks = 12;         // branch and jump blocks (returns come on top)
    int depth = 3;           // expression depth
    std::uint32_t vars = 2;  // variables
    int far = 10;            // percent of branches that may jump to any earlier-built block
};

ir::Program random_program(std::mt19937& rng, const RandomShape& shape);

// A packet of 0 .. 96 bytes (64 or more, 3 times in 4), mostly small values so that comparisons with
// small constants and indexes inside the packet happen; an IPv4-looking
// header now and then.
std::vector<std::uint8_t> random_packet(std::mt19937& rng);

}  // namespace fcap::test
