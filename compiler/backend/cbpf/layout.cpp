// Labels to offsets, in named steps:
//   1. share_tails: blocks whose code is the same go to one copy;
//   2. drop_unreachable: code no jump or fall-through reaches goes;
//   3. drop_jumps_to_next: a `ja` to the next instruction is no instruction;
//   4. add_trampolines: a conditional jump reaches 255 instructions at most
//      (jt/jf are 8 bits, forward only), so a farther target gets a copy of
//      the `ret` it aims at, or a `ja` (32-bit offset), right after the jump;
//   5. encode: labels become offsets;
//   6. store_doubtful_slots: slots the kernel may think unset get a store
//      at the start.
#include "backend/cbpf/layout.hpp"

#include "backend/cbpf/ops.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <unordered_map>

namespace fcap::cbpf {

namespace {

bool is_jump(const Insn& i) { return (i.code & 0x07) == cls::jmp; }
bool is_ja(const Insn& i) { return is_jump(i) && (i.code & 0xf0) == jmp::ja; }
bool is_ret(const Insn& i) { return (i.code & 0x07) == cls::ret; }

// Where each label sits.
std::vector<std::size_t> label_positions(const std::vector<Item>& items, int label_count) {
    std::vector<std::size_t> where(std::size_t(label_count), 0);
    for (std::size_t i = 0; i < items.size(); ++i)
        for (int l : items[i].labels) where[std::size_t(l)] = i;
    return where;
}

// Blocks whose code is the same instructions going to the same places
// become one, even when they compare different values: `jeq #0x11` after
// the IPv4 protocol load and after the IPv6 one (libpcap's code shares
// these too).  The last copy stays, so every jump to it is still forward.
void share_tails(LabelledCode& c) {
    auto& blocks = c.blocks;
    if (blocks.empty()) return;
    std::vector<std::size_t> ends(blocks.size());
    for (std::size_t i = 0; i < blocks.size(); ++i) ends[i] = i + 1 < blocks.size() ? blocks[i + 1] : c.rets_start;
    std::vector<int> alias(std::size_t(c.label_count), -1);
    auto canon = [&](int l) {
        while (l >= 0 && alias[std::size_t(l)] >= 0) l = alias[std::size_t(l)];
        return l;
    };
    // A block that does not end in a jump or ret falls into the next one.
    auto ends_flow = [&](std::size_t i) {
        if (ends[i] == blocks[i]) return false;
        const Insn& last = c.items[ends[i] - 1].insn;
        return is_ret(last) || is_jump(last);
    };
    struct SigHash {
        std::size_t operator()(const std::vector<std::uint64_t>& v) const noexcept {
            std::size_t h = v.size();
            for (auto x : v) h = (h ^ x) * 0x100000001b3ull;
            return h;
        }
    };
    std::vector<bool> dead(blocks.size(), false);
    std::vector<std::uint64_t> sig;
    for (bool changed = true; changed;) {
        changed = false;
        std::unordered_map<std::vector<std::uint64_t>, std::size_t, SigHash> seen;
        seen.reserve(blocks.size());
        for (std::size_t r = blocks.size(); r-- > 0;) {
            // The first block is where the program starts: it stays.
            if (r == 0 || dead[r] || !ends_flow(r) || c.items[blocks[r]].labels.size() != 1) continue;
            // A block the one before it falls into must stay where it is.
            if (r > 0 && !dead[r - 1] && !ends_flow(r - 1)) continue;
            sig.clear();
            bool plain = true;
            for (std::size_t i = blocks[r]; i < ends[r]; ++i) {
                const Item& it = c.items[i];
                if (i > blocks[r] && !it.labels.empty()) plain = false;
                sig.push_back(std::uint64_t(it.insn.code) << 32 | it.insn.k);
                sig.push_back(std::uint64_t(std::uint32_t(canon(it.target_true))) << 32 |
                              std::uint32_t(canon(it.target_false)));
            }
            if (!plain) continue;
            auto [pos, inserted] = seen.try_emplace(sig, r);
            if (inserted) continue;
            alias[std::size_t(c.items[blocks[r]].labels[0])] = c.items[blocks[pos->second]].labels[0];
            dead[r] = true;
            changed = true;
        }
    }
    std::vector<Item> kept;
    kept.reserve(c.items.size());
    std::size_t block = 0;
    for (std::size_t i = 0; i < c.items.size(); ++i) {
        while (block + 1 < blocks.size() && blocks[block + 1] <= i) ++block;
        if (i >= blocks[0] && i < c.rets_start && dead[block]) continue;
        Item it = std::move(c.items[i]);
        if (it.target_true >= 0) it.target_true = canon(it.target_true);
        if (it.target_false >= 0) it.target_false = canon(it.target_false);
        kept.push_back(std::move(it));
    }
    c.items = std::move(kept);
    c.blocks.clear();  // no longer meaningful
}

// Code no path reaches: a shared `ret` every jump to which became a copy,
// a block whose every predecessor was shared away.  Jumps go forward (but
// for protochain's loop, whose head is reached first), so one pass sees
// every way into an instruction before reaching it.
void drop_unreachable(std::vector<Item>& items, int label_count) {
    if (items.empty()) return;
    std::vector<bool> reached_label(std::size_t(label_count), false);
    std::vector<Item> out;
    out.reserve(items.size());
    bool falls_in = true;  // the program's start
    for (auto& it : items) {
        bool reached = falls_in;
        for (int l : it.labels) reached = reached || reached_label[std::size_t(l)];
        if (!reached) continue;
        if (it.target_true >= 0) reached_label[std::size_t(it.target_true)] = true;
        if (it.target_false >= 0) reached_label[std::size_t(it.target_false)] = true;
        falls_in = !is_jump(it.insn) && !is_ret(it.insn);
        out.push_back(std::move(it));
    }
    items = std::move(out);
}

// Walks backwards so that chains of such jumps all go.
void drop_jumps_to_next(std::vector<Item>& items) {
    std::vector<Item> out;
    out.reserve(items.size());
    for (std::size_t i = items.size(); i-- > 0;) {
        Item& it = items[i];
        if (is_ja(it.insn) && !out.empty()) {
            auto& next = out.back().labels;
            if (std::find(next.begin(), next.end(), it.target_true) != next.end()) {
                next.insert(next.end(), it.labels.begin(), it.labels.end());
                continue;
            }
        }
        out.push_back(std::move(it));
    }
    std::reverse(out.begin(), out.end());
    items = std::move(out);
}

// Each round puts a trampoline after every conditional jump that cannot
// reach its target; the insertions lengthen other jumps, so rounds repeat
// until none is needed.  A jump gets at most two trampolines (one per
// target), so this ends; each round is linear in the program's length.
void add_trampolines(std::vector<Item>& items, int& label_count) {
    for (bool inserted = true; inserted;) {
        inserted = false;
        auto where = label_positions(items, label_count);
        std::vector<Item> out;
        out.reserve(items.size() + items.size() / 8);
        for (std::size_t i = 0; i < items.size(); ++i) {
            out.push_back(items[i]);
            if (!is_jump(items[i].insn) || is_ja(items[i].insn)) continue;
            Item& jump = out.back();
            std::vector<Item> tramps;
            for (int* target : {&jump.target_true, &jump.target_false}) {
                std::size_t to = where[std::size_t(*target)];
                if (to <= i) throw std::logic_error("cbpf layout: a conditional jump goes backwards");
                if (to - i - 1 <= 255 - 2) continue;  // leaves room for this jump's own two trampolines
                Item tramp;
                const Item& dest = items[to];
                if (is_ret(dest.insn)) {
                    tramp.insn = dest.insn;
                } else {
                    tramp.insn = stmt(cls::jmp | jmp::ja);
                    tramp.target_true = *target;
                }
                tramp.labels.push_back(label_count);
                *target = label_count++;
                tramps.push_back(std::move(tramp));
            }
            for (auto& t : tramps) out.push_back(std::move(t));
            inserted |= !tramps.empty();
        }
        items = std::move(out);
    }
}

std::vector<Insn> encode(const std::vector<Item>& items, int label_count) {
    auto where = label_positions(items, label_count);
    std::vector<Insn> out;
    out.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        Insn insn = items[i].insn;
        if (is_ja(insn)) {
            insn.k = std::uint32_t(where[std::size_t(items[i].target_true)] - i - 1);
        } else if (is_jump(insn)) {
            insn.jt = std::uint8_t(where[std::size_t(items[i].target_true)] - i - 1);
            insn.jf = std::uint8_t(where[std::size_t(items[i].target_false)] - i - 1);
        }
        out.push_back(insn);
    }
    return out;
}

// The kernel's checker (check_load_and_stores, net/core/filter.c) refuses
// a program that may read M[k] before storing it, and it reckons
// conservatively: the instruction after a `ret` counts as following it.
// bpf_filter zeroes its memory and the IR reads 0 from a variable never
// set, so a slot the kernel would doubt is stored first, from X (0 at the
// start in both).  Jumps are relative: stores in front move none.
void store_doubtful_slots(std::vector<Insn>& code) {
    std::size_t n = code.size();
    std::vector<std::uint16_t> masks(n, 0xffff);
    std::uint16_t valid = 0, doubtful = 0;
    auto reach = [&](std::size_t to) {
        if (to < n) masks[to] &= valid;  // protochain's backward ja wraps: the kernel refuses it anyway
    };
    for (std::size_t pc = 0; pc < n; ++pc) {
        valid &= masks[pc];
        const Insn& i = code[pc];
        std::uint16_t c = i.code & 0x07;
        if (c == cls::st || c == cls::stx) {
            valid |= std::uint16_t(1u << (i.k & 15));
        } else if (i.code == (cls::ld | mode::mem) || i.code == (cls::ldx | mode::mem)) {
            doubtful |= std::uint16_t(~valid & (1u << (i.k & 15)));
        } else if (is_ja(i)) {
            reach(pc + 1 + i.k);
            valid = 0xffff;
        } else if (is_jump(i)) {
            reach(pc + 1 + i.jt);
            reach(pc + 1 + i.jf);
            valid = 0xffff;
        }
    }
    std::vector<Insn> stores;
    for (std::uint32_t k = 0; k < memwords; ++k)
        if (doubtful & 1u << k) stores.push_back(stmt(cls::stx, k));
    code.insert(code.begin(), stores.begin(), stores.end());
}

}  // namespace

std::vector<Insn> lay_out(LabelledCode code) {
    share_tails(code);
    drop_unreachable(code.items, code.label_count);
    drop_jumps_to_next(code.items);
    add_trampolines(code.items, code.label_count);
    auto out = encode(code.items, code.label_count);
    store_doubtful_slots(out);
    return out;
}

}  // namespace fcap::cbpf
