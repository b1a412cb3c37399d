// Capture under a flood: many small UDP datagrams across a veth pair between
// two namespaces this program creates and removes, one in `--keep` of them
// to the port the filter selects.  fcap and tcpdump capture in turn with the
// same filter and write a file; for each the bench prints the packets the
// file holds, the rate delivered to it, and what the kernel says it
// dropped, then the ratio fcap/tcpdump, all from one run.
//
//   build/bin/fcap_capture_bench [--seconds S] [--keep N] [--engine cbpf|ebpf] [--runs R]
//
// Needs root (namespaces, raw sockets).  The traffic stays inside the pair.
#include "support/netns/netns.hpp"
#include "support/netns/process.hpp"
#include "support/pcap_file.hpp"
#include "support/text.hpp"

#include <CLI/CLI.hpp>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace fcap;
using Clock = std::chrono::steady_clock;

constexpr std::uint16_t wanted_port = 7070, other_port = 9;

// Sends for `seconds`, from inside the left namespace, with sendmmsg in
// batches of 64; every `keep`-th datagram goes to the wanted port.
// Returns the datagrams sent to the wanted port (exit status cannot carry
// it, so it is written to `count_path`).
int flood(const tools::VethLab& lab, double seconds, unsigned keep, const std::string& count_path) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return 1;
    sockaddr_in to[2]{};
    for (int i = 0; i < 2; ++i) {
        to[i].sin_family = AF_INET;
        to[i].sin_port = htons(i == 0 ? wanted_port : other_port);
        inet_pton(AF_INET, lab.right_ip4.c_str(), &to[i].sin_addr);
    }
    constexpr unsigned batch = 64;
    char payload[18] = "fcap flood bench";
    iovec iov[batch];
    mmsghdr msgs[batch]{};
    std::uint64_t sent = 0, wanted = 0;
    auto end = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < end) {
        for (unsigned i = 0; i < batch; ++i) {
            bool is_wanted = (sent + i) % keep == 0;
            iov[i] = {payload, sizeof payload};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &to[is_wanted ? 0 : 1];
            msgs[i].msg_hdr.msg_namelen = sizeof to[0];
        }
        int n = sendmmsg(fd, msgs, batch, 0);
        if (n <= 0) continue;
        for (int i = 0; i < n; ++i) wanted += (sent + unsigned(i)) % keep == 0;
        sent += unsigned(n);
    }
    close(fd);
    if (FILE* f = std::fopen(count_path.c_str(), "w")) {
        std::fprintf(f, "%llu %llu\n", static_cast<unsigned long long>(sent), static_cast<unsigned long long>(wanted));
        std::fclose(f);
    }
    return 0;
}

struct Outcome {
    std::string tool;
    std::uint64_t sent = 0, wanted = 0, in_file = 0, dropped = 0;
    double seconds = 0;
    bool ok = false;
    std::string problem;
};

std::uint64_t number_before(const std::string& text, const std::string& words) {
    return test::number_before(text, words).value_or(0);
}

