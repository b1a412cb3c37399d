// libFuzzer target: any bytes as a captured frame of any link type fcap
// reads, printed under every flag set.  The printer must never read past
// the captured bytes, crash, hang or trip a sanitizer, whatever the frame
// claims about its own lengths.
//   cmake -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DFCAP_FUZZ=ON && ninja -C build-fuzz decode_fuzz
//   build-fuzz/bin/decode_fuzz -max_total_time=60
// Input: byte 0 picks the link type, byte 1 the flags (-e -v -vv -q -x -X
// -A -S), bytes 2-3 how much longer than the capture the wire length is;
// the rest is the frame.
#include "capture/options.hpp"
#include "capture/print.hpp"

#include <pcap/dlt.h>

#include <cstddef>
#include <cstdint>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const int link_types[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4,
                                     DLT_IPV6,   DLT_NULL,      DLT_LOOP,       DLT_PPP, 105 /* 802.11 */};
    if (size < 4) return 0;
    int dlt = link_types[data[0] % (sizeof link_types / sizeof *link_types)];
    std::uint8_t flags = data[1];
    std::uint32_t extra = std::uint32_t(data[2]) << 8 | data[3];
    // A copy of exactly the frame's size, so ASan sees any read past it.
    std::vector<std::uint8_t> frame(data + 4, data + size);
    fcap::capture::Options options;
    options.numeric = 1;
    options.link_header = flags & 1;
    options.verbose = (flags >> 1) & 3;
    options.quiet = flags & 8;
    options.hex = (flags >> 4) & 1;
    options.hex_ascii = (flags >> 5) & 1;
    options.ascii = (flags >> 6) & 1;
    options.absolute_tcp = flags & 0x80;
    fcap::capture::Printer printer(nullptr, dlt, options);
    auto caplen = std::uint32_t(frame.size());
    // Twice: the second time TCP conversations have a base to subtract.
    for (int i = 0; i < 2; ++i) printer.format(1700000000, 0, frame.data(), caplen, caplen + extra);
    return 0;
}
