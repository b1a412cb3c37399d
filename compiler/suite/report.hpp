// How a suite's results are shown: text for people (a line per case and
// target, the differences under a failure, and the summary CI runners
// read), TAP, and JUnit XML.
#pragma once

#include "suite/run.hpp"

#include <iosfwd>
#include <string>
#include <vector>

namespace fcap::suite {

struct Totals {
    std::size_t passed = 0, failed = 0, skipped = 0;
    double seconds = 0;
};
Totals totals(const std::vector<Result>& results);

// "N passed, N failed, N skipped", the summary line.
std::string summary_line(const Totals& totals);

// One suite's results, as a person reads them.
void print_text(const std::vector<Result>& results, std::ostream& out);

// TAP version 13: "ok N - case [target]", failures as YAML blocks.  `first`
// numbers the tests (TAP counts over the whole run).
void print_tap(const std::vector<Result>& results, std::size_t first, std::ostream& out);

// JUnit XML: <testsuites> holding one <testsuite> per suite file.
struct SuiteResults {
    std::string path;
    std::vector<Result> results;
};
void write_junit(const std::vector<SuiteResults>& suites, std::ostream& out);

}  // namespace fcap::suite
