#include "support/corpus.hpp"

#include <fstream>

namespace fcap::test {

std::vector<std::string> read_corpus(const std::string& path) {
    std::vector<std::string> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        // pcap-filter has no `#`, so it always starts a comment.
        if (auto hash = line.find('#'); hash != std::string::npos) line = line.substr(0, hash);
        auto b = line.find_first_not_of(" \t");
        if (b == std::string::npos) continue;
        out.push_back(line.substr(b, line.find_last_not_of(" \t\r") - b + 1));
    }
    return out;
}

}  // namespace fcap::test
