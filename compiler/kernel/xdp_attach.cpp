#include "kernel/xdp_attach.hpp"

#include "kernel/bpf_sys.h"
#include "kernel/loader.hpp"
#include "kernel/xdp_link.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fcap::xdp {

Fd& Fd::operator=(Fd&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

Fd::~Fd() {
    if (fd_ >= 0) ::close(fd_);
}

const char* mode_name(Mode mode) {
    switch (mode) {
    case Mode::skb: return "skb";
    case Mode::native: return "native";
    case Mode::hw: return "hw";
    case Mode::none: break;
    }
    return "none";
}

std::optional<Mode> parse_mode(const std::string& text) {
    if (text == "native" || text == "drv") return Mode::native;
    if (text == "skb" || text == "generic") return Mode::skb;
    if (text == "hw") return Mode::hw;
    return std::nullopt;
}

static int c_mode(Mode mode) {
    switch (mode) {
    case Mode::skb: return FXDP_MODE_SKB;
    case Mode::native: return FXDP_MODE_NATIVE;
    case Mode::hw: return FXDP_MODE_HW;
    case Mode::none: break;
    }
    return FXDP_MODE_NONE;
}

Loaded load(const ebpf::Program& program, const std::string& name, int counters, bool statistics) {
    Loaded result;
    if (counters >= 0) {
        result.counters = Fd(::dup(counters));
    } else if (!program.map_refs.empty()) {
        std::string error;
        result.counters = Fd(ebpf::create_counter_map(&error));
        if (!result.counters) {
            result.error = errno ? errno : EINVAL;
            result.log = error;
            return result;
        }
    }
    // The lookup sets' maps: the program holds them once loaded.
    std::vector<Fd> sets;
    std::vector<int> map_fds = {result.counters.get()};
    for (const auto& set : program.sets) {
        unsigned n = unsigned(set.keys.size());
        int fd = set.prefix_lengths.empty() ? fxdp_set_map_create(set.keys.data(), n)
                                            : fxdp_prefix_map_create(set.keys.data(), set.prefix_lengths.data(), n);
        if (fd < 0) {
            result.error = -fd;
            result.log = "cannot create a lookup set's map of " + std::to_string(n) + " entries";
            return result;
        }
        sets.emplace_back(fd);
        map_fds.push_back(fd);
    }
    auto insns = ebpf::encode(program, map_fds);
    unsigned count = unsigned(program.insns.size());
    // Statistics (log level 4) fit a small buffer; the walk of a refused
    // program needs a large one, and only then.
    std::vector<char> log(statistics ? 4096 : 0);
    // A socket program is loaded as SCHED_CLS, whose test runner hands it
    // the Ethernet header, as a raw socket sees it.
    fcap_prog_kind kind = program.target == ebpf::Target::socket ? FCAP_PROG_SCHED_CLS : FCAP_PROG_XDP;
    int fd = fcap_prog_load(kind, name.c_str(), "GPL", insns.data(), count, log.data(), log.size(), statistics ? 4 : 0);
    if (fd >= 0) {
        result.program = Fd(fd);
        if (statistics) result.log = log.data();
        return result;
    }
    result.error = -fd;
    if (result.error == EPERM) return result;  // no privilege: no log to fetch
    log.assign(16 << 20, '\0');
    int again = fcap_prog_load(kind, name.c_str(), "GPL", insns.data(), count, log.data(), log.size(), 1);
    if (again >= 0) {  // refused once, then accepted: keep it
        result.program = Fd(again);
        result.error = 0;
        return result;
    }
    log.back() = '\0';
    result.log = log.data();
    return result;
}

std::optional<std::uint32_t> test_run(int program_fd, const std::uint8_t* data, std::uint32_t size) {
    std::uint32_t verdict = 0;
    if (fcap_test_run(program_fd, data, size, 1, &verdict, nullptr) < 0) return std::nullopt;
    return verdict;
}

std::string verifier_summary(const std::string& log) {
    auto at = log.rfind("processed ");
    if (at == std::string::npos) return "";
    auto end = log.find('\n', at);
    return log.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

std::optional<ProgramFacts> program_facts(int program_fd) {
    fxdp_prog_facts f;
    if (fxdp_get_prog_facts(program_fd, &f) < 0) return std::nullopt;
    ProgramFacts out;
    out.id = f.id;
    out.name = f.name;
    out.xlated_insns = f.xlated_insns;
    out.jited_bytes = f.jited_bytes;
    out.map_ids.assign(f.map_ids, f.map_ids + f.nr_map_ids);
    return out;
}

std::optional<ProgramFacts> program_facts_by_id(unsigned id) {
    Fd fd(fxdp_prog_fd_by_id(id));
    if (!fd) return std::nullopt;
    return program_facts(fd.get());
}

std::vector<Attached> attached(int ifindex, int* error) {
    fxdp_attached a{};
    int r = fxdp_query(ifindex, &a);
    if (error) *error = r < 0 ? -r : 0;
    std::vector<Attached> out;
    if (r < 0) return out;
    if (a.native_id) out.push_back({a.native_id, Mode::native});
    if (a.skb_id) out.push_back({a.skb_id, Mode::skb});
    if (a.hw_id) out.push_back({a.hw_id, Mode::hw});
    return out;
}

std::optional<LinkFacts> link_facts(int link_fd) {
    fxdp_link_facts f;
    if (fxdp_get_link_facts(link_fd, &f) < 0) return std::nullopt;
    return LinkFacts{f.id, f.prog_id, f.ifindex};
}

Fd create_link(int program_fd, int ifindex, Mode mode, int* error) {
    int fd = fxdp_link_create(program_fd, ifindex, c_mode(mode));
    if (fd < 0) {
        *error = -fd;
        return Fd();
    }
    return Fd(fd);
}

std::vector<ebpf::Counters> read_counters_per_cpu(int map_fd) {
    int cpus = fcap_possible_cpus();
    if (cpus <= 0) return {};
    std::vector<ebpf::Counters> per_cpu(static_cast<std::size_t>(cpus));
    static_assert(sizeof(ebpf::Counters) == 32, "the map's value is four u64");
    const std::uint32_t key = 0;
    if (fcap_map_lookup(map_fd, &key, per_cpu.data()) < 0) return {};
    return per_cpu;
}

ebpf::Counters sum(const std::vector<ebpf::Counters>& per_cpu) {
    ebpf::Counters total;
    for (const auto& c : per_cpu) total += c;
    return total;
}

Fd create_text_map(const std::string& name, const std::string& text, int* error) {
    int fd = fxdp_text_map_create(name.c_str(), text.data(), unsigned(text.size()));
    if (fd < 0) {
        *error = -fd;
        return Fd();
    }
    return Fd(fd);
}

std::optional<std::string> read_text_map(int map_fd) {
    int size = fxdp_map_value_size(map_fd);
    if (size < 0) return std::nullopt;
    std::string buf(std::size_t(size) + 1, '\0');
    int n = fxdp_text_map_read(map_fd, buf.data(), unsigned(buf.size()));
    if (n < 0) return std::nullopt;
    buf.resize(std::size_t(n));
    return buf;
}

}  // namespace fcap::xdp
