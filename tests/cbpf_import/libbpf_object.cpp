#include "cbpf_import/libbpf_object.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

namespace fcap::cbpf_import::test {

std::optional<std::vector<std::uint32_t>> run_object(const std::string& path,
                                                     const std::vector<std::vector<std::uint8_t>>& frames,
                                                     std::string* error) {
    bpf_object* obj = bpf_object__open_file(path.c_str(), nullptr);
    if (!obj) {
        *error = "libbpf cannot open " + path;
        return std::nullopt;
    }
    std::optional<std::vector<std::uint32_t>> out;
    bpf_program* prog = nullptr;
    if (bpf_object__load(obj) != 0) {
        *error = "libbpf cannot load " + path;
    } else if (!(prog = bpf_object__find_program_by_name(obj, "fcap_filter"))) {
        *error = path + " has no program fcap_filter";
    } else {
        out.emplace();
        for (const auto& f : frames) {
            LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data(), .data_size_in = std::uint32_t(f.size()),
                        .repeat = 1);
            if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) != 0) {
                *error = "BPF_PROG_TEST_RUN failed on a " + std::to_string(f.size()) + "-byte frame";
                out.reset();
                break;
            }
            out->push_back(opts.retval);
        }
    }
    bpf_object__close(obj);
    return out;
}

}  // namespace fcap::cbpf_import::test
