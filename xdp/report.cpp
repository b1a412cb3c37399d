// status and stats: what the interfaces hold and what the filters count.
// Read-only: nothing here changes an interface or a pin.
#include "xdp/commands.hpp"
#include "xdp/pins.hpp"

#include "kernel/xdp_attach.hpp"

#include <net/if.h>
#include <signal.h>
#include <time.h>

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

namespace fcap::fxdp {

namespace {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char ch : s) {
        if (ch == '"' || ch == '\\') out += '\\', out += char(ch);
        else if (ch < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", ch);
            out += buf;
        } else out += char(ch);
    }
    return out + "\"";
}

// One line of status: an interface's XDP program, ours or not, or pins
// that are no working filter.
struct Entry {
    std::string interface;
    int ifindex = 0;
    std::string owner;  // "fxdp", "other", "stale"
    unsigned program_id = 0;
    std::string program_name, mode;
    FilterInfo info;
    std::optional<ebpf::Counters> counters;
    std::string problem, dir;
};

std::vector<Entry> survey(const StatusCommand& c) {
    std::vector<Entry> entries;
    std::set<std::string> pinned_seen;
    std::vector<std::pair<std::string, int>> interfaces;
    if (struct if_nameindex* list = if_nameindex()) {
        for (auto* i = list; i->if_index; ++i) interfaces.push_back({i->if_name, int(i->if_index)});
        if_freenameindex(list);
    }
    for (const auto& [name, index] : interfaces) {
        if (!c.interface.empty() && name != c.interface) continue;
        auto pinned = open_pinned(c.pin_root, name);
        for (const auto& a : xdp::attached(index)) {
            Entry e;
            e.interface = name;
            e.ifindex = index;
            e.program_id = a.program_id;
            e.mode = xdp::mode_name(a.mode);
            if (auto facts = xdp::program_facts_by_id(a.program_id)) e.program_name = facts->name;
            if (pinned && pinned->problem.empty() && pinned->link_facts && pinned->link_facts->ifindex == index &&
                pinned->link_facts->program_id == a.program_id) {
                e.owner = "fxdp";
                e.info = pinned->info;
                e.dir = pinned->dir;
                e.counters = xdp::sum(xdp::read_counters_per_cpu(pinned->counters.get()));
                pinned_seen.insert(name);
            } else {
                e.owner = "other";
            }
            entries.push_back(std::move(e));
        }
    }
    for (const auto& name : pinned_names(c.pin_root)) {
        if (pinned_seen.count(name)) continue;
        auto p = open_pinned(c.pin_root, name);
        if (!p) continue;
        if (!c.interface.empty() && name != c.interface && p->info.interface != c.interface) continue;
        Entry e;
        e.interface = p->info.interface.empty() ? name : p->info.interface;
        e.owner = "stale";
        e.info = p->info;
        e.dir = p->dir;
        e.problem = p->problem.empty() ? "its interface is not in this network namespace" : p->problem;
        if (p->link_facts) e.program_id = p->link_facts->program_id;
        entries.push_back(std::move(e));
    }
    return entries;
}

void print_json(const std::vector<Entry>& entries) {
    std::cout << "[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Entry& e = entries[i];
        std::cout << (i ? ",\n " : "\n ") << "{\"interface\":" << json_string(e.interface) << ",\"ifindex\":" << e.ifindex
                  << ",\"owner\":" << json_string(e.owner) << ",\"program_id\":" << e.program_id
                  << ",\"program_name\":" << json_string(e.program_name) << ",\"mode\":" << json_string(e.mode);
        if (e.owner != "other") {
            std::cout << ",\"expression\":" << json_string(e.info.expression)
                      << ",\"action\":" << json_string(e.info.keep ? "keep" : "drop")
                      << ",\"since\":" << json_string(e.info.since) << ",\"pins\":" << json_string(e.dir);
        }
        if (e.counters)
            std::cout << ",\"packets\":" << e.counters->packets << ",\"bytes\":" << e.counters->bytes
                      << ",\"matched_packets\":" << e.counters->matched_packets
                      << ",\"matched_bytes\":" << e.counters->matched_bytes;
        if (!e.problem.empty()) std::cout << ",\"problem\":" << json_string(e.problem);
        std::cout << "}";
    }
    std::cout << (entries.empty() ? "]\n" : "\n]\n");
}

