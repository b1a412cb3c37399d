// attach, replace, check, detach: what changes an interface.  The order of
// the steps is the point: everything is built and pinned in a partial
// folder before the link exists, and the link is pinned before the folder
// takes the interface's name, so a failure at any step undoes what came
// before it and leaves no half-attached filter.
#include "xdp/commands.hpp"
#include "xdp/pins.hpp"

#include "fcap/compiler.hpp"
#include "kernel/xdp_attach.hpp"
#include "kernel/xdp_link.h"

#include <net/if.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fcap::fxdp {

int fail(const std::string& message, const std::string& hint) {
    std::cerr << "fxdp: error: " << message << "\n";
    if (!hint.empty()) std::cerr << "  hint: " << hint << "\n";
    return 1;
}

std::string errno_text(int error) { return std::strerror(error); }

std::string shown(const std::string& expression, std::size_t limit) {
    if (expression.size() <= limit) return expression;
    return expression.substr(0, limit) + "... (" + std::to_string(expression.size()) + " characters)";
}

namespace {

// Test hook, documented in fxdp(1): FXDP_TEST_FAULT=pin-enospc makes the
// link's pin fail as on a full bpffs; crash-after-pin ends the process
// after the first pins, as a crash would; verifier swaps the program for
// one the verifier refuses (it reads a register never written).
bool fault(const char* name) {
    const char* f = std::getenv("FXDP_TEST_FAULT");
    return f && std::strcmp(f, name) == 0;
}

bool expression_of(const FilterCommand& c, std::string* out) {
    if (!c.file.empty()) {
        if (!c.words.empty()) {
            fail("the expression comes from -F " + c.file + " or from the command line, not both");
            return false;
        }
        std::ifstream in(c.file);
        if (!in) {
            fail("cannot read " + c.file + ": " + errno_text(errno));
            return false;
        }
        std::ostringstream text;
        text << in.rdbuf();
        *out = expression_from_file_text(text.str());
        while (!out->empty() && out->back() == ' ') out->pop_back();
    } else {
        *out = join_words(c.words);
    }
    if (out->find_first_not_of(" \t\n") == std::string::npos) {
        fail("no expression: an empty filter matches every packet",
             "fxdp attach -i IFACE -- 'tcp and dst port 7070' drops what matches");
        return false;
    }
    return true;
}

std::optional<ebpf::Program> compile(const std::string& expression, bool keep) {
    diag::Sink sink;
    CompileOptions options;
    EbpfOptions target;
    target.target = ebpf::Target::xdp;
    target.invert = keep;
    target.ancillary = true;    // a live interface: `inbound`, `ifindex` read the xdp_md
    target.lookup_sets = true;  // long host and port lists: one hash lookup (fxdp loads the maps)
    auto program = compile_ebpf(expression, options, target, sink);
    sink.print(std::cerr, "fxdp", expression);
    if (program && fault("verifier")) {
        program->insns = {ebpf::Insn{0xbf, 0, 5, 0, 0}, ebpf::Insn{0x95, 0, 0, 0, 0}};  // r0 = r5; exit
        program->map_refs.clear();
    }
    return program;
}

const char* program_name(bool keep) { return keep ? "fxdp_keep" : "fxdp_drop"; }

int load_failure(const xdp::Loaded& loaded) {
    if (loaded.error == EPERM)  // the verifier refuses with EACCES
        return fail("loading an XDP program needs CAP_BPF and CAP_NET_ADMIN (or root): " + errno_text(loaded.error),
                    "run fxdp as root, or give it cap_bpf,cap_net_admin");
    std::cerr << "fxdp: error: the kernel's verifier refused the program (" << errno_text(loaded.error) << ")";
    // The relevant part of the log is its end: the instruction it stopped
    // at and why.
    std::vector<std::string> lines;
    std::istringstream in(loaded.log);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    std::size_t from = lines.size() > 12 ? lines.size() - 12 : 0;
    std::cerr << (lines.empty() ? "\n" : ":\n");
    for (std::size_t i = from; i < lines.size(); ++i) std::cerr << "  " << lines[i] << "\n";
    return 1;
}

int interface_index(const std::string& name) {
    if (name.empty()) {
        fail("no interface: -i IFACE names it");
        return 0;
    }
    unsigned index = if_nametoindex(name.c_str());
    if (index == 0)
        fail("no interface named " + name + " in this network namespace", "ip link lists the interfaces");
    return int(index);
}

std::string describe(const xdp::Attached& a) {
    std::string text = "id " + std::to_string(a.program_id);
    if (auto facts = xdp::program_facts_by_id(a.program_id)) text += " \"" + facts->name + "\"";
    return text + " (" + xdp::mode_name(a.mode) + " mode)";
}

bool ours_on(const Pinned& p, int ifindex) {
    return p.problem.empty() && p.link_facts && p.link_facts->ifindex == ifindex;
}

int pin_failure(const std::string& what, int error, const std::string& root) {
    if (error == ENOSPC || error == ENOMEM || error == EDQUOT)
        return fail("cannot pin the " + what + ": the BPF filesystem at " + root + " is full (" + errno_text(error) +
                    "); nothing was attached",
                    "fxdp status lists what is pinned; fxdp detach removes filters");
    return fail("cannot pin the " + what + " under " + root + ": " + errno_text(error) + "; nothing was attached");
}

int pin(int fd, const std::string& path) {
    int r = fxdp_pin(fd, path.c_str());
    return r < 0 ? -r : 0;
}

// Removes other programs from the interface (--force): through netlink,
// or, for one a bpf_link holds (netlink refuses: EBUSY), through its link.
bool remove_foreign(int ifindex, const std::vector<xdp::Attached>& others) {
    for (const auto& a : others) {
        int mode = a.mode == xdp::Mode::skb ? FXDP_MODE_SKB : a.mode == xdp::Mode::hw ? FXDP_MODE_HW : FXDP_MODE_NATIVE;
        if (fxdp_netlink_detach(ifindex, mode) == 0) continue;
        xdp::Fd link(fxdp_find_link(ifindex, a.program_id));
        if (!link || fxdp_link_detach(link.get()) < 0) return false;
    }
    return xdp::attached(ifindex).empty();
}

void print_loaded(const std::string& verb, const std::string& iface, const std::string& mode, const xdp::Fd& program,
                  const ebpf::Program& code, bool keep, const std::string& expression) {
    auto facts = xdp::program_facts(program.get());
    std::cout << "fxdp: " << verb << " " << iface << " (" << mode << " mode): program id " << (facts ? facts->id : 0)
              << ", " << code.insns.size() << " instructions";
    if (facts) std::cout << " (" << facts->xlated_insns << " after the verifier, " << facts->jited_bytes << " bytes jited)";
    std::cout << "; " << (keep ? "passes only" : "drops") << " what matches: " << shown(expression) << "\n";
}

// Replaces the program of the fxdp filter pinned in `p` (healthy, attached).
int swap_program(Pinned& p, const std::string& expression, bool keep, bool reset_counters, const std::string& iface) {
    auto code = compile(expression, keep);
    if (!code) return 1;
    auto loaded = xdp::load(*code, program_name(keep), reset_counters ? -1 : p.counters.get());
    if (!loaded.program) return load_failure(loaded);
    FilterInfo info = p.info;
    info.expression = expression;
    info.keep = keep;
    info.since = now_utc();
    int error = 0;
    xdp::Fd info_map = xdp::create_text_map("fxdp_info", info.text(), &error);
    if (!info_map) return fail("cannot create the info map: " + errno_text(error));
    // New pins beside the old ones first, then the swap, then the renames:
    // a failure before the swap changes nothing.
    std::vector<std::pair<int, std::string>> staged = {{loaded.program.get(), "prog"}, {info_map.get(), "info"}};
    if (reset_counters) staged.push_back({loaded.counters.get(), "counters"});
    auto unstage = [&] {
        for (const auto& s : staged) ::unlink((p.dir + "/" + s.second + "_new").c_str());
    };
    for (const auto& s : staged) {
        if (int e = pin(s.first, p.dir + "/" + s.second + "_new")) {
            unstage();
            return pin_failure(s.second, e, p.dir);
        }
    }
    unsigned old_id = p.link_facts ? p.link_facts->program_id : 0;
    if (int r = fxdp_link_update(p.link.get(), loaded.program.get()); r < 0) {
        unstage();
        return fail("the kernel refused to swap the program on " + iface + ": " + errno_text(-r) +
                    "; the old filter stays");
    }
    for (const auto& s : staged)
        ::rename((p.dir + "/" + s.second + "_new").c_str(), (p.dir + "/" + s.second).c_str());
    print_loaded("replaced the filter on", iface, info.mode, loaded.program, *code, keep, expression);
    auto facts = xdp::program_facts(loaded.program.get());
    std::cout << "fxdp: atomic swap through the link: program id " << old_id << " -> " << (facts ? facts->id : 0)
              << "; counters " << (reset_counters ? "start again at zero" : "carried over (--reset-counters starts them at zero)")
              << "\n";
    return 0;
}

}  // namespace

