// The decoder and printer, held to golden files: every packet of the
// captures in tests/pcaps printed as fcap prints it (tests/capture/golden).
// Regenerate after a deliberate change with FCAP_UPDATE_GOLDEN=1 and read
// the diff.  A few lines are also checked against tcpdump's own words.
#include "capture/decode.hpp"
#include "capture/options.hpp"
#include "support/netns/process.hpp"
#include "capture/print.hpp"
#include "support/pcap_file.hpp"
#include "support/text.hpp"

#include <gtest/gtest.h>
#include <pcap/dlt.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace fcap {
namespace {

using capture::Options;
using capture::Printer;
using capture::TimeFormat;

std::string golden_path(const std::string& name) { return std::string(FCAP_TESTS_DIR) + "/capture/golden/" + name; }

std::string print_capture(const std::string& file, Options options) {
    auto capture = test::read_capture(test::own_pcaps_dir() + "/" + file);
    EXPECT_TRUE(capture) << file;
    if (!capture) return "";
    Printer printer(nullptr, capture->dlt, options);
    std::string out;
    for (const auto& p : capture->packets)
        out += printer.format(p.sec, p.usec, p.data.data(), p.caplen, p.wirelen);
    return out;
}

void check_golden(const std::string& name, const std::string& text) {
    std::string path = golden_path(name);
    if (std::getenv("FCAP_UPDATE_GOLDEN")) {
        std::ofstream(path) << text;
        return;
    }
    std::ifstream in(path);
    ASSERT_TRUE(in) << path << " is missing (FCAP_UPDATE_GOLDEN=1 writes it)";
    std::stringstream want;
    want << in.rdbuf();
    if (want.str() == text) return;
    // Report the first differing line, not two walls of text.
    std::istringstream a(want.str()), b(text);
    std::string la, lb;
    for (int line = 1;; ++line) {
        bool ha = bool(std::getline(a, la)), hb = bool(std::getline(b, lb));
        if (!ha && !hb) break;
        if (la != lb || ha != hb) {
            FAIL() << name << " line " << line << "\n  golden: " << la << "\n  now:    " << lb;
        }
    }
}

Options plain() {
    Options o;
    o.time = TimeFormat::none;
    o.numeric = 1;
    return o;
}

TEST(DecodeGolden, Ethernet) { check_golden("ethernet.txt", print_capture("ethernet.pcap", plain())); }

TEST(DecodeGolden, EthernetLinkHeader) {
    Options o = plain();
    o.link_header = true;
    check_golden("ethernet_e.txt", print_capture("ethernet.pcap", o));
}

TEST(DecodeGolden, EthernetVerbose) {
    Options o = plain();
    o.verbose = 1;
    check_golden("ethernet_v.txt", print_capture("ethernet.pcap", o));
}

TEST(DecodeGolden, Truncated) { check_golden("truncated.txt", print_capture("truncated.pcap", plain())); }

TEST(DecodeGolden, Cooked) {
    Options o = plain();
    o.link_header = true;
    check_golden("linux_sll.txt", print_capture("linux_sll.pcap", o));
    check_golden("linux_sll2.txt", print_capture("linux_sll2.pcap", o));
}

TEST(DecodeGolden, RawIp) { check_golden("raw.txt", print_capture("raw_ip.pcap", plain())); }

TEST(DecodeGolden, ByteDumps) {
    Options o = plain();
    o.hex = 1;
    std::string x = print_capture("ethernet.pcap", o);
    o.hex = 0;
    o.hex_ascii = 2;
    std::string xx = print_capture("ethernet.pcap", o);
    o.hex_ascii = 0;
    o.ascii = true;
    std::string a = print_capture("ethernet.pcap", o);
    // The first packets are enough to pin the layout down.
    auto head = [](const std::string& s) { return s.substr(0, s.rfind('\n', 6000) + 1); };
    check_golden("dumps.txt", head(x) + "\n" + head(xx) + "\n" + head(a));
}

// Whether a line ends in "length N".
bool ends_with_length(std::string_view s) {
    auto at = s.rfind(" length ");
    return at != std::string_view::npos && test::digits_between(s.substr(at), " length ", "");
}

// The first lines of the kinds compared below: IP or IP6 "A > B: " then a TCP
// ("Flags [..], ... length N"), UDP ("UDP, length N") or ICMP line ending in
// a length; ARP requests and replies; MPLS ("MPLS (... length N").
bool comparable(std::string_view s) {
    if (s.starts_with("ARP, Request") || s.starts_with("ARP, Reply")) return true;
    if (s.starts_with("MPLS (")) return ends_with_length(s);
    if (!s.starts_with("IP ") && !s.starts_with("IP6 ")) return false;
    std::size_t source = s.find(' ') + 1, arrow = s.find(' ', source);
    if (arrow == std::string_view::npos || arrow == source || s.compare(arrow, 3, " > ") != 0) return false;
    std::size_t colon = s.find(": ", arrow + 3);
    if (colon == std::string_view::npos || colon == arrow + 3 || s.substr(arrow + 3, colon - arrow - 3).find(' ') != std::string_view::npos)
        return false;
    std::string_view rest = s.substr(colon + 2);
    if (rest.starts_with("Flags [")) return rest.find("], ") != std::string_view::npos && ends_with_length(rest);
    if (rest.starts_with("UDP, length ")) return test::digits_between(rest, "UDP, length ", "");
    return rest.starts_with("ICMP") && ends_with_length(rest);
}

// fcap's line without the "vlan N, p N[, DEI], " tags tcpdump leaves out
// without -e.
std::string without_vlan_prefix(std::string line) {
    while (line.starts_with("vlan ")) {
        std::size_t id = test::skip_digits(line, 5);
        if (id == 5 || line.compare(id, 4, ", p ") != 0) break;
        std::size_t priority = test::skip_digits(line, id + 4);
        if (priority == id + 4) break;
        std::size_t next = priority;
        if (line.compare(next, 5, ", DEI") == 0) next += 5;
        if (line.compare(next, 2, ", ") != 0) break;
        line.erase(0, next + 2);
    }
    return line;
}

// tcpdump's lines for the packets fcap decodes the same way (TCP and UDP
// without an application decoder, ICMP, ICMPv6, ARP, MPLS): fcap's must be
// word for word the same.  fcap names the VLAN tags tcpdump leaves out
// without -e; that prefix is set aside for the comparison.
TEST(Decode, MatchesTcpdumpWording) {
    std::string version;
    if (tools::run_command({"tcpdump", "--version"}, &version) != 0) GTEST_SKIP() << "tcpdump is not installed";
    std::size_t compared = 0;
    for (const auto& file : test::list_captures(test::own_pcaps_dir())) {
        std::string listing;
        ASSERT_EQ(tools::run_command({"tcpdump", "-#", "-t", "-n", "-r", file}, &listing), 0) << file;
        std::istringstream lines(listing);
        std::map<std::size_t, std::string> theirs;
        for (std::string line; std::getline(lines, line);) {
            // tcpdump -#: "   12  the line"
            std::size_t number = line.find_first_not_of(' '), end = test::skip_digits(line, number);
            if (number != std::string::npos && end > number && line.compare(end, 2, "  ") == 0)
                theirs[std::stoul(line.substr(number, end - number))] = line.substr(end + 2);
        }
        auto capture = test::read_capture(file);
        ASSERT_TRUE(capture) << file;
        Printer printer(nullptr, capture->dlt, plain());
        for (std::size_t i = 0; i < capture->packets.size(); ++i) {
            const auto& p = capture->packets[i];
            auto it = theirs.find(i + 1);
            if (it == theirs.end() || !comparable(it->second)) continue;
            // fcap names router renumbering and node information messages
            // without tcpdump's decoding of their bodies.
            if (it->second.find("router renumbering") != std::string::npos ||
                it->second.find("node information") != std::string::npos)
                continue;
            std::string ours = printer.format(p.sec, p.usec, p.data.data(), p.caplen, p.wirelen);
            // The packet's first line only: the listing holds no continuation lines.
            ours = without_vlan_prefix(ours.substr(0, ours.find('\n')));
            EXPECT_EQ(ours, it->second) << file << " packet " << i + 1;
            ++compared;
        }
    }
    EXPECT_GT(compared, 100u);
}

TEST(Decode, TimestampFormats) {
    setenv("TZ", "UTC", 1);
    tzset();
    Options o = plain();
    auto stamp = [&](TimeFormat f, std::int64_t sec, std::int64_t usec) {
        o.time = f;
        Printer p(nullptr, DLT_EN10MB, o);
        p.timestamp(1700000000, 0);
        return p.timestamp(sec, usec);
    };
    EXPECT_EQ(stamp(TimeFormat::time_of_day, 1700000001, 5), "22:13:21.000005 ");
    EXPECT_EQ(stamp(TimeFormat::epoch, 1700000001, 5), "1700000001.000005 ");
    // tcpdump signs a difference: a space, or '-' when the clock stepped back.
    EXPECT_EQ(stamp(TimeFormat::delta, 1700000001, 5), " 00:00:01.000005 ");
    EXPECT_EQ(stamp(TimeFormat::delta, 1699999999, 0), "-00:00:01.000000 ");
    EXPECT_EQ(stamp(TimeFormat::date, 1700000001, 5), "2023-11-14 22:13:21.000005 ");
    EXPECT_EQ(stamp(TimeFormat::since_first, 1700003601, 0), " 01:00:01.000000 ");
    EXPECT_EQ(stamp(TimeFormat::none, 1700000001, 5), "");
}

TEST(Decode, HexDumpLayout) {
    std::uint8_t data[18];
    for (int i = 0; i < 18; ++i) data[i] = std::uint8_t(0x41 + i);
    EXPECT_EQ(capture::hex_dump(data, 18, false),
              "\n\t0x0000:  4142 4344 4546 4748 494a 4b4c 4d4e 4f50\n\t0x0010:  5152");
    EXPECT_EQ(capture::hex_dump(data, 3, true), "\n\t0x0000:  4142 43                                  ABC");
    const std::uint8_t text[] = {'a', '\r', '\n', 'b', 0x01};
    EXPECT_EQ(capture::ascii_dump(text, 5), "\na\nb.");
}

TEST(Decode, RelativeTcpNumbers) {
    // SYN-ACK sets the base; the ACK after it counts from there, as tcpdump.
    auto segment = [](std::uint32_t seq, std::uint32_t ack, std::uint8_t flags, bool forward) {
        std::vector<std::uint8_t> p = {0x45, 0, 0, 40, 0, 0, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2};
        if (!forward) std::swap_ranges(p.begin() + 12, p.begin() + 16, p.begin() + 16);
        std::vector<std::uint8_t> t = {0x9c, 0x40, 0, 80, std::uint8_t(seq >> 24), std::uint8_t(seq >> 16),
                                       std::uint8_t(seq >> 8), std::uint8_t(seq), std::uint8_t(ack >> 24),
                                       std::uint8_t(ack >> 16), std::uint8_t(ack >> 8), std::uint8_t(ack), 0x50,
                                       flags, 0xff, 0xff, 0, 0, 0, 0};
        if (!forward) std::swap_ranges(t.begin(), t.begin() + 2, t.begin() + 2);
        p.insert(p.end(), t.begin(), t.end());
        return p;
    };
    Options o = plain();
    Printer printer(nullptr, DLT_RAW, o);
    auto line = [&](const std::vector<std::uint8_t>& p) {
        return printer.format(0, 0, p.data(), std::uint32_t(p.size()), std::uint32_t(p.size()));
    };
    EXPECT_NE(line(segment(1000, 0, 0x02, true)).find("seq 1000, win"), std::string::npos);
    EXPECT_NE(line(segment(5000, 1001, 0x12, false)).find("seq 5000, ack 1001,"), std::string::npos);
    EXPECT_NE(line(segment(1001, 5001, 0x10, true)).find("ack 1, win"), std::string::npos);
    o.absolute_tcp = true;
    Printer absolute(nullptr, DLT_RAW, o);
    auto p = segment(1001, 5001, 0x10, true);
    EXPECT_NE(absolute.format(0, 0, p.data(), 40, 40).find("ack 5001,"), std::string::npos);
}

}  // namespace
}  // namespace fcap
