/* What this shows: a classic BPF program from `fcc -dd` attached to a
 * packet socket with SO_ATTACH_FILTER, as any C program can do without
 * libpcap.  The kernel runs the filter; only matching frames reach recv().
 *
 *   build/bin/fcc -dd 'udp dst port 53' > examples/so_attach_filter/filter.inc
 *   cc -O2 -o /tmp/attach examples/so_attach_filter/attach.c -Iexamples/so_attach_filter
 *   sudo /tmp/attach lo 5        # prints the length of the next 5 matching frames on lo
 *
 * (Linux strips 802.1Q tags before socket filters run; fcap rewrites its
 * programs for that, a plain -dd listing does not.) */
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sock_filter code[] = {
#include "filter.inc"
};

int main(int argc, char **argv)
{
    const char *ifname = argc > 1 ? argv[1] : "lo";
    int count = argc > 2 ? atoi(argv[2]) : 1;
    struct sock_fprog program = {.len = sizeof code / sizeof code[0], .filter = code};
    int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    if (fd < 0) {
        perror("socket (needs CAP_NET_RAW)");
        return 1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
        perror("SO_ATTACH_FILTER");
        return 1;
    }
    struct sockaddr_ll where = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                                .sll_ifindex = (int)if_nametoindex(ifname)};
    if (where.sll_ifindex == 0 || bind(fd, (struct sockaddr *)&where, sizeof where) != 0) {
        perror(ifname);
        return 1;
    }
    unsigned char frame[65536];
    for (int i = 0; i < count; ++i) {
        ssize_t n = recv(fd, frame, sizeof frame, 0);
        if (n < 0) {
            perror("recv");
            return 1;
        }
        printf("frame of %zd bytes\n", n);
        fflush(stdout);
    }
    close(fd);
    return 0;
}
