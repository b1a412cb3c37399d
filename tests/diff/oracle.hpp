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
};

// libpcap: pcap_compile (optimizer on unless told) + bpf_filter.
Verdicts libpcap_verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets,
                          bool optimize = true, std::uint32_t snaplen = 262144);

// A backend under test: compile `expression` for `dlt` and judge `packets`.
struct Backend {
    std::string name;
    std::function<Verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets)> verdicts;
};

// fcap's classic BPF, optimized and not, run by libpcap's bpf_filter.
Backend cbpf_backend(bool optimize);

// Compares one backend with libpcap on one capture.  "" when equal; else a
// report naming the first differing packets.
std::string compare(const Backend& backend, const std::string& expression, const Capture& capture,
                    const Verdicts& reference);


}  // namespace fcap::test
