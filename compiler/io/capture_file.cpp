#include "io/capture_file.hpp"

namespace fcap {

std::unique_ptr<CaptureFile> CaptureFile::open(const std::string& path, std::ostream& err) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        err << "fcc: error: cannot read " << path << ": " << errbuf << "\n";
        return nullptr;
    }
    return std::unique_ptr<CaptureFile>(new CaptureFile(p, path));
}

CaptureFile::~CaptureFile() { pcap_close(handle_); }

std::uint64_t CaptureFile::for_each(const std::function<void(const pcap_pkthdr&, const std::uint8_t*)>& each,
                                    std::ostream& err) {
    pcap_pkthdr* h;
    const u_char* bytes;
    std::uint64_t n = 0;
    int rc;
    while ((rc = pcap_next_ex(handle_, &h, &bytes)) == 1) {
        ++n;
        each(*h, bytes);
    }
    if (rc == -1) err << "fcc: warning: " << path_ << ": " << pcap_geterr(handle_) << " (after " << n << " packets)\n";
    return n;
}

int capture_link_type(const std::string& path, std::string* error) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        if (error) *error = errbuf;
        return -1;
    }
    int dlt = pcap_datalink(p);
    pcap_close(p);
    return dlt;
}

}  // namespace fcap
