#include "suite/update.hpp"

#include "suite/report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <ostream>
#include <sstream>

namespace fcap::suite {

namespace {

// Where a TOML value that starts at `column` (1-based) ends: past a basic
// or literal string's closing quote, else at the first blank, comma or #.
std::size_t value_end(const std::string& line, std::size_t start) {
    if (start >= line.size()) return start;
    char quote = line[start];
    if (quote == '"' || quote == '\'') {
        for (std::size_t i = start + 1; i < line.size(); ++i) {
            if (quote == '"' && line[i] == '\\') ++i;
            else if (line[i] == quote) return i + 1;
        }
        return line.size();
    }
    std::size_t i = start;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '#' && line[i] != ',') ++i;
    return i;
}

void replace_value(std::vector<std::string>& lines, Position at, const std::string& value) {
    std::string& line = lines[at.line - 1];
    std::size_t start = std::size_t(at.column - 1);
    line.replace(start, value_end(line, start) - start, value);
}

bool write_file(const std::string& path, const std::string& text, std::ostream& err) {
    std::string temporary = path + ".fcc-update";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << text;
        if (!out) {
            err << "fcc: error: cannot write " << temporary << "\n";
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        err << "fcc: error: cannot replace " << path << "\n";
        return false;
    }
    return true;
}

}  // namespace

bool update(const Suite& suite, const std::vector<Observation>& observed, std::ostream& out, std::ostream& err) {
    std::ifstream in(suite.path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::map<int, std::vector<std::string>, std::greater<>> inserts;  // after this line, bottom first
    bool changed = false;
    for (const auto& o : observed) {
        const Case& c = suite.cases[o.case_index];
        std::uint64_t matched = std::count(o.verdicts.begin(), o.verdicts.end(), 1);
        std::vector<std::uint64_t> numbers;
        for (std::size_t i = 0; i < o.verdicts.size(); ++i)
            if (o.verdicts[i] == 1) numbers.push_back(i + 1);
        std::string count = std::to_string(matched), packets = "\"" + format_packet_list(numbers) + "\"";
        bool expects = c.count || c.packets || c.snapshot || c.same_as || c.same_as_libpcap || c.error;
        if (c.count_at.line) replace_value(lines, c.count_at, count);
        if (c.packets_at.line) replace_value(lines, c.packets_at, packets);
        if (!expects) inserts[c.header.line] = {"count = " + count, "packets = " + packets};
        if (c.snapshot && !write_file(*c.snapshot, snapshot_text(o), err)) return false;
        if (c.count_at.line || c.packets_at.line || !expects || c.snapshot) {
            out << "updated " << c.name << ": " << matched << " of " << o.verdicts.size() << " packets match\n";
            changed = true;
        }
    }
    for (const auto& [after, added] : inserts) lines.insert(lines.begin() + after, added.begin(), added.end());
    if (!changed) return true;
    std::string text;
    for (const auto& line : lines) text += line + "\n";
    return write_file(suite.path, text, err);
}

}  // namespace fcap::suite
