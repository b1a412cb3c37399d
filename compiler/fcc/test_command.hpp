// fcc test [options] SUITE...: runs suite files (compiler/suite) and
// reports as text, TAP or JUnit XML.  Exit status: 0 all passed, 1 a case
// failed, 2 a suite file is wrong (or a usage error).
#pragma once

namespace fcap::fcc {

// argv[0] is "fcc", argv[1] "test".
int test_command(int argc, char** argv);

}  // namespace fcap::fcc
