// The IR-to-eBPF lowering's state, shared by its parts (internal header):
//   lower.cpp      program shape: prologue, counters, variants, blocks, branches
//   values.cpp     expressions into registers: allocation, reuse, spills
//   packet.cpp     packet loads for XDP (direct access) and sockets (LD_ABS/LD_IND)
//   protochain.cpp libpcap's protochain walk as a bounded loop
#pragma once

#include "backend/ebpf/assembler.hpp"
#include "backend/ebpf/frame.hpp"
#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/sets.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace fcap::ebpf::detail {

// One copy of the program body.  XDP emits a fast copy, entered when the
// packet holds at least `fast_bytes` (its constant loads need no check),
// and a careful one.  A socket program emits a copy for an 802.1Q tag the
// kernel moved into skb metadata (`vlan_meta`): that copy sees the packet
// as if the tag were inline, as a capture file holds it.
struct Variant {
    std::uint32_t proven_at_entry = 0;
    bool vlan_meta = false;
};

// A value a register holds: an expression, or (`raw`) a packet load of it
// before its conversion to host order (XDP compares those with swapped
// constants).
using Key = std::uint64_t;
inline Key key_of(ir::ExprId e, bool raw = false) { return Key(e) | (raw ? Key(1) << 32 : 0); }

// What the code has established at a point of a path.
struct PathState {
    std::uint32_t proven = 0;                  // XDP: bytes known to be in the packet
    std::array<std::vector<Key>, 11> held{};   // per register: the values it holds
};

constexpr std::int32_t max_stack = 512;

class Lowering {
public:
    Lowering(const ir::Program& program, Target target, const LowerOptions& options, diag::Sink& sink);
    std::optional<Program> run();

private:
    // lower.cpp
    void prologue();
    void count_packet();
    void count_match();
    void length_into(Reg dst);  // the packet's length as the capture holds it
    void body(const Variant& variant, Label entry);
    void block(ir::BlockId b, ir::BlockId next, const std::vector<Label>& labels);
    void branch(const ir::Branch& br, ir::BlockId next, const std::vector<Label>& labels);
    void ret(const ir::Return& r);
    // A chain of equality tests as one hash-map lookup (sets.hpp).
    void lookup(std::size_t chain, ir::BlockId next, const std::vector<Label>& labels);
    void survey();

    // values.cpp
    Reg gen(ir::ExprId e);
    Reg gen_uncached(ir::ExprId e);
    Reg gen_raw(ir::ExprId e);
    // Both operands in registers, the bigger one first, spilling the first
    // when the second needs every register.
    std::pair<Reg, Reg> gen_pair(ir::ExprId a, ir::ExprId b);
    Reg binary(const ir::ExprNode& n);
    Reg ancillary(std::uint32_t code);
    int need(ir::ExprId e);
    std::uint64_t max_value(ir::ExprId e);  // an upper bound the verifier can also see
    Reg alloc();
    void take(Reg r);
    void release(Reg r) { owned_ &= ~(1u << r); }
    bool owned(Reg r) const { return owned_ & (1u << r); }
    int free_count() const;
    void clobber(Reg r) { state_.held[r].clear(); }
    void clobber_scratch();  // a call or LD_ABS/LD_IND: r0-r5 are lost
    void holds(Reg r, Key k) { state_.held[r].push_back(k); }
    int find(Key k) const;
    void forget_var_readers();
    std::int16_t spill_slot();
    void free_spill_slot() { --spills_; }
    void call_helper(std::int32_t id, Reg dst);
    void fail(const std::string& message);

    // packet.cpp
    Reg packet_load(unsigned size, std::uint32_t k, ir::ExprId index, bool raw = false);
    Reg xdp_load(unsigned size, std::uint32_t k, ir::ExprId index, bool raw);
    Reg socket_load(unsigned size, std::uint32_t k, ir::ExprId index);
    // Socket: the value of `size` bytes at k (+ index) into r0 (r0-r5 lost).
    // `past_tag`: k + index is known to be 16 or more.
    void socket_load_r0(unsigned size, std::uint32_t k, int index, bool past_tag = false);
    void socket_vlan_bytes_r0(unsigned size, std::uint32_t k, int index);
    void reject_always(Reg r);
    void check_bytes(std::uint32_t end);  // XDP: data + end <= data_end, or reject

    // protochain.cpp
    Reg protochain(const ir::ExprNode& n);
    void walk_header(const ir::ExprNode& n, bool first, Reg offset, Reg length);

    // Stack, from the frame pointer down: the frame's counter slots
    // (frame.hpp), then 8-byte slots of our own (the VLAN tag, a word for
    // loads put together byte by byte, protochain's walk: steps, protocol,
    // offset, header bytes), spill slots, then the variables, 4 bytes each
    // (their values are 32 bits).
    static constexpr std::uint32_t fixed_slots = Frame::first_free_slot + 6, spill_slots = 8;
    static constexpr std::int16_t slot(std::uint32_t i) { return Frame::slot(i); }
    std::int16_t counters_slot() const { return Frame::counter_slots().counters; }
    std::int16_t key_slot() const { return Frame::counter_slots().key; }
    std::int16_t tag_slot() const { return slot(Frame::first_free_slot); }
    std::int16_t scratch_slot() const { return slot(Frame::first_free_slot + 1); }
    std::int16_t walk_slot(unsigned i) const { return slot(Frame::first_free_slot + 2 + i); }
    std::uint32_t first_spill() const { return fixed_slots; }
    std::int16_t var_slot(std::uint32_t v) const {
        return std::int16_t(-8 * std::int32_t(fixed_slots + spill_slots) - 4 * std::int32_t(v + 1));
    }
    std::int32_t stack_size() const { return 8 * std::int32_t(fixed_slots + spill_slots) + 4 * std::int32_t(p_.var_count); }

    const ir::Program& p_;
    const ir::ExprPool& pool_;
    diag::Sink& sink_;
    Target target_;
    LowerOptions options_;
    Assembler as_;
    Frame frame_{as_, target_, options_, sink_};  // prologue, answers, reject block, branches
    const Label reject_ = frame_.reject();
    Label loop_ = -1;  // protochain: the walk's next step
    Variant variant_;
    std::vector<ir::BlockId> order_;
    std::vector<ir::ExprId> var_expr_;   // per variable: its Var expression, if any
    std::uint32_t fast_bytes_ = 0;       // XDP: packets this long take the fast copy
    bool reads_length_ = false;
    PathState state_;
    std::vector<PathState> exit_state_;  // per block, in the copy being emitted
    std::vector<std::vector<ir::BlockId>> incoming_;  // per block: the emitted edges into it
    ir::BlockId current_ = ir::no_block;
    std::uint32_t allocatable_ = 0, owned_ = 0;
    std::uint32_t spills_ = 0;
    std::vector<std::uint8_t> need_;      // per expression, 0 until computed
    std::vector<std::uint64_t> max_;      // per expression, 0 until computed (stored + 1)
    std::vector<SetChain> chains_;        // LowerOptions::lookup_sets
    std::vector<int> chain_at_;           // per block: the chain it heads, or -1
    std::vector<std::uint32_t> set_of_;   // per chain: its set in sets_
    std::vector<LookupSet> sets_;
};

}  // namespace fcap::ebpf::detail
