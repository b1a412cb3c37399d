// The differential oracle: libpcap's verdicts next to each backend's, packet
// by packet.  Backends register here; the eBPF ones add themselves.
#pragma once

#include "support/corpus.hpp"
#include "support/pcap_file.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fcap::test {

struct Verdicts {
    bool refused = false;
    std::string error;                 // why, when refused
    std::vector<std::uint32_t> values;  // one per packet: 0 rejects
    // Per packet, when not empty: the backend could not judge it (the
    // kernel's test runner refused the frame, ...); compare() skips it.
    std::vector<bool> not_run;
    // libpcap's side only, per packet when not empty (diff/bpf_trace.hpp):
    // its program read scratch memory it never wrote on this packet's path,
    // so the verdict is undefined and compare() skips it;
    std::vector<bool> undefined;
    // or it rejected the packet because a load ran past the captured end.
    std::vector<bool> aborted;
};

// libpcap: pcap_compile (optimizer on unless told) + bpf_filter.
// `netmask` in host byte order, 0xffffffff unknown (tcpdump passes the
// interface's; only `ip broadcast` uses it).
Verdicts libpcap_verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets,
                          bool optimize = true, std::uint32_t snaplen = 262144, std::uint32_t netmask = 0xffffffff);

// libpcap's program as tcpdump -d prints it (bpf_image), or its error.
std::string libpcap_listing(const std::string& expression, int dlt, bool optimize = true);

// A backend under test: compile `expression` for `dlt` and judge `packets`.
struct Backend {
    std::string name;
    std::function<Verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets)> verdicts;
    // The backend's program, printed in a report when it differs (optional).
    std::function<std::string(const std::string& expression, int dlt)> listing;
    // Held against libpcap without its optimizer (-O0 against -O0).
    bool unoptimized = false;
};

// fcap's classic BPF, optimized and not, run by libpcap's bpf_filter.
Backend cbpf_backend(bool optimize, std::uint32_t netmask = 0xffffffff);

// Many captures as one, so that each expression compiles once per backend.
struct PacketSet {
    Capture all;                      // every packet, in file order
    std::vector<std::string> origin;  // per packet: "file #index" (1-based), for reports
};
PacketSet merge_captures(const std::vector<Capture>& captures, int dlt, const std::string& name);

// What compare() looked at.
struct CompareStats {
    std::size_t verdicts = 0;   // packets whose verdicts were compared
    std::size_t undefined = 0;  // skipped: libpcap's verdict is undefined there
    std::size_t not_run = 0;    // skipped: the backend could not judge the packet
    // With tolerate_dead_loads, the differences let through:
    std::size_t dead_loads = 0;      // packets libpcap rejected on a load the backend did not make
    std::size_t folded_refusals = 0;  // expressions the backend refused as "rejects all packets"
                                      // while libpcap's program matched none of the packets
};

// The known gap of docs/divergences.md: libpcap's optimizer keeps loads
// whose values no longer matter (`ip6[41:4] = -udp[0xff] || less 100` still
// loads the EtherType) and folds comparisons of constants only in some
// shapes, where fcap drops or folds them all.  The corpus suite compares
// strictly; the random suite, whose expressions are full of such shapes,
// lets exactly these differences through and counts them.
struct CompareOptions {
    bool tolerate_dead_loads = false;
};

// Compares one backend with libpcap on one capture.  "" when equal; else a
// report naming the expression, the first differing packets (file and
// index, through `origin` when given) and both programs.
std::string compare(const Backend& backend, const std::string& expression, const Capture& capture,
                    const Verdicts& reference, const std::vector<std::string>* origin = nullptr,
                    CompareStats* stats = nullptr, const CompareOptions& options = {});

}  // namespace fcap::test
