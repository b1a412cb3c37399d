// For each capture, filters of its theme: libpcap must match some of its
// packets and not others with each of them (pcaps_test.cpp).
#pragma once

#include <vector>

namespace fcap::test {

struct ThemeFilters {
    const char* file;
    int dlt;
    std::vector<const char*> expressions;
};

const std::vector<ThemeFilters>& theme_filters();

}  // namespace fcap::test
