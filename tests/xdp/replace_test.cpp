// fxdp replace swaps the program through the link in one step: under a
// continuous stream, no frame both filters keep is lost and none both drop
// gets through; the counters carry over (or restart with --reset-counters).
#include "xdp/lab.hpp"
#include "xdp/skip.hpp"

#include "support/text.hpp"

#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace fcap::xdptest {
namespace {

long status_number(const Lab& lab, const std::string& key) {
    Outcome r = lab.fxdp({"status", "--json", "-i", lab.right_if});
    auto n = test::json_number(r.output, key);
    return n ? long(*n) : -1;
}

TEST(FxdpReplace, NoMomentWithoutAFilter) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("r");
    ASSERT_TRUE(lab.ok()) << lab.error;
    // Both drop udp port 53 and keep icmp; tcp 80 and 443 change sides.
    const std::string first = "udp port 53 or tcp port 80", second = "udp port 53 or tcp port 443";
    ASSERT_EQ(lab.fxdp({"attach", "-i", lab.right_if, first}).status, 0);
    int tx = lab.sender(), rx = lab.capture();
    ASSERT_GE(tx, 0);
    ASSERT_GE(rx, 0);

    const char* kinds[] = {"icmp", "udp53", "tcp80", "tcp443"};
    std::atomic<bool> done{false};
    std::atomic<unsigned> rounds{0};
    bool sent_all = true;
    std::thread sender([&] {
        for (unsigned round = 0; round < 16000 && !done; ++round) {
            for (unsigned k = 0; k < 4; ++k)
                if (!lab.send(tx, {frame(kinds[k], round * 4 + k)})) sent_all = false;
            rounds = round + 1;
            std::this_thread::sleep_for(std::chrono::microseconds(30));
        }
    });
    int swaps = 0;
    for (int i = 0; i < 8; ++i) {
        Outcome r = lab.fxdp({"replace", "-i", lab.right_if, i % 2 ? first : second});
        EXPECT_EQ(r.status, 0) << r.output;
        swaps += r.status == 0;
    }
    done = true;
    sender.join();
    ASSERT_TRUE(sent_all);
    auto got = lab.received(rx);
    tpacket_stats drops{};
    socklen_t len = sizeof drops;
    getsockopt(rx, SOL_PACKET, PACKET_STATISTICS, &drops, &len);
    close(tx);
    close(rx);
    ASSERT_EQ(drops.tp_drops, 0u) << "the capture socket overflowed; the test proves nothing";

    unsigned icmp_lost = 0, udp_through = 0;
    for (unsigned round = 0; round < rounds; ++round) {
        icmp_lost += got.count(round * 4) != 1;
        udp_through += got.count(round * 4 + 1) != 0;
    }
    EXPECT_EQ(swaps, 8);
    EXPECT_GT(rounds, 100u) << "the stream should run through the swaps";
    EXPECT_EQ(icmp_lost, 0u) << "frames both filters keep were lost";
    EXPECT_EQ(udp_through, 0u) << "frames both filters drop got through";
    // Carried over: the counts of all the programs together.
    EXPECT_EQ(status_number(lab, "packets"), long(rounds) * 4);

    Outcome reset = lab.fxdp({"replace", "-i", lab.right_if, "--reset-counters", first});
    EXPECT_EQ(reset.status, 0) << reset.output;
    EXPECT_EQ(status_number(lab, "packets"), 0);
}

TEST(FxdpReplace, NeedsAFilterToReplace) {
    FXDP_SKIP_WITHOUT_ROOT();
    Lab lab("r2");
    ASSERT_TRUE(lab.ok()) << lab.error;
    Outcome r = lab.fxdp({"replace", "-i", lab.right_if, "tcp"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("no fxdp filter on " + lab.right_if), std::string::npos) << r.output;
}

}  // namespace
}  // namespace fcap::xdptest
