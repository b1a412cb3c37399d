// -w with tcpdump's -C, -G and -W: the capture written to a sequence of
// pcap files, named and rotated as tcpdump 4.99 does it (tcpdump.c:
// MakeFilename, dump_packet_and_trunc):
//
//   -C N    before a packet is written, a file that already holds more than
//           N bytes (N = the option times 1,000,000) is closed and the next
//           one opened: FILE, FILE1, FILE2, ...  A file passes N by at most
//           one packet.
//   -W N    with -C: a ring of N files, FILE0 ... FILE<N-1>, the number
//           zero-padded to the digits of N-1; the oldest is overwritten.
//   -G S    FILE is a strftime(3) pattern; on the first packet S seconds or
//           more (by the wall clock, not the packets' time stamps) after
//           the current file was opened, a new file is opened under the
//           pattern's name for now.  With -C the size count starts again.
//   -G + -W without -C: the capture stops when the N+1th file would open.
//
// No plain -w writing changes: without -C and -G there is one file.
#pragma once

#include "capture/pcap_writer.hpp"

#include <ctime>
#include <functional>
#include <memory>
#include <string>

namespace fcap::capture {

struct Rotation {
    std::int64_t max_bytes = 0;  // -C; 0: no size limit
    int seconds = 0;             // -G; 0: no time limit
    int files = 0;               // -W; 0: no limit
};

// tcpdump's name for a file: `pattern` through strftime(3) (with -G, local
// time `when`), then, unless `number` and the width are both 0, `number`
// zero-padded to the digits of files - 1.  "" (and *error) when the name
// cannot be made.
std::string rotation_file_name(const std::string& pattern, const Rotation& rotation, std::time_t when, int number,
                               std::string* error);

class RotatingWriter {
public:
    using Clock = std::function<std::time_t()>;

    // `now` is the wall clock -G reads (tests pass their own).
    explicit RotatingWriter(Rotation rotation, Clock now = [] { return std::time(nullptr); });

    bool open(const std::string& pattern, int dlt, std::uint32_t snaplen, bool nano, std::string* error);

    enum class Step {
        written,
        failed,      // see error()
        file_limit,  // -G with -W: the files are all written; the packet was not
    };
    Step write(std::int64_t sec, std::int64_t fraction, std::uint32_t caplen, std::uint32_t wirelen,
               const std::uint8_t* data, bool flush_now);

    bool close(std::string* error);

    const std::string& error() const { return error_.empty() && file_ ? file_->error() : error_; }
    // Packets in the file being written.
    std::uint64_t packets() const { return file_ ? file_->packets() : 0; }

private:
    bool reopen(const std::string& name, std::string* error);

    Rotation rotation_;
    Clock now_;
    std::string pattern_;
    int dlt_ = 0;
    std::uint32_t snaplen_ = 0;
    bool nano_ = false;
    std::time_t opened_at_ = 0;  // tcpdump's Gflag_time
    int time_files_ = 0;         // files opened by -G after the first (Gflag_count)
    int size_number_ = 0;        // the -C number of the current file (Cflag_count)
    std::unique_ptr<PcapWriter> file_;
    std::string error_;
};

}  // namespace fcap::capture
