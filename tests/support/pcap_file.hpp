// Reading captures for tests: every packet of a pcap or pcapng file, and
// where the project's own and the shared real captures live.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fcap::test {

struct Packet {
    std::uint32_t caplen = 0;
    std::uint32_t wirelen = 0;
    std::int64_t sec = 0;
    std::int64_t usec = 0;
    std::vector<std::uint8_t> data;
};

struct Capture {
    std::string path;
    int dlt = 0;
    std::vector<Packet> packets;
};

// nullopt (and *error set) when the file cannot be read.
std::optional<Capture> read_capture(const std::string& path, std::string* error = nullptr);

// tests/pcaps in the source tree.
std::string own_pcaps_dir();
// ../shared/pcaps beside the checkout: real captures from the tcpdump and
// libpcap test suites.  "" when absent (a user's fresh clone).
std::string shared_pcaps_dir();

// Every .pcap/.pcapng under `dir`, sorted.
std::vector<std::string> list_captures(const std::string& dir);

// Every capture of link type `dlt` under the given directories.
std::vector<Capture> captures_of_type(const std::vector<std::string>& dirs, int dlt);

}  // namespace fcap::test
