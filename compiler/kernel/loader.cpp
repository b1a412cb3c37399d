#include "kernel/loader.hpp"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
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

int add_counters_btf(void* handle, int u64) {
    auto* b = static_cast<btf*>(handle);
    int id = btf__add_struct(b, "fcap_counters", sizeof(Counters));
    const char* names[] = {"packets", "bytes", "matched_packets", "matched_bytes"};
    for (int i = 0; i < 4; ++i)
        if (btf__add_field(b, names[i], u64, i * 64, 0) < 0) return -1;
    return id;
}

int create_counter_map(std::string* error) {
    // BTF: u32 key, struct fcap_counters { u64 packets, bytes, matched_packets, matched_bytes; }
    btf* types = btf__new_empty();
    if (!types) {
        if (error) *error = "cannot build BTF";
        return -1;
    }
    int u32 = btf__add_int(types, "unsigned int", 4, 0);
    int u64 = btf__add_int(types, "unsigned long long", 8, 0);
    int value = add_counters_btf(types, u64);
    int fd = -1;
    if (btf__load_into_kernel(types) == 0) {
        LIBBPF_OPTS(bpf_map_create_opts, opts, .btf_fd = unsigned(btf__fd(types)), .btf_key_type_id = unsigned(u32),
                    .btf_value_type_id = unsigned(value));
        fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "fcap_counters", 4, 32, 1, &opts);
    }
    if (fd < 0 && error) *error = std::string("cannot create the counter map: ") + std::strerror(errno);
    btf__free(types);  // the map keeps its own reference to the loaded BTF
    return fd;
}

std::optional<Counters> read_counters(const LoadedProgram& program) {
    int cpus = libbpf_num_possible_cpus();
    if (cpus <= 0 || program.map_fd() < 0) return std::nullopt;
    std::vector<Counters> per_cpu(static_cast<std::size_t>(cpus));
    std::uint32_t key = 0;
    if (bpf_map_lookup_elem(program.map_fd(), &key, per_cpu.data()) != 0) return std::nullopt;
    Counters sum;
    for (const auto& c : per_cpu) {
        sum.packets += c.packets;
        sum.bytes += c.bytes;
        sum.matched_packets += c.matched_packets;
        sum.matched_bytes += c.matched_bytes;
    }
    return sum;
}

static std::vector<bpf_insn> encode(const Program& p) {
    std::vector<bpf_insn> out(p.insns.size());
    for (std::size_t i = 0; i < p.insns.size(); ++i) {
        const Insn& in = p.insns[i];
        out[i].code = in.code;
        out[i].dst_reg = in.dst & 0xf;
        out[i].src_reg = in.src & 0xf;
        out[i].off = in.off;
        out[i].imm = in.imm;
    }
    return out;
}

std::optional<LoadedProgram> load(const Program& program, std::string* log, bool for_replay) {
    if (!program.sets.empty()) {  // fxdp's loader (kernel/xdp_attach) creates and fills them
        if (log) *log = "this loader does not create lookup-set maps\n";
        return std::nullopt;
    }
    auto insns = encode(program);
    int map_fd = -1;
    if (!program.map_refs.empty()) {
        map_fd = create_counter_map(log);
        if (map_fd < 0) return std::nullopt;
        for (const auto& ref : program.map_refs) insns[ref.insn_index].imm = map_fd;
    }
    bpf_prog_type type = program.target == Target::xdp ? BPF_PROG_TYPE_XDP
                         : for_replay                  ? BPF_PROG_TYPE_SCHED_CLS
                                                       : BPF_PROG_TYPE_SOCKET_FILTER;
    // Without a log first, as libbpf does: a log of every instruction the
    // verifier walks fills any buffer (ENOSPC) on programs with loops.
    int fd = bpf_prog_load(type, "fcap_filter", program.license.c_str(), insns.data(), insns.size(), nullptr);
    if (fd < 0) {
        int err = errno;
        std::vector<char> buf(16 << 20);
        LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1, .log_size = unsigned(buf.size()), .log_buf = buf.data());
        int again = bpf_prog_load(type, "fcap_filter", program.license.c_str(), insns.data(), insns.size(), &opts);
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
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = size, .repeat = 1);
    if (bpf_prog_test_run_opts(program.fd(), &opts) != 0) return std::nullopt;
    return opts.retval;
}

std::optional<std::uint32_t> time_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size,
                                      std::uint32_t repeat) {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = size, .repeat = int(repeat));
    if (bpf_prog_test_run_opts(program.fd(), &opts) != 0) return std::nullopt;
    return opts.duration;
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
