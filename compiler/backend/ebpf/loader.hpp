// Loads eBPF programs straight into the kernel (no file in between) and
// runs them on packets with BPF_PROG_TEST_RUN.
#pragma once

#include "backend/ebpf/program.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace fcap::ebpf {

// An open program; closes its descriptor when destroyed.
class LoadedProgram {
public:
    LoadedProgram() = default;
    explicit LoadedProgram(int fd) : fd_(fd) {}
    LoadedProgram(LoadedProgram&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    LoadedProgram& operator=(LoadedProgram&& o) noexcept;
    ~LoadedProgram();
    int fd() const { return fd_; }

private:
    int fd_ = -1;
};

// nullopt when the kernel refuses; *log gets the verifier's log (or why).
// `for_replay` loads a socket program as SCHED_CLS, whose test runner hands
// it the Ethernet header first, as a raw AF_PACKET socket does (the
// SOCKET_FILTER test runner starts at the network header).
std::optional<LoadedProgram> load(const Program& program, std::string* log, bool for_replay = false);

// Runs the program once on `data`; nullopt when the kernel refuses the run
// (XDP wants at least an Ethernet header and at most about a page).
std::optional<std::uint32_t> test_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size);

// Whether this process may load BPF programs (root or CAP_BPF); the reason
// when it may not.
bool can_load_bpf(std::string* why);

}  // namespace fcap::ebpf
