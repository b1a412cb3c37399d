// The per-CPU counters (ebpf::Counters) as every emitter counts: entry 0 is
// looked up once per run and its address kept on the stack; it is this
// CPU's, so plain adds suffice.  Counting never changes a verdict: a failed
// lookup only skips it.  Internal to the eBPF backend.
#pragma once

#include "backend/ebpf/assembler.hpp"

#include <cstdint>
#include <functional>

namespace fcap::ebpf::detail {

// Where the counted length comes from: a register that already holds it,
// or code that puts it into the scratch register offered (and returns it).
using LengthOf = std::function<Reg(Reg scratch)>;

struct CounterSlots {
    std::int16_t counters;  // 8 bytes: the entry's address, or 0
    std::int16_t key;       // 4 bytes: the map key
};

// packets += 1, bytes += length.  Clobbers r0-r5.
void count_packet(Assembler& as, CounterSlots slots, const LengthOf& length);
// matched_packets += 1, matched_bytes += length.  Clobbers r1-r3.
void count_match(Assembler& as, CounterSlots slots, const LengthOf& length);

}  // namespace fcap::ebpf::detail
