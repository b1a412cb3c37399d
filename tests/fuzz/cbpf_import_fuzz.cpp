// libFuzzer target: any bytes as a -ddd/-dd listing, through read, check,
// both translations and the one-to-one eBPF conversion.  Nothing may crash, hang or trip a sanitizer; a
// refusal always says why; a program that check() accepts translates to IR
// that verifies, and on a few packets gives libpcap's bpf_filter's result
// (but for SKF_AD_* loads, which bpf_filter does not have, and libpcap's
// protochain AH walk, which bpf_filter may never finish); the conversion
// gives a program or says why not.
//   cmake -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DFCAP_FUZZ=ON && cmake --build build-fuzz --target cbpf_import_fuzz
//   build-fuzz/bin/cbpf_import_fuzz -max_total_time=60 -dict=tests/fuzz/cbpf_import.dict
#include "backend/ebpf/convert.hpp"
#include "cbpf_import/cbpf_import.hpp"

#include <pcap/pcap.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

bool bpf_filter_can_run(const std::vector<fcap::cbpf::Insn>& code) {
    for (const auto& i : code) {
        if ((i.code & 0x07) <= 0x01 && i.k >= 0xfffff000) return false;  // SKF_AD_*
        if (i.code == 0x05 && i.k >= 0x80000000u) return false;            // protochain's loop
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    fcap::diag::Sink sink;
    auto code = fcap::cbpf_import::read(text, sink);
    if (!code) {
        if (!sink.has_errors()) __builtin_trap();
        return 0;
    }
    if (!fcap::cbpf_import::check(*code, sink)) {
        if (!sink.has_errors()) __builtin_trap();
        return 0;
    }
    for (auto target : {fcap::ebpf::Target::xdp, fcap::ebpf::Target::socket}) {
        fcap::diag::Sink convert_sink;
        fcap::ebpf::LowerOptions options;
        options.ancillary = size % 2;
        if (!fcap::ebpf::convert_cbpf(*code, target, options, convert_sink) && !convert_sink.has_errors())
            __builtin_trap();
    }
    // Packets: the input's own bytes, whole and cut short.
    const std::uint32_t lengths[] = {0, 14, 34, std::uint32_t(size)};
    for (bool straight : {true, false}) {
        fcap::ir::Program p = fcap::cbpf_import::translate(*code, straight);
        if (!fcap::ir::verify(p).empty()) __builtin_trap();
        for (std::uint32_t len : lengths) {
            if (len > size) continue;
            std::uint32_t ours = fcap::ir::run(p, fcap::ir::Packet{data, len, len + 4, {}});
            if (bpf_filter_can_run(*code) &&
                ours != bpf_filter(reinterpret_cast<const bpf_insn*>(code->data()), data, len + 4, len))
                __builtin_trap();
        }
    }
    return 0;
}