void print_text(const std::vector<Entry>& entries) {
    for (const Entry& e : entries) {
        if (e.owner == "fxdp") {
            std::cout << e.interface << ": fxdp filter, " << (e.info.keep ? "passes only" : "drops") << " what matches: "
                      << shown(e.info.expression) << "\n    " << e.mode << " mode, since " << e.info.since << ", program id "
                      << e.program_id << ", pinned at " << e.dir << "\n";
            if (e.counters) {
                double share = e.counters->packets ? 100.0 * double(e.counters->matched_packets) / double(e.counters->packets) : 0;
                std::cout << "    " << e.counters->packets << " packets, " << e.counters->matched_packets
                          << " matched (" << std::fixed << std::setprecision(1) << share << "%)\n";
                std::cout.unsetf(std::ios::floatfield);
            }
        } else if (e.owner == "other") {
            std::cout << e.interface << ": XDP program id " << e.program_id << " \"" << e.program_name << "\" ("
                      << e.mode << " mode), not fxdp's\n";
        } else {
            std::cout << e.interface << ": stale fxdp pins at " << e.dir << ": " << e.problem << "\n    fxdp detach -i "
                      << e.interface << " removes them\n";
        }
    }
}

volatile sig_atomic_t interrupted = 0;
void on_signal(int) { interrupted = 1; }

struct Sample {
    std::vector<ebpf::Counters> per_cpu;
    double at = 0;
};

double monotonic_seconds() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::string clock_text() {
    time_t t = time(nullptr);
    tm local{};
    localtime_r(&t, &local);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &local);
    return buf;
}

struct Rates {
    double pps, bps, matched_pps, share;
};

Rates rates(const ebpf::Counters& a, const ebpf::Counters& b, double seconds) {
    double packets = double(b.packets - a.packets), matched = double(b.matched_packets - a.matched_packets);
    double s = seconds > 0 ? seconds : 1;
    return {packets / s, double(b.bytes - a.bytes) * 8 / s, matched / s, packets > 0 ? matched / packets : 0};
}

void print_rates(const std::string& label, const Rates& r, bool json, const std::string& iface) {
    if (json) {
        std::cout << "{\"interface\":" << json_string(iface) << ",\"at\":" << json_string(label)
                  << ",\"packets_per_second\":" << std::llround(r.pps) << ",\"bits_per_second\":" << std::llround(r.bps)
                  << ",\"matched_per_second\":" << std::llround(r.matched_pps) << ",\"matched_share\":" << r.share
                  << "}\n";
        return;
    }
    std::printf("%-10s %14.0f %16.0f %14.0f %8.1f%%\n", label.c_str(), r.pps, r.bps, r.matched_pps, 100 * r.share);
}

void prometheus(const std::vector<std::pair<Pinned, ebpf::Counters>>& filters) {
    const char* metrics[][2] = {{"packets", "Packets the fxdp filter saw"},
                                {"bytes", "Bytes the fxdp filter saw"},
                                {"matched_packets", "Packets that matched the filter's expression"},
                                {"matched_bytes", "Bytes of the packets that matched"}};
    for (int m = 0; m < 4; ++m) {
        std::cout << "# HELP fxdp_" << metrics[m][0] << "_total " << metrics[m][1] << ".\n# TYPE fxdp_" << metrics[m][0]
                  << "_total counter\n";
        for (const auto& [p, k] : filters) {
            std::uint64_t v[] = {k.packets, k.bytes, k.matched_packets, k.matched_bytes};
            std::cout << "fxdp_" << metrics[m][0] << "_total{interface=" << json_string(p.info.interface) << "} " << v[m]
                      << "\n";
        }
    }
    std::cout << "# HELP fxdp_filter_info The filter on an interface (value 1).\n# TYPE fxdp_filter_info gauge\n";
    for (const auto& [p, k] : filters)
        std::cout << "fxdp_filter_info{interface=" << json_string(p.info.interface)
                  << ",expression=" << json_string(shown(p.info.expression, 200)) << ",action=\"" << (p.info.keep ? "keep" : "drop")
                  << "\",mode=" << json_string(p.info.mode) << "} 1\n";
}

}  // namespace

