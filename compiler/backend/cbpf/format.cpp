#include "backend/cbpf/format.hpp"

#include <pcap/pcap.h>

#include <cstdio>

namespace fcap::cbpf {

std::string dump(const std::vector<Insn>& program, int level) {
    std::string out;
    char line[128];
    if (level >= 3) {
        std::snprintf(line, sizeof line, "%zu\n", program.size());
        out += line;
        for (const auto& i : program) {
            std::snprintf(line, sizeof line, "%u %u %u %u\n", i.code, i.jt, i.jf, i.k);
            out += line;
        }
        return out;
    }
    if (level == 2) {
        for (const auto& i : program) {
            std::snprintf(line, sizeof line, "{ 0x%x, %d, %d, 0x%08x },\n", i.code, i.jt, i.jf, i.k);
            out += line;
        }
        return out;
    }
    // Same text as tcpdump -d: libpcap's own formatter.
    const auto* insns = reinterpret_cast<const bpf_insn*>(program.data());
    for (std::size_t n = 0; n < program.size(); ++n) {
        out += bpf_image(insns + n, int(n));
        out += '\n';
    }
    return out;
}

}  // namespace fcap::cbpf