int check(const FilterCommand& c) {
    std::string expression;
    if (!expression_of(c, &expression)) return 2;
    auto code = compile(expression, c.keep);
    if (!code) return 1;
    auto loaded = xdp::load(*code, program_name(c.keep), -1, true);
    if (!loaded.program) return load_failure(loaded);
    auto facts = xdp::program_facts(loaded.program.get());
    std::cout << "fxdp: " << code->insns.size() << " eBPF instructions, " << (c.keep ? "passes only" : "drops")
              << " what matches: " << shown(expression) << "\n";
    if (!code->sets.empty()) {
        std::cout << "fxdp: lookup sets:";
        for (const auto& s : code->sets)
            std::cout << " " << s.keys.size() << (s.prefix_lengths.empty() ? " values (hash)" : " networks (LPM trie)");
        std::cout << "\n";
    }
    std::cout << "fxdp: the verifier accepts it: " << xdp::verifier_summary(loaded.log) << "\n";
    if (facts)
        std::cout << "fxdp: after the verifier: " << facts->xlated_insns << " instructions, " << facts->jited_bytes
                  << " bytes of machine code\n";
    std::cout << "fxdp: nothing attached\n";
    return 0;
}

int attach(const FilterCommand& c) {
    if (c.dry_run) return check(c);
    std::string expression;
    if (!expression_of(c, &expression)) return 2;
    auto mode = xdp::parse_mode(c.mode);
    if (!mode) {
        fail("--mode takes native or skb, not " + c.mode);
        return 2;
    }
    int ifindex = interface_index(c.interface);
    if (!ifindex) return 1;

    auto existing = open_pinned(c.pin_root, c.interface);
    if (existing && ours_on(*existing, ifindex)) {
        if (existing->info.mode != xdp::mode_name(*mode))
            return fail(c.interface + " has an fxdp filter in " + existing->info.mode + " mode; a link cannot change mode",
                        "fxdp detach -i " + c.interface + " first");
        return swap_program(*existing, expression, c.keep, false, c.interface);
    }
    if (existing && existing->problem.empty())
        return fail("the fxdp filter pinned at " + existing->dir + " holds another interface named " + c.interface +
                        " (ifindex " + std::to_string(existing->link_facts->ifindex) +
                        ", in another network namespace?)",
                    "--pin-dir keeps the filters of each namespace apart");
    if (existing)
        return fail("stale fxdp pins at " + existing->dir + ": " + existing->problem,
                    "fxdp detach -i " + c.interface + " removes them");

    auto code = compile(expression, c.keep);
    if (!code) return 1;
    auto loaded = xdp::load(*code, program_name(c.keep));
    if (!loaded.program) return load_failure(loaded);

    int error = 0;
    auto others = xdp::attached(ifindex, &error);
    if (!others.empty()) {
        if (!c.force)
            return fail(c.interface + " already has an XDP program that is not fxdp's: " + describe(others.front()),
                        "fxdp does not replace it silently; --force removes it and attaches the filter");
        if (!remove_foreign(ifindex, others))
            return fail("cannot remove the XDP program " + describe(others.front()) + " from " + c.interface + ": " +
                        errno_text(errno));
        std::cerr << "fxdp: removed XDP program " << describe(others.front()) << " from " << c.interface
                  << " (--force)\n";
    }

    std::string why;
    if (!prepare_root(c.pin_root, &why)) return fail(why + "; nothing was attached");
    FilterInfo info{c.interface, ifindex, expression, c.keep, xdp::mode_name(*mode), now_utc()};
    xdp::Fd info_map = xdp::create_text_map("fxdp_info", info.text(), &error);
    if (!info_map) return fail("cannot create the info map: " + errno_text(error));

    const std::string partial = c.pin_root + "/" + c.interface + ":partial:" + std::to_string(getpid());
    const std::string final_dir = c.pin_root + "/" + c.interface;
    std::string ignored;
    remove_pins(partial, &ignored);
    if (::mkdir(partial.c_str(), 0700) != 0) return pin_failure("filter's folder", errno, c.pin_root);
    auto undo = [&] { remove_pins(partial, &ignored); };
    for (auto [fd, name] : {std::pair{loaded.program.get(), "prog"}, {loaded.counters.get(), "counters"},
                            {info_map.get(), "info"}}) {
        if (int e = pin(fd, partial + "/" + name)) {
            undo();
            return pin_failure(name, e, c.pin_root);
        }
    }
    if (fault("crash-after-pin")) _exit(70);

    xdp::Fd link = xdp::create_link(loaded.program.get(), ifindex, *mode, &error);
    if (!link) {
        undo();
        if (error == EOPNOTSUPP && *mode == xdp::Mode::native)
            return fail(c.interface + " has no native XDP support (its driver cannot run XDP programs)",
                        "--mode skb attaches in generic mode, slower but on any interface");
        if (error == EEXIST || error == EBUSY)
            return fail("another XDP program was attached to " + c.interface + " meanwhile; nothing was attached",
                        "fxdp status -i " + c.interface + " shows it");
        if (error == EPERM)
            return fail("attaching XDP needs CAP_NET_ADMIN and CAP_BPF (or root): " + errno_text(error));
        return fail("cannot attach to " + c.interface + ": " + errno_text(error));
    }
    int e = fault("pin-enospc") ? ENOSPC : pin(link.get(), partial + "/link");
    if (e == 0 && ::rename(partial.c_str(), final_dir.c_str()) != 0) e = errno;
    if (e) {
        fxdp_link_detach(link.get());
        undo();
        return pin_failure("link", e, c.pin_root);
    }
    print_loaded("attached to", c.interface, info.mode, loaded.program, *code, c.keep, expression);
    std::cout << "fxdp: pinned at " << final_dir << " (link, prog, counters, info); fxdp detach -i " << c.interface
              << " removes it\n";
    return 0;
}

