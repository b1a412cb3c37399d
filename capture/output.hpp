// Where captured packets go: the file (-w) or the printer; and the -c count.
#pragma once

#include "capture/options.hpp"
#include "capture/pcap_writer.hpp"
#include "capture/print.hpp"

#include <memory>
#include <string>

namespace fcap::capture {

class Output {
public:
    // False (and *error) when the file cannot be created.
    bool open(const Options& options, int dlt, std::uint32_t snaplen, std::string* error);

    // False once the capture should stop: the count is reached or the file
    // refused a write (see write_error()).
    bool take(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
              std::uint32_t wirelen);

    std::uint64_t captured() const { return captured_; }
    bool count_reached() const { return limit_ >= 0 && std::int64_t(captured_) >= limit_; }

    // Flushes and closes the file.  "" or what went wrong, worded for the
    // user: how much of the file is there.
    std::string finish();
    std::string write_error() const;

private:
    std::unique_ptr<PcapWriter> writer_;
    std::unique_ptr<Printer> printer_;
    std::uint64_t captured_ = 0;
    std::int64_t limit_ = -1;
    bool flush_each_ = false;
};

}  // namespace fcap::capture
