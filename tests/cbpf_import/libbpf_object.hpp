// An ELF object loaded by libbpf and run on frames.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::cbpf_import::test {

// The program "fcap_filter"'s return value on each frame; nullopt (and
// *error) when libbpf cannot open or load the object or a run fails.
std::optional<std::vector<std::uint32_t>> run_object(const std::string& path,
                                                     const std::vector<std::vector<std::uint8_t>>& frames,
                                                     std::string* error);

}  // namespace fcap::cbpf_import::test
