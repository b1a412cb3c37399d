#include "cbpf_import/libbpf_object.hpp"

#include "kernel/bpf_sys.h"
#include "support/libbpf_object.h"

namespace fcap::cbpf_import::test {

std::optional<std::vector<std::uint32_t>> run_object(const std::string& path,
                                                     const std::vector<std::vector<std::uint8_t>>& frames,
                                                     std::string* error) {
    char why[256] = "";
    fcap_object* obj = fcap_object_load(path.c_str(), why, sizeof why);
    if (!obj) {
        *error = why;
        return std::nullopt;
    }
    std::optional<std::vector<std::uint32_t>> out;
    int fd = fcap_object_prog_fd(obj, "fcap_filter");
    if (fd < 0) {
        *error = path + " has no program fcap_filter";
    } else {
        out.emplace();
        for (const auto& f : frames) {
            std::uint32_t retval = 0;
            if (fcap_test_run(fd, f.data(), std::uint32_t(f.size()), 1, &retval, nullptr) != 0) {
                *error = "BPF_PROG_TEST_RUN failed on a " + std::to_string(f.size()) + "-byte frame";
                out.reset();
                break;
            }
            out->push_back(retval);
        }
    }
    fcap_object_close(obj);
    return out;
}

}  // namespace fcap::cbpf_import::test
