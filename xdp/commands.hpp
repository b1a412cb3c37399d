// fxdp's subcommands.  Each returns the exit status: 0, 1 after an error
// (printed on stderr as "fxdp: error: ..."), 2 for a usage error.
#pragma once

#include <string>
#include <vector>

namespace fcap::fxdp {

inline const char* default_pin_root = "/sys/fs/bpf/fxdp";

struct FilterCommand {  // attach, replace, check
    std::string interface;
    std::string mode = "native";
    bool keep = false;            // drop everything but the matches
    bool force = false;           // replace someone else's XDP program
    bool dry_run = false;         // attach --dry-run: as check
    bool reset_counters = false;  // replace: a fresh counter map instead of carrying the counts on
    std::vector<std::string> words;
    std::string file;  // -F
    std::string pin_root = default_pin_root;
};

struct DetachCommand {
    std::string interface;
    bool all = false;
    std::string pin_root = default_pin_root;
};

struct StatusCommand {
    std::string interface;
    bool json = false;
    std::string pin_root = default_pin_root;
};

struct StatsCommand {
    std::string interface;
    double interval = 1.0;
    int count = 0;  // 0: until interrupted
    bool per_cpu = false;
    bool json = false;
    bool prometheus = false;
    std::string pin_root = default_pin_root;
};

int attach(const FilterCommand& command);
int replace(const FilterCommand& command);
int check(const FilterCommand& command);
int detach(const DetachCommand& command);
int status(const StatusCommand& command);
int stats(const StatsCommand& command);

// Shared by the subcommands.
int fail(const std::string& message, const std::string& hint = "");
std::string errno_text(int error);
// An expression as messages show it: a long one (a blocklist) cut short,
// with its length.
std::string shown(const std::string& expression, std::size_t limit = 100);

}  // namespace fcap::fxdp
