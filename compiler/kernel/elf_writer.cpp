#include "kernel/elf_writer.hpp"

#include "kernel/bpf_sys.h"

#include <bpf/btf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace fcap::ebpf {

namespace {

constexpr std::uint32_t r_bpf_64_64 = 1;
constexpr std::uint16_t em_bpf = 247;

// The map as libbpf 1.x wants it described:
//   struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1);
//            __type(key, __u32); __type(value, struct fcap_counters); } fcap_counters SEC(".maps");
// where __uint(name, N) is `int (*name)[N]`.
std::vector<std::uint8_t> map_btf(std::string* error) {
    btf* b = btf__new_empty();
    if (!b) {
        *error = "cannot create BTF";
        return {};
    }
    int int_t = btf__add_int(b, "int", 4, BTF_INT_SIGNED);
    auto uint_field = [&](std::uint32_t n) { return btf__add_ptr(b, btf__add_array(b, int_t, int_t, n)); };
    int type_t = uint_field(FCAP_MAP_PERCPU_ARRAY);
    int max_t = uint_field(1);
    int u32 = btf__add_int(b, "unsigned int", 4, 0);
    int u64 = btf__add_int(b, "unsigned long long", 8, 0);
    int counters = fcap_btf_add_counters(b, u64);
    int key_t = btf__add_ptr(b, u32);
    int value_t = btf__add_ptr(b, counters);
    int def = btf__add_struct(b, nullptr, 32);
    btf__add_field(b, "type", type_t, 0, 0);
    btf__add_field(b, "max_entries", max_t, 64, 0);
    btf__add_field(b, "key", key_t, 128, 0);
    btf__add_field(b, "value", value_t, 192, 0);
    int var = btf__add_var(b, "fcap_counters", BTF_VAR_GLOBAL_ALLOCATED, def);
    int sec = btf__add_datasec(b, ".maps", 32);
    if (var < 0 || sec < 0 || btf__add_datasec_var_info(b, var, 0, 32) < 0) {
        *error = "cannot describe the counter map in BTF";
        btf__free(b);
        return {};
    }
    // The program's signature, as clang would record it: int fcap_filter(void *ctx).
    int void_ptr = btf__add_ptr(b, 0);
    int proto = btf__add_func_proto(b, int_t);
    btf__add_func_param(b, "ctx", void_ptr);
    btf__add_func(b, "fcap_filter", BTF_FUNC_GLOBAL, proto);
    std::uint32_t size = 0;
    const auto* raw = static_cast<const std::uint8_t*>(btf__raw_data(b, &size));
    std::vector<std::uint8_t> out(raw, raw + size);
    btf__free(b);
    return out;
}

struct Section {
    const char* name;
    std::uint32_t type;
    std::uint64_t flags;
    const void* data;
    std::size_t size;
    std::uint64_t align;
    Elf_Type data_type = ELF_T_BYTE;
    std::uint32_t link = 0, info = 0;
    std::uint64_t entsize = 0;
};

}  // namespace

