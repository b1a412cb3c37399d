// fcap: capture packets, filtered in the kernel by fcap's own compiler.
// The options are a table, named as tcpdump names them; the work lives in
// the library (capture/session.hpp).
#include "capture/kernel_filter.hpp"
#include "capture/options.hpp"
#include "capture/session.hpp"
#include "fcap/compiler.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <iostream>

namespace {

const char* examples = R"(examples:
  fcap -i eth0 'tcp and dst port 7070'         print matching packets
  fcap -i eth0 -w out.pcap -- vlan 10 and ip   write them (tag included) for tcpdump/tshark
  fcap -i any -nn -e udp                       every interface, cooked headers shown
  fcap -r out.pcap -X 'icmp or icmp6'          read a file, print bytes and text
  fcap -i eth0 -w ring.pcap -C 100 -W 10 -Z nobody
                                               a ring of ten 100 MB files, written as nobody
  fcap -i eth0 -w 'cap-%H%M.pcap' -G 3600 -W 24 a file an hour, for a day
  fcap -d 'tcp port 80'                        the classic BPF program (as tcpdump -d)
  fcap -i eth0 --engine ebpf --stats-every 1 udp
                                               eBPF filter with per-CPU counters, live rate
Stop with Ctrl-C (SIGINT), SIGTERM or SIGHUP: the file is complete.
)";

}  // namespace

