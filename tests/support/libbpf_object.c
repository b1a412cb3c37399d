#include "support/libbpf_object.h"

#include <bpf/libbpf.h>
#include <stdio.h>

struct fcap_object *fcap_object_load(const char *path, char *error, size_t error_size)
{
    struct bpf_object *obj = bpf_object__open_file(path, NULL);
    if (!obj) {
        snprintf(error, error_size, "libbpf cannot open %s", path);
        return NULL;
    }
    if (bpf_object__load(obj) != 0) {
        snprintf(error, error_size, "libbpf cannot load %s", path);
        bpf_object__close(obj);
        return NULL;
    }
    return (struct fcap_object *)obj;
}

void fcap_object_close(struct fcap_object *object) { bpf_object__close((struct bpf_object *)object); }

static struct bpf_program *program(struct fcap_object *object, const char *name)
{
    return bpf_object__find_program_by_name((struct bpf_object *)object, name);
}

static struct bpf_map *map(struct fcap_object *object, const char *name)
{
    return bpf_object__find_map_by_name((struct bpf_object *)object, name);
}

int fcap_object_prog_fd(struct fcap_object *object, const char *name)
{
    struct bpf_program *p = program(object, name);
    return p ? bpf_program__fd(p) : -1;
}

const char *fcap_object_prog_type(struct fcap_object *object, const char *name)
{
    struct bpf_program *p = program(object, name);
    const char *type = p ? libbpf_bpf_prog_type_str(bpf_program__type(p)) : NULL;
    return type ? type : "";
}

const char *fcap_object_map_type(struct fcap_object *object, const char *name)
{
    struct bpf_map *m = map(object, name);
    const char *type = m ? libbpf_bpf_map_type_str(bpf_map__type(m)) : NULL;
    return type ? type : "";
}

unsigned fcap_object_map_value_size(struct fcap_object *object, const char *name)
{
    struct bpf_map *m = map(object, name);
    return m ? bpf_map__value_size(m) : 0;
}

unsigned fcap_object_map_max_entries(struct fcap_object *object, const char *name)
{
    struct bpf_map *m = map(object, name);
    return m ? bpf_map__max_entries(m) : 0;
}
