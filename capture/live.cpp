// A live capture: socket, filter, ring, output, statistics, and a clean
// stop on SIGINT, SIGTERM or SIGHUP.
#include "reference/libpcap.hpp"
#include "capture/interfaces.hpp"
#include "capture/kernel_filter.hpp"
#include "capture/output.hpp"
#include "capture/packet_socket.hpp"
#include "capture/privileges.hpp"
#include "capture/report.hpp"
#include "capture/session.hpp"
#include "capture/signals.hpp"

#include <net/if.h>

#include <chrono>
#include <iostream>

namespace fcap::capture::detail {

namespace {

using Clock = std::chrono::steady_clock;

// How long the kernel keeps a partly filled block before handing it over
// (TPACKET_V3 wakes the reader per block, not per packet).  tcpdump's
// default is 100 ms to 1 s; --immediate-mode asks for each packet at once,
// for which libpcap falls back to TPACKET_V2: here the block timeout drops
// to the kernel's least, 1 ms.
constexpr unsigned default_block_timeout_ms = 10;
constexpr unsigned immediate_block_timeout_ms = 1;

int fail(const std::string& message, const std::string& hint = "") {
    std::cerr << "fcap: error: " << message << "\n";
    if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
    return 1;
}

std::optional<EbpfCounts> ebpf_counts(const KernelFilter& filter) {
    if (filter.ebpf) {
        if (auto c = ebpf::read_counters(*filter.ebpf))
            return EbpfCounts{c->packets, c->bytes, c->matched_packets, c->matched_bytes};
    }
    return std::nullopt;
}

}  // namespace

int run_live(const Options& options) {
    const unsigned block_timeout_ms = options.immediate ? immediate_block_timeout_ms : default_block_timeout_ms;
    // Installed first: a signal during set-up also ends things cleanly.
    StopSignals signals;
    std::string error;
    auto iface = options.interface.empty() ? default_interface(&error) : find_interface(options.interface, &error);
    if (!iface) return fail(error);
    if (!choose_link_type(*iface, options.link_type, &error)) return fail(error);

    FilterRequest request;
    request.expression = options.expression;
    request.dlt = iface->dlt;
    request.cooked = iface->cooked;
    request.direction = options.direction;
    request.loopback = (iface->flags & IFF_LOOPBACK) != 0;
    if (iface->index == 0) request.loopback_index = int(if_nametoindex("lo"));
    request.snaplen = options.snaplen;
    request.engine = options.engine;
    diag::Sink sink;
    bool privilege = false;
    auto filter = build_filter(request, sink, &error, &privilege);
    sink.print(std::cerr, "fcap", options.expression);
    if (!filter) {
        if (privilege) return fail(error, "run as root, or grant the capability: setcap cap_bpf,cap_net_raw=eip fcap");
        return error.empty() ? 1 : fail(error);
    }

    SocketConfig config;
    config.ifindex = iface->index;
    config.cooked = iface->cooked;
    config.promiscuous = options.promiscuous;
    config.ignore_outgoing = options.direction == Direction::in;
    config.buffer_bytes = options.buffer_bytes;
    config.snaplen = options.snaplen;
    config.block_timeout_ms = block_timeout_ms;
    OpenError kind;
    auto socket = PacketSocket::open(config, &error, &kind);
    if (!socket) {
        if (kind == OpenError::privilege)
            return fail("capturing on " + iface->name + " needs CAP_NET_RAW (" + error + ")",
                        "run as root, or grant the capability: setcap cap_net_raw=eip fcap");
        if (kind == OpenError::no_device) return fail(iface->name + ": " + error);
        return fail(iface->name + ": " + error);
    }

    bool attached = filter->engine == Engine::cbpf ? socket->attach_cbpf(filter->socket_program, &error)
                                                   : socket->attach_ebpf(filter->ebpf->fd(), &error);
    if (!attached) return fail(error);

    // -Z: everything that needs a privilege is done; as tcpdump, the
    // output file is created by the user fcap becomes.
    if (!options.user.empty()) {
        if (std::string e = drop_privileges(options.user); !e.empty()) return fail(e);
    }

    // The file is created only once capturing is possible: no empty file
    // is left behind by a refused socket.
    Output output;
    if (!output.open(options, iface->dlt, options.snaplen, &error)) return fail(error);
    std::cerr << "fcap: listening on " << iface->name << ", link-type " << link_type_text(iface->dlt)
              << ", snapshot length " << options.snaplen << " bytes"
              << (filter->engine == Engine::ebpf ? ", eBPF filter" : "") << "\n";

    // The filter the user-space check runs: on the packet as written.
    const auto& check = filter->file_program;
    auto on_frame = [&](Frame& f) {
        restore_link_header(f, iface->dlt, options.snaplen);
        if (filter->user_check && reference::run(check, f.data, f.caplen, f.wirelen) == 0) return true;
        return output.take(f.sec, options.nano ? f.nsec : f.nsec / 1000, f.data, f.caplen, f.wirelen);
    };

    const auto start = Clock::now();
    auto next_report = start + std::chrono::duration<double>(options.stats_every);
    CaptureCounts last_report;
    auto counts = [&] {
        auto k = socket->stats();
        return CaptureCounts{output.captured(), k.received, k.dropped};
    };
    bool stop = false;
    while (!stop) {
        if (signals.requested()) break;
        int timeout = 1000;
        if (options.stats_every > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(next_report - Clock::now()).count();
            timeout = int(std::max<long long>(0, std::min<long long>(left, 1000)));
        }
        if (!socket->wait(timeout, signals.wait_mask(), &error)) return output.finish(), fail(error);
        while (socket->drain([&](Frame& f) { return stop = !on_frame(f), !stop; }) > 0 && !stop) {
            if (signals.requested()) break;
        }
        if (options.stats_every > 0 && Clock::now() >= next_report) {
            CaptureCounts now = counts();
            double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
            std::cerr << interval_report(now, last_report, elapsed, options.stats_every);
            last_report = now;
            next_report += std::chrono::duration<double>(options.stats_every);
        }
    }
    if (!stop) {
        // Stopped by a signal: the kernel hands over the block it is
        // filling after block_timeout_ms; take those packets too, so
        // everything that arrived before the signal is in the file.
        auto deadline = Clock::now() + std::chrono::milliseconds(3 * block_timeout_ms);
        while (!stop && Clock::now() < deadline) {
            socket->wait(int(block_timeout_ms), signals.wait_mask(), &error);
            socket->drain([&](Frame& f) { return stop = !on_frame(f), !stop; });
        }
    }
    CaptureCounts final_counts = counts();
    std::string write_problem = output.finish();
    if (output.file_limit_reached()) std::cerr << "Maximum file limit reached: " << output.file_limit_reached() << "\n";
    std::cerr << final_report(final_counts, ebpf_counts(*filter));
    if (!write_problem.empty()) return fail(write_problem);
    return 0;
}

}  // namespace fcap::capture::detail
