#include "xdp/lab.hpp"

#include "support/netns/inet.hpp"
#include "support/netns/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

namespace fcap::xdptest {

namespace {

using Bytes = std::vector<std::uint8_t>;
using tools::put16;

Bytes ethernet(unsigned index, std::uint16_t type, int vlan = -1) {
    Bytes b = {0x02, 0xfc, 0, 0, 0, 2, 0x02, 0xee, 0, 0, std::uint8_t(index >> 8), std::uint8_t(index)};
    if (vlan >= 0) {
        put16(b, 0x8100);
        put16(b, std::uint16_t(vlan));
    }
    put16(b, type);
    return b;
}

// IPv4 header (20 bytes, no options) for `payload` bytes of `proto`.
void ipv4(Bytes& b, std::uint8_t proto, std::size_t payload) {
    Bytes h = {0x45, 0, 0, 0, 0, 1, 0x40, 0, 64, proto, 0, 0, 10, 252, 0, 1, 10, 252, 0, 2};
    std::uint16_t total = std::uint16_t(20 + payload);
    h[2] = std::uint8_t(total >> 8);
    h[3] = std::uint8_t(total);
    b.insert(b.end(), h.begin(), h.end());
}

void ipv6(Bytes& b, std::uint8_t next, std::size_t payload) {
    Bytes h = {0x60, 0, 0, 0, std::uint8_t(payload >> 8), std::uint8_t(payload), next, 64};
    b.insert(b.end(), h.begin(), h.end());
    for (int k = 0; k < 2; ++k) {
        Bytes a = {0xfd, 0, 0x02, 0x52, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, std::uint8_t(k + 1)};
        b.insert(b.end(), a.begin(), a.end());
    }
}

void tcp(Bytes& b, std::uint16_t dport) {
    put16(b, 40000);
    put16(b, dport);
    Bytes rest = {0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    b.insert(b.end(), rest.begin(), rest.end());
}

void udp(Bytes& b, std::uint16_t dport, std::size_t payload) {
    put16(b, 40000);
    put16(b, dport);
    put16(b, std::uint16_t(8 + payload));
    put16(b, 0);
    b.insert(b.end(), payload, 'x');
}

int in_namespace(const std::string& ns, int (*make)(const std::string&), const std::string& arg) {
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    int result = -1;
    if (self >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0) {
        result = make(arg);
        setns(self, CLONE_NEWNET);
    }
    if (self >= 0) close(self);
    if (target >= 0) close(target);
    return result;
}

int packet_socket(const std::string& ifname) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -1;
    sockaddr_ll a{};
    a.sll_family = AF_PACKET;
    a.sll_protocol = htons(ETH_P_ALL);
    a.sll_ifindex = int(if_nametoindex(ifname.c_str()));
    int size = 32 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    if (a.sll_ifindex == 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

Frame frame(const std::string& kind, unsigned i) {
    Bytes b;
    if (kind == "tcp7070" || kind == "tcp80" || kind == "tcp443") {
        b = ethernet(i, 0x0800);
        ipv4(b, 6, 20);
        tcp(b, kind == "tcp7070" ? 7070 : kind == "tcp80" ? 80 : 443);
    } else if (kind == "udp7070" || kind == "udp53") {
        b = ethernet(i, 0x0800);
        ipv4(b, 17, 8 + 18);
        udp(b, kind == "udp53" ? 53 : 7070, 18);
    } else if (kind == "icmp") {
        b = ethernet(i, 0x0800);
        ipv4(b, 1, 16);
        Bytes echo = {8, 0, 0, 0, 0, 1, 0, 1, 'p', 'i', 'n', 'g', 'p', 'i', 'n', 'g'};
        b.insert(b.end(), echo.begin(), echo.end());
    } else if (kind == "ip6tcp7070") {
        b = ethernet(i, 0x86dd);
        ipv6(b, 6, 20);
        tcp(b, 7070);
    } else if (kind == "ip6udp53") {
        b = ethernet(i, 0x86dd);
        ipv6(b, 17, 8 + 12);
        udp(b, 53, 12);
    } else if (kind == "vlan10tcp7070") {
        b = ethernet(i, 0x0800, 10);
        ipv4(b, 6, 20);
        tcp(b, 7070);
    } else if (kind == "vlan20udp53") {
        b = ethernet(i, 0x0800, 20);
        ipv4(b, 17, 8 + 18);
        udp(b, 53, 18);
    } else if (kind == "arp") {
        b = ethernet(i, 0x0806);
        Bytes arp = {0, 1, 8, 0, 6, 4, 0, 1, 2, 0xee, 0, 0, 0, 0, 10, 252, 0, 1, 0, 0, 0, 0, 0, 0, 10, 252, 0, 2};
        b.insert(b.end(), arp.begin(), arp.end());
    } else if (kind == "short_ip") {  // an IPv4 header cut after 8 bytes
        b = ethernet(i, 0x0800);
        Bytes h = {0x45, 0, 0, 40, 0, 1, 0x40, 0};
        b.insert(b.end(), h.begin(), h.end());
    } else if (kind == "short_tcp") {  // TCP cut inside the source port: no destination port
        b = ethernet(i, 0x0800);
        ipv4(b, 6, 20);
        b.push_back(0x9c);
    } else if (kind == "bare") {  // an Ethernet header alone, a local EtherType
        b = ethernet(i, 0x88b5);
    }
    return {kind, b};
}

std::vector<Frame> mixed_frames() {
    const char* kinds[] = {"tcp7070", "tcp80", "udp7070", "udp53", "icmp", "ip6tcp7070", "ip6udp53",
                           "vlan10tcp7070", "vlan20udp53", "arp", "short_ip", "short_tcp", "bare"};
    std::vector<Frame> out;
    unsigned i = 1;
    for (int round = 0; round < 2; ++round)
        for (const char* k : kinds) out.push_back(frame(k, i++));
    return out;
}

bool libpcap_matches(const std::string& expression, const std::vector<std::uint8_t>& bytes) {
    pcap_t* dead = pcap_open_dead(DLT_EN10MB, 262144);
    bpf_program program{};
    bool match = false;
    if (pcap_compile(dead, &program, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) == 0) {
        pcap_pkthdr h{};
        h.caplen = h.len = unsigned(bytes.size());
        match = pcap_offline_filter(&program, &h, bytes.data()) != 0;
        pcap_freecode(&program);
    }
    pcap_close(dead);
    return match;
}

Lab::Lab(const std::string& tag)
    : left("fxdp-" + tag + "-" + std::to_string(getpid()) + "-l"),
      right("fxdp-" + tag + "-" + std::to_string(getpid()) + "-r"),
      pin_dir("/sys/fs/bpf/fxdp-test-" + tag + "-" + std::to_string(getpid())) {
    if (!left.ok() || !right.ok()) {
        error = left.ok() ? right.error() : left.error();
        return;
    }
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "-n", left.name(), "link", "add", left_if, "type", "veth", "peer", "name", right_if, "netns",
         right.name()},
        {"ip", "netns", "exec", left.name(), "sysctl", "-qw", "net.ipv6.conf." + left_if + ".disable_ipv6=1"},
        {"ip", "netns", "exec", right.name(), "sysctl", "-qw", "net.ipv6.conf." + right_if + ".disable_ipv6=1"},
        {"ip", "-n", left.name(), "link", "set", left_if, "up"},
        {"ip", "-n", right.name(), "link", "set", right_if, "up"},
    };
    for (const auto& step : steps) {
        std::string out;
        if (tools::run_command(step, &out) != 0) {
            error = "setting up the veth pair failed at:";
            for (const auto& w : step) error += " " + w;
            error += ": " + out;
            return;
        }
    }
    // The link carries frames once the kernel has seen the carrier:
    // probe until one arrives.
    int tx = sender(), rx = capture();
    bool through = false;
    for (int tries = 0; tries < 100 && !through && tx >= 0 && rx >= 0; ++tries) {
        send(tx, {frame("bare", 0xffff)});
        through = received(rx, 100).count(0xffff) > 0;
    }
    if (tx >= 0) close(tx);
    if (rx >= 0) close(rx);
    if (!through) error = "the veth pair carries no frames after 10 s";
}

Lab::~Lab() {
    // Pins first (while the interfaces exist), then the namespaces go.
    fxdp({"detach", "--all"});
    std::error_code ec;
    if (std::filesystem::is_directory(pin_dir, ec)) {
        for (const auto& d : std::filesystem::directory_iterator(pin_dir, ec)) {
            for (const auto& f : std::filesystem::directory_iterator(d.path(), ec)) unlink(f.path().c_str());
            rmdir(d.path().c_str());
        }
        rmdir(pin_dir.c_str());
    }
}

Outcome Lab::fxdp(const std::vector<std::string>& args, const std::vector<std::string>& env,
                  const std::vector<std::string>& wrap) const {
    std::vector<std::string> argv = {"env"};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {"nsenter", "--net=/run/netns/" + right.name()});
    argv.insert(argv.end(), wrap.begin(), wrap.end());
    argv.push_back(std::string(FCAP_BIN_DIR) + "/fxdp");
    if (!args.empty()) {
        argv.push_back(args[0]);
        bool own_pins = std::find(args.begin(), args.end(), "--pin-dir") != args.end();
        if (args[0] != "--help" && !own_pins) argv.insert(argv.end(), {"--pin-dir", pin_dir});
        argv.insert(argv.end(), args.begin() + 1, args.end());
    }
    Outcome r;
    r.status = tools::run_command(argv, &r.output);
    return r;
}

int Lab::sender() const { return in_namespace(left.name(), packet_socket, left_if); }
int Lab::capture() const { return in_namespace(right.name(), packet_socket, right_if); }

bool Lab::send(int socket, const std::vector<Frame>& frames) const {
    for (const auto& f : frames) {
        // A full queue on the veth (ENOBUFS) drops the frame before XDP
        // sees it: send it again.
        int tries = 0;
        while (::send(socket, f.bytes.data(), f.bytes.size(), 0) != ssize_t(f.bytes.size())) {
            if (errno != ENOBUFS || ++tries > 1000) return false;
            std::this_thread::sleep_for(std::chrono::microseconds(50));
        }
    }
    return true;
}

std::multiset<unsigned> Lab::received(int socket, int quiet_ms) const {
    std::multiset<unsigned> got;
    std::uint8_t buf[2048];
    pollfd p{socket, POLLIN, 0};
    while (poll(&p, 1, quiet_ms) > 0) {
        ssize_t n = recv(socket, buf, sizeof buf, MSG_DONTWAIT);
        if (n >= 12 && buf[6] == 0x02 && buf[7] == 0xee) got.insert(unsigned(buf[10]) << 8 | buf[11]);
    }
    return got;
}

bool can_run(std::string* why) {
    if (geteuid() != 0) {
        *why = "needs root: network namespaces, veth pairs and XDP programs (CAP_NET_ADMIN, CAP_BPF)";
        return false;
    }
    return tools::can_make_netns(why);
}

}  // namespace fcap::xdptest
