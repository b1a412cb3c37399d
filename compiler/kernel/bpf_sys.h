/* The bpf(2) calls fcap makes, through libbpf, behind a C interface.
 *
 * Why C: <linux/bpf.h> (which libbpf's bpf.h and libbpf.h include) and
 * libpcap's <pcap/bpf.h> both define `struct bpf_insn`, differently.  In C++
 * two such definitions in one program break the one-definition rule (LTO
 * reports -Wodr), so no C++ file includes the kernel's; the few calls live
 * here, and C++ hands over instructions already encoded as bytes
 * (ebpf::encode). */
#ifndef FCAP_KERNEL_BPF_SYS_H
#define FCAP_KERNEL_BPF_SYS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct btf;

enum fcap_prog_kind {
    FCAP_PROG_SOCKET_FILTER,
    FCAP_PROG_XDP,
    FCAP_PROG_SCHED_CLS, /* a socket program replayed from the Ethernet header */
};

/* BPF_MAP_TYPE_PERCPU_ARRAY, for the BTF map description (checked in bpf_sys.c). */
enum { FCAP_MAP_PERCPU_ARRAY = 6 };

/* Adds `struct fcap_counters { u64 packets, bytes, matched_packets,
 * matched_bytes; }` to `btf`; its type id, or < 0. */
int fcap_btf_add_counters(struct btf *btf, int u64_type);

/* The per-CPU counter map (one entry, described in BTF): an fd, or -errno. */
int fcap_counter_map_create(void);

/* Loads `count` encoded instructions (8 bytes each).  The verifier's log
 * goes to `log` at `log_level` (0: none; 1: its walk, for a refusal; 4: its
 * statistics, for a success).  An fd, or -errno. */
int fcap_prog_load(enum fcap_prog_kind kind, const char *name, const char *license, const void *insns,
                   size_t count, char *log, size_t log_size, unsigned log_level);

/* BPF_MAP_LOOKUP_ELEM: 0, or -errno. */
int fcap_map_lookup(int map_fd, const void *key, void *value);

/* How many CPUs a per-CPU map has values for; < 0 on error. */
int fcap_possible_cpus(void);

/* BPF_PROG_TEST_RUN on `data`, `repeat` times: the return value and the
 * kernel's mean time per run (ns).  0, or -errno. */
int fcap_test_run(int prog_fd, const void *data, uint32_t size, uint32_t repeat, uint32_t *retval,
                  uint32_t *duration);

#ifdef __cplusplus
}
#endif

#endif
