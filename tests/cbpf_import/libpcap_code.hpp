// libpcap's own classic BPF for an expression, as the tests feed it to
// --from-cbpf (tcpdump -ddd prints exactly these instructions).
#pragma once

#include "fcap/cbpf.hpp"

#include <pcap/pcap.h>

#include <string>
#include <vector>

namespace fcap::cbpf_import::test {

// Empty when libpcap refuses the expression.
inline std::vector<cbpf::Insn> libpcap_code(const std::string& expression, int dlt = DLT_EN10MB,
                                            bool optimize = true, int snaplen = 262144) {
    pcap_t* dead = pcap_open_dead(dlt, snaplen);
    bpf_program prog;
    std::vector<cbpf::Insn> out;
    if (pcap_compile(dead, &prog, expression.c_str(), optimize ? 1 : 0, PCAP_NETMASK_UNKNOWN) == 0) {
        const auto* insns = reinterpret_cast<const cbpf::Insn*>(prog.bf_insns);
        out.assign(insns, insns + prog.bf_len);
        pcap_freecode(&prog);
    }
    pcap_close(dead);
    return out;
}

// libpcap's interpreter, the reference for every verdict.
inline std::uint32_t bpf_filter_of(const std::vector<cbpf::Insn>& code, const std::uint8_t* data,
                                   std::uint32_t wirelen, std::uint32_t caplen) {
    return bpf_filter(reinterpret_cast<const bpf_insn*>(code.data()), data, wirelen, caplen);
}

}  // namespace fcap::cbpf_import::test
