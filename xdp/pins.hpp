// Where fxdp keeps a filter so that it outlives the process: one folder
// per interface under the pin root (default /sys/fs/bpf/fxdp), holding
//
//   link      the bpf_link that attaches the program (BPF_XDP)
//   prog      the program
//   counters  its per-CPU counter map
//   info      a one-entry array map whose value is key=value text:
//             interface, ifindex, expression, action, mode, since
//
// bpffs holds only BPF objects, so the metadata is a map too: it lives and
// dies with the pins, with no second place (such as /run) to fall out of
// step with them.  A filter is written into `IFACE:partial:PID` (bpffs refuses names with a dot;
// an interface name cannot hold a colon) and
// renamed into place, so a crash leaves a partial folder, never a half
// filter under the interface's name.
#pragma once

#include "kernel/xdp_attach.hpp"

#include <optional>
#include <string>
#include <vector>

namespace fcap::fxdp {

struct FilterInfo {
    std::string interface;
    int ifindex = 0;
    std::string expression;
    bool keep = false;  // drop everything but the matches
    std::string mode;
    std::string since;  // UTC, ISO 8601
    std::string text() const;
    static FilterInfo parse(const std::string& text);
};

struct Pinned {
    std::string dir;
    std::string name;  // the folder's name: the interface, or a partial folder's
    xdp::Fd link, program, counters, info_map;
    FilterInfo info;
    std::optional<xdp::LinkFacts> link_facts;
    std::string problem;  // why the pins are not a working filter; "" when they are
};

// The pins in root/name; nullopt when the folder does not exist.
std::optional<Pinned> open_pinned(const std::string& root, const std::string& name);

// Every folder under root (interfaces and partial folders), sorted.
std::vector<std::string> pinned_names(const std::string& root);

// Partial folders root/IFACE:partial:PID whose process is gone.
std::vector<std::string> stale_partials(const std::string& root, const std::string& interface);

// Unpins everything in `dir` and removes it.
bool remove_pins(const std::string& dir, std::string* error);

// Makes `root` a folder on a BPF filesystem, mounting bpffs on
// /sys/fs/bpf when nothing is mounted there.
bool prepare_root(const std::string& root, std::string* error);

// UTC now, ISO 8601.
std::string now_utc();

}  // namespace fcap::fxdp
