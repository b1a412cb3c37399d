#include "suite/run.hpp"

#include "api/compile_ir.hpp"
#include "backend/ebpf/lower.hpp"
#include "io/capture_file.hpp"
#include "kernel/loader.hpp"
#include "reference/libpcap.hpp"
#include "sema/link_layer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace fcap::suite {

namespace {

struct Packet {
    PacketInfo info;
    std::vector<std::uint8_t> bytes;
};

// The case's captures, read whole; false with `why` when one cannot be
// read or they disagree on the link type.
bool load_captures(const Case& c, std::vector<Packet>& packets, int& dlt, std::string& why) {
    dlt = c.dlt;
    for (const auto& path : c.pcaps) {
        std::ostringstream err;
        auto file = CaptureFile::open(path, err);
        if (!file) {
            why = err.str();
            if (!why.empty() && why.back() == '\n') why.pop_back();
            if (why.rfind("fcc: error: ", 0) == 0) why.erase(0, 12);
            return false;
        }
        if (dlt >= 0 && file->link_type() != dlt) {
            why = path + " has link type " + std::to_string(file->link_type()) + ", not " + std::to_string(dlt) +
                  " as the suite or its other captures say";
            return false;
        }
        dlt = file->link_type();
        std::string name = std::filesystem::path(path).filename().string();
        std::uint64_t number = 0;
        file->for_each([&](const pcap_pkthdr& h, const std::uint8_t* bytes) {
            Packet p;
            p.info = {name, ++number, h.caplen, h.len,
                      std::vector<std::uint8_t>(bytes, bytes + std::min<std::uint32_t>(h.caplen, 16))};
            p.bytes.assign(bytes, bytes + h.caplen);
            packets.push_back(std::move(p));
        }, err);
    }
    if (dlt < 0) dlt = 1;  // no captures and no link_type: Ethernet, as fcc's default
    return true;
}

// A compiled filter for one target, or the compiler's message.
struct Compiled {
    std::optional<std::vector<cbpf::Insn>> classic;
    std::optional<ebpf::LoadedProgram> kernel;
    std::string error;     // compiling failed: the message
    std::string skip;      // the kernel cannot run it here: why
};

Compiled compile(Target target, const std::string& expression, int dlt, std::uint32_t snaplen, bool load) {
    Compiled out;
    if (target == Target::libpcap) {
        out.classic = reference::compile(expression, dlt, snaplen, &out.error);
        return out;
    }
    CompileOptions options;
    options.dlt = dlt;
    options.snaplen = snaplen;
    diag::Sink sink;
    std::ostringstream messages;
    if (target == Target::cbpf) {
        out.classic = compile_cbpf(expression, options, sink);
        if (!out.classic) sink.print(messages, "fcc", expression);
        out.error = messages.str();
        return out;
    }
    ebpf::Target kind = target == Target::xdp ? ebpf::Target::xdp : ebpf::Target::socket;
    ebpf::LowerOptions lower_options;
    lower_options.vlan_metadata = dlt == DLT_EN10MB;  // as fcc --target ... -r does
    std::optional<ebpf::Program> code;
    if (auto program = compile_to_ir(expression, options, sink)) code = ebpf::lower(*program, kind, lower_options, sink);
    if (!code) {
        sink.print(messages, "fcc", expression);
        out.error = messages.str();
        return out;
    }
    if (!load) return out;
    std::string log;
    out.kernel = ebpf::load(*code, &log, true);
    if (!out.kernel) out.error = "the kernel's verifier refused the program:\n" + log;
    return out;
}

// 1 match, 0 no match, -1 the kernel's test runner would not run it.
std::vector<int> verdicts(Target target, const Compiled& program, const std::vector<Packet>& packets) {
    std::vector<int> out;
    out.reserve(packets.size());
    for (const auto& p : packets) {
        if (program.classic) {
            out.push_back(reference::run(*program.classic, p.bytes.data(), p.info.caplen, p.info.len) != 0);
            continue;
        }
        auto r = ebpf::test_run(*program.kernel, p.bytes.data(), p.info.caplen);
        if (!r) out.push_back(-1);
        else if (target == Target::xdp) out.push_back(std::int32_t(*r) == ebpf::xdp_drop);
        else out.push_back(*r != 0);
    }
    return out;
}

const char* verdict_word(int v) { return v == 1 ? "match" : v == 0 ? "no match" : "not run"; }

// Lines for the packets where `got` and `expected` disagree (unknowns on
// either side agree with anything).
void compare(const std::vector<int>& got, const std::vector<int>& expected, const std::vector<Packet>& packets,
             const std::string& what, bool kernel, std::vector<std::string>& failures) {
    std::size_t shown = 0, differ = 0;
    for (std::size_t i = 0; i < got.size() && i < expected.size(); ++i) {
        if (got[i] < 0 || expected[i] < 0 || got[i] == expected[i]) continue;
        if (++differ > 10) continue;
        ++shown;
        failures.push_back("packet " + std::to_string(i + 1) + ": expected " + verdict_word(expected[i]) + " (" + what +
                           "), got " + verdict_word(got[i]) + "; " + summary(packets[i].info) +
                           // As fcc -r --target says: BPF_PROG_TEST_RUN has no wire length to give.
                           (kernel && packets[i].info.caplen < packets[i].info.len
                                ? " (truncated: the kernel takes the captured bytes as the whole packet)"
                                : ""));
    }
    if (differ > shown) failures.push_back("... and " + std::to_string(differ - shown) + " more packets");
}

std::vector<std::uint64_t> matched_numbers(const std::vector<int>& v) {
    std::vector<std::uint64_t> out;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i] == 1) out.push_back(i + 1);
    return out;
}