bool write_elf(const Program& program, const std::string& path, diag::Sink& sink) {
    std::string error;
    std::vector<std::uint8_t> btf = map_btf(&error);
    if (btf.empty()) {
        sink.error(error);
        return false;
    }
    // Instructions as the kernel encodes them; map loads are relocations.
    std::vector<std::uint8_t> insns = encode(program);
    const char* prog_section = program.target == Target::xdp ? "xdp" : "socket";
    std::string rel_name = std::string(".rel") + prog_section;
    std::string license = program.license;
    std::vector<std::uint8_t> maps(32, 0);

    // Sections, by index: 1 program, 2 license, 3 .maps, 4 .BTF, 5 .symtab,
    // 6 .strtab, 7 .rel<prog>, 8 .shstrtab.
    std::string strtab = std::string(1, '\0') + "fcap_filter" + '\0' + "fcap_counters" + '\0' + "_license" + '\0';
    std::vector<Elf64_Sym> symbols(4);
    std::memset(symbols.data(), 0, symbols.size() * sizeof(Elf64_Sym));
    symbols[1].st_name = 1;
    symbols[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
    symbols[1].st_shndx = 1;
    symbols[1].st_size = insns.size();
    symbols[2].st_name = 1 + 12;
    symbols[2].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
    symbols[2].st_shndx = 3;
    symbols[2].st_size = 32;
    symbols[3].st_name = 1 + 12 + 14;
    symbols[3].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
    symbols[3].st_shndx = 2;
    symbols[3].st_size = license.size() + 1;
    std::vector<Elf64_Rel> relocations;
    for (const auto& ref : program.map_refs)
        relocations.push_back({ref.insn_index * 8, ELF64_R_INFO(2, r_bpf_64_64)});

    std::vector<Section> sections = {
        {prog_section, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insns.data(), insns.size(), 8},
        {"license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, license.c_str(), license.size() + 1, 1},
        {".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, maps.data(), maps.size(), 8},
        {".BTF", SHT_PROGBITS, 0, btf.data(), btf.size(), 4},
        {".symtab", SHT_SYMTAB, 0, symbols.data(), symbols.size() * sizeof(Elf64_Sym), 8, ELF_T_SYM, 6, 1,
         sizeof(Elf64_Sym)},
        {".strtab", SHT_STRTAB, 0, strtab.data(), strtab.size(), 1},
        {rel_name.c_str(), SHT_REL, 0, relocations.data(), relocations.size() * sizeof(Elf64_Rel), 8, ELF_T_REL, 5,
         1, sizeof(Elf64_Rel)},
    };
    std::string shstrtab(1, '\0');
    std::vector<std::size_t> names;
    for (const auto& s : sections) {
        names.push_back(shstrtab.size());
        shstrtab += s.name;
        shstrtab += '\0';
    }
    std::size_t shstrtab_name = shstrtab.size();
    shstrtab += ".shstrtab";
    shstrtab += '\0';

    std::string temp = path + ".tmp-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        sink.error("cannot write " + path + ": " + std::strerror(errno));
        return false;
    }
    bool ok = elf_version(EV_CURRENT) != EV_NONE;
    Elf* elf = ok ? elf_begin(fd, ELF_C_WRITE, nullptr) : nullptr;
    Elf64_Ehdr* ehdr = elf ? elf64_newehdr(elf) : nullptr;
    ok = ehdr != nullptr;
    if (ok) {
        ehdr->e_ident[EI_DATA] = ELFDATA2LSB;
        ehdr->e_type = ET_REL;
        ehdr->e_machine = em_bpf;
        ehdr->e_version = EV_CURRENT;
    }
    auto add = [&](const Section& s, std::size_t name) {
        Elf_Scn* scn = elf_newscn(elf);
        Elf64_Shdr* sh = scn ? elf64_getshdr(scn) : nullptr;
        Elf_Data* data = scn ? elf_newdata(scn) : nullptr;
        if (!sh || !data) return false;
        data->d_buf = const_cast<void*>(s.data);
        data->d_size = s.size;
        data->d_align = s.align;
        data->d_type = s.data_type;
        data->d_version = EV_CURRENT;
        sh->sh_name = std::uint32_t(name);
        sh->sh_type = s.type;
        sh->sh_flags = s.flags;
        sh->sh_addralign = s.align;
        sh->sh_link = s.link;
        sh->sh_info = s.info;
        sh->sh_entsize = s.entsize;
        return true;
    };
    for (std::size_t i = 0; ok && i < sections.size(); ++i) ok = add(sections[i], names[i]);
    Section shstr{".shstrtab", SHT_STRTAB, 0, shstrtab.data(), shstrtab.size(), 1};
    ok = ok && add(shstr, shstrtab_name);
    if (ok) {
        ehdr->e_shstrndx = std::uint16_t(sections.size() + 1);
        ok = elf_update(elf, ELF_C_WRITE) >= 0;
    }
    std::string why = ok ? "" : elf_errmsg(-1);
    if (elf) elf_end(elf);
    if (::close(fd) != 0 && ok) {
        ok = false;
        why = std::strerror(errno);
    }
    if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
        if (ok) why = std::strerror(errno);
        std::remove(temp.c_str());
        sink.error("cannot write " + path + ": " + why);
        return false;
    }
    return true;
}

}  // namespace fcap::ebpf
