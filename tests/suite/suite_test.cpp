// compiler/suite in process: packet lists as suites spell them.
#include "suite/suite.hpp"

#include <gtest/gtest.h>

namespace {

using fcap::suite::format_packet_list;
using fcap::suite::parse_packet_list;

TEST(PacketList, RangesAndSinglesInAnyOrder) {
    std::string why;
    auto list = parse_packet_list(" 9, 1-3 ,5-5, 2", &why);
    ASSERT_TRUE(list) << why;
    EXPECT_EQ(*list, (std::vector<std::uint64_t>{1, 2, 3, 5, 9}));
    EXPECT_EQ(format_packet_list(*list), "1-3, 5, 9");
    EXPECT_EQ(parse_packet_list("", &why)->size(), 0u);
    EXPECT_EQ(format_packet_list({}), "");
}

TEST(PacketList, RefusesWhatIsNotANumberOrRange) {
    for (const char* bad : {"0", "5-3", "1-", "a", "1 2", "3-4-5", "-2"}) {
        std::string why;
        EXPECT_FALSE(parse_packet_list(bad, &why)) << bad;
        EXPECT_NE(why.find("packets count from 1"), std::string::npos) << bad << ": " << why;
    }
}

TEST(PacketList, RefusesARangeThatWouldFillMemory) {
    std::string why;
    EXPECT_FALSE(parse_packet_list("1-18446744073709551615", &why));
    EXPECT_NE(why.find("more than ten million"), std::string::npos) << why;
}

TEST(PacketList, RoundTrips) {
    std::vector<std::uint64_t> numbers = {1, 2, 3, 4, 7, 8, 10, 100, 101};
    std::string why;
    EXPECT_EQ(*parse_packet_list(format_packet_list(numbers), &why), numbers);
}

}  // namespace
