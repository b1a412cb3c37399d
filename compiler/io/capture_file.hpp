// A pcap or pcapng capture read packet by packet through libpcap: the one
// place fcc's replays open a file, name why it cannot be read, and warn
// when reading stops early.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

namespace fcap {

class CaptureFile {
public:
    // Opens `path`; on failure prints "fcc: error: cannot read PATH: why"
    // to `err` and returns nullptr.
    static std::unique_ptr<CaptureFile> open(const std::string& path, std::ostream& err);
    ~CaptureFile();
    CaptureFile(const CaptureFile&) = delete;
    CaptureFile& operator=(const CaptureFile&) = delete;

    int link_type() const { return pcap_datalink(handle_); }
    pcap_t* handle() const { return handle_; }

    // Calls `each` on every packet, in order; a read error after some
    // packets is a warning on `err` (what was read still counts).  Returns
    // the number of packets read.
    std::uint64_t for_each(const std::function<void(const pcap_pkthdr&, const std::uint8_t*)>& each,
                           std::ostream& err);

private:
    CaptureFile(pcap_t* handle, std::string path) : handle_(handle), path_(std::move(path)) {}
    pcap_t* handle_;
    std::string path_;
};

// The link type of the capture at `path`, or -1 with `error` set.
int capture_link_type(const std::string& path, std::string* error);

}  // namespace fcap
