#include "support/pcap_file.hpp"

#include <pcap/pcap.h>

#include <algorithm>
#include <filesystem>

namespace fcap::test {

std::optional<Capture> read_capture(const std::string& path, std::string* error) {
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
    if (p == nullptr) {
        if (error) *error = errbuf;
        return std::nullopt;
    }
    Capture c;
    c.path = path;
    c.dlt = pcap_datalink(p);
    pcap_pkthdr* h;
    const u_char* bytes;
    int rc;
    while ((rc = pcap_next_ex(p, &h, &bytes)) == 1) {
        Packet pkt;
        pkt.caplen = h->caplen;
        pkt.wirelen = h->len;
        pkt.sec = h->ts.tv_sec;
        pkt.usec = h->ts.tv_usec;
        pkt.data.assign(bytes, bytes + h->caplen);
        c.packets.push_back(std::move(pkt));
    }
    // A damaged tail (rc == -1) still leaves the packets before it usable.
    pcap_close(p);
    return c;
}

std::string own_pcaps_dir() { return (std::filesystem::path(FCAP_SOURCE_DIR) / "tests" / "pcaps").string(); }

std::string shared_pcaps_dir() {
    std::filesystem::path p = std::filesystem::path(FCAP_SOURCE_DIR) / ".." / "shared" / "pcaps";
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) return std::filesystem::canonical(p, ec).string();
    return "";
}

std::vector<std::string> list_captures(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (dir.empty() || !std::filesystem::is_directory(dir, ec)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
        auto ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".pcap" || ext == ".pcapng" || ext == ".cap")) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<Capture> captures_of_type(const std::vector<std::string>& dirs, int dlt) {
    std::vector<Capture> out;
    for (const auto& dir : dirs)
        for (const auto& path : list_captures(dir)) {
            auto c = read_capture(path);
            if (c && c->dlt == dlt && !c->packets.empty()) out.push_back(std::move(*c));
        }
    return out;
}

}  // namespace fcap::test
