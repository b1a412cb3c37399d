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
#include <optional>
#include <vector>

namespace fcap::ebpf {

namespace {

constexpr std::uint32_t r_bpf_64_64 = 1;
constexpr std::uint16_t em_bpf = 247;

// The object's BTF, as clang would write it for the C below, and its
// .BTF.ext function info.
//
//   struct { __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); __uint(max_entries, 1);
//            __type(key, __u32); __type(value, struct fcap_counters); } fcap_counters SEC(".maps");
//   SEC("xdp") int fcap_filter(struct xdp_md *ctx);      (socket: void *ctx)
//   XDP only, libxdp's run config (priority 50, the chain goes on after XDP_PASS):
//   struct { __uint(priority, 50); __uint(XDP_PASS, 1); } _fcap_filter SEC(".xdp_run_config");
//
// where __uint(name, N) is `int (*name)[N]`.  libxdp's multi-program
// dispatcher wants the typed function and its func info (it attaches
// programs to the dispatcher with freplace) and reads the run config.
struct Btf {
    std::vector<std::uint8_t> types;  // .BTF
    std::vector<std::uint8_t> ext;    // .BTF.ext
};

constexpr std::uint32_t run_config_size = 16;

// struct xdp_md as <linux/bpf.h> has it (u32 fields).
int add_xdp_md(btf* b, int u32) {
    int id = btf__add_struct(b, "xdp_md", 24);
    const char* fields[] = {"data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index", "egress_ifindex"};
    for (int i = 0; i < 6; ++i)
        if (btf__add_field(b, fields[i], u32, i * 32, 0) < 0) return -1;
    return id;
}

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
}

std::optional<Btf> object_btf(Target target, const char* prog_section, std::string* error) {
    btf* b = btf__new_empty();
    if (!b) {
        *error = "cannot create BTF";
        return std::nullopt;
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
    bool ok = var >= 0 && sec >= 0 && btf__add_datasec_var_info(b, var, 0, 32) >= 0;
    // The program's signature.
    int ctx_t = target == Target::xdp ? btf__add_ptr(b, add_xdp_md(b, u32)) : btf__add_ptr(b, 0);
    int proto = btf__add_func_proto(b, int_t);
    ok = ok && ctx_t >= 0 && proto >= 0 && btf__add_func_param(b, "ctx", ctx_t) >= 0;
    int func = btf__add_func(b, "fcap_filter", BTF_FUNC_GLOBAL, proto);
    ok = ok && func >= 0;
    if (target == Target::xdp) {
        int priority_t = uint_field(50), pass_t = max_t;  // max_t is `int (*)[1]` too
        int config = btf__add_struct(b, nullptr, run_config_size);  // its fields follow it directly
        ok = ok && btf__add_field(b, "priority", priority_t, 0, 0) >= 0 &&
             btf__add_field(b, "XDP_PASS", pass_t, 64, 0) >= 0;
        int config_var = btf__add_var(b, "_fcap_filter", BTF_VAR_GLOBAL_ALLOCATED, config);
        int config_sec = btf__add_datasec(b, ".xdp_run_config", run_config_size);
        ok = ok && config_var >= 0 && config_sec >= 0 &&
             btf__add_datasec_var_info(b, config_var, 0, run_config_size) >= 0;
    }
    int section_name = btf__add_str(b, prog_section);
    if (!ok || section_name < 0) {
        *error = "cannot describe the program in BTF";
        btf__free(b);
        return std::nullopt;
    }
    Btf out;
    std::uint32_t size = 0;
    const auto* raw = static_cast<const std::uint8_t*>(btf__raw_data(b, &size));
    out.types.assign(raw, raw + size);
    btf__free(b);
    // .BTF.ext (the kernel's struct btf_ext_header, then one func_info
    // record set): the function at the section's first instruction.
    constexpr std::uint32_t header = 24, func_info = 4 + 8 + 8;
    out.ext = {0x9f, 0xeb, 1, 0};  // magic 0xeB9F, version 1, flags 0
    put32(out.ext, header);
    put32(out.ext, 0);            // func_info_off, from the header's end
    put32(out.ext, func_info);    // func_info_len
    put32(out.ext, func_info);    // line_info_off
    put32(out.ext, 0);            // line_info_len: none
    put32(out.ext, 8);            // record size
    put32(out.ext, std::uint32_t(section_name));
    put32(out.ext, 1);            // records in this section
    put32(out.ext, 0);            // insn_off (bytes)
    put32(out.ext, std::uint32_t(func));
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
    const char* prog_section = program.target == Target::xdp ? "xdp" : "socket";
    std::optional<Btf> btf = object_btf(program.target, prog_section, &error);
    if (!btf) {
        sink.error(error);
        return false;
    }
    // Instructions as the kernel encodes them; map loads are relocations.
    std::vector<std::uint8_t> insns = encode(program);
    std::string rel_name = std::string(".rel") + prog_section;
    std::string license = program.license;
    std::vector<std::uint8_t> maps(32, 0);

    // Sections, by index: 1 program, 2 license, 3 .maps, 4 .BTF, 5 .BTF.ext,
    // 6 .symtab, 7 .strtab, 8 .rel<prog>, (XDP) 9 .xdp_run_config, then
    // .shstrtab.
    const bool xdp = program.target == Target::xdp;
    std::string strtab = std::string(1, '\0');
    std::vector<Elf64_Sym> symbols(1);
    std::memset(symbols.data(), 0, sizeof(Elf64_Sym));
    auto symbol = [&](const char* name, unsigned char type, std::uint16_t section, std::size_t size) {
        Elf64_Sym sym;
        std::memset(&sym, 0, sizeof sym);
        sym.st_name = std::uint32_t(strtab.size());
        sym.st_info = ELF64_ST_INFO(STB_GLOBAL, type);
        sym.st_shndx = section;
        sym.st_size = size;
        strtab += name;
        strtab += '\0';
        symbols.push_back(sym);
        return std::uint32_t(symbols.size() - 1);
    };
    symbol("fcap_filter", STT_FUNC, 1, insns.size());
    std::uint32_t map_symbol = symbol("fcap_counters", STT_OBJECT, 3, 32);
    symbol("_license", STT_OBJECT, 2, license.size() + 1);
    if (xdp) symbol("_fcap_filter", STT_OBJECT, 9, run_config_size);
    std::vector<Elf64_Rel> relocations;
    for (const auto& ref : program.map_refs)
        relocations.push_back({ref.insn_index * 8, ELF64_R_INFO(map_symbol, r_bpf_64_64)});
    std::vector<std::uint8_t> run_config(run_config_size, 0);

    std::vector<Section> sections = {
        {prog_section, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insns.data(), insns.size(), 8},
        {"license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, license.c_str(), license.size() + 1, 1},
        {".maps", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, maps.data(), maps.size(), 8},
        {".BTF", SHT_PROGBITS, 0, btf->types.data(), btf->types.size(), 4},
        {".BTF.ext", SHT_PROGBITS, 0, btf->ext.data(), btf->ext.size(), 4},
        {".symtab", SHT_SYMTAB, 0, symbols.data(), symbols.size() * sizeof(Elf64_Sym), 8, ELF_T_SYM, 7, 1,
         sizeof(Elf64_Sym)},
        {".strtab", SHT_STRTAB, 0, strtab.data(), strtab.size(), 1},
        {rel_name.c_str(), SHT_REL, 0, relocations.data(), relocations.size() * sizeof(Elf64_Rel), 8, ELF_T_REL, 6,
         1, sizeof(Elf64_Rel)},
    };
    if (xdp)
        sections.push_back({".xdp_run_config", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, run_config.data(),
                            run_config.size(), 8});
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
