#include "kernel/replay.hpp"

#include "backend/ebpf/lower.hpp"
#include "io/capture_file.hpp"

#include "reference/libpcap.hpp"
#include <pcap/pcap.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <algorithm>
#include <cstring>
#include <ostream>
#include <thread>

namespace fcap::ebpf {

namespace {

using Clock = std::chrono::steady_clock;

// Why the kernel's test runner would not take this packet.
std::string refusal(Target target, const std::uint8_t* data, std::uint32_t caplen, int error) {
    std::uint16_t type = caplen >= 14 ? std::uint16_t(data[12] << 8 | data[13]) : 0;
    std::string size = std::to_string(caplen) + " bytes";
    if (caplen < 14) return "shorter than an Ethernet header (" + size + ")";
    if (target == Target::socket && type == 0x0800 && caplen < 34)
        return "the skb test runner wants an IPv4 frame of 34 bytes or more (" + size + ")";
    if (target == Target::socket && type == 0x86dd && caplen < 54)
        return "the skb test runner wants an IPv6 frame of 54 bytes or more (" + size + ")";
    if (target == Target::xdp && caplen > xdp_linear_limit())
        return "longer than XDP's linear buffer in the test runner (" + size + ", limit " +
               std::to_string(xdp_linear_limit()) + ")";
    if (caplen > 3000) return "larger than the test runner takes in a page (" + size + ")";
    return std::string(std::strerror(error)) + " (" + size + ")";
}

class Progress {
public:
    Progress(std::ostream& err, bool on) : err_(err), on_(on), tty_(isatty(STDERR_FILENO)), start_(Clock::now()) {}
    void tick(std::size_t packets) {
        if (!on_ || (packets & 0xffff) != 0) return;
        double t = std::chrono::duration<double>(Clock::now() - start_).count();
        if (t < next_) return;
        next_ = t + (tty_ ? 0.5 : 10);
        err_ << (tty_ ? "\r" : "") << "fcc: " << packets << " packets replayed (" << long(double(packets) / t)
             << " a second)" << (tty_ ? "" : "\n") << std::flush;
        shown_ = true;
    }
    double done() {
        if (shown_ && tty_) err_ << "\n";
        return std::chrono::duration<double>(Clock::now() - start_).count();
    }

private:
    std::ostream& err_;
    bool on_, tty_, shown_ = false;
    Clock::time_point start_;
    double next_ = 1.0;
};



// Packets read ahead, so that the kernel runs (one system call each) can
// be shared between threads; the verdicts are then reported in order.
struct Batch {
    std::vector<pcap_pkthdr> headers;
    std::vector<std::size_t> offsets;
    std::vector<std::uint8_t> bytes;
    std::vector<std::int64_t> results;  // the program's return value, or -errno
    void clear() {
        headers.clear();
        offsets.clear();
        bytes.clear();
    }
};

constexpr std::size_t batch_packets = 16384;

void run_batch(const LoadedProgram& program, Batch& b) {
    b.results.assign(b.headers.size(), 0);
    auto work = [&](std::size_t from, std::size_t step) {
        for (std::size_t i = from; i < b.headers.size(); i += step) {
            auto r = test_run(program, b.bytes.data() + b.offsets[i], b.headers[i].caplen);
            b.results[i] = r ? std::int64_t(*r) : -std::int64_t(errno);
        }
    };
    unsigned threads = std::min(2u, std::max(1u, std::thread::hardware_concurrency()));
    if (threads < 2 || b.headers.size() < 256) {
        work(0, 1);
        return;
    }
    std::thread other(work, 1, 2);
    work(0, 2);
    other.join();
}

}  // namespace

bool replay(const LoadedProgram& program, Target target, const std::string& path,
            const std::vector<cbpf::Insn>* reference, const ReplayOptions& options, std::ostream& out,
            std::ostream& err, ReplayReport& report) {
    auto file = CaptureFile::open(path, err);
    if (!file) return false;
    report.link_type = file->link_type();
    std::uint32_t match_action = std::uint32_t(options.invert ? xdp_pass : xdp_drop);
    const auto* ref = reference;
    Progress progress(err, options.progress);
    Batch batch;
    auto report_batch = [&]() {
        run_batch(program, batch);
        for (std::size_t i = 0; i < batch.headers.size(); ++i) {
            const pcap_pkthdr& h = batch.headers[i];
            const std::uint8_t* bytes = batch.bytes.data() + batch.offsets[i];
            std::size_t n = ++report.packets;
            progress.tick(n);
            bool theirs = ref && fcap::reference::run(*ref, bytes, h.caplen, h.len) != 0;
            std::int64_t r = batch.results[i];
            if (r < 0) {
                ++report.not_run;
                out << n << ": not run: " << refusal(target, bytes, h.caplen, int(-r));
                if (ref) out << "; libpcap says " << (theirs ? "match" : "no match");
                out << "\n";
                continue;
            }
            ++report.run;
            bool ours = target == Target::xdp ? std::uint32_t(r) == match_action : r != 0;
            report.matched += ours;
            bool differs = ref && ours != theirs;
            if (!differs && !options.verbose) continue;
            out << n << ": " << (ours ? "match" : "no match");
            if (target == Target::socket && ours) out << " (returns " << r << ")";
            if (differs) {
                ++report.differ;
                out << "  DIFFERS: libpcap says " << (theirs ? "match" : "no match");
                if (h.caplen < h.len) {
                    ++report.truncated_len;
                    out << " (a truncated packet: the kernel sees its " << h.caplen
                        << " captured bytes as the whole " << h.len << "-byte packet)";
                }
            }
            out << "\n";
        }
        batch.clear();
    };
    file->for_each([&](const pcap_pkthdr& h, const std::uint8_t* bytes) {
        batch.headers.push_back(h);
        batch.offsets.push_back(batch.bytes.size());
        batch.bytes.insert(batch.bytes.end(), bytes, bytes + h.caplen);
        if (batch.headers.size() == batch_packets) report_batch();
    }, err);
    report_batch();
    report.seconds = progress.done();
    report.counters = read_counters(program);
    return true;
}

}  // namespace fcap::ebpf
