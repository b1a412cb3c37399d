#include "suite/suite.hpp"

#include "sema/link_layer.hpp"

#include <toml++/toml.h>  // Debian ships the header as toml.h

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fnmatch.h>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace fcap::suite {

namespace fs = std::filesystem;

const char* name(Target target) {
    switch (target) {
    case Target::libpcap: return "libpcap";
    case Target::cbpf: return "cbpf";
    case Target::socket: return "socket";
    case Target::xdp: return "xdp";
    }
    return "?";
}

bool is_kernel(Target target) { return target == Target::socket || target == Target::xdp; }

std::optional<std::vector<std::uint64_t>> parse_packet_list(const std::string& text, std::string* why) {
    std::set<std::uint64_t> numbers;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (item.empty()) continue;
        // N or N-M, digits only (a stream would read "-2" as a huge unsigned number).
        std::uint64_t from = 0, to = 0;
        std::size_t dash = item.find('-');
        auto number = [](std::string text, std::uint64_t& out) {
            text.erase(0, text.find_first_not_of(" \t"));
            text.erase(text.find_last_not_of(" \t") + 1);
            auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
            return !text.empty() && error == std::errc() && end == text.data() + text.size();
        };
        bool ok = dash == std::string::npos ? number(item, from) && (to = from, true)
                                            : number(item.substr(0, dash), from) && number(item.substr(dash + 1), to);
        if (!ok || from == 0 || to < from) {
            *why = "'" + item + "' is not a packet number or range (packets count from 1: \"1-5, 9\")";
            return std::nullopt;
        }
        if (to - from >= 10'000'000) {  // a list that large is a typo, and would fill memory
            *why = "'" + item + "' is a range of more than ten million packets";
            return std::nullopt;
        }
        for (std::uint64_t n = from; n <= to; ++n) numbers.insert(n);
    }
    return std::vector<std::uint64_t>(numbers.begin(), numbers.end());
}

std::string format_packet_list(const std::vector<std::uint64_t>& numbers) {
    std::string out;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1) ++j;
        if (!out.empty()) out += ", ";
        out += std::to_string(numbers[i]);
        if (j > i) out += "-" + std::to_string(numbers[j]);
        i = j + 1;
    }
    return out;
}

namespace {

// Prints "file:line:col: error: ..." with the line and a caret under the
// column, as fcc prints an expression's errors; reading goes on after one
// so that a suite's every mistake shows at once.
class Errors {
public:
    Errors(std::string path, std::ostream& err) : path_(std::move(path)), err_(err) {
        std::ifstream in(path_);
        for (std::string line; std::getline(in, line);) lines_.push_back(line);
    }
    void at(const toml::source_position& where, const std::string& message) {
        err_ << path_;
        if (where.line) err_ << ":" << where.line << ":" << where.column;
        err_ << ": error: " << message << "\n";
        if (where.line && where.line <= lines_.size()) {
            const std::string& line = lines_[where.line - 1];
            err_ << "  " << line << "\n  ";
            for (std::size_t i = 0; i + 1 < where.column && i < line.size(); ++i) err_ << (line[i] == '\t' ? '\t' : ' ');
            err_ << "^\n";
        }
        ++count_;
    }
    void at(const toml::source_region& where, const std::string& message) { at(where.begin, message); }
    int count() const { return count_; }

private:
    std::string path_;
    std::ostream& err_;
    std::vector<std::string> lines_;
    int count_ = 0;
};

Position position(const toml::node& node) {
    return {int(node.source().begin.line), int(node.source().begin.column)};
}

std::optional<std::string> string_at(const toml::table& table, const char* key, Errors& errors) {
    const toml::node* node = table.get(key);
    if (!node) return std::nullopt;
    if (auto s = node->value<std::string>()) return s;
    errors.at(node->source(), std::string("'") + key + "' wants a string");
    return std::nullopt;
}

std::vector<Target> targets_at(const toml::node& node, Errors& errors) {
    std::vector<Target> out;
    const toml::array* list = node.as_array();
    if (!list) {
        errors.at(node.source(), "'targets' wants a list, e.g. [\"libpcap\", \"cbpf\", \"xdp\"]");
        return out;
    }
    for (const auto& item : *list) {
        auto word = item.value<std::string>();
        const Target all[] = {Target::libpcap, Target::cbpf, Target::socket, Target::xdp};
        auto found = std::find_if(std::begin(all), std::end(all), [&](Target t) { return word && *word == name(t); });
        if (found == std::end(all))
            errors.at(item.source(), "unknown target " + (word ? "'" + *word + "'" : std::string("(not a string)")) +
                                         " (targets are libpcap, cbpf, socket, xdp)");
        else
            out.push_back(*found);
    }
    return out;
}

bool has_glob(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

// A pattern relative to `base`: the files it names, sorted.  Only the last
// component may hold a glob ("dir/*.pcapng").
std::vector<std::string> expand(const fs::path& base, const std::string& pattern) {
    fs::path full = fs::path(pattern).is_absolute() ? fs::path(pattern) : base / pattern;
    if (!has_glob(full.filename().string())) return {full.lexically_normal().string()};
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(full.parent_path(), ec))
        if (fnmatch(full.filename().c_str(), entry.path().filename().c_str(), 0) == 0)
            out.push_back(entry.path().lexically_normal().string());
    std::sort(out.begin(), out.end());
    return out;
}

const std::set<std::string> top_keys = {"link_type", "dlt", "targets", "snaplen", "pcap_dir", "filters", "case"};
const std::set<std::string> case_keys = {"name",  "filter",          "filter_file", "use",      "pcaps",
                                         "targets", "count",         "packets",     "same_as_libpcap",
                                         "same_as", "snapshot",      "error",       "link_type", "dlt"};

}  // namespace

