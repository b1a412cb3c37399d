// xdp_drop_bench: packets per second an XDP filter drops on one core, fxdp's
// against a 2-instruction XDP_DROP and xdp-filter with the same rule, and
// blocklists of 10, 1,000 and 10,000 source hosts; prints each rate and its
// ratio to XDP_DROP measured in the same run.  Needs root.
//
// The method is that of /work/shared/tools/xdp-drop-rate: two namespaces
// joined by a veth pair, the filter attached in native mode to the b end,
// one fixed frame sent into the a end with BPF_PROG_RUN live frames (a
// 2-instruction XDP_TX program run N times turns each run into a real
// transmit).  The sender is pinned to one CPU, and veth runs the receiver's
// NAPI (so the program under test) in the softirq of that same CPU: the
// figure is the one-core rate of sender + veth + program together.  The
// clock is CPU time: the sending thread's (which includes the softirq) plus
// that CPU's ksoftirqd, so other load on the machine hardly moves it.
// Drops are veth's own XDP counters (ethtool rx_queue_N_xdp_drops), so any
// program can be measured, whoever attaches it.  Each figure is the median
// of --rounds rounds; each round re-attaches each program.
//
//   xdp_drop_bench [--rounds R] [--frames N] [--full]
//   --full: xdp-filter blocklists of 1,000 and 10,000 hosts too (xdp-filter
//   adds one address per run of its command, ~40 ms each: minutes).
#include "kernel/bpf_sys.h"
#include "kernel/xdp_link.h"
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

namespace {

using fcap::tools::run_command;

const std::string fxdp_bin = std::string(FCAP_BIN_DIR) + "/fxdp";

bool enter(const std::string& ns) {
    int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    bool ok = fd >= 0 && setns(fd, CLONE_NEWNET) == 0;
    if (fd >= 0) close(fd);
    return ok;
}

// The kernel's encoding of `r0 = value; exit`.
int load_constant(int value) {
    unsigned char insns[16] = {0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(insns + 4, &value, 4);
    return fcap_prog_load(FCAP_PROG_XDP, value == 1 ? "bench_drop" : "bench_tx", "GPL", insns, 2, nullptr, 0, 0);
}

// veth's XDP counters of one interface, read through SIOCETHTOOL.
class VethCounters {
public:
    VethCounters(int socket, std::string ifname) : socket_(socket), ifname_(std::move(ifname)) {
        ethtool_drvinfo info{};
        info.cmd = ETHTOOL_GDRVINFO;
        if (!call(&info)) return;
        std::vector<unsigned char> buf(sizeof(ethtool_gstrings) + info.n_stats * ETH_GSTRING_LEN);
        auto* strings = reinterpret_cast<ethtool_gstrings*>(buf.data());
        strings->cmd = ETHTOOL_GSTRINGS;
        strings->string_set = ETH_SS_STATS;
        strings->len = info.n_stats;
        if (!call(strings)) return;
        for (unsigned i = 0; i < info.n_stats; ++i) {
            std::string name(reinterpret_cast<char*>(strings->data) + i * ETH_GSTRING_LEN);
            if (name.rfind("rx_queue_", 0) == 0 && name.size() > 10 && name.find("_xdp_drops") != std::string::npos)
                drops_.push_back(i);
        }
        count_ = info.n_stats;
    }
    bool ok() const { return !drops_.empty(); }
    std::uint64_t dropped() {
        std::vector<unsigned char> buf(sizeof(ethtool_stats) + count_ * 8);
        auto* stats = reinterpret_cast<ethtool_stats*>(buf.data());
        stats->cmd = ETHTOOL_GSTATS;
        stats->n_stats = count_;
        if (!call(stats)) return 0;
        std::uint64_t sum = 0;
        for (unsigned i : drops_) sum += stats->data[i];
        return sum;
    }

private:
    bool call(void* data) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, ifname_.c_str(), IFNAMSIZ - 1);
        ifr.ifr_data = static_cast<char*>(data);
        return ioctl(socket_, SIOCETHTOOL, &ifr) == 0;
    }
    int socket_;
    std::string ifname_;
    unsigned count_ = 0;
    std::vector<unsigned> drops_;
};

std::uint64_t thread_cpu_ns() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::uint64_t(ts.tv_sec) * 1000000000u + std::uint64_t(ts.tv_nsec);
}

// Run time of ksoftirqd on the sending CPU: softirq work the kernel
// deferred is receiver work too.
std::string ksoftirqd_schedstat(int cpu) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream comm(entry.path() / "comm");
        std::string name;
        if (comm && std::getline(comm, name) && name == "ksoftirqd/" + std::to_string(cpu))
            return (entry.path() / "schedstat").string();
    }
    return "";
}

