#include "kernel/loader.hpp"

#include "kernel/bpf_sys.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace fcap::ebpf {

LoadedProgram& LoadedProgram::operator=(LoadedProgram&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        if (map_fd_ >= 0) ::close(map_fd_);
        fd_ = o.fd_;
        map_fd_ = o.map_fd_;
        o.fd_ = o.map_fd_ = -1;
    }
    return *this;
}

LoadedProgram::~LoadedProgram() {
    if (fd_ >= 0) ::close(fd_);
    if (map_fd_ >= 0) ::close(map_fd_);
}

int create_counter_map(std::string* error) {
    int fd = fcap_counter_map_create();
    if (fd < 0 && error) *error = std::string("cannot create the counter map: ") + std::strerror(-fd);
    return fd < 0 ? -1 : fd;
}

std::optional<Counters> read_counters(const LoadedProgram& program) {
    int cpus = fcap_possible_cpus();
    if (cpus <= 0 || program.map_fd() < 0) return std::nullopt;
    std::vector<Counters> per_cpu(static_cast<std::size_t>(cpus));
    std::uint32_t key = 0;
    if (fcap_map_lookup(program.map_fd(), &key, per_cpu.data()) != 0) return std::nullopt;
    Counters sum;
    for (const auto& c : per_cpu) sum += c;
    return sum;
}

std::optional<LoadedProgram> load(const Program& program, std::string* log, bool for_replay) {
    if (!program.sets.empty()) {  // fxdp's loader (kernel/xdp_attach) creates and fills them
        if (log) *log = "this loader does not create lookup-set maps\n";
        return std::nullopt;
    }
    int map_fd = -1;
    if (!program.map_refs.empty()) {
        map_fd = create_counter_map(log);
        if (map_fd < 0) return std::nullopt;
    }
    auto insns = encode(program, {map_fd});
    fcap_prog_kind kind = program.target == Target::xdp ? FCAP_PROG_XDP
                          : for_replay                  ? FCAP_PROG_SCHED_CLS
                                                        : FCAP_PROG_SOCKET_FILTER;
    const std::size_t count = program.insns.size();
    // Without a log first, as libbpf does: a log of every instruction the
    // verifier walks fills any buffer (ENOSPC) on programs with loops.
    int fd = fcap_prog_load(kind, "fcap_filter", program.license.c_str(), insns.data(), count, nullptr, 0, 0);
    if (fd < 0) {
        int err = -fd;
        std::vector<char> buf(16 << 20);
        int again = fcap_prog_load(kind, "fcap_filter", program.license.c_str(), insns.data(), count, buf.data(),
                                   buf.size(), 1);
        if (again >= 0) {  // refused once, then accepted: keep it
            fd = again;
        } else {
            buf.back() = '\0';
            if (log) *log = std::string(std::strerror(err)) + "\n" + buf.data();
            if (map_fd >= 0) ::close(map_fd);
            return std::nullopt;
        }
    }
    return LoadedProgram(fd, map_fd, program.target == Target::xdp);
}

std::uint32_t xdp_linear_limit() {
    constexpr long xdp_headroom = 256, shared_info = 320;  // XDP_PACKET_HEADROOM, skb_shared_info on x86-64
    return std::uint32_t(sysconf(_SC_PAGESIZE) - xdp_headroom - shared_info);
}

std::optional<std::uint32_t> test_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size) {
    if (program.xdp() && size > xdp_linear_limit()) {
        errno = E2BIG;
        return std::nullopt;
    }
    std::uint32_t retval = 0;
    if (int e = fcap_test_run(program.fd(), data, size, 1, &retval, nullptr); e != 0) {
        errno = -e;
        return std::nullopt;
    }
    return retval;
}

std::optional<std::uint32_t> time_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size,
                                      std::uint32_t repeat) {
    std::uint32_t duration = 0;
    if (int e = fcap_test_run(program.fd(), data, size, repeat, nullptr, &duration); e != 0) {
        errno = -e;
        return std::nullopt;
    }
    return duration;
}

bool can_load_bpf(std::string* why) {
    Program p;
    p.target = Target::xdp;
    p.insns = {Insn{0xb7, 0, 0, 0, 2}, Insn{0x95, 0, 0, 0, 0}};  // r0 = XDP_PASS; exit
    std::string log;
    if (load(p, &log)) return true;
    if (why) *why = "loading a BPF program failed (" + log.substr(0, log.find('\n')) + "); root or CAP_BPF is needed";
    return false;
}

}  // namespace fcap::ebpf
