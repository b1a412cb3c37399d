// Which of cBPF's registers (A, X, M[0..15]) an instruction reads and
// writes, and which are live after each instruction.  Used by the checker
// (a folded protochain loop must leave nothing live but A) and by the
// translation (only live registers are written back at a block's end).
#pragma once

#include "fcap/cbpf.hpp"

#include <cstdint>
#include <vector>

namespace fcap::cbpf_import {

inline constexpr unsigned register_count = 18;  // A, X, M[0..15]: IR variables 0, 1, 2..17
inline constexpr std::uint32_t reg_a = 0, reg_x = 1, reg_m0 = 2;

using RegisterSet = std::uint32_t;  // bit r: register r
constexpr RegisterSet bit(std::uint32_t r) { return RegisterSet(1) << r; }

struct UseDef {
    RegisterSet use = 0, def = 0;
};
UseDef use_def(const cbpf::Insn& insn);

// live[pc]: registers read after instruction pc before being written.
// Needs jumps forward and inside the program (check() or folded loops).
std::vector<RegisterSet> live_after(const std::vector<cbpf::Insn>& program);

}  // namespace fcap::cbpf_import
