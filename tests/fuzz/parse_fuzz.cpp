// libFuzzer target: any bytes as a filter expression, through the whole
// compiler (parse, sema, optimizer, classic BPF).  Nothing may crash, hang
// or trip a sanitizer; errors are fine.
//   cmake -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DFCAP_FUZZ=ON && cmake --build build-fuzz --target parse_fuzz
//   build-fuzz/bin/parse_fuzz -max_total_time=60 tests/corpus
#include "fcap/compiler.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    for (bool optimize : {true, false}) {
        fcap::CompileOptions options;
        options.optimize = optimize;
        fcap::diag::Sink sink;
        auto code = fcap::compile_cbpf(text, options, sink);
        if (!code && !sink.has_errors()) __builtin_trap();  // a refusal always says why
    }
    return 0;
}
