#include "fcap/diagnostics.hpp"

#include <algorithm>
#include <ostream>

namespace fcap::diag {

void Sink::error(Span span, std::string message, std::string hint) {
    diagnostics_.push_back({Severity::error, span, true, std::move(message), std::move(hint)});
    ++error_count_;
}

void Sink::error(std::string message, std::string hint) {
    diagnostics_.push_back({Severity::error, {}, false, std::move(message), std::move(hint)});
    ++error_count_;
}

void Sink::warning(Span span, std::string message, std::string hint) {
    diagnostics_.push_back({Severity::warning, span, true, std::move(message), std::move(hint)});
}

void Sink::warning(std::string message, std::string hint) {
    diagnostics_.push_back({Severity::warning, {}, false, std::move(message), std::move(hint)});
}

std::string Sink::first_error() const {
    for (const auto& d : diagnostics_)
        if (d.severity == Severity::error) return d.message;
    return {};
}

void Sink::print(std::ostream& out, std::string_view program, std::string_view source) const {
    for (const auto& d : diagnostics_) out << format(d, program, source);
}

static const char* severity_name(Severity s) {
    switch (s) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
    }
    return "error";
}

std::string format(const Diagnostic& d, std::string_view program, std::string_view source) {
    std::string out;
    out += program;
    out += ": ";
    out += severity_name(d.severity);
    out += ": ";
    out += d.message;
    out += '\n';
    if (d.has_span) {
        // Expressions are one line (fcc joins its words with spaces); keep
        // the caret honest if a newline slipped in anyway.
        std::string line(source);
        std::replace(line.begin(), line.end(), '\n', ' ');
        std::replace(line.begin(), line.end(), '\t', ' ');
        std::size_t begin = std::min(d.span.begin, line.size());
        std::size_t end = std::min(std::max(d.span.end, begin), line.size());
        out += "  ";
        out += line;
        out += '\n';
        out += "  ";
        out += std::string(begin, ' ');
        out += '^';
        if (end > begin + 1) out += std::string(end - begin - 1, '~');
        out += '\n';
    }
    if (!d.hint.empty()) {
        out += "  hint: ";
        out += d.hint;
        out += '\n';
    }
    return out;
}

}  // namespace fcap::diag
