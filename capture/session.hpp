// fcap's work, once the command line is read: list interfaces, print the
// program, read a file, or capture live.  Returns the exit status.
#pragma once

#include "capture/options.hpp"

namespace fcap::capture {

int run(const Options& options);

namespace detail {
int run_live(const Options& options);
int run_offline(const Options& options);
}  // namespace detail

}  // namespace fcap::capture
