// The test network fxdp's tests attach to: two namespaces joined by a veth
// pair with no addresses and IPv6 off, so the only frames on the link are
// the ones a test sends; fxdp runs in the receiving namespace (nsenter
// --net: the host's bpffs stays visible, as for a user) with a pin folder
// of its own.  The destructor detaches, unpins and removes everything.
#pragma once

#include "support/netns/netns.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace fcap::xdptest {

struct Frame {
    std::string name;
    std::vector<std::uint8_t> bytes;
};

// The known mix: TCP, UDP, ICMP, IPv6, 802.1Q-tagged, ARP, short frames.
// Frame i carries i in its source MAC (02:ee:00:00:hi:lo), which is how
// the receiver tells them apart.
std::vector<Frame> mixed_frames();
// One frame of a kind ("icmp", "udp53", "tcp443", ...) with index i.
Frame frame(const std::string& kind, unsigned index);

// Whether libpcap's filter for `expression` accepts the frame.
bool libpcap_matches(const std::string& expression, const std::vector<std::uint8_t>& frame);

struct Outcome {
    int status = -1;
    std::string output;  // standard output and error together
};

class Lab {
public:
    explicit Lab(const std::string& tag);
    ~Lab();
    bool ok() const { return error.empty(); }

    // fxdp SUBCOMMAND ARGS... in the receiving namespace, with this lab's
    // pin folder; `env` entries (NAME=VALUE) go into its environment.
    // `wrap` runs before fxdp inside the namespace (e.g. setpriv).
    Outcome fxdp(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
                 const std::vector<std::string>& wrap = {}) const;

    // A raw socket on one end: the sender (left) or the capture behind
    // XDP (right).
    int sender() const;
    int capture() const;
    // Sends frames out of the left end; false if one could not be sent.
    bool send(int socket, const std::vector<Frame>& frames) const;
    // The indexes of the test frames the capture socket received until
    // it stays quiet for quiet_ms.
    std::multiset<unsigned> received(int socket, int quiet_ms = 300) const;

    std::string error;
    tools::Netns left, right;
    std::string left_if = "fxl0", right_if = "fxr0";
    std::string pin_dir;
};

bool can_run(std::string* why);

}  // namespace fcap::xdptest
