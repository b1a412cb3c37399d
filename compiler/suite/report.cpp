#include "suite/report.hpp"

#include <cstdio>
#include <ostream>

namespace fcap::suite {

namespace {

std::string title(const Result& r) { return r.case_name + " [" + name(r.target) + "]"; }

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\n': out += "&#10;"; break;
        default: out += ch;
        }
    }
    return out;
}

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", s);
    return text;
}

}  // namespace

Totals totals(const std::vector<Result>& results) {
    Totals t;
    for (const auto& r : results) {
        t.passed += r.outcome == Outcome::ok;
        t.failed += r.outcome == Outcome::fail;
        t.skipped += r.outcome == Outcome::skip;
        t.seconds += r.seconds;
    }
    return t;
}

std::string summary_line(const Totals& t) {
    return std::to_string(t.passed) + " passed, " + std::to_string(t.failed) + " failed, " +
           std::to_string(t.skipped) + " skipped";
}

void print_text(const std::vector<Result>& results, std::ostream& out) {
    for (const auto& r : results) {
        switch (r.outcome) {
        case Outcome::ok:
            out << "ok   " << title(r);
            if (!r.note.empty()) out << " (" << r.note << ")";
            out << "\n";
            break;
        case Outcome::skip: out << "skip " << title(r) << " (" << r.reason << ")\n"; break;
        case Outcome::fail:
            out << "FAIL " << title(r) << "\n";
            for (const auto& line : r.failures) out << "     " << line << "\n";
            break;
        }
    }
}

void print_tap(const std::vector<Result>& results, std::size_t first, std::ostream& out) {
    std::size_t n = first;
    for (const auto& r : results) {
        if (r.outcome == Outcome::fail) {
            out << "not ok " << n++ << " - " << title(r) << "\n  ---\n  message: |\n";
            for (const auto& line : r.failures) out << "    " << line << "\n";
            out << "  ...\n";
        } else {
            out << "ok " << n++ << " - " << title(r);
            if (r.outcome == Outcome::skip) out << " # SKIP " << r.reason;
            out << "\n";
        }
    }
}

void write_junit(const std::vector<SuiteResults>& suites, std::ostream& out) {
    std::vector<Result> all;
    for (const auto& s : suites) all.insert(all.end(), s.results.begin(), s.results.end());
    Totals t = totals(all);
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        << "<testsuites name=\"fcc test\" tests=\"" << all.size() << "\" failures=\"" << t.failed << "\" errors=\"0\" skipped=\""
        << t.skipped << "\" time=\"" << seconds(t.seconds) << "\">\n";
    for (const auto& s : suites) {
        Totals st = totals(s.results);
        out << "  <testsuite name=\"" << xml_escape(s.path) << "\" tests=\"" << s.results.size() << "\" failures=\""
            << st.failed << "\" errors=\"0\" skipped=\"" << st.skipped << "\" time=\"" << seconds(st.seconds) << "\">\n";
        for (const auto& r : s.results) {
            out << "    <testcase name=\"" << xml_escape(title(r)) << "\" classname=\"" << xml_escape(s.path)
                << "\" time=\"" << seconds(r.seconds) << "\"";
            if (r.outcome == Outcome::ok) {
                out << "/>\n";
                continue;
            }
            out << ">\n";
            if (r.outcome == Outcome::skip) {
                out << "      <skipped message=\"" << xml_escape(r.reason) << "\"/>\n";
            } else {
                std::string text;
                for (const auto& line : r.failures) text += line + "\n";
                out << "      <failure message=\"" << xml_escape(r.failures.front()) << "\">" << xml_escape(text)
                    << "</failure>\n";
            }
            out << "    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
}

}  // namespace fcap::suite
