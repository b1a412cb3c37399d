// ELF objects from fcc load with libbpf, bpftool and `ip link ... xdp obj`.
// Kernel parts skip with the reason without root / CAP_BPF.
#include "kernel/elf_writer.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "api/compile_ir.hpp"
#include "kernel/bpf_sys.h"
#include "support/libbpf_object.h"
#include "support/skip_without_bpf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace fcap::ebpf {
namespace {

std::string write_object(const std::string& expression, Target target) {
    CompileOptions o;
    diag::Sink sink;
    auto ir = compile_to_ir(expression, o, sink);
    EXPECT_TRUE(ir);
    auto prog = target == Target::xdp ? lower_xdp(*ir, {}, sink) : lower_socket(*ir, sink);
    EXPECT_TRUE(prog);
    std::string path = (std::filesystem::temp_directory_path() /
                        ("fcap-elf-" + std::to_string(::getpid()) + (target == Target::xdp ? "-xdp.o" : "-sock.o")))
                           .string();
    EXPECT_TRUE(write_elf(*prog, path, sink)) << sink.first_error();
    return path;
}

struct NoLeftovers {
    std::string path;
    ~NoLeftovers() { std::filesystem::remove(path); }
};

TEST(ElfWriterTest, LibbpfOpensLoadsAndRunsIt) {
    FCAP_SKIP_WITHOUT_BPF();
    for (Target target : {Target::xdp, Target::socket}) {
        NoLeftovers file{write_object("ip and tcp", target)};
        char why[256] = "";
        fcap_object* obj = fcap_object_load(file.path.c_str(), why, sizeof why);
        ASSERT_TRUE(obj) << why;
        int prog = fcap_object_prog_fd(obj, "fcap_filter");
        ASSERT_GE(prog, 0);
        EXPECT_STREQ(fcap_object_prog_type(obj, "fcap_filter"), target == Target::xdp ? "xdp" : "socket_filter");
        EXPECT_STREQ(fcap_object_map_type(obj, "fcap_counters"), "percpu_array");
        EXPECT_EQ(fcap_object_map_value_size(obj, "fcap_counters"), 32u);
        EXPECT_EQ(fcap_object_map_max_entries(obj, "fcap_counters"), 1u);
        if (target == Target::xdp) {
            std::vector<std::uint8_t> frame(60, 0);
            frame[12] = 0x08, frame[14] = 0x45, frame[23] = 6;
            std::uint32_t retval = 0;
            ASSERT_EQ(fcap_test_run(prog, frame.data(), 60, 1, &retval, nullptr), 0);
            EXPECT_EQ(retval, std::uint32_t(xdp_drop));
            frame[23] = 17;
            ASSERT_EQ(fcap_test_run(prog, frame.data(), 60, 1, &retval, nullptr), 0);
            EXPECT_EQ(retval, std::uint32_t(xdp_pass));
        }
        fcap_object_close(obj);
    }
}

TEST(ElfWriterTest, BpftoolLoadsIt) {
    FCAP_SKIP_WITHOUT_BPF();
    if (std::system("command -v bpftool > /dev/null") != 0) GTEST_SKIP() << "bpftool is not installed";
    if (!std::filesystem::exists("/sys/fs/bpf")) GTEST_SKIP() << "no bpffs at /sys/fs/bpf";
    NoLeftovers file{write_object("udp port 53", Target::xdp)};
    std::string pin = "/sys/fs/bpf/fcap-test-" + std::to_string(::getpid());
    int rc = std::system(("bpftool prog load " + file.path + " " + pin + " > /dev/null 2>&1").c_str());
    std::filesystem::remove(pin);
    EXPECT_EQ(rc, 0);
}

// A namespace and a veth pair of the test's own, removed even on failure.
struct Netns {
    std::string name = "fcap-elf-" + std::to_string(::getpid());
    bool ok = std::system(("ip netns add " + name + " && ip -n " + name +
                           " link add v0 type veth peer name v1 && ip -n " + name + " link set v0 up")
                              .c_str()) == 0;
    ~Netns() { std::system(("ip netns del " + name + " 2> /dev/null").c_str()); }
};

TEST(ElfWriterTest, IpLinkAttachesItAsXdp) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace";
    if (std::system("command -v ip > /dev/null") != 0) GTEST_SKIP() << "iproute2 is not installed";
    NoLeftovers file{write_object("tcp dst port 7070", Target::xdp)};
    Netns ns;
    ASSERT_TRUE(ns.ok) << "cannot create a namespace with a veth pair";
    EXPECT_EQ(std::system(("ip -n " + ns.name + " link set dev v0 xdp obj " + file.path + " sec xdp").c_str()), 0);
    EXPECT_EQ(std::system(("ip -n " + ns.name + " link show dev v0 | grep -q xdp").c_str()), 0);
    EXPECT_EQ(std::system(("ip -n " + ns.name + " link set dev v0 xdp off").c_str()), 0);
}

