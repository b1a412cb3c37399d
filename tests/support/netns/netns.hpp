// A test network: two network namespaces joined by a veth pair, created
// for one test and removed by the destructor (removing a namespace removes
// its end of the pair), so a failing test leaves nothing behind.  Only the
// addresses below are used.  Needs CAP_NET_ADMIN (root); see can_make_netns.
#pragma once

#include "support/netns/process.hpp"

#include <functional>
#include <string>
#include <vector>

namespace fcap::tools {

class Netns {
public:
    explicit Netns(std::string name);  // ip netns add NAME
    ~Netns();                          // ip netns del NAME
    Netns(const Netns&) = delete;
    Netns& operator=(const Netns&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    const std::string& error() const { return error_; }

    // argv to run inside the namespace: ip netns exec NAME argv...
    std::vector<std::string> exec(const std::vector<std::string>& argv) const;
    // Runs `fn` in a child process that has entered the namespace; returns
    // what fn returns (or -1 when the child could not enter or crashed).
    int run(const std::function<int()>& fn) const;
    // The same, without waiting: a server that runs beside the test.
    Child start(const std::function<int()>& fn) const;

private:
    std::string name_;
    std::string error_;
    bool ok_ = false;
};

struct VethLab {
    // `tag` makes the names unique (with the process id).
    explicit VethLab(const std::string& tag);
    bool ok() const { return error.empty(); }

    std::string error;
    Netns left, right;
    std::string left_if = "fcl0", right_if = "fcr0";
    std::string left_ip4 = "10.199.0.1", right_ip4 = "10.199.0.2";
    std::string left_ip6 = "fd00:199::1", right_ip6 = "fd00:199::2";
    unsigned char left_mac[6] = {0x02, 0xfc, 0, 0, 0, 1};
    unsigned char right_mac[6] = {0x02, 0xfc, 0, 0, 0, 2};
};

// For one test: this thread (the test's, and every process it starts) in a
// new, empty network namespace whose only interface is a loopback, up.
// Tests that capture on `lo` and send to 127.0.0.1 use it, so their traffic
// never reaches the machine's own loopback.  The namespace goes when the
// guard does (and the last process in it ends).
class PrivateNetwork {
public:
    PrivateNetwork();
    ~PrivateNetwork();  // back to the namespace the thread was in
    PrivateNetwork(const PrivateNetwork&) = delete;
    PrivateNetwork& operator=(const PrivateNetwork&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

private:
    int previous_ = -1;
    std::string error_;
};

// Whether this process may create namespaces and capture; the reason if not.
bool can_make_netns(std::string* why);

}  // namespace fcap::tools
