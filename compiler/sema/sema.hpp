// Semantic analysis: a parsed expression to an IR program with libpcap's
// meaning, or errors with positions.
#pragma once

#include "fcap/diagnostics.hpp"
#include "ir/ir.hpp"
#include "parse/parse.hpp"

#include <cstdint>
#include <optional>

namespace fcap::sema {

struct Options {
    int dlt = 1;                        // DLT_EN10MB
    std::uint32_t snaplen = 262144;     // what a match returns
    std::uint32_t netmask = 0xffffffff; // PCAP_NETMASK_UNKNOWN: `ip broadcast` is refused
};

// What sema learned that later stages need.
struct Facts {
    // libpcap turns its optimizer off for expressions with `geneve` or
    // `protochain`: every load of its unoptimized code runs, so a truncated
    // packet meets them all, and nothing is refused as "rejects all
    // packets".  fcc keeps its optimizer off for them too.
    bool libpcap_skips_optimizer = false;
};

std::optional<ir::Program> analyze(const parse::Parsed& parsed, const Options& options, diag::Sink& sink,
                                   Facts* facts = nullptr);

}  // namespace fcap::sema