std::uint64_t read_schedstat(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t ns = 0;
    in >> ns;
    return ns;
}

struct Frame {
    std::vector<unsigned char> bytes;
};

// A 60-byte TCP frame src -> 10.251.0.2:7070.
Frame tcp_frame(const unsigned char* dmac, std::uint32_t src) {
    std::vector<unsigned char> f = {dmac[0], dmac[1], dmac[2], dmac[3], dmac[4], dmac[5], 2, 0xfb, 0, 0, 0, 1, 8, 0};
    unsigned char ip[20] = {0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 0, 0, 0, 0, 10, 251, 0, 2};
    std::uint32_t be = htonl(src);
    std::memcpy(ip + 12, &be, 4);
    f.insert(f.end(), ip, ip + 20);
    unsigned char tcp[20] = {0x9c, 0x40, 0x1b, 0x9e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    f.insert(f.end(), tcp, tcp + 20);
    f.resize(60, 0);
    return {f};
}

std::string dotted(std::uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 255) + "." + std::to_string(a >> 8 & 255) + "." +
           std::to_string(a & 255);
}

// Blocklist host k: 10.100.0.1 on.
std::uint32_t host(unsigned k) { return (10u << 24 | 100u << 16) + 1 + k; }

struct Candidate {
    std::string name;
    std::function<bool()> attach;
    std::function<void()> detach;
    std::uint32_t src;  // the frame's source address
    std::vector<double> rates;
};

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    int rounds = 3;
    unsigned frames = 4000000;
    bool full = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--rounds" && i + 1 < argc) rounds = std::atoi(argv[++i]);
        else if (a == "--frames" && i + 1 < argc) frames = unsigned(std::atol(argv[++i]));
        else if (a == "--full") full = true;
        else {
            std::cerr << "usage: xdp_drop_bench [--rounds R] [--frames N] [--full]\n";
            return 2;
        }
    }
    if (geteuid() != 0) {
        std::cerr << "xdp_drop_bench: needs root (namespaces, veth, XDP programs)\n";
        return 1;
    }
    fxdp_quiet_libbpf();
    const std::string tag = std::to_string(getpid());
    fcap::tools::Netns a("xdpbench" + tag + "a"), b("xdpbench" + tag + "b");
    const std::string if_a = "xb" + tag + "a", if_b = "xb" + tag + "b";
    const std::string pins = "/sys/fs/bpf/fxdp-bench-" + tag;
    const unsigned char mac_b[6] = {2, 0xfb, 0, 0, 0, 2};
    for (const auto& step : std::vector<std::vector<std::string>>{
             {"ip", "-n", a.name(), "link", "add", if_a, "type", "veth", "peer", "name", if_b, "address",
              "02:fb:00:00:00:02", "netns", b.name()},
             {"ip", "-n", a.name(), "link", "set", if_a, "up"},
             {"ip", "-n", b.name(), "link", "set", if_b, "up"}}) {
        std::string out;
        if (run_command(step, &out) != 0) {
            std::cerr << "xdp_drop_bench: " << step[4] << ": " << out;
            return 1;
        }
    }
    // Blocklist expressions, in files (10,000 hosts exceed one argument's 128 KiB).
    std::vector<unsigned> sizes = {10, 1000, 10000};
    for (unsigned n : sizes) {
        std::ofstream f("/tmp/xdp_drop_bench-" + tag + "-" + std::to_string(n));
        for (unsigned k = 0; k < n; ++k) f << (k ? " or " : "") << "src host " << dotted(host(k));
    }

    int cpu = 0;
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &allowed)) cpu = c;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    sched_setaffinity(0, sizeof one, &one);
    const std::string ksoftirqd = ksoftirqd_schedstat(cpu);

    // The ethtool socket and the baseline's link live in b; the sender in a.
    if (!enter(b.name())) return 1;
    int ethtool_socket = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int ifindex_b = int(if_nametoindex(if_b.c_str()));
    VethCounters counters(ethtool_socket, if_b);
    if (!enter(a.name())) return 1;
    int ifindex_a = int(if_nametoindex(if_a.c_str()));
    int tx = load_constant(3), drop = load_constant(1);
    if (!counters.ok() || tx < 0 || drop < 0 || ifindex_a == 0) {
        std::cerr << "xdp_drop_bench: no veth XDP counters, or the programs did not load\n";
        return 1;
    }

    auto in_b = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(), {"nsenter", "--net=/run/netns/" + b.name()});
        std::string out;
        int status = run_command(argv, &out);
        if (status != 0) std::cerr << "xdp_drop_bench: " << argv[2] << " " << argv[3] << ": " << out;
        return status == 0;
    };
    int link = -1;
    std::vector<Candidate> candidates;
    candidates.push_back({"XDP_DROP (2 instructions)",
                          [&] {
                              enter(b.name());
                              link = fxdp_link_create(drop, ifindex_b, FXDP_MODE_NATIVE);
                              enter(a.name());
                              return link >= 0;
                          },
                          [&] { close(link); }, 10u << 24 | 251u << 16 | 1, {}});
    auto fxdp = [&](const std::string& name, std::vector<std::string> expression, std::uint32_t src) {
        std::vector<std::string> argv = {fxdp_bin, "attach", "--pin-dir", pins, "-i", if_b};
        argv.insert(argv.end(), expression.begin(), expression.end());
        candidates.push_back({name, [=] { return in_b(argv); },
                              [=] { in_b({fxdp_bin, "detach", "--pin-dir", pins, "-i", if_b}); }, src, {}});
    };
    auto xdp_filter = [&](const std::string& name, std::vector<std::vector<std::string>> rules, std::uint32_t src) {
        candidates.push_back({name,
                              [=] {
                                  if (!in_b({"xdp-filter", "load", "-m", "native", if_b})) return false;
                                  for (const auto& r : rules)
                                      if (!in_b(r)) return false;
                                  return true;
                              },
                              [=] { in_b({"xdp-filter", "unload", if_b}); }, src, {}});
    };
    const std::uint32_t plain_src = 10u << 24 | 251u << 16 | 1;
    fxdp("fxdp 'tcp and dst port 7070'", {"--", "tcp and dst port 7070"}, plain_src);
    bool have_xdp_filter = run_command({"xdp-filter", "help"}) >= 0;
    if (have_xdp_filter) xdp_filter("xdp-filter port 7070", {{"xdp-filter", "port", "7070"}}, plain_src);
    for (unsigned n : sizes) {
        // The frame's source is the list's last host: the longest way through a chain of tests.
        fxdp("fxdp blocklist of " + std::to_string(n) + " hosts",
             {"-F", "/tmp/xdp_drop_bench-" + tag + "-" + std::to_string(n)}, host(n - 1));
        if (have_xdp_filter && (n == 10 || full)) {
            std::vector<std::vector<std::string>> rules;
            for (unsigned k = 0; k < n; ++k) rules.push_back({"xdp-filter", "ip", dotted(host(k)), "-m", "src"});
            xdp_filter("xdp-filter blocklist of " + std::to_string(n) + " hosts", rules, host(n - 1));
        }
    }

    for (int round = 0; round < rounds; ++round) {
        for (auto& c : candidates) {
            if (!c.attach()) {
                c.detach();
                continue;
            }
            Frame frame = tcp_frame(mac_b, c.src);
            fxdp_send_live(tx, ifindex_a, frame.bytes.data(), unsigned(frame.bytes.size()), 100000);  // warm up
            std::uint64_t d0 = counters.dropped(), k0 = read_schedstat(ksoftirqd), c0 = thread_cpu_ns();
            int r = fxdp_send_live(tx, ifindex_a, frame.bytes.data(), unsigned(frame.bytes.size()), frames);
            std::uint64_t c1 = thread_cpu_ns(), k1 = read_schedstat(ksoftirqd);
            usleep(20000);
            std::uint64_t d1 = counters.dropped();
            c.detach();
            if (r < 0) {
                std::cerr << "xdp_drop_bench: sending failed: " << std::strerror(-r) << "\n";
                return 1;
            }
            if (d1 - d0 < frames * 99ull / 100)
                std::cerr << "xdp_drop_bench: " << c.name << " dropped only " << d1 - d0 << " of " << frames << "\n";
            double seconds = double(c1 - c0 + (k1 - k0)) / 1e9;
            c.rates.push_back(double(d1 - d0) / seconds / 1e6);
        }
    }
    enter(b.name());
    close(ethtool_socket);
    for (unsigned n : sizes) ::unlink(("/tmp/xdp_drop_bench-" + tag + "-" + std::to_string(n)).c_str());
    ::rmdir(pins.c_str());

    double base = median(candidates[0].rates);
    std::printf("one core (CPU %d), 60-byte frames, %u a measurement, median of %d rounds; Mpps by CPU time\n", cpu,
                frames, rounds);
    for (const auto& c : candidates) {
        double m = median(c.rates);
        std::printf("%-38s %7.2f Mpps  %6.1f ns/frame  ratio %.3f\n", c.name.c_str(), m, m > 0 ? 1e3 / m : 0,
                    base > 0 ? m / base : 0);
    }
    return 0;
}
