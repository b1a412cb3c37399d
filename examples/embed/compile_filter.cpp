// Shows: compiling a tcpdump expression with fcap's library, as another C++
// project would, against the installed package (find_package(fcap) or
// pkg-config fcap).  Prints the classic BPF listing (tcpdump -d) and writes
// an XDP object.
//
//   cmake -S examples/embed -B /tmp/embed -DCMAKE_PREFIX_PATH=/usr/local && cmake --build /tmp/embed
//   /tmp/embed/compile_filter 'tcp and dst port 7070' filter.o
//   ip link set dev eth0 xdp obj filter.o sec xdp     # drops what the expression matches
#include <fcap/compiler.hpp>

#include <iostream>
#include <string>

int main(int argc, char** argv) {
    std::string expression = argc > 1 ? argv[1] : "tcp and dst port 7070";
    std::string object = argc > 2 ? argv[2] : "filter.o";

    fcap::diag::Sink sink;
    fcap::CompileOptions options;  // Ethernet, optimizer on, libpcap's snaplen
    auto classic = fcap::compile_cbpf(expression, options, sink);
    if (!classic) {
        sink.print(std::cerr, "compile_filter", expression);  // the message, the expression and a caret
        return 1;
    }
    std::cout << fcap::format_cbpf(*classic, 1);

    fcap::EbpfOptions xdp;  // XDP: drop the matches
    auto program = fcap::compile_ebpf(expression, options, xdp, sink);
    if (!program || !fcap::write_object(*program, object, sink)) {
        sink.print(std::cerr, "compile_filter", expression);
        return 1;
    }
    std::cout << object << ": XDP, " << program->insns.size() << " instructions\n";
    return 0;
}
