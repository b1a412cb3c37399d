// fxdp: tcpdump expressions as XDP filters that outlive the process.  The
// options are a table; the work is in commands (attach.cpp, report.cpp).
#include "xdp/commands.hpp"

#include "kernel/xdp_link.h"

#include <CLI/CLI.hpp>

#include <iostream>

namespace {

const char* examples = R"(examples:
  fxdp attach -i eth0 -- 'tcp and dst port 7070'     drop it on eth0, native mode
  fxdp attach -i eth0 --keep -- 'tcp port 22 or arp' drop everything else
  fxdp check -- 'src host 192.0.2.1 or src net 198.51.100.0/24'
  fxdp status                                        every interface's XDP program
  fxdp stats -i eth0 --interval 2                    live rates; Ctrl-C prints the total
  fxdp stats --prometheus > /var/lib/node_exporter/fxdp.prom
  fxdp replace -i eth0 -- 'tcp and (dst port 7070 or dst port 7071)'  atomic swap
  fxdp detach -i eth0
)";

void add_filter_options(CLI::App* sub, fcap::fxdp::FilterCommand& c, bool attaching) {
    sub->add_option("-i,--interface", c.interface, "the interface")->required(attaching);
    sub->add_option("-F", c.file, "read the expression from FILE (as tcpdump -F)");
    sub->add_flag("--keep", c.keep, "drop everything that does not match (default: drop what matches)");
    sub->add_option("--pin-dir", c.pin_root, "where filters are pinned (default /sys/fs/bpf/fxdp)");
    sub->add_option("expression", c.words, "a pcap-filter(7) expression; words are joined as tcpdump does");
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fcap::fxdp;
    CLI::App app{"fxdp: tcpdump / pcap-filter(7) expressions as XDP filters on network interfaces"};
    app.footer(examples);
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("fxdp ") + FCAP_VERSION);

    FilterCommand attach_c, replace_c, check_c;
    auto* attach_s = app.add_subcommand("attach", "compile, load and attach a filter; it stays after fxdp exits");
    add_filter_options(attach_s, attach_c, true);
    attach_s->add_option("--mode", attach_c.mode, "native (the driver's XDP, default) or skb (generic)")
        ->check(CLI::IsMember({"native", "skb", "drv", "generic"}));
    attach_s->add_flag("--force", attach_c.force, "replace another program's XDP attachment");
    attach_s->add_flag("--dry-run", attach_c.dry_run, "compile and load through the verifier; attach nothing");

    auto* replace_s = app.add_subcommand("replace", "swap the filter on an interface atomically (bpf_link update)");
    add_filter_options(replace_s, replace_c, true);
    replace_s->add_flag("--reset-counters", replace_c.reset_counters,
                        "start the counters again at zero (default: they carry over)");

    auto* check_s = app.add_subcommand("check", "compile and load through the verifier; print its figures");
    add_filter_options(check_s, check_c, false);

    DetachCommand detach_c;
    auto* detach_s = app.add_subcommand("detach", "remove a filter: its link, pins and metadata, nothing else");
    detach_s->add_option("-i,--interface", detach_c.interface, "the interface");
    detach_s->add_flag("--all", detach_c.all, "every fxdp filter (and stale pins)");
    detach_s->add_option("--pin-dir", detach_c.pin_root, "where filters are pinned");

    StatusCommand status_c;
    auto* status_s = app.add_subcommand("status", "every interface's XDP program: fxdp's and anyone else's");
    status_s->add_option("-i,--interface", status_c.interface, "only this interface");
    status_s->add_flag("--json", status_c.json, "as JSON");
    status_s->add_option("--pin-dir", status_c.pin_root, "where filters are pinned");

    StatsCommand stats_c;
    auto* stats_s = app.add_subcommand("stats", "live rates from the filter's per-CPU counters");
    stats_s->add_option("-i,--interface", stats_c.interface, "the interface");
    stats_s->add_option("--interval", stats_c.interval, "seconds between lines (default 1)");
    stats_s->add_option("--count", stats_c.count, "stop after N lines (default: at Ctrl-C)");
    stats_s->add_flag("--per-cpu", stats_c.per_cpu, "a line per CPU as well");
    stats_s->add_flag("--json", stats_c.json, "a JSON object per line");
    stats_s->add_flag("--prometheus", stats_c.prometheus, "the totals once, in node_exporter's textfile format");
    stats_s->add_option("--pin-dir", stats_c.pin_root, "where filters are pinned");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    fxdp_quiet_libbpf();
    if (*attach_s) return attach(attach_c);
    if (*replace_s) return replace(replace_c);
    if (*check_s) return check(check_c);
    if (*detach_s) return detach(detach_c);
    if (*status_s) return status(status_c);
    return stats(stats_c);
}
