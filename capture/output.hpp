// Where captured packets go: the file (-w, rotated with -C/-G/-W), the
// printer, or both (--print); and the -c count.
#pragma once

#include "capture/options.hpp"
#include "capture/print.hpp"
#include "capture/rotating_writer.hpp"

#include <memory>
#include <string>

namespace fcap::capture {

class Output {
public:
    // False (and *error) when the file cannot be created.
    bool open(const Options& options, int dlt, std::uint32_t snaplen, std::string* error);

    // `fraction` is microseconds, or nanoseconds under options.nano.
    // False once the capture should stop: the count is reached, -G with -W
    // wrote its last file, or the file refused a write (see write_error()).
    bool take(std::int64_t sec, std::int64_t fraction, const std::uint8_t* data, std::uint32_t caplen,
              std::uint32_t wirelen);

    std::uint64_t captured() const { return captured_; }
    bool count_reached() const { return limit_ >= 0 && std::int64_t(captured_) >= limit_; }
    // tcpdump's "Maximum file limit reached: N" (-G with -W): 0 or N.
    int file_limit_reached() const { return file_limit_; }

    // Flushes and closes the file.  "" or what went wrong, worded for the
    // user: how much of the file is there.
    std::string finish();
    std::string write_error() const;

private:
    std::unique_ptr<RotatingWriter> writer_;
    std::unique_ptr<Printer> printer_;
    std::uint64_t captured_ = 0;
    std::int64_t limit_ = -1;
    int file_limit_ = 0;
    int files_ = 0;
    bool flush_each_ = false;
};

}  // namespace fcap::capture