int main(int argc, char** argv) {
    using namespace fcap::capture;
    Options o;
    CLI::App app{"fcap: capture packets, filtered in the kernel by fcap's pcap-filter compiler"};
    app.footer(examples);
    int d = 0, t = 0, n = 0, x = 0, X = 0, v = 0;
    bool no_promisc = false;
    std::uint64_t buffer_kib = o.buffer_bytes >> 10;
    std::string direction = "inout", engine = "cbpf";
    std::vector<std::string> words;
    std::string file_size, file_count, rotate_seconds, precision;
    app.add_option("-i,--interface", o.interface, "interface: a name, an index (see -D), or any");
    app.add_option("-y,--linktype", o.link_type, "for -i any: LINUX_SLL2 (default, as tcpdump) or LINUX_SLL");
    app.add_flag("-D,--list-interfaces", o.list_interfaces, "list the interfaces and exit");
    app.add_flag("-L,--list-data-link-types", o.list_link_types, "list the interface's link types (for -y) and exit");
    app.add_option("-c", o.count, "stop after N packets");
    app.add_option("-s,--snapshot-length", o.snaplen, "bytes kept of each packet (0: 262144)");
    app.add_flag("-p,--no-promiscuous-mode", no_promisc, "do not put the interface in promiscuous mode");
    app.add_option("-Q,--direction", direction, "in, out or inout (default)")->check(CLI::IsMember({"in", "out", "inout"}));
    app.add_option("-B,--buffer-size", buffer_kib, "kernel ring size in KiB (default 4096)");
    app.add_option("-w", o.write_file, "write packets to a pcap file (- for standard output)");
    app.add_option("-C", file_size, "with -w: a new file once one passes SIZE million bytes (FILE, FILE1, ...)")
        ->type_name("SIZE");
    app.add_option("-W", file_count, "with -C: a ring of N files; with -G: stop after N files")
        ->type_name("N");
    app.add_option("-G", rotate_seconds, "with -w: a new file every SECONDS, FILE a strftime(3) pattern")
        ->type_name("SECONDS");
    app.add_flag("--print", o.print_too, "with -w: print the packets too");
    app.add_flag("-U,--packet-buffered", o.packet_buffered, "flush the output after every packet");
    app.add_option("-r", o.read_file, "read packets from a pcap or pcapng file");
    app.add_flag("-l", o.line_buffered, "line-buffered standard output");
    app.add_flag("-#,--number", o.number, "print each packet's number first");
    app.add_flag("--count", o.count_only, "with -r: print only how many packets match");
    std::string filter_file;
    app.add_option("-F", filter_file, "read the expression from FILE ('#' starts a comment); words after the options are ignored");
    app.add_flag("-d", d, "print the program (-d, -dd, -ddd as tcpdump; with -v: the program the socket gets)");
    app.add_flag("-n", n, "no port names (host names are never looked up)");
    app.add_flag("-N", o.no_domain, "no domain names in host names (no effect: fcap prints addresses)");
    app.add_flag("-e", o.link_header, "print the link-level header");
    app.add_flag("-x", x, "print the bytes in hex (-xx: with the link header)");
    app.add_flag("-X", X, "print the bytes in hex and text (-XX: with the link header)");
    app.add_flag("-A", o.ascii, "print the bytes as text");
    app.add_flag("-q", o.quiet, "less protocol detail");
    app.add_flag("-S", o.absolute_tcp, "TCP sequence numbers as they are (default: relative, as tcpdump)");
    app.add_flag("-t", t, "-t no time, -tt epoch seconds, -ttt since the previous packet, -tttt date, -ttttt since the first");
    app.add_flag("-v", v, "more detail (IP header fields)");
    app.add_option("--time-stamp-precision", precision, "micro (default) or nano: time stamps printed, read and written")
        ->type_name("micro|nano");
    app.add_flag_callback("--micro", [&] { o.nano = false; }, "--time-stamp-precision micro");
    app.add_flag_callback("--nano", [&] { o.nano = true; }, "--time-stamp-precision nano");
    app.add_flag("--immediate-mode", o.immediate, "hand each packet over at once (1 ms, not 10 ms, in the kernel)");
    app.add_option("-Z,--relinquish-privileges", o.user, "once capturing, become USER with no capabilities (default: stay)")
        ->type_name("USER");
    app.add_flag("-K,--dont-verify-checksums", o.dont_verify_checksums, "with -v: no IPv4, TCP or UDP checksum verdicts");
    app.add_option("--engine", engine, "kernel filter: cbpf (SO_ATTACH_FILTER, default) or ebpf (SO_ATTACH_BPF with counters)")
        ->check(CLI::IsMember({"cbpf", "ebpf"}));
    app.add_option("--stats-every", o.stats_every, "print the capture rate on standard error every SECONDS")
        ->check(CLI::NonNegativeNumber);
    app.add_option("expression", words, "pcap-filter(7) expression (words are joined)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    std::string bad;
    if ((!file_size.empty() && !parse_file_size(file_size, &o.rotate_bytes, &bad)) ||
        (!file_count.empty() && !parse_file_count(file_count, &o.file_count, &bad)) ||
        (!rotate_seconds.empty() && !parse_rotate_seconds(rotate_seconds, &o.rotate_seconds, &bad)) ||
        (!precision.empty() && !parse_time_stamp_precision(precision, &o.nano, &bad))) {
        std::cerr << "fcap: error: " << bad << "\n";
        return 1;
    }
    if (o.write_file == "-" && (o.rotate_bytes > 0 || o.rotate_seconds > 0)) {
        std::cerr << "fcap: error: -C and -G rotate files: -w needs a file name, not standard output\n";
        return 1;
    }
    if (d > 3) d = 3;
    o.dump_level = d;
    o.numeric = n;
    o.hex = x;
    o.hex_ascii = X;
    o.verbose = v;
    o.promiscuous = !no_promisc;
    o.time = t == 0 ? TimeFormat::time_of_day : t == 1 ? TimeFormat::none : t == 2 ? TimeFormat::epoch
           : t == 3 ? TimeFormat::delta : t == 4 ? TimeFormat::date : TimeFormat::since_first;
    o.direction = direction == "in" ? Direction::in : direction == "out" ? Direction::out : Direction::inout;
    o.engine = engine == "ebpf" ? Engine::ebpf : Engine::cbpf;
    o.buffer_bytes = buffer_kib << 10;
    if (o.snaplen == 0) o.snaplen = 262144;
    o.expression = fcap::join_words(words);
    if (!filter_file.empty()) {
        std::ifstream in(filter_file);
        if (!in) {
            std::cerr << "fcap: error: cannot read " << filter_file << "\n";
            return 1;
        }
        std::ostringstream text;
        text << in.rdbuf();
        if (!words.empty()) std::cerr << "fcap: warning: -F given: the expression on the command line is ignored\n";
        o.expression = fcap::expression_from_file_text(text.str());
    }
    return run(o);
}
