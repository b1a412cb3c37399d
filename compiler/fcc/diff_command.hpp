// fcc diff EXPR_A EXPR_B -r FILE...: the packets on which two filters
// disagree, judged by bpf_filter on fcc's classic programs.  Exit status:
// 0 none differ, 1 some do, 2 an error (an expression that does not
// compile, an unreadable file, a usage error).
#pragma once

namespace fcap::fcc {

// argv[0] is "fcc", argv[1] "diff".
int diff_command(int argc, char** argv);

}  // namespace fcap::fcc
