#include "capture/options.hpp"

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace fcap::capture {

// tcpdump 4.99.3 reads -C with strtol, in millions of bytes; it takes no
// k/m/g suffix (later tcpdump does).
bool parse_file_size(const std::string& text, std::int64_t* bytes, std::string* error) {
    constexpr long long unit = 1000000;
    errno = 0;
    char* end = nullptr;
    long long n = std::strtoll(text.c_str(), &end, 10);
    if (end == text.c_str() || *end != '\0' || errno != 0 || n <= 0) {
        *error = "invalid file size " + text;
        return false;
    }
    if (n > LLONG_MAX / unit) {
        *error = "file size " + text + " is too large";
        return false;
    }
    *bytes = n * unit;
    return true;
}

// -W and -G go through atoi in tcpdump: "abc" is 0, "3x" is 3.
bool parse_file_count(const std::string& text, int* count, std::string* error) {
    *count = std::atoi(text.c_str());
    if (*count > 0) return true;
    *error = "invalid number of output files " + text;
    return false;
}

bool parse_rotate_seconds(const std::string& text, int* seconds, std::string* error) {
    *seconds = std::atoi(text.c_str());
    if (*seconds >= 0) return true;
    *error = "invalid number of seconds " + text;
    return false;
}

// tcpdump compares only the start: "nanoseconds" is nano.
bool parse_time_stamp_precision(const std::string& text, bool* nano, std::string* error) {
    if (text.rfind("nano", 0) == 0) *nano = true;
    else if (text.rfind("micro", 0) == 0) *nano = false;
    else {
        *error = "unsupported time stamp precision";
        return false;
    }
    return true;
}

}  // namespace fcap::capture
