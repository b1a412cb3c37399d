// xdp tests skip, with the reason, without root.
#pragma once

#include "xdp/lab.hpp"

#include <gtest/gtest.h>

#define FXDP_SKIP_WITHOUT_ROOT()                                    \
    do {                                                            \
        std::string fxdp_why_;                                      \
        if (!::fcap::xdptest::can_run(&fxdp_why_)) GTEST_SKIP() << fxdp_why_; \
    } while (0)
