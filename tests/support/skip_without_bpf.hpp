// Kernel tests skip, with the kernel's reason, where BPF programs cannot be
// loaded (no root or CAP_BPF): never a silent pass.  In a TEST body:
//   FCAP_SKIP_WITHOUT_BPF();
#pragma once

#include "kernel/loader.hpp"

#include <gtest/gtest.h>

#include <string>

#define FCAP_SKIP_WITHOUT_BPF()                                           \
    do {                                                                  \
        std::string fcap_why_;                                            \
        if (!::fcap::ebpf::can_load_bpf(&fcap_why_)) GTEST_SKIP() << fcap_why_; \
    } while (0)
