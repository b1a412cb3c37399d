/* See xdp_link.h.  Thin on purpose: the policy (what to refuse, what to
 * pin, in which order) is fxdp's, in C++. */
#include "kernel/xdp_link.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int negative_errno(int r) {
    if (r >= 0) return r;
    return errno ? -errno : r;
}

static unsigned mode_flags(int mode) {
    switch (mode) {
    case FXDP_MODE_SKB: return XDP_FLAGS_SKB_MODE;
    case FXDP_MODE_NATIVE: return XDP_FLAGS_DRV_MODE;
    case FXDP_MODE_HW: return XDP_FLAGS_HW_MODE;
    default: return 0;
    }
}

int fxdp_link_create(int prog_fd, int ifindex, int mode) {
    LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = mode_flags(mode));
    errno = 0;
    return negative_errno(bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts));
}

int fxdp_link_update(int link_fd, int new_prog_fd) {
    errno = 0;
    return negative_errno(bpf_link_update(link_fd, new_prog_fd, NULL));
}

int fxdp_link_detach(int link_fd) {
    errno = 0;
    return negative_errno(bpf_link_detach(link_fd));
}

int fxdp_pin(int fd, const char* path) {
    errno = 0;
    return negative_errno(bpf_obj_pin(fd, path));
}

int fxdp_get_pinned(const char* path) {
    errno = 0;
    return negative_errno(bpf_obj_get(path));
}

int fxdp_query(int ifindex, struct fxdp_attached* out) {
    LIBBPF_OPTS(bpf_xdp_query_opts, opts);
    errno = 0;
    int r = bpf_xdp_query(ifindex, 0, &opts);
    if (r < 0) return r;  /* libbpf returns -errno here */
    out->skb_id = opts.skb_prog_id;
    out->native_id = opts.drv_prog_id;
    out->hw_id = opts.hw_prog_id;
    return 0;
}

int fxdp_get_prog_facts(int prog_fd, struct fxdp_prog_facts* out) {
    struct bpf_prog_info info;
    unsigned map_ids[4] = {0};
    memset(&info, 0, sizeof info);
    info.nr_map_ids = 4;
    info.map_ids = (unsigned long)map_ids;
    __u32 len = sizeof info;
    errno = 0;
    int r = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
    if (r < 0) return negative_errno(r);
    memset(out, 0, sizeof *out);
    out->id = info.id;
    memcpy(out->name, info.name, sizeof out->name);
    out->name[sizeof out->name - 1] = '\0';
    out->xlated_insns = info.xlated_prog_len / 8;
    out->jited_bytes = info.jited_prog_len;
    out->nr_map_ids = info.nr_map_ids < 4 ? info.nr_map_ids : 4;
    memcpy(out->map_ids, map_ids, sizeof map_ids);
    return 0;
}

int fxdp_prog_fd_by_id(unsigned id) {
    errno = 0;
    return negative_errno(bpf_prog_get_fd_by_id(id));
}

int fxdp_map_fd_by_id(unsigned id) {
    errno = 0;
    return negative_errno(bpf_map_get_fd_by_id(id));
}

int fxdp_get_link_facts(int link_fd, struct fxdp_link_facts* out) {
    struct bpf_link_info info;
    memset(&info, 0, sizeof info);
    __u32 len = sizeof info;
    errno = 0;
    int r = bpf_obj_get_info_by_fd(link_fd, &info, &len);
    if (r < 0) return negative_errno(r);
    out->id = info.id;
    out->prog_id = info.prog_id;
    out->type = info.type;
    out->ifindex = info.type == BPF_LINK_TYPE_XDP ? (int)info.xdp.ifindex : 0;
    return 0;
}

int fxdp_find_link(int ifindex, unsigned prog_id) {
    __u32 id = 0;
    while (bpf_link_get_next_id(id, &id) == 0) {
        int fd = bpf_link_get_fd_by_id(id);
        if (fd < 0) continue;
        struct fxdp_link_facts facts;
        if (fxdp_get_link_facts(fd, &facts) == 0 && facts.type == BPF_LINK_TYPE_XDP && facts.ifindex == ifindex &&
            facts.prog_id == prog_id)
            return fd;
        close(fd);
    }
    return -ENOENT;
}

int fxdp_netlink_detach(int ifindex, int mode) {
    errno = 0;
    return bpf_xdp_detach(ifindex, mode_flags(mode), NULL);
}

int fxdp_text_map_create(const char* name, const char* text, unsigned size) {
    unsigned value_size = size ? (size + 7) & ~7u : 8;
    errno = 0;
    int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, name, 4, value_size, 1, NULL);
    if (fd < 0) return negative_errno(fd);
    char* value = calloc(1, value_size);
    if (!value) {
        close(fd);
        return -ENOMEM;
    }
    memcpy(value, text, size);
    __u32 key = 0;
    int r = bpf_map_update_elem(fd, &key, value, BPF_ANY);
    int err = errno;
    free(value);
    if (r < 0) {
        close(fd);
        return -err;
    }
    return fd;
}

int fxdp_map_value_size(int map_fd) {
    struct bpf_map_info info;
    memset(&info, 0, sizeof info);
    __u32 len = sizeof info;
    errno = 0;
    int r = bpf_obj_get_info_by_fd(map_fd, &info, &len);
    if (r < 0) return negative_errno(r);
    return (int)info.value_size;
}

int fxdp_text_map_read(int map_fd, char* buf, unsigned buf_size) {
    int value_size = fxdp_map_value_size(map_fd);
    if (value_size < 0) return value_size;
    if ((unsigned)value_size >= buf_size) return -ENOSPC;
    __u32 key = 0;
    errno = 0;
    if (bpf_map_lookup_elem(map_fd, &key, buf) < 0) return -errno;
    buf[value_size] = '\0';
    return (int)strlen(buf);
}

int fxdp_set_map_create(const unsigned* keys, unsigned count) {
    errno = 0;
    int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "fcap_set", 4, 1, count ? count : 1, NULL);
    if (fd < 0) return negative_errno(fd);
    unsigned char one = 1;
    for (unsigned i = 0; i < count; ++i) {
        if (bpf_map_update_elem(fd, &keys[i], &one, BPF_ANY) < 0) {
            int err = errno;
            close(fd);
            return -err;
        }
    }
    return fd;
}

int fxdp_prefix_map_create(const unsigned* networks, const unsigned char* lengths, unsigned count) {
    LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);
    errno = 0;
    int fd = bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "fcap_nets", 8, 1, count ? count : 1, &opts);
    if (fd < 0) return negative_errno(fd);
    unsigned char one = 1;
    for (unsigned i = 0; i < count; ++i) {
        struct {
            __u32 prefixlen;
            __u32 address;
        } key = {lengths[i], htonl(networks[i])};
        if (bpf_map_update_elem(fd, &key, &one, BPF_ANY) < 0) {
            int err = errno;
            close(fd);
            return -err;
        }
    }
    return fd;
}

static int no_print(enum libbpf_print_level level, const char* format, va_list args) {
    (void)level;
    (void)format;
    (void)args;
    return 0;
}

void fxdp_quiet_libbpf(void) {
    libbpf_set_print(no_print);
}

int fxdp_send_live(int prog_fd, int ifindex, const void* frame, unsigned size, unsigned repeat) {
    struct xdp_md ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.data_end = size;
    ctx.ingress_ifindex = (__u32)ifindex;
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = size, .ctx_in = &ctx,
                .ctx_size_in = sizeof ctx, .repeat = (int)repeat, .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
                .batch_size = 64);
    errno = 0;
    return negative_errno(bpf_prog_test_run_opts(prog_fd, &opts));
}
