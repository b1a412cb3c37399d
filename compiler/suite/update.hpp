// fcc test --update: the observed verdicts written back into the suite.
// toml++ drops comments when it writes a document, so the suite's text is
// edited in place instead: each `count = ...` / `packets = "..."` value is
// found by the position toml++ gave its node and rewritten alone; a case
// that expects nothing yet gets both keys on the line after its [[case]]
// header.  Snapshot files are rewritten whole.
#pragma once

#include "suite/run.hpp"

#include <iosfwd>
#include <vector>

namespace fcap::suite {

// Returns false (and why, on `err`) when a file cannot be written.  Says
// on `out` what changed.
bool update(const Suite& suite, const std::vector<Observation>& observed, std::ostream& out, std::ostream& err);

}  // namespace fcap::suite
