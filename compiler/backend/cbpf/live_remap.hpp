// Re-targets a program's packet reads for a live packet socket, whose filter
// does not see the bytes the capture file will hold.
//
// The program was compiled for the "file" view of a packet (the bytes
// written to the capture: an 802.1Q tag inline, a Linux cooked header in
// front).  A live socket's filter sees the kernel's view: the tag moved into
// skb metadata, no cooked header at all.  A Layout says, for each range of
// file offsets, where those bytes live in the kernel's view: in the skb's
// data at another offset, or in a word the filter can load (SKF_AD_*).
// remap_copy() copies the program with every read translated.
//
// What it cannot translate exactly (bytes with no source, such as the cooked
// header's link address; an indexed load or protochain walk that may start
// before the open-ended data tail) it punts: the block returns the snaplen,
// so the packet reaches user space, which must run the original program on
// the packet as written.  Punts are reported so the caller knows.
#pragma once

#include "ir/ir.hpp"

#include <cstdint>
#include <vector>

namespace fcap::cbpf::live {

// File offsets [begin, end) come from one source.  The last segment must be
// a data segment and is open-ended (its `end` is ignored).
struct Segment {
    enum class Source : std::uint8_t {
        data,     // skb data at (file offset - delta)
        word,     // the low 8 * (end - begin) bits of `word`, big-endian
        missing,  // nothing the filter can read: punt
    };
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    Source source = Source::data;
    std::uint32_t delta = 0;        // data only
    ir::ExprId word = ir::no_expr;  // word only
};

struct Layout {
    std::vector<Segment> segments;  // in order, contiguous from 0
    std::uint32_t extra_len = 0;    // the file's packet is this much longer than the skb (`len`)
};

// Copies the blocks reachable from p.entry, reads translated through
// `layout`, into p; returns the copy's entry.  Sets *punts when a block had
// to be replaced by an accept.
ir::BlockId remap_copy(ir::Program& p, const Layout& layout, bool* punts);

}  // namespace fcap::cbpf::live
