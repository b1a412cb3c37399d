// MACsec (IEEE 802.1AE) in tcpdump's words (print-macsec.c).
#include "capture/decode_internal.hpp"

#include <cstdio>

namespace fcap::capture::detail {

// IEEE 802.1AE (tcpdump: print-macsec.c): the SecTAG shows under -e; an
// integrity-only frame goes on with its EtherType, less the ICV; an
// encrypted or changed one is dumped.
void Decoder::macsec(Bytes b, std::uint32_t length) {
    // tcpdump counts a cut MACsec frame as all header: -x shows nothing.
    auto cut_short = [&] {
        truncated("macsec");
        link_length_ = std::size_t(-1) / 2;
    };
    if (!b.has(0, 1)) return cut_short();
    std::uint8_t tci = b.u8(0);
    if (tci & 0x80) return put(" (invalid)");
    std::size_t tag = tci & 0x20 ? 14 : 6;  // TCI/AN, SL, PN and perhaps the SCI
    if (!b.has(0, tag)) return cut_short();
    std::size_t short_length = b.u8(1) & 0x3f;
    std::string text = "an " + std::to_string(tci & 3) + ", pn " + std::to_string(b.be32(2)) + ", flags ";
    std::string flags;
    for (auto [bit, name] : {std::pair{0x08, "E"}, {0x04, "C"}, {0x40, "S"}, {0x10, "B"}, {0x20, "I"}})
        if (tci & bit) flags += name;
    text += flags.empty() ? "none" : flags;
    if (short_length) text += ", sl " + std::to_string(short_length);
    if (tci & 0x20) {
        char sci[24];
        std::snprintf(sci, sizeof sci, "%08x%08x", b.be32(6), b.be32(10));
        text += std::string(", sci ") + sci;
    }
    text += ", ";
    if (options_.link_header) put(text);
    link_length_ += tag;
    Bytes payload = b.from(tag);
    std::uint32_t rest = length > tag ? length - std::uint32_t(tag) : 0;
    if (tci & 0x0c) {
        if (!options_.link_header) {
            // The addresses were not printed: tcpdump adds them here.
            put(macsec_addresses_ + " 802.1AE MACsec, " + text);
        }
        if (!options_.suppress_default_print) raw_dump(payload);
        return;
    }
    if (short_length) {
        if (short_length + 16 > rest) return cut_short();
        rest = std::uint32_t(short_length);
    } else {
        if (rest < 16) return cut_short();
        rest -= 16;
    }
    payload = payload.first(rest);
    if (!payload.has(0, 2)) return cut_short();
    std::uint16_t type = payload.be16(0);
    link_length_ += 2;
    if (type < 0x600) {  // a length: 802.2 LLC follows
        if (options_.link_header) put("802.3");
        Bytes llc_bytes = payload.from(2).first(type);
        if (!llc_bytes.has(0, 3)) return cut("llc");
        return llc(llc_bytes, type);
    }
    if (options_.link_header) put(ethertype_text(type) + ", ");
    ethertype_payload(type, payload.from(2), rest - 2);
}

}  // namespace fcap::capture::detail
