#include "capture/kernel_filter.hpp"

#include "backend/cbpf/emit.hpp"
#include "backend/cbpf/live_vlan.hpp"
#include "api/compile_ir.hpp"

#include "backend/ebpf/lower.hpp"
#include "backend/ebpf/print.hpp"

#include <pcap/dlt.h>

namespace fcap::capture {

namespace {

constexpr std::uint32_t packet_outgoing = 4;  // PACKET_OUTGOING, as SKF_AD_PKTTYPE gives it
constexpr std::uint32_t skf_ad_ifindex = 8;

bool build_ebpf(const FilterRequest& request, ir::Program program, KernelFilter& filter, diag::Sink& sink,
                std::string* error, bool* privilege) {
    ebpf::LowerOptions options;
    options.ancillary = true;  // a live socket has the skb's fields
    // The tag in metadata: the lowering reads it for Ethernet; a cooked
    // program was already adapted on the IR.
    options.vlan_metadata = false;
    if (request.cooked) {
        filter.user_check = cbpf::adapt_for_cooked_socket(program, request.dlt == DLT_LINUX_SLL2).punts;
    } else if (request.dlt == DLT_EN10MB) {
        options.vlan_metadata = true;
    }
    restrict_direction(program, request);
    auto code = ebpf::lower_socket(program, sink, options);
    if (!code) return false;
    filter.ebpf_listing = ebpf::print(*code);
    if (!request.load) return true;
    std::string log;
    auto loaded = ebpf::load(*code, &log);
    if (!loaded) {
        std::string why;
        *privilege = !ebpf::can_load_bpf(&why);
        *error = *privilege ? "loading the eBPF filter needs CAP_BPF (" + why + ")"
                            : "the kernel refused the eBPF filter:\n" + log;
        return false;
    }
    filter.ebpf = std::move(*loaded);
    return true;
}

}  // namespace

bool have_ebpf() {
    return true;
}

void restrict_direction(ir::Program& p, const FilterRequest& request) {
    bool keep_out = request.direction != Direction::in && !(request.loopback && request.direction == Direction::inout);
    bool keep_in = request.direction != Direction::out;
    if (keep_in && keep_out && request.loopback_index == 0) return;
    ir::ExprPool& e = p.exprs;
    ir::BlockId reject = p.add_return(0);
    ir::BlockId outgoing = keep_out ? p.entry : reject;
    if (keep_out && request.loopback_index != 0) {
        // -i any: a packet sent on loopback comes back in; keep that copy.
        outgoing = p.add_branch(ir::CmpOp::eq, e.ancillary(skf_ad_ifindex),
                                e.constant(std::uint32_t(request.loopback_index)), reject, p.entry);
    }
    ir::BlockId incoming = keep_in ? p.entry : reject;
    p.entry = p.add_branch(ir::CmpOp::eq, e.ancillary(cbpf::skf_ad::pkttype), e.constant(packet_outgoing), outgoing,
                           incoming);
}

std::optional<KernelFilter> build_filter(const FilterRequest& request, diag::Sink& sink, std::string* error,
                                         bool* privilege) {
    *privilege = false;
    CompileOptions options;
    options.dlt = request.dlt;
    options.snaplen = request.snaplen;
    // tcpdump 4.99 looks the interface's netmask up only under -f and
    // otherwise compiles with 0: `ip broadcast` is then dst 0.0.0.0 or
    // 255.255.255.255, on files and interfaces alike.
    options.netmask = 0;
    auto program = compile_to_ir(request.expression, options, sink);
    if (!program) return std::nullopt;
    KernelFilter filter;
    filter.engine = request.engine;
    auto file_program = cbpf::emit(*program, sink);
    if (!file_program) return std::nullopt;
    filter.file_program = std::move(*file_program);
    if (!request.live) return filter;

    if (request.engine == Engine::ebpf) {
        if (!build_ebpf(request, std::move(*program), filter, sink, error, privilege)) return std::nullopt;
        return filter;
    }
    if (request.cooked) {
        filter.user_check = cbpf::adapt_for_cooked_socket(*program, request.dlt == DLT_LINUX_SLL2).punts;
    } else if (request.dlt == DLT_EN10MB) {
        filter.user_check = cbpf::adapt_for_vlan_metadata(*program).punts;
    }
    restrict_direction(*program, request);
    auto socket_program = cbpf::emit(*program, sink);
    if (!socket_program) return std::nullopt;
    if (socket_program->size() > cbpf::max_kernel_insns) {
        *error = "the socket's classic BPF program has " + std::to_string(socket_program->size()) +
                 " instructions, more than the kernel's limit of " + std::to_string(cbpf::max_kernel_insns) +
                 " (try --engine ebpf)";
        return std::nullopt;
    }
    filter.socket_program = std::move(*socket_program);
    return filter;
}

}  // namespace fcap::capture
