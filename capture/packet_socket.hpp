// A Linux AF_PACKET socket with a TPACKET_V3 receive ring: the kernel side
// of a live capture.
//
// Opening follows the order that lets no unfiltered packet in (packet(7),
// and what libpcap does): the socket gets a drop-all filter first; the
// ring is set up (the kernel waits for deliveries in flight while it
// switches); whatever was queued before is drained; only then is the socket
// bound to the interface.  attach_*() later swaps the drop-all filter for
// the real one atomically.
#pragma once

#include "fcap/cbpf.hpp"

#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fcap::capture {

struct SocketConfig {
    int ifindex = 0;       // 0: every interface (-i any)
    bool cooked = false;   // SOCK_DGRAM: the kernel removes the link header (-i any)
    bool promiscuous = true;
    bool ignore_outgoing = false;  // -Q in: PACKET_IGNORE_OUTGOING
    std::uint64_t buffer_bytes = 4u << 20;
    std::uint32_t snaplen = 262144;
    unsigned block_timeout_ms = 10;  // a partly filled block is handed over after this long
};

enum class OpenError { none, privilege, no_device, other };

// One packet in the ring, with the metadata the kernel kept beside it.
struct Frame {
    std::int64_t sec = 0, nsec = 0;
    std::uint8_t* data = nullptr;   // inside the ring (writable)
    std::uint32_t caplen = 0;       // bytes at data
    std::uint32_t wirelen = 0;
    std::size_t headroom = 0;       // writable bytes before data
    bool vlan = false;              // the kernel took an 802.1Q/802.1ad tag out
    std::uint16_t tci = 0, tpid = 0;
    std::uint8_t pkttype = 0;       // PACKET_HOST, ..., PACKET_OUTGOING
    std::uint16_t hatype = 0;       // ARPHRD_*
    std::uint16_t protocol = 0;     // EtherType, network order as in sockaddr_ll
    std::uint8_t halen = 0;
    std::uint8_t addr[8] = {};
    int ifindex = 0;
};

class PacketSocket {
public:
    static std::unique_ptr<PacketSocket> open(const SocketConfig& config, std::string* error, OpenError* kind);
    ~PacketSocket();
    PacketSocket(const PacketSocket&) = delete;
    PacketSocket& operator=(const PacketSocket&) = delete;

    // Replace the drop-all filter.  The program must stay within the
    // kernel's limits (4096 classic instructions).
    bool attach_cbpf(const std::vector<cbpf::Insn>& program, std::string* error);
    bool attach_ebpf(int program_fd, std::string* error);

    // Waits until the kernel hands over a block, a signal outside `mask`
    // arrives, or `timeout_ms` passes.  False on an error (*error).
    bool wait(int timeout_ms, const sigset_t* mask, std::string* error);

    // Passes every packet of every block the kernel has handed over, in
    // order, to `on_frame`, and gives the blocks back.  When on_frame
    // returns false the rest of that block is skipped and draining stops.
    // Returns the number of packets passed.
    std::size_t drain(const std::function<bool(Frame&)>& on_frame);

    struct Stats {
        std::uint64_t received = 0;  // passed the filter (tcpdump's "received by filter")
        std::uint64_t dropped = 0;   // no room in the ring ("dropped by kernel")
    };
    // Totals since open (the kernel resets its counters on every read).
    Stats stats();

    int fd() const { return fd_; }

private:
    PacketSocket() = default;

    int fd_ = -1;
    std::uint8_t* map_ = nullptr;
    std::size_t map_size_ = 0;
    std::size_t block_size_ = 0;
    unsigned block_count_ = 0;
    unsigned current_ = 0;
    Stats totals_;
};

// Puts back into the packet what the kernel kept beside it, so the packet
// is the one the filter judged and the file will hold: for DLT_EN10MB the
// VLAN tag after the MAC addresses; for a SOCK_DGRAM socket the Linux
// cooked header, DLT_LINUX_SLL (with the tag after its first 14 bytes, as
// libpcap writes it) or DLT_LINUX_SLL2.  The result is cut to `snaplen`.
void restore_link_header(Frame& frame, int dlt, std::uint32_t snaplen);

}  // namespace fcap::capture
