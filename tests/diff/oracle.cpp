#include "diff/oracle.hpp"

#include "backend/cbpf/run.hpp"
#include "driver/compile.hpp"

#include <pcap/pcap.h>

#include <fstream>

namespace fcap::test {

Verdicts libpcap_verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets, bool optimize,
                          std::uint32_t snaplen) {
    Verdicts v;
    pcap_t* p = pcap_open_dead(dlt, int(snaplen));
    bpf_program prog;
    if (pcap_compile(p, &prog, expression.c_str(), optimize ? 1 : 0, PCAP_NETMASK_UNKNOWN) < 0) {
        v.refused = true;
        v.error = pcap_geterr(p);
        pcap_close(p);
        return v;
    }
    v.values.reserve(packets.size());
    for (const auto& pkt : packets) v.values.push_back(bpf_filter(prog.bf_insns, pkt.data.data(), pkt.wirelen, pkt.caplen));
    pcap_freecode(&prog);
    pcap_close(p);
    return v;
}

Backend cbpf_backend(bool optimize) {
    return {optimize ? "cbpf" : "cbpf -O0",
            [optimize](const std::string& expression, int dlt, const std::vector<Packet>& packets) {
                Verdicts v;
                CompileOptions options;
                options.dlt = dlt;
                options.optimize = optimize;
                diag::Sink sink;
                auto code = compile_cbpf(expression, options, sink);
                if (!code) {
                    v.refused = true;
                    v.error = sink.first_error();
                    return v;
                }
                v.values.reserve(packets.size());
                for (const auto& pkt : packets)
                    v.values.push_back(cbpf::run(*code, pkt.data.data(), pkt.caplen, pkt.wirelen));
                return v;
            }};
}

std::string compare(const Backend& backend, const std::string& expression, const Capture& capture,
                    const Verdicts& reference) {
    Verdicts ours = backend.verdicts(expression, capture.dlt, capture.packets);
    if (reference.refused || ours.refused) {
        if (reference.refused == ours.refused) return "";
        return backend.name + ": `" + expression + "`: libpcap " +
               (reference.refused ? "refuses (" + reference.error + ")" : "accepts") + ", fcap " +
               (ours.refused ? "refuses (" + ours.error + ")" : "accepts");
    }
    std::string report;
    int shown = 0;
    for (std::size_t i = 0; i < capture.packets.size(); ++i) {
        if ((reference.values[i] != 0) == (ours.values[i] != 0)) continue;
        if (shown++ < 3)
            report += backend.name + ": `" + expression + "`: " + capture.path + " packet " + std::to_string(i + 1) +
                      " (caplen " + std::to_string(capture.packets[i].caplen) + "): libpcap " +
                      std::to_string(reference.values[i]) + ", fcap " + std::to_string(ours.values[i]) + "\n";
    }
    return report;
}

}  // namespace fcap::test