int status(const StatusCommand& c) {
    if (!c.interface.empty() && !if_nametoindex(c.interface.c_str()) && !open_pinned(c.pin_root, c.interface))
        return fail("no interface named " + c.interface + " in this network namespace, and no fxdp pins for it");
    auto entries = survey(c);
    if (c.json) {
        print_json(entries);
    } else if (entries.empty()) {
        std::cout << (c.interface.empty() ? "no XDP program on any interface\n" : "no XDP program on " + c.interface + "\n");
    } else {
        print_text(entries);
    }
    return 0;
}

int stats(const StatsCommand& c) {
    if (c.prometheus) {
        std::vector<std::pair<Pinned, ebpf::Counters>> filters;
        for (const auto& name : pinned_names(c.pin_root)) {
            if (!c.interface.empty() && name != c.interface) continue;
            auto p = open_pinned(c.pin_root, name);
            if (!p || !p->problem.empty()) continue;
            auto k = xdp::sum(xdp::read_counters_per_cpu(p->counters.get()));
            filters.emplace_back(std::move(*p), k);
        }
        if (!c.interface.empty() && filters.empty()) return fail("no fxdp filter on " + c.interface);
        prometheus(filters);
        return 0;
    }
    if (c.interface.empty()) {
        fail("stats needs -i IFACE (or --prometheus for every filter)");
        return 2;
    }
    if (!(c.interval > 0)) {
        fail("--interval must be above zero");
        return 2;
    }
    auto p = open_pinned(c.pin_root, c.interface);
    if (!p) return fail("no fxdp filter on " + c.interface, "fxdp status lists the interfaces' XDP programs");
    if (!p->problem.empty())
        return fail("the fxdp pins at " + p->dir + " are not a working filter: " + p->problem,
                    "fxdp detach -i " + c.interface + " removes them");
    auto read = [&] { return Sample{xdp::read_counters_per_cpu(p->counters.get()), monotonic_seconds()}; };
    Sample first = read();
    if (first.per_cpu.empty()) return fail("cannot read the counter map of " + c.interface);

    struct sigaction sa {};
    sa.sa_handler = on_signal;  // no SA_RESTART: the sleep ends at once
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    if (!c.json)
        std::printf("%s: %s what matches: %s\n%-10s %14s %16s %14s %9s\n", c.interface.c_str(),
                    p->info.keep ? "passes only" : "drops", shown(p->info.expression).c_str(), "time", "packets/s", "bits/s",
                    "matched/s", "matched");
    std::fflush(stdout);
    Sample last = first;
    for (int n = 0; !interrupted && (c.count == 0 || n < c.count); ++n) {
        timespec ts{time_t(c.interval), long((c.interval - std::floor(c.interval)) * 1e9)};
        nanosleep(&ts, nullptr);
        Sample now = read();
        if (now.per_cpu.empty()) return fail("the counter map of " + c.interface + " cannot be read any more");
        double seconds = now.at - last.at;
        print_rates(clock_text(), rates(xdp::sum(last.per_cpu), xdp::sum(now.per_cpu), seconds), c.json, c.interface);
        if (c.per_cpu)
            for (std::size_t cpu = 0; cpu < now.per_cpu.size(); ++cpu) {
                Rates r = rates(last.per_cpu[cpu], now.per_cpu[cpu], seconds);
                if (r.pps > 0 || !c.json) print_rates("  cpu" + std::to_string(cpu), r, c.json, c.interface);
            }
        std::fflush(stdout);
        last = std::move(now);
    }
    auto a = xdp::sum(first.per_cpu), b = xdp::sum(last.per_cpu);
    Rates mean = rates(a, b, last.at - first.at);
    std::uint64_t packets = b.packets - a.packets, matched = b.matched_packets - a.matched_packets;
    if (c.json) {
        std::cout << "{\"interface\":" << json_string(c.interface) << ",\"total\":true,\"seconds\":" << (last.at - first.at)
                  << ",\"packets\":" << packets << ",\"bytes\":" << (b.bytes - a.bytes) << ",\"matched_packets\":"
                  << matched << ",\"packets_per_second\":" << std::llround(mean.pps) << "}\n";
    } else {
        std::printf("total over %.1f s: %llu packets, %llu matched (%.1f%%), %.0f packets/s; since attach: %llu "
                    "packets, %llu matched\n",
                    last.at - first.at, (unsigned long long)packets, (unsigned long long)matched, 100 * mean.share,
                    mean.pps, (unsigned long long)b.packets, (unsigned long long)b.matched_packets);
    }
    return 0;
}

}  // namespace fcap::fxdp
