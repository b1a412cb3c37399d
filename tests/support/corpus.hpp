// Expression corpora (tests/corpus/*.txt): one expression per line, `#`
// starts a comment.  Shared by the differential tests and the benchmarks.
#pragma once

#include <string>
#include <vector>

namespace fcap::test {
std::vector<std::string> read_corpus(const std::string& path);
}
