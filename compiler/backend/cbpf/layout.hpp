// The emitter's second half: code whose jumps name labels becomes classic
// BPF with offsets.  Shares identical block tails, drops jumps to the next
// instruction, and gives far targets trampolines (cBPF's conditional jumps
// are forward only and reach 255 instructions).
#pragma once

#include "fcap/cbpf.hpp"

#include <cstddef>
#include <vector>

namespace fcap::cbpf {

// One instruction before layout.  A jump names its targets by label; labels
// name instructions.
struct Item {
    Insn insn;
    int target_true = -1;     // conditional jumps and ja
    int target_false = -1;    // conditional jumps
    std::vector<int> labels;  // labels that name this instruction
};

struct LabelledCode {
    std::vector<Item> items;
    std::vector<std::size_t> blocks;  // where each block's code starts, in order
    std::size_t rets_start = 0;       // where the shared `ret`s start (after every block)
    int label_count = 0;              // labels are 0 .. label_count-1
};

std::vector<Insn> lay_out(LabelledCode code);

}  // namespace fcap::cbpf
