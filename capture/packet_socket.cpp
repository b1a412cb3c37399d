#include "capture/packet_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <pcap/dlt.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef SO_ATTACH_BPF
#define SO_ATTACH_BPF 50
#endif

namespace fcap::capture {

namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool attach_program(int fd, const sock_filter* code, unsigned short len, std::string* error) {
    sock_fprog prog{len, const_cast<sock_filter*>(code)};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0) return true;
    *error = errno_text("attaching the filter (SO_ATTACH_FILTER)");
    return false;
}

// The ring's blocks must each hold the largest packet: a power of two of
// pages at least the snaplen plus the headers (libpcap sizes them alike).
std::size_t block_size_for(std::uint32_t snaplen) {
    std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
    std::size_t need = std::size_t(snaplen) + TPACKET_ALIGN(sizeof(tpacket3_hdr)) + sizeof(sockaddr_ll) + 128;
    std::size_t size = page;
    while (size < need || size < (64u << 10)) size <<= 1;
    return size;
}

}  // namespace

std::unique_ptr<PacketSocket> PacketSocket::open(const SocketConfig& config, std::string* error, OpenError* kind) {
    *kind = OpenError::other;
    std::unique_ptr<PacketSocket> s(new PacketSocket());
    s->fd_ = socket(AF_PACKET, config.cooked ? SOCK_DGRAM : SOCK_RAW, htons(ETH_P_ALL));
    if (s->fd_ < 0) {
        if (errno == EPERM || errno == EACCES) *kind = OpenError::privilege;
        *error = errno_text("opening a packet socket");
        return nullptr;
    }
    // 1. Nothing passes until the real filter is attached.
    static const sock_filter drop_all[] = {{BPF_RET | BPF_K, 0, 0, 0}};
    if (!attach_program(s->fd_, drop_all, 1, error)) return nullptr;

    // 2. The ring.  PACKET_RESERVE leaves room in front of each packet to
    // put the VLAN tag or the cooked header back without copying.
    int version = TPACKET_V3;
    if (setsockopt(s->fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) {
        *error = errno_text("selecting TPACKET_V3");
        return nullptr;
    }
    unsigned reserve = 20;
    if (setsockopt(s->fd_, SOL_PACKET, PACKET_RESERVE, &reserve, sizeof reserve) != 0) {
        *error = errno_text("reserving headroom (PACKET_RESERVE)");
        return nullptr;
    }
    s->block_size_ = block_size_for(config.snaplen);
    s->block_count_ = unsigned(config.buffer_bytes / s->block_size_);
    if (s->block_count_ < 2) s->block_count_ = 2;
    tpacket_req3 req{};
    req.tp_block_size = unsigned(s->block_size_);
    req.tp_block_nr = s->block_count_;
    req.tp_frame_size = TPACKET_ALIGNMENT << 7;  // V3 packs frames; this only has to divide the block
    req.tp_frame_nr = unsigned(s->block_size_ / req.tp_frame_size) * s->block_count_;
    req.tp_retire_blk_tov = config.block_timeout_ms;
    if (setsockopt(s->fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0) {
        *error = errno_text("setting up the receive ring (PACKET_RX_RING; is -B too large?)");
        return nullptr;
    }
    s->map_size_ = s->block_size_ * s->block_count_;
    void* map = mmap(nullptr, s->map_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, s->fd_, 0);
    if (map == MAP_FAILED) map = mmap(nullptr, s->map_size_, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd_, 0);
    if (map == MAP_FAILED) {
        *error = errno_text("mapping the receive ring");
        return nullptr;
    }
    s->map_ = static_cast<std::uint8_t*>(map);

    // 3. Drain what reached the socket's queue before the drop-all filter.
    char byte;
    while (recv(s->fd_, &byte, 1, MSG_DONTWAIT | MSG_TRUNC) >= 0) {
    }

    // 4. Bind to the interface; join it in promiscuous mode.
    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = config.ifindex;
    if (bind(s->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno == ENODEV || errno == ENXIO) *kind = OpenError::no_device;
        *error = errno_text("binding to the interface");
        return nullptr;
    }
    if (config.promiscuous && config.ifindex != 0) {
        packet_mreq mr{};
        mr.mr_ifindex = config.ifindex;
        mr.mr_type = PACKET_MR_PROMISC;
        if (setsockopt(s->fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
            *error = errno_text("entering promiscuous mode (PACKET_ADD_MEMBERSHIP)");
            return nullptr;
        }
    }
    if (config.ignore_outgoing) {
        int one = 1;
        // Older kernels lack it; the filter checks the direction anyway.
        setsockopt(s->fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    }
    *kind = OpenError::none;
    return s;
}

PacketSocket::~PacketSocket() {
    if (map_) munmap(map_, map_size_);
    if (fd_ >= 0) close(fd_);
}

bool PacketSocket::attach_cbpf(const std::vector<cbpf::Insn>& program, std::string* error) {
    static_assert(sizeof(cbpf::Insn) == sizeof(sock_filter));
    return attach_program(fd_, reinterpret_cast<const sock_filter*>(program.data()),
                          static_cast<unsigned short>(program.size()), error);
}

bool PacketSocket::attach_ebpf(int program_fd, std::string* error) {
    if (setsockopt(fd_, SOL_SOCKET, SO_ATTACH_BPF, &program_fd, sizeof program_fd) == 0) return true;
    *error = errno_text("attaching the eBPF filter (SO_ATTACH_BPF)");
    return false;
}

bool PacketSocket::wait(int timeout_ms, const sigset_t* mask, std::string* error) {
    auto* block = reinterpret_cast<tpacket_block_desc*>(map_ + current_ * block_size_);
    if (__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) return true;
    pollfd p{fd_, POLLIN | POLLERR, 0};
    timespec ts{timeout_ms / 1000, (timeout_ms % 1000) * 1000000L};
    if (ppoll(&p, 1, timeout_ms < 0 ? nullptr : &ts, mask) < 0 && errno != EINTR) {
        *error = errno_text("waiting for packets");
        return false;
    }
    return true;
}

std::size_t PacketSocket::drain(const std::function<bool(Frame&)>& on_frame) {
    std::size_t passed = 0;
    const std::size_t sll_offset = TPACKET_ALIGN(sizeof(tpacket3_hdr));
    for (unsigned blocks = 0; blocks < block_count_; ++blocks) {
        auto* block = reinterpret_cast<tpacket_block_desc*>(map_ + current_ * block_size_);
        if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) break;
        bool go_on = true;
        auto* h = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<std::uint8_t*>(block) +
                                                  block->hdr.bh1.offset_to_first_pkt);
        for (unsigned i = 0; i < block->hdr.bh1.num_pkts && go_on; ++i) {
            auto* raw = reinterpret_cast<std::uint8_t*>(h);
            const auto* sll = reinterpret_cast<const sockaddr_ll*>(raw + sll_offset);
            Frame f;
            f.sec = h->tp_sec;
            f.nsec = h->tp_nsec;
            f.data = raw + h->tp_mac;
            f.caplen = h->tp_snaplen;
            f.wirelen = h->tp_len;
            f.headroom = h->tp_mac - (sll_offset + sizeof(sockaddr_ll));
            // A tag with TCI 0 (priority only) counts too: the status bit
            // says whether there was one (libpcap's VLAN_VALID).
            f.vlan = (h->tp_status & TP_STATUS_VLAN_VALID) || h->hv1.tp_vlan_tci != 0;
            f.tci = std::uint16_t(h->hv1.tp_vlan_tci);
            f.tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ? std::uint16_t(h->hv1.tp_vlan_tpid) : 0x8100;
            f.pkttype = sll->sll_pkttype;
            f.hatype = sll->sll_hatype;
            f.protocol = sll->sll_protocol;
            f.halen = sll->sll_halen;
            std::memcpy(f.addr, sll->sll_addr, sizeof f.addr);
            f.ifindex = sll->sll_ifindex;
            ++passed;
            go_on = on_frame(f);
            h = reinterpret_cast<tpacket3_hdr*>(raw + h->tp_next_offset);
        }
        __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        current_ = (current_ + 1) % block_count_;
        if (!go_on) break;
    }
    return passed;
}

PacketSocket::Stats PacketSocket::stats() {
    tpacket_stats_v3 st{};
    socklen_t len = sizeof st;
    if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0) {
        // tp_packets already includes the drops (af_packet.c adds them).
        totals_.received += st.tp_packets;
        totals_.dropped += st.tp_drops;
    }
    return totals_;
}

void restore_link_header(Frame& f, int dlt, std::uint32_t snaplen) {
    auto put16 = [](std::uint8_t* p, std::uint16_t v) {
        p[0] = std::uint8_t(v >> 8);
        p[1] = std::uint8_t(v);
    };
    if (dlt == DLT_LINUX_SLL2) {
        // struct sll2_header: protocol, reserved, interface index, ARPHRD
        // type, packet type, address length, address.
        constexpr std::size_t header = 20;
        if (f.headroom < header) return;
        std::uint8_t* h = f.data - header;
        std::memcpy(h, &f.protocol, 2);
        put16(h + 2, 0);
        std::uint32_t index = htonl(std::uint32_t(f.ifindex));
        std::memcpy(h + 4, &index, 4);
        put16(h + 8, f.hatype);
        h[10] = f.pkttype;
        h[11] = f.halen;
        std::size_t n = f.halen < 8 ? f.halen : 8;
        std::memcpy(h + 12, f.addr, n);
        std::memset(h + 12 + n, 0, 8 - n);
        f.data = h;
        f.headroom -= header;
        f.caplen += header;
        f.wirelen += header;
    } else if (dlt == DLT_LINUX_SLL) {
        // struct sll_header: packet type, ARPHRD type, address length,
        // address (8 bytes), protocol; all big-endian.
        std::size_t header = f.vlan ? 20 : 16;
        if (f.headroom < header) return;  // PACKET_RESERVE guarantees it
        std::uint8_t* h = f.data - header;
        put16(h, f.pkttype);
        put16(h + 2, f.hatype);
        put16(h + 4, f.halen);
        std::size_t n = f.halen < 8 ? f.halen : 8;
        std::memcpy(h + 6, f.addr, n);
        std::memset(h + 6 + n, 0, 8 - n);
        if (f.vlan) {
            put16(h + 14, f.tpid);
            put16(h + 16, f.tci);
            std::memcpy(h + 18, &f.protocol, 2);
        } else {
            std::memcpy(h + 14, &f.protocol, 2);
        }
        f.data = h;
        f.headroom -= header;
        f.caplen += std::uint32_t(header);
        f.wirelen += std::uint32_t(header);
    } else if (dlt == DLT_EN10MB && f.vlan && f.caplen >= 12 && f.headroom >= 4) {
        // The MAC addresses move 4 bytes forward; the tag goes after them.
        std::memmove(f.data - 4, f.data, 12);
        f.data -= 4;
        f.headroom -= 4;
        put16(f.data + 12, f.tpid);
        put16(f.data + 14, f.tci);
        f.caplen += 4;
        f.wirelen += 4;
    }
    if (f.caplen > snaplen) f.caplen = snaplen;
}

}  // namespace fcap::capture
