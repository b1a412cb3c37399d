#include "reference/libpcap.hpp"
#include "ebpf_backends.hpp"

#include "backend/ebpf/convert.hpp"
#include "kernel/loader.hpp"
#include "backend/ebpf/lower.hpp"
#include "kernel/replay.hpp"
#include "cbpf_import/cbpf_import.hpp"
#include "api/compile_ir.hpp"

#include <pcap/dlt.h>

namespace fcap::test {

namespace {

bool reads_length(const ir::Program& p) {
    for (ir::ExprId e = 0; e < p.exprs.size(); ++e)
        if (p.exprs[e].kind == ir::ExprKind::packet_len) return true;
    return false;
}

bool reads_length(const std::vector<cbpf::Insn>& p) {
    for (const auto& i : p)
        if (i.code == 0x80 || i.code == 0x81) return true;  // ld len, ldx len
    return false;
}

ebpf::LowerOptions lower_options(int dlt) {
    ebpf::LowerOptions options;
    options.vlan_metadata = dlt == DLT_EN10MB;
    return options;
}

// Loads and runs `code` (which the lowering left in `sink`'s care) on every
// packet; `length`: the program reads `len`.
Verdicts run_in_kernel(const std::optional<ebpf::Program>& code, const diag::Sink& sink, bool length,
                       ebpf::Target target, const std::vector<Packet>& packets, const std::string& expression,
                       KernelStats& stats) {
    Verdicts v;
    if (!code) {
        v.refused = true;
        v.error = "the eBPF lowering refuses it: " + sink.first_error();
        return v;
    }
    std::string log;
    auto loaded = ebpf::load(*code, &log, true);
    if (!loaded) {
        v.refused = true;
        v.error = "the verifier refuses it: " + log.substr(0, 2000);
        return v;
    }
    std::uint64_t run = 0, matched = 0;
    v.values.assign(packets.size(), 0);
    v.not_run.assign(packets.size(), false);
    for (std::size_t i = 0; i < packets.size(); ++i) {
        const Packet& p = packets[i];
        auto r = ebpf::test_run(*loaded, p.data.data(), p.caplen);
        if (!r) {
            v.not_run[i] = true;
            ++stats.refused_frame;
            continue;
        }
        ++run;
        bool match = target == ebpf::Target::xdp ? *r == std::uint32_t(ebpf::xdp_drop) : *r != 0;
        matched += match;
        v.values[i] = match ? (*r ? *r : 1) : 0;
        if (length && p.caplen != p.wirelen) {
            v.not_run[i] = true;  // XDP and the skb runner see caplen bytes as the whole packet
            ++stats.len_on_truncated;
        }
    }
    stats.run += run;
    auto c = ebpf::read_counters(*loaded);
    if (!c || c->packets != run || c->matched_packets != matched)
        stats.counter_errors += "`" + expression + "`: counters " +
                                (c ? std::to_string(c->packets) + "/" + std::to_string(c->matched_packets)
                                   : std::string("unreadable")) +
                                ", runs " + std::to_string(run) + "/" + std::to_string(matched) + "\n";
    return v;
}

std::string target_name(ebpf::Target t) { return t == ebpf::Target::xdp ? "xdp" : "socket"; }

}  // namespace

Backend ebpf_backend(ebpf::Target target, KernelStats& stats) {
    return {target_name(target), [target, &stats](const std::string& e, int dlt, const std::vector<Packet>& packets) {
                CompileOptions o;
                o.dlt = dlt;
                diag::Sink sink;
                auto ir = compile_to_ir(e, o, sink);
                if (!ir) {
                    Verdicts v;
                    v.refused = true;
                    v.error = sink.first_error();
                    return v;
                }
                auto code = ebpf::lower(*ir, target, lower_options(dlt), sink);
                return run_in_kernel(code, sink, reads_length(*ir), target, packets, e, stats);
            },
            /*listing=*/{}};
}

Backend from_cbpf_backend(ebpf::Target target, bool straight, KernelStats& stats) {
    std::string name = target_name(target) + " --from-cbpf" + (straight ? " -O0" : "");
    return {name, [target, straight, &stats](const std::string& e, int dlt, const std::vector<Packet>& packets) {
                Verdicts v;
                std::string error;
                auto code = fcap::reference::compile(e, dlt, 262144, &error);
                if (!code) {
                    v.refused = true;
                    v.error = error;
                    return v;
                }
                diag::Sink sink;
                if (!cbpf_import::check(*code, sink)) {
                    // libpcap's protochain loops backwards: the kernel's
                    // classic checker refuses it, and so does ours.
                    ++stats.checker_refused;
                    v.values.assign(packets.size(), 0);
                    v.not_run.assign(packets.size(), true);
                    return v;
                }
                auto lowered = ebpf::from_cbpf(*code, straight, target, lower_options(dlt), sink);
                return run_in_kernel(lowered, sink, reads_length(*code), target, packets, e, stats);
            },
            /*listing=*/{}};
}

}  // namespace fcap::test
