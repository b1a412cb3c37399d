/* An ELF object opened and loaded by libbpf, as a user's loader would: for
 * the tests and benchmarks that check fcc's objects.  C for the same reason
 * as compiler/kernel/bpf_sys.h: libbpf's headers bring <linux/bpf.h>, whose
 * struct bpf_insn no C++ file may see beside libpcap's. */
#ifndef FCAP_TESTS_LIBBPF_OBJECT_H
#define FCAP_TESTS_LIBBPF_OBJECT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct fcap_object;

/* Opens and loads `path`; NULL with a reason in `error` when libbpf cannot. */
struct fcap_object *fcap_object_load(const char *path, char *error, size_t error_size);
void fcap_object_close(struct fcap_object *object);

/* The program called `name`: its fd (< 0 if absent) and libbpf's name of its
 * type ("xdp", "socket_filter", ...; "" if absent). */
int fcap_object_prog_fd(struct fcap_object *object, const char *name);
const char *fcap_object_prog_type(struct fcap_object *object, const char *name);

/* The map called `name`: libbpf's name of its type ("" if absent), value
 * size and entries. */
const char *fcap_object_map_type(struct fcap_object *object, const char *name);
unsigned fcap_object_map_value_size(struct fcap_object *object, const char *name);
unsigned fcap_object_map_max_entries(struct fcap_object *object, const char *name);

#ifdef __cplusplus
}
#endif

#endif
