// fcap's printing held to tcpdump's own output on the project's captures
// (goldens written by scripts/make-decode-goldens.sh, tcpdump's version in
// tests/capture/golden/tcpdump/VERSION).
//
// Each (capture, flag set) golden is compared line by line with what
// `fcap -r CAPTURE FLAGS` prints (TZ=UTC).  Where fcap already prints every
// line as tcpdump does the pair must stay identical; elsewhere the number of
// tcpdump's lines fcap prints identically may only grow: the floors are in
// golden/tcpdump/FLOORS (FCAP_UPDATE_GOLDEN=1 rewrites them; read the diff).
// The broken inputs under golden/tcpdump/bad must give tcpdump's exit
// status and standard output exactly.
#include "support/text.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fcap {
namespace {

namespace fs = std::filesystem;

const fs::path goldens = fs::path(FCAP_TESTS_DIR) / "capture/golden/tcpdump";
const std::string fcap_bin = std::string(FCAP_BIN_DIR) + "/fcap";

struct FcapRun {
    std::string out;
    int status = -1;
};

// Runs fcap with TZ=UTC; standard error is dropped (tcpdump's differs in
// the program name only, and the goldens hold standard output).
FcapRun run_fcap(const fs::path& capture, const std::string& flags) {
    std::string command = "TZ=UTC '" + fcap_bin + "' -r '" + capture.string() + "' " + flags + " 2>/dev/null";
    FcapRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return run;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Linux cooked v2 lines name the interface by this machine's index table
// (tcpdump and fcap alike): the name is left out of the comparison.
void forget_interface_names(std::vector<std::string>& lines) {
    for (auto& line : lines) {
        // [YYYY-MM-DD ]HH:MM:SS.frac NAME +DIR ...
        std::size_t at = 0;
        if (line.size() > 11 && line[4] == '-' && line[7] == '-' && line[10] == ' ') at = 11;
        if (line.size() < at + 10 || line[at + 2] != ':' || line[at + 5] != ':' || line[at + 8] != '.') continue;
        std::size_t name = test::skip_digits(line, at + 9);
        if (name == at + 9 || name >= line.size() || line[name] != ' ') continue;
        std::size_t spaces = line.find(' ', name + 1);
        if (spaces == std::string::npos || spaces == name + 1) continue;
        std::size_t direction = line.find_first_not_of(' ', spaces);
        if (direction == std::string::npos) continue;
        bool known = false;
        for (std::string_view d : {"In ", "Out", "B  ", "M  ", "P  ", "? "})
            if (line.compare(direction, d.size(), d) == 0 && line.size() > direction + d.size() &&
                line[direction + d.size()] == ' ')
                known = true;
        if (known) line = line.substr(0, name) + " IF    " + line.substr(direction);
    }
}

// tcpdump's lines that fcap printed too, counted with multiplicity (time
// stamps make nearly every packet's first line unique).
std::size_t identical_lines(const std::vector<std::string>& want, const std::vector<std::string>& got) {
    std::unordered_map<std::string, int> have;
    for (const auto& line : got) ++have[line];
    std::size_t same = 0;
    for (const auto& line : want)
        if (auto it = have.find(line); it != have.end() && it->second > 0) --it->second, ++same;
    return same;
}

// "icmp.pcap.-n_-v.out" -> capture "icmp.pcap", flags "-n -v".
bool split_name(const std::string& name, std::string* capture, std::string* flags) {
    auto at = name.find(".pcap.");
    if (at == std::string::npos || name.size() < 4 || name.substr(name.size() - 4) != ".out") return false;
    *capture = name.substr(0, at + 5);
    *flags = name.substr(at + 6, name.size() - 4 - (at + 6));
    for (char& c : *flags)
        if (c == '_') c = ' ';
    return true;
}

std::map<std::string, std::size_t> read_floors() {
    std::map<std::string, std::size_t> floors;
    std::ifstream in(goldens / "FLOORS");
    std::string name;
    std::size_t floor, total;
    while (in >> name >> floor >> total) floors[name] = floor;
    return floors;
}

TEST(TcpdumpGolden, GoldensArePresent) {
    ASSERT_TRUE(fs::exists(goldens / "VERSION")) << "run scripts/make-decode-goldens.sh";
    EXPECT_NE(read_file(goldens / "VERSION").find("tcpdump version"), std::string::npos);
}

TEST(TcpdumpGolden, CapturesPrintAsTcpdumpPrintsThem) {
    auto floors = read_floors();
    bool update = std::getenv("FCAP_UPDATE_GOLDEN") != nullptr;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(goldens))
        if (entry.path().extension() == ".out") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    ASSERT_FALSE(files.empty());
    std::ostringstream new_floors;
    std::size_t all_same = 0, all_total = 0;
    for (const auto& path : files) {
        std::string name = path.filename().string(), capture, flags;
        if (!split_name(name, &capture, &flags)) continue;
        auto want = lines_of(read_file(path));
        FcapRun run = run_fcap(fs::path(FCAP_TESTS_DIR) / "pcaps" / capture, flags);
        EXPECT_EQ(run.status, 0) << name;
        auto got = lines_of(run.out);
        if (capture.find("sll2") != std::string::npos) forget_interface_names(want), forget_interface_names(got);
        std::size_t same = identical_lines(want, got);
        all_same += same;
        all_total += want.size();
        new_floors << name << ' ' << same << ' ' << want.size() << '\n';
        if (update) continue;
        auto floor = floors.find(name);
        std::size_t minimum = floor == floors.end() ? want.size() : floor->second;
        if (minimum == want.size()) {
            EXPECT_EQ(same, want.size()) << name << ": fcap no longer prints all of tcpdump's lines";
            EXPECT_EQ(got.size(), want.size()) << name << ": fcap prints lines tcpdump does not";
        } else {
            EXPECT_GE(same, minimum) << name << ": fewer of tcpdump's lines printed identically than before";
        }
    }
    if (update) std::ofstream(goldens / "FLOORS") << new_floors.str();
    std::printf("identical to tcpdump: %zu of %zu lines (%.1f%%)\n", all_same, all_total,
                all_total ? 100.0 * double(all_same) / double(all_total) : 0.0);
}

TEST(TcpdumpGolden, BrokenInputsExitAsTcpdumpDoes) {
    std::size_t cases = 0;
    for (const auto& entry : fs::directory_iterator(goldens / "bad")) {
        if (entry.path().extension() != ".pcap") continue;
        ++cases;
        fs::path base = entry.path();
        base.replace_extension();
        FcapRun run = run_fcap(entry.path(), "-n");
        int status = std::atoi(read_file(base.string() + ".status").c_str());
        EXPECT_EQ(run.status, status) << entry.path().filename();
        EXPECT_EQ(run.out, read_file(base.string() + ".out")) << entry.path().filename();
    }
    EXPECT_GE(cases, 5u);
}

}  // namespace
}  // namespace fcap
