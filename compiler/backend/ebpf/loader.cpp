#include "backend/ebpf/loader.hpp"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace fcap::ebpf {

LoadedProgram& LoadedProgram::operator=(LoadedProgram&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = o.fd_;
        o.fd_ = -1;
    }
    return *this;
}

LoadedProgram::~LoadedProgram() {
    if (fd_ >= 0) ::close(fd_);
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
    auto insns = encode(program);
    std::vector<char> buf(1 << 20);
    LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_level = 1, .log_size = unsigned(buf.size()), .log_buf = buf.data());
    bpf_prog_type type = program.target == Target::xdp ? BPF_PROG_TYPE_XDP
                         : for_replay                  ? BPF_PROG_TYPE_SCHED_CLS
                                                       : BPF_PROG_TYPE_SOCKET_FILTER;
    int fd = bpf_prog_load(type, "fcap_filter", program.license.c_str(), insns.data(), insns.size(), &opts);
    if (fd < 0) {
        int err = errno;
        if (log) *log = std::string(std::strerror(err)) + "\n" + buf.data();
        return std::nullopt;
    }
    return LoadedProgram(fd);
}

std::optional<std::uint32_t> test_run(const LoadedProgram& program, const std::uint8_t* data, std::uint32_t size) {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = size, .repeat = 1);
    if (bpf_prog_test_run_opts(program.fd(), &opts) != 0) return std::nullopt;
    return opts.retval;
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
