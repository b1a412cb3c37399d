// A socket program on a live AF_PACKET socket sees an 802.1Q tag in two
// ways: inline in the frame, or moved by the kernel into skb metadata (the
// receive path untags every frame).  A tagged frame sent on `lo` reaches a
// raw socket on `lo` twice, once each way; both copies must get libpcap's
// verdict on the frame as a capture file holds it (the tag inline).
// Needs root (CAP_BPF, CAP_NET_RAW) and `lo` up; skips otherwise.
#include "reference/libpcap.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "kernel/replay.hpp"
#include "api/compile_ir.hpp"
#include "support/skip_without_bpf.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <random>

namespace fcap::ebpf {
namespace {

constexpr int so_attach_bpf = 50;  // SO_ATTACH_BPF

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

// dst 02:00:00:00:00:01, src 02:00:00:00:00:02, tag 0x8100 (PCP 3, VID 10),
// IPv4 10.1.2.3 -> 10.4.5.6, UDP 5555 -> 7777, then a 16-byte cookie.
std::vector<std::uint8_t> tagged_frame(const std::uint8_t cookie[16]) {
    std::vector<std::uint8_t> f = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0x60, 0x0a, 0x08, 0x00,
                                   0x45, 0, 0, 44, 0, 0, 0, 0, 64, 17, 0, 0, 10, 1, 2, 3, 10, 4, 5, 6,
                                   0x15, 0xb3, 0x1e, 0x61, 0, 24, 0, 0};
    f.insert(f.end(), cookie, cookie + 16);
    return f;
}

struct Copies {
    int inline_tag = 0;    // copies whose tag was in the data
    int metadata_tag = 0;  // copies whose tag the kernel held in metadata (PACKET_AUXDATA says so)
};

// Sends the frame on lo and counts the copies of it the filtered socket gets.
Copies send_and_count(int rx, int tx, int ifindex, const std::vector<std::uint8_t>& frame) {
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, frame.data(), 6);
    EXPECT_EQ(sendto(tx, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
              ssize_t(frame.size()));
    Copies c;
    pollfd p{rx, POLLIN, 0};
    while (poll(&p, 1, 100) > 0) {
        std::uint8_t data[2048];
        alignas(cmsghdr) char control[256];
        iovec iov{data, sizeof data};
        msghdr m{};
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        m.msg_control = control;
        m.msg_controllen = sizeof control;
        ssize_t n = recvmsg(rx, &m, MSG_DONTWAIT);
        if (n <= 0) break;
        // Ours, by the cookie at the end (other traffic may share lo).
        if (std::size_t(n) < 16 || std::memcmp(data + n - 16, frame.data() + frame.size() - 16, 16) != 0) continue;
        bool in_metadata = false;
        for (cmsghdr* h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
            if (h->cmsg_level == SOL_PACKET && h->cmsg_type == PACKET_AUXDATA) {
                tpacket_auxdata aux;
                std::memcpy(&aux, CMSG_DATA(h), sizeof aux);
                in_metadata = aux.tp_status & TP_STATUS_VLAN_VALID;
            }
        ++(in_metadata ? c.metadata_tag : c.inline_tag);
    }
    return c;
}

TEST(VlanLiveTest, TagInlineAndInMetadataGetLibpcapsVerdict) {
    FCAP_SKIP_WITHOUT_BPF();
    int ifindex = int(if_nametoindex("lo"));
    if (ifindex == 0) GTEST_SKIP() << "no loopback interface";
    Fd rx(socket(AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */)));
    Fd tx(socket(AF_PACKET, SOCK_RAW, 0));
    if (rx.get() < 0 || tx.get() < 0) GTEST_SKIP() << "AF_PACKET sockets need CAP_NET_RAW: " << std::strerror(errno);
    sockaddr_ll at{};
    at.sll_family = AF_PACKET;
    at.sll_protocol = htons(0x0003);
    at.sll_ifindex = ifindex;
    ASSERT_EQ(bind(rx.get(), reinterpret_cast<sockaddr*>(&at), sizeof at), 0) << std::strerror(errno);
    int on = 1;
    ASSERT_EQ(setsockopt(rx.get(), SOL_PACKET, PACKET_AUXDATA, &on, sizeof on), 0);

    std::mt19937 rng(std::random_device{}());
    std::uint8_t cookie[16];
    for (auto& b : cookie) b = std::uint8_t(rng());
    auto frame = tagged_frame(cookie);
    int both_ways = 0;
    for (const char* e : {
             "vlan 10", "vlan 11", "vlan and ip", "vlan 10 and udp port 7777", "vlan 10 and udp port 7778",
             "vlan and ip6", "ip", "ip[9] = 17", "vlan and ip[9] = 17", "ether[12:2] = 0x8100",
             "ether[14:2] & 0xfff = 10", "ether[10:4] = 0x00028100", "ether[11:2] = 0x0281", "ether[15:2] = 0x0a08",
             "ether[14:4] = 0x600a0800", "ether[16:2] = 0x0800", "ether[ether[0] + 10] = 0x81",
             "ether[ether[0] + 12:2] = 0x600a", "ether[ether[0] + 9:4] = 0x02810060",
             "ether[ether[0] + 13:4] = 0x0a080045", "len = 62", "len = 58", "greater 60",
         }) {
        std::string error;
        auto reference = fcap::reference::compile(e, DLT_EN10MB, 262144, &error);
        ASSERT_TRUE(reference) << e << ": " << error;
        bool expected = bpf_filter(reinterpret_cast<const bpf_insn*>(reference->data()), frame.data(),
                                   std::uint32_t(frame.size()), std::uint32_t(frame.size())) != 0;
        CompileOptions o;
        diag::Sink sink;
        auto ir = compile_to_ir(e, o, sink);
        ASSERT_TRUE(ir) << e << ": " << sink.first_error();
        LowerOptions lo;
        lo.vlan_metadata = true;
        auto code = lower_socket(*ir, sink, lo);
        ASSERT_TRUE(code) << e << ": " << sink.first_error();
        std::string log;
        auto loaded = load(*code, &log);  // as a real socket filter
        ASSERT_TRUE(loaded) << e << ":\n" << log.substr(0, 2000);
        int fd = loaded->fd();
        ASSERT_EQ(setsockopt(rx.get(), SOL_SOCKET, so_attach_bpf, &fd, sizeof fd), 0) << std::strerror(errno);
        Copies c = send_and_count(rx.get(), tx.get(), ifindex, frame);
        if (expected) {
            EXPECT_EQ(c.inline_tag, 1) << "`" << e << "`: the copy with its tag inline (sent)";
            EXPECT_EQ(c.metadata_tag, 1) << "`" << e << "`: the copy with its tag in metadata (received)";
            both_ways += c.inline_tag == 1 && c.metadata_tag == 1;
        } else {
            EXPECT_EQ(c.inline_tag + c.metadata_tag, 0) << "`" << e << "`: libpcap says no match";
        }
    }
    EXPECT_GT(both_ways, 10);
}

}  // namespace
}  // namespace fcap::ebpf
