#include "capture/traffic.hpp"

#include "support/netns/inet.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace fcap::test {

namespace {

using Bytes = std::vector<std::uint8_t>;
using tools::put16;

using tools::internet_checksum;
using tools::socket_address;

Bytes ipv4_udp(const tools::VethLab& lab, std::uint16_t port, std::size_t payload) {
    Bytes ip;
    std::size_t total = 20 + 8 + payload;
    ip = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0};
    ip[2] = std::uint8_t(total >> 8);
    ip[3] = std::uint8_t(total);
    in_addr a{};
    inet_pton(AF_INET, lab.left_ip4.c_str(), &a);
    const auto* s = reinterpret_cast<const std::uint8_t*>(&a);
    ip.insert(ip.end(), s, s + 4);
    inet_pton(AF_INET, lab.right_ip4.c_str(), &a);
    ip.insert(ip.end(), s, s + 4);
    std::uint16_t c = internet_checksum(ip.data(), 20);
    ip[10] = std::uint8_t(c >> 8);
    ip[11] = std::uint8_t(c);
    put16(ip, 40000);
    put16(ip, port);
    put16(ip, std::uint16_t(8 + payload));
    put16(ip, 0);  // no UDP checksum (allowed over IPv4)
    for (std::size_t i = 0; i < payload; ++i) ip.push_back(std::uint8_t('a' + i % 26));
    return ip;
}

bool send_udp(int family, const std::string& host, std::uint16_t port, const std::string& text) {
    int fd = socket(family, SOCK_DGRAM, 0);
    if (fd < 0) return false;
    sockaddr_storage ss;
    socklen_t len = socket_address(family, host, port, ss);
    bool ok = sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&ss), len) == ssize_t(text.size());
    close(fd);
    return ok;
}

bool tcp_exchange(const std::string& host, std::uint16_t port, const std::string& text) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_storage a;
    socklen_t len = socket_address(AF_INET, host, port, a);
    bool ok = connect(fd, reinterpret_cast<sockaddr*>(&a), len) == 0;
    if (ok) ok = send(fd, text.data(), text.size(), 0) == ssize_t(text.size());
    close(fd);
    return ok;
}

bool ping(int family, const std::string& host, int count) {
    int fd = socket(family, SOCK_RAW, family == AF_INET ? int(IPPROTO_ICMP) : int(IPPROTO_ICMPV6));
    if (fd < 0) return false;
    bool ok = true;
    for (int i = 0; i < count; ++i) {
        std::uint8_t msg[16] = {std::uint8_t(family == AF_INET ? 8 : 128), 0, 0, 0, 0x12, 0x34, 0, std::uint8_t(i + 1)};
        std::memcpy(msg + 8, "fcaptest", 8);
        if (family == AF_INET) {  // the kernel fills in the ICMPv6 checksum
            std::uint16_t c = internet_checksum(msg, sizeof msg);
            msg[2] = std::uint8_t(c >> 8);
            msg[3] = std::uint8_t(c);
        }
        sockaddr_storage ss;
        socklen_t len = socket_address(family, host, 0, ss);
        ok = ok && sendto(fd, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&ss), len) == ssize_t(sizeof msg);
    }
    close(fd);
    return ok;
}

}  // namespace

Bytes tagged_udp_frame(const tools::VethLab& lab, const std::vector<std::pair<std::uint16_t, std::uint16_t>>& tags,
                       std::uint16_t port, std::size_t payload) {
    Bytes f(lab.right_mac, lab.right_mac + 6);
    f.insert(f.end(), lab.left_mac, lab.left_mac + 6);
    for (auto [tpid, tci] : tags) {
        put16(f, tpid);
        put16(f, tci);
    }
    put16(f, 0x0800);
    Bytes ip = ipv4_udp(lab, port, payload);
    f.insert(f.end(), ip.begin(), ip.end());
    while (f.size() < 60) f.push_back(0);  // the minimum frame, as a NIC pads it
    return f;
}

