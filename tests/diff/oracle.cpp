#include "diff/oracle.hpp"

#include "backend/cbpf/format.hpp"
#include "reference/libpcap.hpp"
#include "diff/bpf_trace.hpp"
#include "fcap/compiler.hpp"


#include <algorithm>
#include <optional>

namespace fcap::test {

Verdicts libpcap_verdicts(const std::string& expression, int dlt, const std::vector<Packet>& packets, bool optimize,
                          std::uint32_t snaplen, std::uint32_t netmask) {
    Verdicts v;
    auto prog = reference::compile(expression, dlt, snaplen, &v.error, optimize, netmask);
    if (!prog) {
        v.refused = true;
        return v;
    }
    bool scratch = uses_scratch(*prog);
    v.values.reserve(packets.size());
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const Packet& pkt = packets[i];
        std::uint32_t verdict = reference::run(*prog, pkt.data.data(), pkt.caplen, pkt.wirelen);
        v.values.push_back(verdict);
        // Only a rejection can come from a failed load; only a program with
        // stores can read an unset word.
        if (verdict == 0 || scratch) {
            Ending how = trace(*prog, pkt.data.data(), pkt.wirelen, pkt.caplen);
            if (how == Ending::unset_scratch) {
                v.undefined.resize(packets.size());
                v.undefined[i] = true;
            } else if (how == Ending::aborted) {
                v.aborted.resize(packets.size());
                v.aborted[i] = true;
            }
        }
    }
    return v;
}

std::string libpcap_listing(const std::string& expression, int dlt, bool optimize) {
    std::string error;
    auto prog = reference::compile(expression, dlt, 262144, &error, optimize);
    if (!prog) return "refused: " + error + "\n";
    std::string out;
    for (std::size_t i = 0; i < prog->size(); ++i) out += reference::image((*prog)[i], int(i)) + "\n";
    return out;
}

namespace {

std::optional<std::vector<cbpf::Insn>> fcap_program(const std::string& expression, int dlt, bool optimize,
                                                    std::uint32_t netmask, std::string* error) {
    CompileOptions options;
    options.dlt = dlt;
    options.optimize = optimize;
    options.netmask = netmask;
    diag::Sink sink;
    auto code = compile_cbpf(expression, options, sink);
    if (!code && error) *error = sink.first_error();
    return code;
}

}  // namespace

Backend cbpf_backend(bool optimize, std::uint32_t netmask) {
    Backend b;
    b.name = optimize ? "cbpf" : "cbpf -O0";
    b.unoptimized = !optimize;
    b.verdicts = [optimize, netmask](const std::string& expression, int dlt, const std::vector<Packet>& packets) {
        Verdicts v;
        auto code = fcap_program(expression, dlt, optimize, netmask, &v.error);
        if (!code) {
            v.refused = true;
            return v;
        }
        v.values.reserve(packets.size());
        for (const auto& pkt : packets) v.values.push_back(reference::run(*code, pkt.data.data(), pkt.caplen, pkt.wirelen));
        return v;
    };
    b.listing = [optimize, netmask](const std::string& expression, int dlt) {
        std::string error;
        auto code = fcap_program(expression, dlt, optimize, netmask, &error);
        return code ? cbpf::dump(*code, 1) : "refused: " + error + "\n";
    };
    return b;
}

PacketSet merge_captures(const std::vector<Capture>& captures, int dlt, const std::string& name) {
    PacketSet set;
    set.all.dlt = dlt;
    set.all.path = name;
    for (const auto& c : captures) {
        set.all.packets.insert(set.all.packets.end(), c.packets.begin(), c.packets.end());
        for (std::size_t i = 0; i < c.packets.size(); ++i) set.origin.push_back(c.path + " #" + std::to_string(i + 1));
    }
    return set;
}

std::string compare(const Backend& backend, const std::string& expression, const Capture& capture,
                    const Verdicts& reference, const std::vector<std::string>* origin, CompareStats* stats,
                    const CompareOptions& options) {
    Verdicts ours = backend.verdicts(expression, capture.dlt, capture.packets);
    std::string head = backend.name + ": `" + expression + "`";
    // Both programs, printed only with a difference.
    auto programs = [&] {
        std::string text = "libpcap" + std::string(backend.unoptimized ? " -O0" : "") + ":\n" +
                           libpcap_listing(expression, capture.dlt, !backend.unoptimized);
        if (backend.listing) text += backend.name + ":\n" + backend.listing(expression, capture.dlt);
        return text;
    };
    if (reference.refused || ours.refused) {
        if (reference.refused == ours.refused) return "";
        bool libpcap_matches_none = std::all_of(reference.values.begin(), reference.values.end(),
                                                [](std::uint32_t v) { return v == 0; });
        if (options.tolerate_dead_loads && ours.refused && libpcap_matches_none &&
            ours.error == "expression rejects all packets") {
            if (stats) ++stats->folded_refusals;
            return "";
        }
        return head + ": libpcap " + (reference.refused ? "refuses (" + reference.error + ")" : "accepts") +
               ", fcap " + (ours.refused ? "refuses (" + ours.error + ")" : "accepts") + "\n" + programs();
    }
    std::string report;
    std::size_t differ = 0;
    for (std::size_t i = 0; i < capture.packets.size(); ++i) {
        if (!ours.not_run.empty() && ours.not_run[i]) {
            if (stats) ++stats->not_run;
            continue;
        }
        if (!reference.undefined.empty() && reference.undefined[i]) {
            if (stats) ++stats->undefined;
            continue;
        }
        if (stats) ++stats->verdicts;
        if ((reference.values[i] != 0) == (ours.values[i] != 0)) continue;
        if (options.tolerate_dead_loads && !reference.aborted.empty() && reference.aborted[i]) {
            if (stats) ++stats->dead_loads;
            continue;
        }
        if (differ++ < 3) {
            std::string where = origin && i < origin->size() ? (*origin)[i] : capture.path + " #" + std::to_string(i + 1);
            report += head + ": " + where + " (caplen " + std::to_string(capture.packets[i].caplen) + ", len " +
                      std::to_string(capture.packets[i].wirelen) + "): libpcap " + std::to_string(reference.values[i]) +
                      ", " + backend.name + " " + std::to_string(ours.values[i]) + "\n";
        }
    }
    if (differ == 0) return "";
    return report + head + ": " + std::to_string(differ) + " packets differ\n" + programs();
}

}  // namespace fcap::test
