// An eBPF program as the eBPF backend produces it and the loader and the ELF
// writer consume it.  Our own instruction type (not <linux/bpf.h>'s struct
// bpf_insn, whose name clashes with libpcap's); encode() gives kernel bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fcap::ebpf {

struct Insn {
    std::uint8_t code = 0;
    std::uint8_t dst = 0;  // 4 bits
    std::uint8_t src = 0;  // 4 bits
    std::int16_t off = 0;
    std::int32_t imm = 0;
    bool operator==(const Insn&) const = default;
};

enum class Target : std::uint8_t {
    socket,  // BPF_PROG_TYPE_SOCKET_FILTER: returns snaplen / 0; ELF section "socket"
    xdp,     // BPF_PROG_TYPE_XDP: XDP_DROP on match (XDP_PASS with invert); ELF section "xdp"
};

// The per-CPU counter map every program carries: BPF_MAP_TYPE_PERCPU_ARRAY,
// one entry, key u32 0, value struct fcap_counters { u64 packets, bytes,
// matched_packets, matched_bytes; } described in BTF.  Map name in the ELF
// and in the kernel: "fcap_counters".
struct Counters {
    std::uint64_t packets = 0;
    std::uint64_t bytes = 0;
    std::uint64_t matched_packets = 0;
    std::uint64_t matched_bytes = 0;
    Counters& operator+=(const Counters& o) {
        packets += o.packets;
        bytes += o.bytes;
        matched_packets += o.matched_packets;
        matched_bytes += o.matched_bytes;
        return *this;
    }
};

// An instruction that loads the counter map's address (BPF_LD_IMM64 with
// src = BPF_PSEUDO_MAP_FD): the loader patches in a map fd, the ELF writer
// emits a relocation against the map symbol.
struct MapRef {
    std::size_t insn_index = 0;  // index of the first half of the ld_imm64
    std::uint32_t map = 0;       // 0: the counter map; i > 0: the lookup set sets[i - 1]
};

// A set a program looks values up in: "is this value one of the keys"
// (BPF_MAP_TYPE_HASH, u32 key, one-byte value), or with prefix lengths
// "does this address fall in one of the networks" (BPF_MAP_TYPE_LPM_TRIE,
// key { u32 prefix length; u32 address in network order }).
struct LookupSet {
    std::vector<std::uint32_t> keys;              // values, or networks (host order)
    std::vector<std::uint8_t> prefix_lengths;     // empty: a hash set; else one per key
    bool operator==(const LookupSet&) const = default;
};

struct Program {
    Target target = Target::socket;
    std::vector<Insn> insns;
    std::vector<MapRef> map_refs;
    // Lookup sets (LowerOptions::lookup_sets), named by map references with
    // map = i + 1.  Only a loader that creates them (fxdp's) may load such
    // a program.
    std::vector<LookupSet> sets;
    std::string license = "GPL";  // helpers such as bpf_skb_load_bytes want a GPL-compatible license
};

// The kernel's encoding of the program (struct bpf_insn: 8 bytes each, the
// registers in one byte, destination in the low nibble).  Each map
// reference gets map_fds[ref.map] as its immediate (0: the counters, i: the
// lookup set sets[i - 1]); with no fds (an ELF object) its immediate and
// source stay 0 for the loader's relocation to fill.
std::vector<std::uint8_t> encode(const Program& program, const std::vector<int>& map_fds = {});

}  // namespace fcap::ebpf
