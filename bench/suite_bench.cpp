// fcc test's throughput: 100 filters from tests/corpus/en10mb.txt over
// 10,000 packets (tests/pcaps/ethernet.pcap, repeated), on libpcap, cbpf
// and xdp, through the same runner `fcc test` uses (reading the capture,
// compiling, loading, judging every packet, checking the count).  Prints
// packets judged per second per target.  xdp needs root or CAP_BPF.
//
//     build/bin/fcap_suite_bench [filters] [packets]
#include "suite/run.hpp"
#include "support/corpus.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

// `packets` packets from `from`, cycled, written to `to`.
bool write_capture(const std::string& from, const std::string& to, std::size_t packets) {
    char errbuf[PCAP_ERRBUF_SIZE];
    std::vector<std::pair<pcap_pkthdr, std::vector<std::uint8_t>>> source;
    pcap_t* in = pcap_open_offline(from.c_str(), errbuf);
    if (!in) return false;
    pcap_pkthdr* h;
    const u_char* bytes;
    while (pcap_next_ex(in, &h, &bytes) == 1) source.push_back({*h, {bytes, bytes + h->caplen}});
    pcap_t* dead = pcap_open_dead(pcap_datalink(in), 65535);
    pcap_close(in);
    pcap_dumper_t* out = pcap_dump_open(dead, to.c_str());
    if (!out || source.empty()) return false;
    for (std::size_t i = 0; i < packets; ++i) {
        const auto& [header, data] = source[i % source.size()];
        pcap_dump(reinterpret_cast<u_char*>(out), &header, data.data());
    }
    pcap_dump_close(out);
    pcap_close(dead);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace fcap::suite;
    std::size_t filters = argc > 1 ? std::stoul(argv[1]) : 100, packets = argc > 2 ? std::stoul(argv[2]) : 10000;
    std::string capture = (std::filesystem::temp_directory_path() / "fcap_suite_bench.pcap").string();
    if (!write_capture(FCAP_SOURCE_DIR "/tests/pcaps/ethernet.pcap", capture, packets)) {
        std::cerr << "suite_bench: cannot write " << capture << "\n";
        return 1;
    }
    auto corpus = fcap::test::read_corpus(FCAP_SOURCE_DIR "/tests/corpus/en10mb.txt");
    Suite suite;
    suite.path = "suite_bench";
    for (std::size_t k = 0; k < filters && k < corpus.size(); ++k) {
        std::size_t i = k * corpus.size() / filters;  // spread over the corpus
        Case c;
        c.name = "filter " + std::to_string(suite.cases.size() + 1);
        c.filter = corpus[i];
        c.pcaps = {capture};
        c.targets = {Target::libpcap};
        c.count = 0;
        suite.cases.push_back(c);
    }
    // libpcap's counts become every case's expectation, so each target is checked as it is timed.
    std::vector<Observation> observed;
    run(suite, {}, &observed);
    std::vector<Case> judged;  // the expressions libpcap compiles
    for (const auto& o : observed) {
        judged.push_back(suite.cases[o.case_index]);
        judged.back().count = std::count(o.verdicts.begin(), o.verdicts.end(), 1);
    }
    suite.cases = std::move(judged);
    std::printf("%zu filters x %zu packets\n", suite.cases.size(), packets);
    for (Target target : {Target::libpcap, Target::cbpf, Target::xdp}) {
        for (auto& c : suite.cases) c.targets = {target};
        auto start = std::chrono::steady_clock::now();
        auto results = run(suite, {}, nullptr);
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::size_t failed = 0, skipped = 0;
        for (const auto& r : results) {
            failed += r.outcome == Outcome::fail;
            skipped += r.outcome == Outcome::skip;
            if (r.outcome == Outcome::fail) std::printf("  %s: %s\n", r.case_name.c_str(), r.failures.front().c_str());
        }
        if (skipped == results.size()) {
            std::printf("%-8s skipped (%s)\n", name(target), results.front().reason.c_str());
            continue;
        }
        std::printf("%-8s %8.3f s  %12.0f packets/s  %zu of %zu cases differ from libpcap's count\n", name(target),
                    seconds, double(suite.cases.size() * packets) / seconds, failed, results.size());
    }
    std::filesystem::remove(capture);
    return 0;
}