// A snapshot file: its verdicts in order, or nullopt with why.
std::optional<std::vector<int>> read_snapshot(const std::string& path, std::string& why) {
    std::ifstream in(path);
    if (!in) {
        why = "cannot read snapshot " + path + " (fcc test --update writes it)";
        return std::nullopt;
    }
    std::vector<int> out;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        auto ends = [&](const std::string& tail) {
            return line.size() >= tail.size() && line.compare(line.size() - tail.size(), tail.size(), tail) == 0;
        };
        if (ends(" no match")) out.push_back(0);
        else if (ends(" match")) out.push_back(1);
        else if (ends(" not run")) out.push_back(-1);
        else {
            why = path + ":" + std::to_string(number) + ": not a verdict line (FILE #N match|no match)";
            return std::nullopt;
        }
    }
    return out;
}

void check(const Case& c, bool kernel, const std::vector<int>& got, const std::vector<Packet>& packets,
           const std::function<std::optional<std::vector<int>>(const std::string&, std::string&)>& other,
           const std::function<std::optional<std::vector<int>>(std::string&)>& libpcap, Result& r) {
    auto& f = r.failures;
    std::size_t unknown = std::count(got.begin(), got.end(), -1);
    std::size_t matched = std::count(got.begin(), got.end(), 1);
    if (unknown)
        r.note = std::to_string(unknown) + " of " + std::to_string(got.size()) +
                 " packets not run by the kernel's test runner";
    if (c.count && (*c.count < matched || *c.count > matched + unknown))
        f.push_back("count: expected " + std::to_string(*c.count) + ", got " + std::to_string(matched) +
                    (matched ? " (packets " + format_packet_list(matched_numbers(got)) + ")" : ""));
    if (c.packets) {
        std::vector<int> expected(got.size(), 0);
        for (auto n : *c.packets) {
            if (n > got.size()) f.push_back("packets: expects packet " + std::to_string(n) + ", but there are only " +
                                            std::to_string(got.size()));
            else expected[n - 1] = 1;
        }
        compare(got, expected, packets, "packets", kernel, f);
    }
    if (c.same_as_libpcap) {
        std::string why;
        if (auto theirs = libpcap(why)) compare(got, *theirs, packets, "libpcap", kernel, f);
        else f.push_back("same_as_libpcap: libpcap refuses the expression: " + why);
    }
    if (c.same_as) {
        std::string why;
        if (auto theirs = other(*c.same_as, why)) compare(got, *theirs, packets, "same_as", kernel, f);
        else f.push_back("same_as: '" + *c.same_as + "' does not compile: " + why);
    }
    if (c.snapshot) {
        std::string why;
        if (auto expected = read_snapshot(*c.snapshot, why)) {
            if (expected->size() != got.size())
                f.push_back("snapshot: " + std::to_string(expected->size()) + " verdicts for " +
                            std::to_string(got.size()) + " packets");
            compare(got, *expected, packets, "snapshot", kernel, f);
        } else {
            f.push_back("snapshot: " + why);
        }
    }
}

// A compiler's message as one line: its first, without fcc's "fcc: error: "
// (the caret lines under it point into the expression the case names).
std::string first_line(const std::string& message) {
    std::string line = message.substr(0, message.find('\n'));
    if (line.rfind("fcc: error: ", 0) == 0) line.erase(0, 12);
    return line;
}

}  // namespace

