// Hand-written XDP filters: the practical floor for fcc's XDP programs.
// Each does what libpcap's program for its expression does (the benchmark
// checks the verdicts against libpcap's) and counts as fcc's programs do,
// in a per-CPU array.  Built with clang -O2 -target bpf when the benchmark
// is built; never at run time.
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

struct counters {
    __u64 packets, bytes, matched_packets, matched_bytes;
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct counters);
} fcap_counters SEC(".maps");

// A load past the end rejects the packet, as in libpcap.
#define NEED(n) \
    if (data + (n) > end) return 0

static __always_inline int verdict(struct xdp_md *ctx, int (*match)(void *, void *)) {
    void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
    __u64 len = end - data;
    __u32 zero = 0;
    struct counters *c = bpf_map_lookup_elem(&fcap_counters, &zero);
    if (c) {
        c->packets++;
        c->bytes += len;
    }
    if (!match(data, end)) return XDP_PASS;
    if (c) {
        c->matched_packets++;
        c->matched_bytes += len;
    }
    return XDP_DROP;
}

static __always_inline __u16 be16(void *p) { return bpf_ntohs(*(__u16 *)p); }
static __always_inline __u32 be32(void *p) { return bpf_ntohl(*(__u32 *)p); }

// ip
static __always_inline int ip(void *data, void *end) {
    NEED(14);
    return be16(data + 12) == 0x0800;
}

// tcp port 80 (IPv6 without extension headers; IPv4 first fragments only)
static __always_inline int tcp_port_80(void *data, void *end) {
    NEED(14);
    __u16 type = be16(data + 12);
    if (type == 0x86dd) {
        NEED(58);
        return *(__u8 *)(data + 20) == 6 && (be16(data + 54) == 80 || be16(data + 56) == 80);
    }
    if (type != 0x0800) return 0;
    NEED(24);
    if (*(__u8 *)(data + 23) != 6 || (be16(data + 20) & 0x1fff)) return 0;
    __u32 x = (*(__u8 *)(data + 14) & 0xf) * 4;
    void *l4 = data + 14 + x;
    if (l4 + 4 > end) return 0;
    return be16(l4) == 80 || be16(l4 + 2) == 80;
}

// udp and dst port 53
static __always_inline int udp_dst_53(void *data, void *end) {
    NEED(14);
    __u16 type = be16(data + 12);
    if (type == 0x86dd) {
        NEED(58);
        return *(__u8 *)(data + 20) == 17 && be16(data + 56) == 53;
    }
    if (type != 0x0800) return 0;
    NEED(24);
    if (*(__u8 *)(data + 23) != 17 || (be16(data + 20) & 0x1fff)) return 0;
    __u32 x = (*(__u8 *)(data + 14) & 0xf) * 4;
    void *l4 = data + 14 + x;
    if (l4 + 4 > end) return 0;
    return be16(l4 + 2) == 53;
}

// host 10.0.0.1 (IPv4, ARP and RARP)
static __always_inline int host(void *data, void *end) {
    NEED(14);
    __u16 type = be16(data + 12);
    if (type == 0x0800) {
        NEED(34);
        return be32(data + 26) == 0x0a000001 || be32(data + 30) == 0x0a000001;
    }
    if (type != 0x0806 && type != 0x8035) return 0;
    NEED(42);
    return be32(data + 28) == 0x0a000001 || be32(data + 38) == 0x0a000001;
}

// ip6 and tcp (a fragment header before TCP counts too)
static __always_inline int ip6_tcp(void *data, void *end) {
    NEED(14);
    if (be16(data + 12) != 0x86dd) return 0;
    NEED(21);
    __u8 next = *(__u8 *)(data + 20);
    if (next == 6) return 1;
    if (next != 44) return 0;
    NEED(55);
    return *(__u8 *)(data + 54) == 6;
}

// icmp or arp
static __always_inline int icmp_or_arp(void *data, void *end) {
    NEED(14);
    __u16 type = be16(data + 12);
    if (type == 0x0806) return 1;
    if (type != 0x0800) return 0;
    NEED(24);
    return *(__u8 *)(data + 23) == 1;
}

SEC("xdp") int floor_ip(struct xdp_md *ctx) { return verdict(ctx, ip); }
SEC("xdp") int floor_tcp_port_80(struct xdp_md *ctx) { return verdict(ctx, tcp_port_80); }
SEC("xdp") int floor_udp_dst_53(struct xdp_md *ctx) { return verdict(ctx, udp_dst_53); }
SEC("xdp") int floor_host(struct xdp_md *ctx) { return verdict(ctx, host); }
SEC("xdp") int floor_ip6_tcp(struct xdp_md *ctx) { return verdict(ctx, ip6_tcp); }
SEC("xdp") int floor_icmp_or_arp(struct xdp_md *ctx) { return verdict(ctx, icmp_or_arp); }

char _license[] SEC("license") = "GPL";
