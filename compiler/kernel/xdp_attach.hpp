// XDP programs on interfaces, for fxdp: load with the verifier's figures,
// attach through a bpf_link, see what an interface holds, read the counter
// map per CPU.  C++ over kernel/xdp_link.c (the only file here that sees
// <linux/bpf.h>).  Errors are an errno value and a message; nothing throws.
#pragma once

#include "fcap/ebpf.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::xdp {

// A BPF object's descriptor, closed when destroyed.
class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    Fd& operator=(Fd&& o) noexcept;
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd();
    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

enum class Mode { none, skb, native, hw };
const char* mode_name(Mode mode);
std::optional<Mode> parse_mode(const std::string& text);

struct Loaded {
    Fd program;
    Fd counters;
    int error = 0;          // errno when refused
    std::string log;        // the verifier's log: its statistics on success, its walk on a refusal
};

// Loads an XDP program (named `name`); a socket program as SCHED_CLS, to
// test-run it on frames from the Ethernet header.  Its counter map is `counters` when
// given (a replacement that carries the counts on), else a fresh one.
Loaded load(const ebpf::Program& program, const std::string& name, int counters = -1, bool statistics = false);

// Runs a loaded program once on `data`: its verdict, or nullopt.
std::optional<std::uint32_t> test_run(int program_fd, const std::uint8_t* data, std::uint32_t size);

// The verifier's summary line ("processed N insns (limit ...) ...") from a
// statistics log, or "".
std::string verifier_summary(const std::string& log);

struct ProgramFacts {
    unsigned id = 0;
    std::string name;
    unsigned xlated_insns = 0;
    unsigned jited_bytes = 0;
    std::vector<unsigned> map_ids;
};
std::optional<ProgramFacts> program_facts(int program_fd);
std::optional<ProgramFacts> program_facts_by_id(unsigned id);

struct Attached {
    unsigned program_id = 0;
    Mode mode = Mode::none;
};
// The programs an interface holds (one per mode at most); empty when none.
std::vector<Attached> attached(int ifindex, int* error = nullptr);

struct LinkFacts {
    unsigned id = 0, program_id = 0;
    int ifindex = 0;  // 0: the interface is gone, the link is defunct
};
std::optional<LinkFacts> link_facts(int link_fd);

// Returns the link fd, or Fd() with *error = errno.
Fd create_link(int program_fd, int ifindex, Mode mode, int* error);

// The counter map, per possible CPU; empty when it cannot be read.
std::vector<ebpf::Counters> read_counters_per_cpu(int map_fd);
ebpf::Counters sum(const std::vector<ebpf::Counters>& per_cpu);

// A one-entry array map holding text (fxdp's metadata), and reading it back.
Fd create_text_map(const std::string& name, const std::string& text, int* error);
std::optional<std::string> read_text_map(int map_fd);

}  // namespace fcap::xdp