std::string summary(const PacketInfo& p) {
    std::string out = p.file + " #" + std::to_string(p.number) + " caplen " + std::to_string(p.caplen) + " len " +
                      std::to_string(p.len) + ":";
    char hex[4];
    for (auto b : p.head) {
        std::snprintf(hex, sizeof hex, " %02x", b);
        out += hex;
    }
    if (p.caplen > p.head.size()) out += " ...";
    return out;
}

std::string snapshot_text(const Observation& o) {
    std::string out;
    for (std::size_t i = 0; i < o.verdicts.size(); ++i)
        out += o.packets[i].file + " #" + std::to_string(o.packets[i].number) + " " + verdict_word(o.verdicts[i]) + "\n";
    return out;
}

namespace {

// One case on each of its targets; what it observed, if it ran.
std::vector<Result> run_case(const Suite& suite, std::size_t index, const RunOptions& options, bool kernel,
                             const std::string& no_kernel, std::optional<Observation>& observation) {
    std::vector<Result> results;
    const Case& c = suite.cases[index];
    std::vector<Packet> packets;
    int dlt = -1;
    std::string unreadable;
    bool loaded = load_captures(c, packets, dlt, unreadable);
    for (Target target : c.targets) {
        auto start = std::chrono::steady_clock::now();
        Result r;
        r.case_name = c.name;
        r.target = target;
        bool runs_in_kernel = is_kernel(target) && !c.error;
        if (!loaded) {
            r.failures.push_back(unreadable);
        } else if (runs_in_kernel && !kernel) {
            r.reason = no_kernel;
            if (options.require_kernel) r.failures.push_back("--require-kernel: " + no_kernel);
            else r.outcome = Outcome::skip;
        } else {
            Compiled program = compile(target, c.filter, dlt, suite.snaplen, runs_in_kernel);
            if (c.error) {
                if (program.error.empty())
                    r.failures.push_back("compiled, but the case expects an error containing '" + *c.error + "'");
                else if (program.error.find(*c.error) == std::string::npos)
                    r.failures.push_back("the error does not contain '" + *c.error + "': " + first_line(program.error));
            } else if (!program.error.empty()) {
                r.failures.push_back("'" + c.filter + "' does not compile: " + first_line(program.error));
            } else {
                auto got = verdicts(target, program, packets);
                auto other = [&](const std::string& expression, std::string& why) -> std::optional<std::vector<int>> {
                    Compiled p = compile(target, expression, dlt, suite.snaplen, runs_in_kernel);
                    if (!p.error.empty()) {
                        why = first_line(p.error);
                        return std::nullopt;
                    }
                    return verdicts(target, p, packets);
                };
                auto libpcap = [&](std::string& why) -> std::optional<std::vector<int>> {
                    Compiled p = compile(Target::libpcap, c.filter, dlt, suite.snaplen, false);
                    if (!p.error.empty()) {
                        why = first_line(p.error);
                        return std::nullopt;
                    }
                    return verdicts(Target::libpcap, p, packets);
                };
                check(c, is_kernel(target), got, packets, other, libpcap, r);
                if (!observation) {
                    observation = Observation{index, got, {}};
                    for (const auto& p : packets) observation->packets.push_back(p.info);
                }
            }
        }
        if (!r.failures.empty()) r.outcome = Outcome::fail;
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        results.push_back(std::move(r));
    }
    return results;
}

}  // namespace

std::vector<Result> run(const Suite& suite, const RunOptions& options, std::vector<Observation>* observed) {
    std::string no_kernel;
    bool kernel = ebpf::can_load_bpf(&no_kernel);
    std::vector<std::size_t> chosen;
    for (std::size_t index = 0; index < suite.cases.size(); ++index)
        if (options.name_filter.empty() || suite.cases[index].name.find(options.name_filter) != std::string::npos)
            chosen.push_back(index);
    // Each case fills its own slot, so that the report keeps the suite's order.
    std::vector<std::vector<Result>> slots(chosen.size());
    std::vector<std::optional<Observation>> observations(chosen.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i; (i = next++) < chosen.size();)
            slots[i] = run_case(suite, chosen[i], options, kernel, no_kernel, observations[i]);
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < std::max(1u, options.jobs); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    std::vector<Result> results;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        results.insert(results.end(), std::make_move_iterator(slots[i].begin()), std::make_move_iterator(slots[i].end()));
        if (observed && observations[i]) observed->push_back(std::move(*observations[i]));
    }
    return results;
}

}  // namespace fcap::suite
