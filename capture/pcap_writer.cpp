#include "capture/pcap_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fcap::capture {

namespace {

// The pcap format's fixed parts (pcap-savefile(5)): the file header, and
// each record's header (seconds, fraction, captured and wire lengths).
constexpr std::int64_t pcap_file_header_size = 24;
constexpr std::int64_t pcap_record_header_size = 16;

}  // namespace

PcapWriter::~PcapWriter() {
    if (dumper_) pcap_dump_close(dumper_);
    if (dead_) pcap_close(dead_);
}

bool PcapWriter::fail(const char* what, int err) {
    if (error_.empty()) error_ = std::string(what) + " " + (path_ == "-" ? "standard output" : path_) + ": " + std::strerror(err);
    return false;
}

bool PcapWriter::open(const std::string& path, int dlt, std::uint32_t snaplen, bool nano, std::string* error) {
    path_ = path;
    // Microsecond time stamps, as tcpdump writes by default; nanosecond
    // ones under --time-stamp-precision nano (libpcap picks the magic).
    dead_ = pcap_open_dead_with_tstamp_precision(dlt, int(snaplen),
                                                 nano ? PCAP_TSTAMP_PRECISION_NANO : PCAP_TSTAMP_PRECISION_MICRO);
    if (path == "-") {
        file_ = stdout;
    } else {
        file_ = std::fopen(path.c_str(), "wb");
        if (!file_) {
            fail("cannot create", errno);
            *error = error_;
            return false;
        }
    }
    dumper_ = pcap_dump_fopen(dead_, file_);
    if (!dumper_) {
        error_ = "cannot write " + path + ": " + pcap_geterr(dead_);
        if (file_ != stdout) std::fclose(file_);
        file_ = nullptr;
        *error = error_;
        return false;
    }
    bytes_ = pcap_file_header_size;
    return true;
}

bool PcapWriter::write(std::int64_t sec, std::int64_t usec, std::uint32_t caplen, std::uint32_t wirelen,
                       const std::uint8_t* data, bool flush_now) {
    if (!error_.empty()) return false;
    pcap_pkthdr h{};
    h.ts.tv_sec = sec;
    h.ts.tv_usec = usec;
    h.caplen = caplen;
    h.len = wirelen;
    errno = 0;
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, data);
    if (std::ferror(file_)) return fail("writing", errno ? errno : EIO);
    if (flush_now && pcap_dump_flush(dumper_) != 0) return fail("writing", errno ? errno : EIO);
    ++packets_;
    bytes_ += pcap_record_header_size + caplen;
    return true;
}

bool PcapWriter::close(std::string* error) {
    if (!dumper_) return error_.empty();
    errno = 0;
    if (pcap_dump_flush(dumper_) != 0 || std::ferror(file_)) fail("writing", errno ? errno : EIO);
    struct stat st{};
    if (error_.empty() && fstat(fileno(file_), &st) == 0 && S_ISREG(st.st_mode) && fsync(fileno(file_)) != 0)
        fail("writing", errno);
    if (file_ == stdout) {
        // Leave standard output open for the statistics that follow.
        dumper_ = nullptr;
    } else {
        pcap_dump_close(dumper_);  // fclose; any write error was seen above
        dumper_ = nullptr;
    }
    file_ = nullptr;
    if (!error_.empty() && error) *error = error_;
    return error_.empty();
}

}  // namespace fcap::capture
