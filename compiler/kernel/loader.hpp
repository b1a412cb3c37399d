// Loads eBPF programs straight into the kernel (no file in between) and
// runs them on packets with BPF_PROG_TEST_RUN.
#pragma once

#include "fcap/ebpf.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace fcap::ebpf {

// An open program; closes its descriptor when destroyed.
// An open program and its counter map; closes both when destroyed.
class LoadedProgram {
public:
    LoadedProgram() = default;
    LoadedProgram(int fd, int map_fd, bool xdp = false) : fd_(fd), map_fd_(map_fd), xdp_(xdp) {}
    LoadedProgram(LoadedProgram&& o) noexcept : fd_(o.fd_), map_fd_(o.map_fd_), xdp_(o.xdp_) {
        o.fd_ = o.map_fd_ = -1;
    }
    LoadedProgram& operator=(LoadedProgram&& o) noexcept;
    ~LoadedProgram();
    int fd() const { return fd_; }
    int map_fd() const { return map_fd_; }
    bool xdp() const { return xdp_; }

private:
    int fd_ = -1;
    int map_fd_ = -1;
    bool xdp_ = false;
};

// The most bytes an XDP program sees in one piece from the kernel's test
// runner: a page less XDP's headroom and the shared-info tail.  Longer
// frames go into fragments that a program without xdp.frags cannot read,
// and a real NIC would never hand it such a frame, so test_run refuses
// them (E2BIG) rather than report a verdict on a cut packet.
std::uint32_t xdp_linear_limit();

// The counters summed over all possible CPUs; nullopt if the map cannot be read.
std::optional<Counters> read_counters(const LoadedProgram& program);

// The counter map alone (BPF_MAP_TYPE_PERCPU_ARRAY, one entry, described in
// BTF): its fd, or -1 with *error set.
int create_counter_map(std::string* error);

// nullopt when the kernel refuses; *log gets the verifier's log (or why).
// `for_replay` loads a socket program as SCHED_CLS, whose test runner hands
// it the Ethernet header first, as a raw AF_PACKET socket does (the
// SOCKET_FILTER test runner starts at the network header).
std::optional<LoadedProgram> load(const Program& program, std::string* log, bool for_replay = false);

// Runs the program once on `data`; nullopt when the kernel refuses the run
// (XDP wants at least an Ethernet header and at most about a page).
std::optional<std::uint32_t> test_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size);

// Runs it `repeat` times; the kernel's mean time per run, in nanoseconds.
std::optional<std::uint32_t> time_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size,
                                      std::uint32_t repeat);

// Whether this process may load BPF programs (root or CAP_BPF); the reason
// when it may not.
bool can_load_bpf(std::string* why);

}  // namespace fcap::ebpf
