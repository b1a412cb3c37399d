#include "xdp/pins.hpp"

#include "kernel/xdp_link.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace fcap::fxdp {

namespace fs = std::filesystem;

namespace {

constexpr long bpffs_magic = 0xcafe4a11;  // BPF_FS_MAGIC

bool on_bpffs(const std::string& path) {
    struct statfs s;
    return statfs(path.c_str(), &s) == 0 && long(s.f_type) == bpffs_magic;
}

// The expression on one line: the info map is line-based.
std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

}  // namespace

std::string FilterInfo::text() const {
    std::ostringstream out;
    out << "interface=" << interface << "\nifindex=" << ifindex << "\nexpression=" << one_line(expression)
        << "\naction=" << (keep ? "keep" : "drop") << "\nmode=" << mode << "\nsince=" << since << "\n";
    return out.str();
}

FilterInfo FilterInfo::parse(const std::string& text) {
    FilterInfo info;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = line.substr(0, eq), value = line.substr(eq + 1);
        if (key == "interface") info.interface = value;
        else if (key == "ifindex") info.ifindex = std::atoi(value.c_str());
        else if (key == "expression") info.expression = value;
        else if (key == "action") info.keep = value == "keep";
        else if (key == "mode") info.mode = value;
        else if (key == "since") info.since = value;
    }
    return info;
}

std::optional<Pinned> open_pinned(const std::string& root, const std::string& name) {
    std::string dir = root + "/" + name;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return std::nullopt;
    Pinned p;
    p.dir = dir;
    p.name = name;
    p.link = xdp::Fd(fxdp_get_pinned((dir + "/link").c_str()));
    p.program = xdp::Fd(fxdp_get_pinned((dir + "/prog").c_str()));
    p.counters = xdp::Fd(fxdp_get_pinned((dir + "/counters").c_str()));
    p.info_map = xdp::Fd(fxdp_get_pinned((dir + "/info").c_str()));
    if (p.info_map) {
        if (auto text = xdp::read_text_map(p.info_map.get())) p.info = FilterInfo::parse(*text);
    }
    if (p.link) p.link_facts = xdp::link_facts(p.link.get());
    if (name.find(":partial:") != std::string::npos)
        p.problem = "left by an interrupted fxdp run";
    else if (!p.link || !p.program || !p.counters || !p.info_map)
        p.problem = "incomplete (an interrupted run or a hand-made pin)";
    else if (!p.link_facts)
        p.problem = "the pinned link cannot be read";
    else if (p.link_facts->ifindex == 0)
        p.problem = "the interface is gone, or its program was detached by force: its link is defunct";
    return p;
}

std::vector<std::string> pinned_names(const std::string& root) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root, ec))
        if (entry.is_directory(ec)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> stale_partials(const std::string& root, const std::string& interface) {
    std::vector<std::string> out;
    const std::string prefix = interface + ":partial:";
    for (const auto& name : pinned_names(root)) {
        if (name.rfind(prefix, 0) != 0) continue;
        pid_t pid = std::atoi(name.c_str() + prefix.size());
        if (pid > 0 && pid != getpid() && kill(pid, 0) == 0) continue;  // its run is still going
        out.push_back(name);
    }
    return out;
}

bool remove_pins(const std::string& dir, std::string* error) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (::unlink(entry.path().c_str()) != 0 && errno != ENOENT) {
            *error = "cannot unpin " + entry.path().string() + ": " + std::strerror(errno);
            return false;
        }
    }
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) {
        *error = "cannot remove " + dir + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

bool prepare_root(const std::string& root, std::string* error) {
    const std::string bpffs = "/sys/fs/bpf";
    if (root.rfind(bpffs + "/", 0) == 0 && !on_bpffs(bpffs)) {
        ::mkdir(bpffs.c_str(), 0700);
        if (::mount("bpf", bpffs.c_str(), "bpf", 0, "mode=0700") != 0) {
            *error = "no BPF filesystem on " + bpffs + " and mounting one failed: " + std::strerror(errno);
            return false;
        }
    }
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) {
        *error = "cannot create " + root + ": " + ec.message();
        return false;
    }
    if (!on_bpffs(root)) {
        *error = root + " is not on a BPF filesystem (mount -t bpf bpf DIR), so nothing can be pinned there";
        return false;
    }
    return true;
}

std::string now_utc() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace fcap::fxdp