int replace(const FilterCommand& c) {
    std::string expression;
    if (!expression_of(c, &expression)) return 2;
    int ifindex = interface_index(c.interface);
    if (!ifindex) return 1;
    auto existing = open_pinned(c.pin_root, c.interface);
    if (!existing) return fail("no fxdp filter on " + c.interface + " to replace", "fxdp attach -i " + c.interface + " attaches one");
    if (!ours_on(*existing, ifindex))
        return fail("the fxdp pins at " + existing->dir + " are not a working filter: " +
                        (existing->problem.empty() ? "its link holds another interface" : existing->problem),
                    "fxdp detach -i " + c.interface + " removes them");
    return swap_program(*existing, expression, c.keep, c.reset_counters, c.interface);
}

int detach(const DetachCommand& c) {
    std::vector<std::string> names;
    if (c.all) {
        names = pinned_names(c.pin_root);
        if (names.empty()) {
            std::cout << "fxdp: no fxdp filters under " << c.pin_root << "\n";
            return 0;
        }
    } else {
        if (c.interface.empty()) {
            fail("detach needs -i IFACE or --all");
            return 2;
        }
        if (open_pinned(c.pin_root, c.interface)) names.push_back(c.interface);
        for (const auto& n : stale_partials(c.pin_root, c.interface)) names.push_back(n);
        if (names.empty()) {
            unsigned ifindex = if_nametoindex(c.interface.c_str());
            auto others = ifindex ? xdp::attached(int(ifindex)) : std::vector<xdp::Attached>{};
            if (!others.empty())
                return fail("no fxdp filter on " + c.interface + "; its XDP program " + describe(others.front()) +
                            " is someone else's and stays");
            return fail("no fxdp filter on " + c.interface + (ifindex ? "" : " (and no such interface here)"));
        }
    }
    int status = 0;
    for (const auto& name : names) {
        auto p = open_pinned(c.pin_root, name);
        if (!p) continue;
        bool attached = p->link && p->link_facts && p->link_facts->ifindex != 0;
        if (attached && fxdp_link_detach(p->link.get()) < 0) {
            status = fail("cannot detach the link on " + name + ": " + errno_text(errno));
            continue;
        }
        std::string error;
        if (!remove_pins(p->dir, &error)) {
            status = fail(error);
            continue;
        }
        if (attached)
            std::cout << "fxdp: detached the filter from " << name << " (program id " << p->link_facts->program_id
                      << ") and removed its pins\n";
        else
            std::cout << "fxdp: removed stale pins at " << p->dir << " (" << p->problem << ")\n";
    }
    return status;
}

}  // namespace fcap::fxdp
