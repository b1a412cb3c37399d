#include "support/netns/netns.hpp"

#include "support/netns/inet.hpp"
#include "support/netns/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <net/if.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <cstdint>
#include <cstdio>

namespace fcap::tools {

namespace {

std::string mac_text(const unsigned char* m) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return s;
}

// Sends ICMP (or ICMPv6) echo requests to `host` until one is answered.
bool echo_until_answered(int family, const std::string& host, int timeout_ms) {
    int fd = socket(family, SOCK_RAW, family == AF_INET ? int(IPPROTO_ICMP) : int(IPPROTO_ICMPV6));
    if (fd < 0) return false;
    sockaddr_storage to;
    socklen_t len = socket_address(family, host, 0, to);
    // Echo request, id 0xfcap-ish, checksum filled in for IPv4 (the kernel
    // computes ICMPv6's).
    std::uint8_t msg[8] = {std::uint8_t(family == AF_INET ? 8 : 128), 0, 0, 0, 0xfc, 0xa9, 0, 1};
    if (family == AF_INET) {
        std::uint16_t sum = internet_checksum(msg, sizeof msg);
        msg[2] = std::uint8_t(sum >> 8);
        msg[3] = std::uint8_t(sum);
    }
    bool answered = false;
    for (int waited = 0; waited < timeout_ms && !answered; waited += 50) {
        sendto(fd, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&to), len);
        pollfd p{fd, POLLIN, 0};
        while (!answered && poll(&p, 1, 50) > 0) {
            std::uint8_t buf[256];
            ssize_t n = recv(fd, buf, sizeof buf, 0);
            // IPv4 raw sockets include the IP header; IPv6 ones do not.
            std::size_t at = family == AF_INET && n > 0 ? (buf[0] & 0xf) * 4u : 0;
            answered = n > ssize_t(at) && buf[at] == (family == AF_INET ? 0 : 129);
        }
    }
    close(fd);
    return answered;
}

}  // namespace

Netns::Netns(std::string name) : name_(std::move(name)) {
    run_command({"ip", "netns", "del", name_});  // a leftover of a killed run
    std::string out;
    ok_ = run_command({"ip", "netns", "add", name_}, &out) == 0;
    if (!ok_) error_ = "ip netns add " + name_ + ": " + out;
}

Netns::~Netns() {
    if (ok_) run_command({"ip", "netns", "del", name_});
}

std::vector<std::string> Netns::exec(const std::vector<std::string>& argv) const {
    std::vector<std::string> v = {"ip", "netns", "exec", name_};
    v.insert(v.end(), argv.begin(), argv.end());
    return v;
}

Child Netns::start(const std::function<int()>& fn) const {
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(255);
        int status = fn();
        std::fflush(nullptr);
        _exit(status & 0xff);
    }
    return Child::adopt(pid);
}

int Netns::run(const std::function<int()>& fn) const {
    Child child = start(fn);
    if (!child.started()) return -1;
    int status = child.wait(120000);
    return status == 255 ? -1 : status;
}


