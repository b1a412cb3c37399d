// Writes the capture file through libpcap's pcap_dump, so tcpdump, tshark
// and every pcap reader take it; and notices when the disk refuses it.
//
// libpcap's pcap_dump returns nothing: an error only shows in the stdio
// stream (ferror) and in pcap_dump_flush.  Both are checked after every
// packet and on close, so a full disk ends the capture with a message
// saying how many packets the file holds, never silently.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace fcap::capture {

class PcapWriter {
public:
    PcapWriter() = default;
    PcapWriter(const PcapWriter&) = delete;
    PcapWriter& operator=(const PcapWriter&) = delete;
    ~PcapWriter();

    // `path` "-" writes to standard output.  With `nano` the file is a
    // nanosecond pcap (magic 0xa1b23c4d) and write() takes nanoseconds.
    // False (and *error) when the file cannot be created.
    bool open(const std::string& path, int dlt, std::uint32_t snaplen, bool nano, std::string* error);

    // `fraction`: microseconds, or nanoseconds for a nanosecond file.
    // False once writing has failed (see error()); the packet may be lost.
    bool write(std::int64_t sec, std::int64_t fraction, std::uint32_t caplen, std::uint32_t wirelen,
               const std::uint8_t* data, bool flush_now);

    // Bytes written so far, buffered ones included: what tcpdump's -C
    // compares (pcap_dump_ftell).  Counted here, as the file header and
    // records are fixed sizes, rather than asked of ftell, which costs an
    // lseek per packet.
    std::int64_t position() const { return bytes_; }

    // Flushes and closes; false (and *error) when anything written was
    // refused.  For a regular file the data is synced to the disk, so a
    // full disk is noticed here at the latest.
    bool close(std::string* error);

    bool is_open() const { return dumper_ != nullptr; }
    const std::string& error() const { return error_; }
    std::uint64_t packets() const { return packets_; }
    const std::string& path() const { return path_; }

private:
    bool fail(const char* what, int err);

    pcap_t* dead_ = nullptr;
    pcap_dumper_t* dumper_ = nullptr;
    std::FILE* file_ = nullptr;
    std::string path_;
    std::string error_;
    std::uint64_t packets_ = 0;
    std::int64_t bytes_ = 0;
};

}  // namespace fcap::capture