int serve_tcp(const std::vector<std::uint16_t>& ports, int seconds) {
    std::vector<pollfd> fds;
    for (auto port : ports) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0) return 1;
        fds.push_back({fd, POLLIN, 0});
    }
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < end) {
        if (poll(fds.data(), fds.size(), 50) <= 0) continue;
        for (std::size_t i = 0; i < ports.size(); ++i) {
            if (!(fds[i].revents & POLLIN)) continue;
            int c = accept(fds[i].fd, nullptr, nullptr);
            if (c < 0) continue;
            if (fds.size() < 64) fds.push_back({c, POLLIN, 0});
        }
        for (std::size_t i = ports.size(); i < fds.size(); ++i) {
            if (!(fds[i].revents & POLLIN)) continue;
            char buf[512];
            if (read(fds[i].fd, buf, sizeof buf) <= 0) {
                close(fds[i].fd);
                fds.erase(fds.begin() + std::ptrdiff_t(i));
                --i;
            }
        }
    }
    return 0;
}

int send_mix(const tools::VethLab& lab) {
    int failures = 0;
    auto pause = [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); };
    // TCP: two connections with data, one refused (SYN, RST).
    failures += !tcp_exchange(lab.right_ip4, 7070, "hello over tcp 7070");
    failures += !tcp_exchange(lab.right_ip4, 8080, "hello over tcp 8080, a little longer than the first one");
    tcp_exchange(lab.right_ip4, 9, "refused");
    pause();
    // UDP: 53 and 7070 are silently dropped, 9999 too (no listener: ICMP
    // port unreachable comes back).
    for (std::uint16_t port : {53, 7070, 9999, 7070}) failures += !send_udp(AF_INET, lab.right_ip4, port, "udp datagram");
    failures += !send_udp(AF_INET6, lab.right_ip6, 7070, "udp over ipv6");
    failures += !send_udp(AF_INET6, lab.right_ip6, 53, "udp over ipv6, port 53");
    failures += !ping(AF_INET, lab.right_ip4, 3);
    failures += !ping(AF_INET6, lab.right_ip6, 2);
    pause();
    // Tagged frames, straight onto the wire: the receiving end's kernel
    // strips the outer tag before any packet socket sees the frame.
    int fd = socket(AF_PACKET, SOCK_RAW, 0);
    if (fd < 0) return 100;
    sockaddr_ll to{};
    to.sll_family = AF_PACKET;
    to.sll_ifindex = int(if_nametoindex(lab.left_if.c_str()));
    to.sll_halen = 6;
    std::memcpy(to.sll_addr, lab.right_mac, 6);
    const std::vector<std::vector<std::pair<std::uint16_t, std::uint16_t>>> tag_sets = {
        {{0x8100, 10}},                    // VLAN 10
        {{0x8100, 10}},                    // again, to port 53
        {{0x8100, 20}},                    // VLAN 20
        {{0x8100, 0x6000 | 10}},           // VLAN 10, priority 3
        {{0x8100, 0}},                     // a priority tag: VLAN 0
        {{0x88a8, 100}, {0x8100, 10}},     // 802.1ad outer 100, inner 10
        {{0x8100, 30}, {0x8100, 10}},      // two 802.1Q tags
    };
    std::uint16_t port = 7070;
    for (const auto& tags : tag_sets) {
        Bytes frame = tagged_udp_frame(lab, tags, port, 16);
        port = port == 7070 ? 53 : 7070;
        if (sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
            ssize_t(frame.size()))
            ++failures;
    }
    // A large tagged frame and an untagged one through the same socket.
    Bytes big = tagged_udp_frame(lab, {{0x8100, 10}}, 7070, 1200);
    failures += sendto(fd, big.data(), big.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) != ssize_t(big.size());
    Bytes plain = tagged_udp_frame(lab, {}, 7070, 40);
    failures += sendto(fd, plain.data(), plain.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) !=
                ssize_t(plain.size());
    close(fd);
    pause();
    return failures;
}

}  // namespace fcap::test