std::optional<Suite> read(const std::string& path, std::ostream& err, bool for_update) {
    Errors errors(path, err);
    toml::table doc;
    try {
        doc = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        errors.at(e.source().begin, std::string(e.description()));
        return std::nullopt;
    }
    Suite suite;
    suite.path = path;
    fs::path dir = fs::path(path).parent_path();
    if (dir.empty()) dir = ".";

    for (const auto& [key, node] : doc)
        if (!top_keys.count(std::string(key.str())))
            errors.at(key.source(), "unknown key '" + std::string(key.str()) +
                                         "' (the top holds link_type, targets, snaplen, pcap_dir, [filters], "
                                         "[[case]])");

    auto link_type_of = [&](const toml::table& table, int fallback) {
        for (const char* key : {"link_type", "dlt"}) {
            const toml::node* node = table.get(key);
            if (!node) continue;
            int dlt = -1;
            if (auto n = node->value<std::int64_t>()) dlt = int(*n);
            else if (auto s = node->value<std::string>()) dlt = sema::link_type_from_name(*s);
            if (dlt < 0 || sema::find_link_layer(dlt) == nullptr)
                errors.at(node->source(), std::string("unknown or unsupported link type (use one of ") +
                                              std::string(sema::supported_link_types()) + ")");
            return dlt;
        }
        return fallback;
    };
    int dlt = link_type_of(doc, -1);
    std::vector<Target> targets = {Target::libpcap, Target::cbpf};
    if (const toml::node* node = doc.get("targets")) targets = targets_at(*node, errors);
    if (const toml::node* node = doc.get("snaplen")) {
        auto n = node->value<std::int64_t>();
        if (!n || *n < 0 || *n > 0x7fffffff) errors.at(node->source(), "'snaplen' wants a number of bytes");
        else if (*n > 0) suite.snaplen = std::uint32_t(*n);
    }
    fs::path pcap_dir = dir;
    if (auto s = string_at(doc, "pcap_dir", errors)) pcap_dir = fs::path(*s).is_absolute() ? fs::path(*s) : dir / *s;

    std::map<std::string, std::string> filters;
    if (const toml::node* node = doc.get("filters")) {
        if (const toml::table* table = node->as_table()) {
            for (const auto& [key, value] : *table) {
                if (auto s = value.value<std::string>()) filters[std::string(key.str())] = *s;
                else errors.at(value.source(), "a named filter wants a string expression");
            }
        } else {
            errors.at(node->source(), "'filters' wants a table: [filters] name = \"expression\"");
        }
    }

    const toml::array* cases = doc["case"].as_array();
    if (!cases || cases->empty()) {
        errors.at(toml::source_position{}, "no [[case]] tables");
        return std::nullopt;
    }
    std::set<std::string> names;
    for (const auto& node : *cases) {
        const toml::table* table = node.as_table();
        if (!table) {
            errors.at(node.source(), "'case' wants tables: [[case]]");
            continue;
        }
        Case c;
        c.header = position(*table);
        c.dlt = link_type_of(*table, dlt);
        for (const auto& [key, value] : *table)
            if (!case_keys.count(std::string(key.str())))
                errors.at(key.source(), "unknown key '" + std::string(key.str()) + "' in a case");
        if (auto s = string_at(*table, "name", errors)) c.name = *s;
        else errors.at(table->source(), "a case wants a name");
        if (!c.name.empty() && !names.insert(c.name).second)
            errors.at(table->source(), "a second case named '" + c.name + "'");

        int sources = 0;
        if (auto s = string_at(*table, "filter", errors)) c.filter = *s, c.filter_source = "filter", ++sources;
        if (auto s = string_at(*table, "filter_file", errors)) {
            ++sources;
            fs::path file = fs::path(*s).is_absolute() ? fs::path(*s) : dir / *s;
            std::ifstream in(file);
            std::stringstream text;
            text << in.rdbuf();
            if (!in) errors.at(table->get("filter_file")->source(), "cannot read " + file.string());
            c.filter = text.str();
            for (auto& ch : c.filter)  // as tcpdump -F reads one
                if (ch == '\n' || ch == '\t' || ch == '\r') ch = ' ';
            c.filter_source = *s;
        }
        if (auto s = string_at(*table, "use", errors)) {
            ++sources;
            auto found = filters.find(*s);
            if (found == filters.end()) errors.at(table->get("use")->source(), "no filter named '" + *s + "' in [filters]");
            else c.filter = found->second;
            c.filter_source = "use = " + *s;
        }
        if (sources != 1)
            errors.at(table->source(), "case '" + c.name + "' wants exactly one of filter, filter_file, use");

        c.targets = targets;
        if (const toml::node* t = table->get("targets")) c.targets = targets_at(*t, errors);
        if (const toml::node* p = table->get("pcaps")) {
            const toml::array* list = p->as_array();
            if (!list) errors.at(p->source(), "'pcaps' wants a list of files or globs");
            for (std::size_t i = 0; list && i < list->size(); ++i) {
                auto pattern = (*list)[i].value<std::string>();
                if (!pattern) {
                    errors.at((*list)[i].source(), "a capture wants a string");
                    continue;
                }
                auto files = expand(pcap_dir, *pattern);
                // Not under pcap_dir: beside the suite file, if it is there.
                if (pcap_dir != dir && (files.empty() || !fs::exists(files.front())))
                    if (auto beside = expand(dir, *pattern); !beside.empty() && fs::exists(beside.front()))
                        files = beside;
                if (files.empty()) errors.at((*list)[i].source(), "'" + *pattern + "' names no file");
                // A missing plain name is for the runner to report: it fails that case.
                c.pcaps.insert(c.pcaps.end(), files.begin(), files.end());
            }
        }

        if (const toml::node* n = table->get("count")) {
            c.count_at = position(*n);
            auto v = n->value<std::int64_t>();
            if (!v || *v < 0) errors.at(n->source(), "'count' wants a number of packets");
            else c.count = std::uint64_t(*v);
        }
        if (const toml::node* n = table->get("packets")) {
            c.packets_at = position(*n);
            std::string why;
            auto s = n->value<std::string>();
            if (!s) errors.at(n->source(), "'packets' wants a string such as \"1-5, 9\"");
            else if (auto list = parse_packet_list(*s, &why)) c.packets = std::move(*list);
            else errors.at(n->source(), why);
        }
        if (const toml::node* n = table->get("same_as_libpcap")) {
            if (auto b = n->value<bool>()) c.same_as_libpcap = *b;
            else errors.at(n->source(), "'same_as_libpcap' wants true or false");
        }
        if (auto s = string_at(*table, "same_as", errors)) {
            auto found = filters.find(*s);
            c.same_as = found != filters.end() ? found->second : *s;
        }
        if (auto s = string_at(*table, "snapshot", errors)) c.snapshot = (fs::path(*s).is_absolute() ? fs::path(*s) : dir / *s).string();
        if (auto s = string_at(*table, "error", errors)) c.error = *s;

        bool expects = c.count || c.packets || c.same_as_libpcap || c.same_as || c.snapshot || c.error;
        if (!expects && !for_update)
            errors.at(table->source(), "case '" + c.name +
                                           "' expects nothing (give count, packets, same_as_libpcap, same_as, "
                                           "snapshot or error)");
        if (!c.error && c.pcaps.empty() && !table->get("pcaps"))
            errors.at(table->source(), "case '" + c.name + "' has no pcaps to run over");
        if (c.error && (c.count || c.packets || c.snapshot || c.same_as || c.same_as_libpcap))
            errors.at(table->source(), "case '" + c.name + "': 'error' cannot go with expectations on verdicts");
        suite.cases.push_back(std::move(c));
    }
    if (errors.count()) return std::nullopt;
    return suite;
}

}  // namespace fcap::suite