TEST(ElfWriterTest, AnUnwritablePathIsAnErrorAndLeavesNothing) {
    CompileOptions o;
    diag::Sink sink;
    auto ir = compile_to_ir("ip", o, sink);
    ASSERT_TRUE(ir);
    auto prog = lower_xdp(*ir, {}, sink);
    ASSERT_TRUE(prog);
    EXPECT_FALSE(write_elf(*prog, "/nonexistent-dir/x.o", sink));
    EXPECT_NE(sink.first_error().find("cannot write"), std::string::npos);
}

// What xdp-tools' libxdp wants of an XDP object: a typed `int
// fcap_filter(struct xdp_md *ctx)` with BTF function info (the kernel checks
// it at load: bpftool then prints the signature) and a .xdp_run_config
// (priority, chain actions).  This kernel refuses freplace (EPERM), so
// xdp-loader takes its single-program path: load, status, unload on a veth
// pair in a namespace of the test's own.
std::string output_of(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        ::pclose(p);
    }
    return out;
}

struct Namespace {
    std::string name = "fcap-xl-" + std::to_string(::getpid());
    Namespace() {
        std::system(("ip netns add " + name + " && ip -n " + name + " link add xl0 type veth peer name xl1 && ip -n " +
                     name + " link set xl0 up && ip -n " + name + " link set xl1 up")
                        .c_str());
    }
    ~Namespace() { std::system(("ip netns del " + name + " 2>/dev/null").c_str()); }
    std::string exec(const std::string& command) const { return output_of("ip netns exec " + name + " " + command); }
};

TEST(ElfWriterTest, XdpObjectsCarryFuncInfoAndRunConfigForLibxdp) {
    FCAP_SKIP_WITHOUT_BPF();
    if (std::system("command -v bpftool > /dev/null") != 0) GTEST_SKIP() << "bpftool is not installed";
    NoLeftovers file{write_object("tcp and dst port 7070", Target::xdp)};
    std::string types = output_of("bpftool btf dump file " + file.path);
    EXPECT_NE(types.find("FUNC 'fcap_filter' type_id="), std::string::npos) << types;
    EXPECT_NE(types.find("STRUCT 'xdp_md' size=24"), std::string::npos) << types;
    EXPECT_NE(types.find("DATASEC '.xdp_run_config' size=16"), std::string::npos) << types;
    EXPECT_NE(types.find("'priority'"), std::string::npos) << types;
    EXPECT_NE(types.find("'XDP_PASS'"), std::string::npos) << types;
    if (std::filesystem::exists("/sys/fs/bpf")) {
        std::string pin = "/sys/fs/bpf/fcap-funcinfo-" + std::to_string(::getpid());
        std::string load = output_of("bpftool prog load " + file.path + " " + pin);
        std::string listing = output_of("bpftool prog dump xlated pinned " + pin);
        std::filesystem::remove(pin);
        // The signature comes from the func info the kernel accepted.
        EXPECT_EQ(listing.rfind("int fcap_filter(struct xdp_md * ctx):", 0), 0u) << load << listing.substr(0, 200);
    }
    if (std::system("command -v xdp-loader > /dev/null") != 0) GTEST_SKIP() << "xdp-loader (xdp-tools) is not installed";
    if (std::system("command -v ip > /dev/null") != 0) GTEST_SKIP() << "ip (iproute2) is not installed";
    Namespace ns;
    std::string loaded = ns.exec("xdp-loader load -m native xl0 " + file.path);
    std::string status = ns.exec("xdp-loader status");
    std::size_t row = status.find("xl0 ");
    ASSERT_NE(row, std::string::npos) << loaded << status;
    std::string line = status.substr(row, status.find('\n', row) - row);
    EXPECT_NE(line.find("fcap_filter"), std::string::npos) << loaded << status;
    EXPECT_NE(line.find("native"), std::string::npos) << status;
    ns.exec("xdp-loader unload -a xl0");
    EXPECT_EQ(ns.exec("xdp-loader status").find("fcap_filter"), std::string::npos) << "unload left it attached";
}

}  // namespace
}  // namespace fcap::ebpf
