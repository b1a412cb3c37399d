// A directory under /tmp for one test, removed with everything in it when
// the test ends (kept when FCAP_KEEP_TEMP is set, to look at afterwards).
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fcap::test {

struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix) {
        std::string pattern = "/tmp/" + prefix + "-XXXXXX";
        path = mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ec;
        if (!std::getenv("FCAP_KEEP_TEMP")) std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
};

}  // namespace fcap::test
