// Chains of equality tests that become one map lookup:
//
//   b1: if v == k1 goto T else b2
//   b2: if v == k2 goto T else b3      (b2..bn: no assignments, reached
//   ...                                 only from the block before)
//   bn: if v == kn goto T else F
//
// is "if v in {k1..kn} goto T else F" (a hash set).  Tests of a masked
// field, (f & m_i) == n_i with CIDR masks of several lengths (`src net
// 10.0.0.0/8 or src net 192.0.2.0/24`, hosts being /32), are "if f falls in
// one of the networks" (an LPM trie).  f is one hash-consed expression, so
// every test of the chain reads the same bytes: the first test's bounds
// check decides a short packet's fate for all of them, as in the chain.
#pragma once

#include "ir/ir.hpp"

#include <cstdint>
#include <vector>

namespace fcap::ebpf::detail {

struct SetChain {
    ir::ExprId value = ir::no_expr;    // the value looked up (an LPM chain: the unmasked field)
    std::vector<std::uint32_t> keys;   // distinct, sorted (an LPM chain: networks, beside their lengths)
    std::vector<std::uint8_t> prefix_lengths;  // empty: a hash set
    ir::BlockId found = ir::no_block;  // T
    ir::BlockId missed = ir::no_block; // F
    std::vector<ir::BlockId> members;  // b1 (the head) .. bn
};

// Chains of at least `min_tests` tests, each block in at most one.
std::vector<SetChain> find_set_chains(const ir::Program& program, std::uint32_t min_tests);

}  // namespace fcap::ebpf::detail
