#include "kernel/bpf_sys.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/bpf.h>

_Static_assert((int)FCAP_MAP_PERCPU_ARRAY == (int)BPF_MAP_TYPE_PERCPU_ARRAY, "the map type restated in bpf_sys.h");
_Static_assert(sizeof(struct bpf_insn) == 8, "encoded instructions are 8 bytes");

int fcap_btf_add_counters(struct btf *b, int u64)
{
    static const char *names[] = {"packets", "bytes", "matched_packets", "matched_bytes"};
    int id = btf__add_struct(b, "fcap_counters", 32);
    for (int i = 0; i < 4; ++i)
        if (btf__add_field(b, names[i], u64, i * 64, 0) < 0)
            return -1;
    return id;
}

int fcap_counter_map_create(void)
{
    /* BTF: u32 key, struct fcap_counters value. */
    struct btf *types = btf__new_empty();
    if (!types)
        return -ENOMEM;
    int u32 = btf__add_int(types, "unsigned int", 4, 0);
    int u64 = btf__add_int(types, "unsigned long long", 8, 0);
    int value = fcap_btf_add_counters(types, u64);
    int fd = -EINVAL;
    if (btf__load_into_kernel(types) == 0) {
        LIBBPF_OPTS(bpf_map_create_opts, opts, .btf_fd = (unsigned)btf__fd(types),
                    .btf_key_type_id = (unsigned)u32, .btf_value_type_id = (unsigned)value);
        fd = bpf_map_create(BPF_MAP_TYPE_PERCPU_ARRAY, "fcap_counters", 4, 32, 1, &opts);
        if (fd < 0)
            fd = -errno;
    } else {
        fd = -errno;
    }
    btf__free(types); /* the map keeps its own reference to the loaded BTF */
    return fd;
}

int fcap_prog_load(enum fcap_prog_kind kind, const char *name, const char *license, const void *insns,
                   size_t count, char *log, size_t log_size, unsigned log_level)
{
    enum bpf_prog_type type = kind == FCAP_PROG_XDP         ? BPF_PROG_TYPE_XDP
                              : kind == FCAP_PROG_SCHED_CLS ? BPF_PROG_TYPE_SCHED_CLS
                                                            : BPF_PROG_TYPE_SOCKET_FILTER;
    LIBBPF_OPTS(bpf_prog_load_opts, opts);
    if (log && log_size && log_level) {
        opts.log_level = log_level;
        opts.log_size = (unsigned)log_size;
        opts.log_buf = log;
        log[0] = '\0';
    }
    int fd = bpf_prog_load(type, name, license, (const struct bpf_insn *)insns, count, &opts);
    return fd < 0 ? -errno : fd;
}

int fcap_map_lookup(int map_fd, const void *key, void *value)
{
    return bpf_map_lookup_elem(map_fd, key, value) == 0 ? 0 : -errno;
}

int fcap_possible_cpus(void) { return libbpf_num_possible_cpus(); }

int fcap_test_run(int prog_fd, const void *data, uint32_t size, uint32_t repeat, uint32_t *retval,
                  uint32_t *duration)
{
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = size, .repeat = (int)repeat);
    if (bpf_prog_test_run_opts(prog_fd, &opts) != 0)
        return -errno;
    if (retval)
        *retval = opts.retval;
    if (duration)
        *duration = opts.duration;
    return 0;
}
