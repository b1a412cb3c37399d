#include "capture/session.hpp"

#include "backend/cbpf/format.hpp"
#include "capture/interfaces.hpp"
#include "capture/kernel_filter.hpp"
#include "capture/output.hpp"
#include "capture/privileges.hpp"
#include "capture/report.hpp"
#include "capture/signals.hpp"

#include <net/if.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <iostream>
#include <optional>

namespace fcap::capture {

namespace {

// libpcap's message for a file it cannot open often starts with the path
// already; the path is said once.
std::string open_error(const std::string& path, const char* errbuf) {
    std::string e = errbuf;
    if (e.rfind(path + ":", 0) == 0) return e;
    return "cannot read " + path + ": " + e;
}

// Whether fcap's compiler has a link-layer description for `dlt`: the
// compile of an always-true filter says.
bool link_type_supported(int dlt) {
    FilterRequest request;
    request.expression = "";
    request.dlt = dlt;
    request.live = false;
    diag::Sink sink;
    std::string error;
    bool privilege = false;
    return build_filter(request, sink, &error, &privilege).has_value();
}

// -d, -dd, -ddd: the program for the file's link type, as tcpdump prints
// libpcap's; with -v the one the live socket gets.
int dump_program(const Options& options) {
    FilterRequest request;
    request.expression = options.expression;
    request.snaplen = options.snaplen;
    request.engine = options.engine;
    request.direction = options.direction;
    request.dlt = DLT_EN10MB;
    request.live = options.verbose > 0;
    request.load = false;
    std::string error;
    if (!options.read_file.empty()) {
        char errbuf[PCAP_ERRBUF_SIZE];
        pcap_t* p = pcap_open_offline(options.read_file.c_str(), errbuf);
        if (!p) {
            std::cerr << "fcap: error: " << open_error(options.read_file, errbuf) << "\n";
            return 1;
        }
        request.dlt = pcap_datalink(p);
        pcap_close(p);
        request.live = false;
    } else if (!options.interface.empty()) {
        auto i = find_interface(options.interface, &error);
        if (!i) {
            std::cerr << "fcap: error: " << error << "\n";
            return 1;
        }
        if (!choose_link_type(*i, options.link_type, &error)) {
            std::cerr << "fcap: error: " << error << "\n";
            return 1;
        }
        request.dlt = i->dlt;
        request.cooked = i->cooked;
        request.loopback = (i->flags & IFF_LOOPBACK) != 0;
    }
    diag::Sink sink;
    bool privilege = false;
    auto filter = build_filter(request, sink, &error, &privilege);
    sink.print(std::cerr, "fcap", options.expression);
    if (!filter) {
        if (!error.empty()) std::cerr << "fcap: error: " << error << "\n";
        return 1;
    }
    if (request.live && options.engine == Engine::ebpf) {
        std::cout << filter->ebpf_listing;
        return 0;
    }
    std::cout << cbpf::dump(request.live ? filter->socket_program : filter->file_program, options.dump_level);
    return 0;
}

// -L: tcpdump's list, on standard error as tcpdump writes it.
int list_link_types(const Options& options) {
    std::string error;
    auto i = options.interface.empty() ? default_interface(&error) : find_interface(options.interface, &error);
    if (!i) {
        std::cerr << "fcap: error: " << error << "\n";
        return 1;
    }
    // libpcap opens the interface to ask; a down one fails there.
    if (i->index != 0 && !(i->flags & IFF_UP)) {
        std::cerr << "fcap: error: " << i->name << ": That device is not up\n";
        return 1;
    }
    std::cerr << describe_link_types(*i);
    return 0;
}

}  // namespace

namespace detail {

// -r: every packet of the file that the expression selects, judged by
// fcap's program run through libpcap's interpreter (pcap_offline_filter).
int run_offline(const Options& options) {
    char errbuf[PCAP_ERRBUF_SIZE];
    // libpcap scales the file's time stamps to the precision asked for
    // (a nanosecond file read at micro loses the last three digits).
    pcap_t* p = pcap_open_offline_with_tstamp_precision(
        options.read_file.c_str(), options.nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO, errbuf);
    if (!p) {
        std::cerr << "fcap: error: " << open_error(options.read_file, errbuf) << "\n";
        return 1;
    }
    int dlt = pcap_datalink(p);
    FilterRequest request;
    request.expression = options.expression;
    request.dlt = dlt;
    request.live = false;
    request.snaplen = options.snaplen;
    diag::Sink sink;
    std::string error;
    bool privilege = false;
    // Any link type is read and printed; only a filter needs the compiler
    // to know the link layer.
    std::optional<KernelFilter> filter;
    if (!options.expression.empty()) {
        filter = build_filter(request, sink, &error, &privilege);
        if (!filter && !link_type_supported(dlt)) {
            std::cerr << "fcap: error: cannot compile a filter for link type " << link_type_text(dlt)
                      << ": fcap's compiler does not know its link layer (reading the file without a filter works)\n";
            pcap_close(p);
            return 1;
        }
        sink.print(std::cerr, "fcap", options.expression);
        if (!filter) {
            if (!error.empty()) std::cerr << "fcap: error: " << error << "\n";
            pcap_close(p);
            return 1;
        }
    }
    // tcpdump says which file it reads before it drops privileges or
    // creates its output, so a failure there follows this line.
    std::cerr << "reading from file " << options.read_file << ", link-type " << link_type_text(dlt)
              << ", snapshot length " << pcap_snapshot(p) << "\n";
    // -Z: tcpdump becomes the user once the file is open, before it
    // creates the one it writes.
    if (!options.user.empty()) {
        if (std::string e = drop_privileges(options.user); !e.empty()) {
            std::cerr << "fcap: error: " << e << "\n";
            pcap_close(p);
            return 1;
        }
    }
    Output output;
    if (!output.open(options, dlt, std::uint32_t(pcap_snapshot(p)), &error)) {
        std::cerr << "fcap: error: " << error << "\n";
        pcap_close(p);
        return 1;
    }
    bpf_program program{};
    if (filter)
        program = {unsigned(filter->file_program.size()), reinterpret_cast<bpf_insn*>(filter->file_program.data())};
    StopSignals signals;
    pcap_pkthdr* h;
    const u_char* data;
    int status = 0;
    bool more = true;
    unsigned long matched = 0;
    while (more && !signals.requested() && (status = pcap_next_ex(p, &h, &data)) == 1) {
        if (filter && pcap_offline_filter(&program, h, data) == 0) continue;
        ++matched;
        if (options.count_only) {
            more = options.count < 0 || std::int64_t(matched) < options.count;
            continue;
        }
        more = output.take(h->ts.tv_sec, h->ts.tv_usec, data, h->caplen, h->len);
    }
    int exit_status = 0;
    if (output.file_limit_reached()) std::cerr << "Maximum file limit reached: " << output.file_limit_reached() << "\n";
    if (status == PCAP_ERROR) {
        // tcpdump prints what it read of a damaged file, then the error,
        // and fails (its pcap_loop error, exit status 1).
        std::fflush(stdout);
        std::cerr << "fcap: error: " << options.read_file << ": " << pcap_geterr(p) << "\n";
        exit_status = 1;
    }
    // --count: tcpdump's one line, on standard output.
    if (options.count_only) std::printf("%lu packet%s\n", matched, matched == 1 ? "" : "s");
    if (std::string e = output.finish(); !e.empty()) {
        std::cerr << "fcap: error: " << e << "\n";
        exit_status = 1;
    }
    pcap_close(p);
    return exit_status;
}

}  // namespace detail

int run(const Options& options) {
    if (options.list_interfaces) {
        std::cout << describe_interfaces(list_interfaces());
        return 0;
    }
    if (options.dump_level > 0) return dump_program(options);
    if (!options.read_file.empty()) return detail::run_offline(options);
    if (options.list_link_types) return list_link_types(options);
    return detail::run_live(options);
}

}  // namespace fcap::capture