Outcome measure(const std::string& tool, const std::vector<std::string>& command, const tools::VethLab& lab,
                double seconds, unsigned keep, const fs::path& dir) {
    Outcome o;
    o.tool = tool;
    fs::path file = dir / (tool + ".pcap"), log = dir / (tool + ".log"), count = dir / "count.txt";
    std::vector<std::string> argv = lab.right.exec(command);
    argv.push_back("-w");
    argv.push_back(file.string());
    argv.push_back("udp and dst port " + std::to_string(wanted_port));
    tools::Child capture = tools::Child::spawn(argv, "", log.string());
    if (!tools::wait_for_text(log.string(), "listening on", 10000)) {
        o.problem = "did not start: " + tools::read_text(log.string());
        return o;
    }
    auto start = Clock::now();
    lab.left.run([&] { return flood(lab, seconds, keep, count.string()); });
    o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the ring drain
    capture.signal(SIGINT);
    if (capture.wait(20000) != 0) {
        o.problem = "did not stop cleanly: " + tools::read_text(log.string());
        return o;
    }
    std::string text = tools::read_text(log.string());
    std::sscanf(tools::read_text(count.string()).c_str(), "%lu %lu", &o.sent, &o.wanted);
    auto written = test::read_capture(file.string());
    if (!written) {
        o.problem = "the file is not readable";
        return o;
    }
    o.in_file = written->packets.size();
    o.dropped = number_before(text, "packets? dropped by kernel");
    o.ok = true;
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"fcap capture under a UDP flood, against tcpdump with the same filter"};
    double seconds = 3;
    unsigned keep = 10, runs = 1;
    std::string engine = "cbpf";
    app.add_option("--seconds", seconds, "flood length per tool");
    app.add_option("--keep", keep, "one datagram in N goes to the filtered port")->check(CLI::PositiveNumber);
    app.add_option("--engine", engine, "fcap's engine")->check(CLI::IsMember({"cbpf", "ebpf"}));
    app.add_option("--runs", runs, "alternating runs of each tool")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    std::string why;
    if (!tools::can_make_netns(&why)) {
        std::cerr << "fcap_capture_bench: skipped: " << why << "\n";
        return 77;
    }
    if (tools::run_command({"tcpdump", "--version"}) != 0) {
        std::cerr << "fcap_capture_bench: tcpdump is not installed\n";
        return 77;
    }
    tools::VethLab lab("flood");
    if (!lab.ok()) {
        std::cerr << "fcap_capture_bench: " << lab.error << "\n";
        return 1;
    }
    char tmpl[] = "/tmp/fcap-flood-XXXXXX";
    fs::path dir = mkdtemp(tmpl);
    const std::string fcap = std::string(FCAP_BIN_DIR) + "/fcap";
    std::vector<Outcome> fcap_runs, tcpdump_runs;
    for (unsigned r = 0; r < runs; ++r) {
        fcap_runs.push_back(measure("fcap", {fcap, "-i", lab.right_if, "-n", "--engine", engine}, lab, seconds, keep, dir));
        tcpdump_runs.push_back(measure("tcpdump", {"tcpdump", "-i", lab.right_if, "-n"}, lab, seconds, keep, dir));
    }
    std::error_code ec;
    fs::remove_all(dir, ec);

    std::printf("flood: %.1f s per tool, 1 datagram in %u to udp port %u, fcap engine %s\n", seconds, keep,
                wanted_port, engine.c_str());
    std::printf("%-8s %12s %12s %12s %9s %14s %12s\n", "tool", "sent", "selected", "in file", "share", "in file/s",
                "dropped");
    double fcap_rate = 0, tcpdump_rate = 0, fcap_share = 0, tcpdump_share = 0;
    std::uint64_t fcap_drops = 0, tcpdump_drops = 0;
    bool all_ok = true;
    for (const auto* set : {&fcap_runs, &tcpdump_runs}) {
        for (const auto& o : *set) {
            if (!o.ok) {
                std::printf("%-8s failed: %s\n", o.tool.c_str(), o.problem.c_str());
                all_ok = false;
                continue;
            }
            double rate = double(o.in_file) / o.seconds;
            double share = o.wanted ? double(o.in_file) / double(o.wanted) : 0;
            std::printf("%-8s %12lu %12lu %12lu %8.1f%% %14.0f %12lu\n", o.tool.c_str(), o.sent, o.wanted, o.in_file,
                        100 * share, rate, o.dropped);
            (o.tool == "fcap" ? fcap_share : tcpdump_share) += share;
            (o.tool == "fcap" ? fcap_rate : tcpdump_rate) += rate;
            (o.tool == "fcap" ? fcap_drops : tcpdump_drops) += o.dropped;
        }
    }
    if (!all_ok) return 1;
    std::printf("ratio fcap/tcpdump: rate delivered to the file %.2f, share of the selected packets %.3f; "
                "kernel drops: fcap %lu, tcpdump %lu\n",
                tcpdump_rate > 0 ? fcap_rate / tcpdump_rate : 0.0, tcpdump_share > 0 ? fcap_share / tcpdump_share : 0.0,
                fcap_drops, tcpdump_drops);
    return 0;
}
