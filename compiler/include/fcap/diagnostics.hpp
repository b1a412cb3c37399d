// Diagnostics: errors and warnings collected into a sink and printed like a
// compiler's, with the expression and a caret under the offending words.
//
//   fcc: error: expected a port number or name
//     tcp and dst port htp
//                      ^~~
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace fcap::diag {

// A half-open byte range [begin, end) in the expression text.
struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool empty() const { return begin == end; }
};

enum class Severity { error, warning, note };

struct Diagnostic {
    Severity severity = Severity::error;
    Span span;          // empty span with begin == 0 and no caret when has_span is false
    bool has_span = false;
    std::string message;
    std::string hint;   // optional "hint: ..." line
};

class Sink {
public:
    void error(Span span, std::string message, std::string hint = {});
    void error(std::string message, std::string hint = {});  // no position
    void warning(Span span, std::string message, std::string hint = {});
    void warning(std::string message, std::string hint = {});

    bool has_errors() const { return error_count_ > 0; }
    const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
    void clear() { diagnostics_.clear(); error_count_ = 0; }

    // The first error's message, or "" (for tests and one-line reports).
    std::string first_error() const;

    // Prints every diagnostic as "PROGRAM: error: MESSAGE", the source line
    // and a caret line.  `source` is the expression the spans refer to.
    void print(std::ostream& out, std::string_view program, std::string_view source) const;

private:
    std::vector<Diagnostic> diagnostics_;
    std::size_t error_count_ = 0;
};

// Renders one diagnostic (no trailing newline handling surprises: every line
// ends in '\n').
std::string format(const Diagnostic& d, std::string_view program, std::string_view source);

}  // namespace fcap::diag
