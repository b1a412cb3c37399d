/* XDP attachment through the bpf(2) syscall, for fxdp: bpf_link create,
 * update and detach, pins, what an interface has attached, program and map
 * facts, live-frame sending for the benchmark.  Plain C so that no C++
 * translation unit includes <linux/bpf.h> (its struct bpf_insn clashes with
 * libpcap's).  Every function returns >= 0 on success or -errno. */
#ifndef FCAP_KERNEL_XDP_LINK_H
#define FCAP_KERNEL_XDP_LINK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Attach modes, ours (the kernel's XDP_FLAGS_* are mapped in the .c file). */
enum { FXDP_MODE_NONE = 0, FXDP_MODE_SKB = 1, FXDP_MODE_NATIVE = 2, FXDP_MODE_HW = 3 };

int fxdp_link_create(int prog_fd, int ifindex, int mode);
int fxdp_link_update(int link_fd, int new_prog_fd);
int fxdp_link_detach(int link_fd);
int fxdp_pin(int fd, const char* path);
int fxdp_get_pinned(const char* path);

/* The program ids attached to an interface, per mode (0: none). */
struct fxdp_attached {
    unsigned skb_id, native_id, hw_id;
};
int fxdp_query(int ifindex, struct fxdp_attached* out);

struct fxdp_prog_facts {
    unsigned id;
    char name[16];
    unsigned xlated_insns; /* instructions after the verifier's rewriting */
    unsigned jited_bytes;
    unsigned map_ids[4];
    unsigned nr_map_ids;
};
int fxdp_get_prog_facts(int prog_fd, struct fxdp_prog_facts* out);
int fxdp_prog_fd_by_id(unsigned id);
int fxdp_map_fd_by_id(unsigned id);

/* A link's id, program and interface (ifindex 0: the interface is gone and
 * the link is defunct; type is the kernel's link type, 6 = XDP). */
struct fxdp_link_facts {
    unsigned id, prog_id, type;
    int ifindex;
};
int fxdp_get_link_facts(int link_fd, struct fxdp_link_facts* out);
/* The fd of the XDP bpf_link that attaches program `prog_id` to ifindex,
 * or -ENOENT.  (A link tells its ifindex but not its network namespace:
 * the program id is what names the right one.) */
int fxdp_find_link(int ifindex, unsigned prog_id);
/* Removes a program attached through netlink (not a link) in `mode`. */
int fxdp_netlink_detach(int ifindex, int mode);

/* A one-entry array map holding `size` bytes of text (fxdp's metadata). */
int fxdp_text_map_create(const char* name, const char* text, unsigned size);
/* Reads it back into buf (at most buf_size - 1 bytes, NUL-terminated);
 * returns the length. */
int fxdp_text_map_read(int map_fd, char* buf, unsigned buf_size);
/* The value size of a map (to size a buffer for fxdp_text_map_read). */
int fxdp_map_value_size(int map_fd);

/* A BPF_MAP_TYPE_HASH of `count` u32 keys (value: one byte, 1): a lookup
 * set of a program (fcap::ebpf::Program::sets). */
int fxdp_set_map_create(const unsigned* keys, unsigned count);
/* A BPF_MAP_TYPE_LPM_TRIE of `count` IPv4 networks (host-order addresses
 * and their prefix lengths). */
int fxdp_prefix_map_create(const unsigned* networks, const unsigned char* lengths, unsigned count);

/* libbpf's own warnings off: fxdp says what went wrong itself. */
void fxdp_quiet_libbpf(void);

/* Sends `frame` out of the interface the XDP_TX program `prog_fd` would
 * see it on, `repeat` times, as real transmits (BPF_F_TEST_XDP_LIVE_FRAMES)
 * from ifindex's receive queue 0. */
int fxdp_send_live(int prog_fd, int ifindex, const void* frame, unsigned size, unsigned repeat);

#ifdef __cplusplus
}
#endif

#endif
