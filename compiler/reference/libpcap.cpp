#include "reference/libpcap.hpp"

#include <pcap/pcap.h>

#include <mutex>

namespace fcap::reference {

static_assert(sizeof(cbpf::Insn) == sizeof(bpf_insn), "cbpf::Insn mirrors struct bpf_insn");

namespace {

const bpf_insn* as_libpcap(const cbpf::Insn* insns) { return reinterpret_cast<const bpf_insn*>(insns); }

}  // namespace

std::optional<std::vector<cbpf::Insn>> compile(const std::string& expression, int dlt, std::uint32_t snaplen,
                                               std::string* error, bool optimize, std::uint32_t netmask) {
    // libpcap before 1.11 keeps parser state in globals: one compile at a time.
    static std::mutex lock;
    std::lock_guard<std::mutex> hold(lock);
    pcap_t* dead = pcap_open_dead(dlt, int(snaplen));
    if (!dead) {
        if (error) *error = "libpcap cannot open a handle for link type " + std::to_string(dlt);
        return std::nullopt;
    }
    bpf_program code{};
    std::optional<std::vector<cbpf::Insn>> out;
    if (pcap_compile(dead, &code, expression.c_str(), optimize ? 1 : 0, netmask) == 0) {
        const auto* first = reinterpret_cast<const cbpf::Insn*>(code.bf_insns);
        out.emplace(first, first + code.bf_len);
        pcap_freecode(&code);
    } else if (error) {
        *error = pcap_geterr(dead);
    }
    pcap_close(dead);
    return out;
}

std::uint32_t run(const std::vector<cbpf::Insn>& program, const std::uint8_t* packet, std::uint32_t caplen,
                  std::uint32_t wirelen) {
    return bpf_filter(as_libpcap(program.data()), packet, wirelen, caplen);
}

std::string image(const cbpf::Insn& insn, int index) { return bpf_image(as_libpcap(&insn), index); }

}  // namespace fcap::reference