VethLab::VethLab(const std::string& tag)
    : left("fcap-" + tag + "-" + std::to_string(getpid()) + "-l"),
      right("fcap-" + tag + "-" + std::to_string(getpid()) + "-r") {
    if (!left.ok() || !right.ok()) {
        error = left.ok() ? right.error() : left.error();
        return;
    }
    const std::vector<std::vector<std::string>> steps = {
        {"ip", "-n", left.name(), "link", "add", left_if, "address", mac_text(left_mac), "type", "veth", "peer",
         "name", right_if, "address", mac_text(right_mac), "netns", right.name()},
        {"ip", "-n", left.name(), "addr", "add", left_ip4 + "/24", "dev", left_if},
        {"ip", "-n", right.name(), "addr", "add", right_ip4 + "/24", "dev", right_if},
        {"ip", "-n", left.name(), "-6", "addr", "add", left_ip6 + "/64", "dev", left_if, "nodad"},
        {"ip", "-n", right.name(), "-6", "addr", "add", right_ip6 + "/64", "dev", right_if, "nodad"},
        // A quiet link: no duplicate address detection or router
        // solicitations, so the only packets are the ones a test sends.
        {"ip", "netns", "exec", left.name(), "sysctl", "-qw", "net.ipv6.conf." + left_if + ".accept_dad=0",
         "net.ipv6.conf." + left_if + ".router_solicitations=0",
         "net.ipv6.conf." + left_if + ".mldv2_unsolicited_report_interval=10",
         "net.ipv6.conf." + left_if + ".mldv1_unsolicited_report_interval=10",
         "net.ipv4.conf." + left_if + ".igmpv3_unsolicited_report_interval=10"},
        {"ip", "netns", "exec", right.name(), "sysctl", "-qw", "net.ipv6.conf." + right_if + ".accept_dad=0",
         "net.ipv6.conf." + right_if + ".router_solicitations=0",
         "net.ipv6.conf." + right_if + ".mldv2_unsolicited_report_interval=10",
         "net.ipv6.conf." + right_if + ".mldv1_unsolicited_report_interval=10",
         "net.ipv4.conf." + right_if + ".igmpv3_unsolicited_report_interval=10"},
        {"ip", "-n", left.name(), "link", "set", "lo", "up"},
        {"ip", "-n", right.name(), "link", "set", "lo", "up"},
        {"ip", "-n", left.name(), "link", "set", left_if, "up"},
        {"ip", "-n", right.name(), "link", "set", right_if, "up"},
    };
    for (const auto& step : steps) {
        std::string out;
        if (run_command(step, &out) != 0) {
            error = "setting up the veth pair failed at:";
            for (const auto& w : step) error += " " + w;
            error += ": " + out;
            return;
        }
    }
    // The link works once the kernel has seen the carrier (linkwatch runs
    // up to a second later) and IPv6 has finished with the addresses.
    if (left.run([&] { return echo_until_answered(AF_INET6, right_ip6, 5000) ? 0 : 1; }) != 0 ||
        left.run([&] { return echo_until_answered(AF_INET, right_ip4, 5000) ? 0 : 1; }) != 0) {
        error = "the veth pair did not come up: no echo reply within 5 s";
        return;
    }
    // Forget the neighbours the probes found, so a test's own traffic
    // starts with ARP and neighbour discovery; let the multicast listener
    // reports of the link's start (10 ms apart, set above) finish.
    run_command({"ip", "-n", left.name(), "neigh", "flush", "all"});
    run_command({"ip", "-n", right.name(), "neigh", "flush", "all"});
    usleep(100 * 1000);
}

PrivateNetwork::PrivateNetwork() {
    previous_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (previous_ < 0) {
        error_ = std::string("cannot open this thread's network namespace: ") + std::strerror(errno);
        return;
    }
    if (unshare(CLONE_NEWNET) != 0) {
        error_ = std::string("cannot make a network namespace (needs CAP_SYS_ADMIN): ") + std::strerror(errno);
        return;
    }
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    bool up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) == 0);
    if (!up) error_ = std::string("cannot bring up the namespace's loopback: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
}

PrivateNetwork::~PrivateNetwork() {
    if (previous_ < 0) return;
    if (setns(previous_, CLONE_NEWNET) != 0) std::perror("fcap tests: cannot return to the network namespace");
    close(previous_);
}

bool can_make_netns(std::string* why) {
    if (geteuid() != 0) {
        *why = "needs root (CAP_NET_ADMIN to create network namespaces, CAP_NET_RAW to capture)";
        return false;
    }
    std::string out;
    if (run_command({"ip", "-V"}, &out) != 0) {
        *why = "the ip tool (iproute2) is missing";
        return false;
    }
    return true;
}

}  // namespace fcap::tools
