#include "backend/ebpf/counting.hpp"

namespace fcap::ebpf::detail {

namespace {

// *(u64 *)(base + off) += value
void add_to(Assembler& as, Reg base, std::int16_t off, Reg scratch, Reg value) {
    as.put(load(sz::dw, scratch, base, off));
    as.put(alu64_reg(op::add, scratch, value));
    as.put(store_reg(sz::dw, base, off, scratch));
}

void add_one(Assembler& as, Reg base, std::int16_t off, Reg scratch) {
    as.put(load(sz::dw, scratch, base, off));
    as.put(alu64_imm(op::add, scratch, 1));
    as.put(store_reg(sz::dw, base, off, scratch));
}

}  // namespace

void count_packet(Assembler& as, CounterSlots slots, const LengthOf& length) {
    as.put(store_imm(sz::w, r10, slots.key, 0));
    as.load_map(r1);
    as.put(mov64(r2, r10));
    as.put(alu64_imm(op::add, r2, slots.key));
    as.put(call(helper::map_lookup_elem));
    as.put(store_reg(sz::dw, r10, slots.counters, r0));
    Label skip = as.new_label();
    as.jump(cls::jmp | jop::jeq, r0, 0, skip);
    add_one(as, r0, 0, r1);
    add_to(as, r0, 8, r1, length(r2));
    as.place(skip);
}

void count_match(Assembler& as, CounterSlots slots, const LengthOf& length) {
    Label skip = as.new_label();
    as.put(load(sz::dw, r1, r10, slots.counters));
    as.jump(cls::jmp | jop::jeq, r1, 0, skip);
    add_one(as, r1, 16, r2);
    add_to(as, r1, 24, r2, length(r3));
    as.place(skip);
}

}  // namespace fcap::ebpf::detail
