// Network interfaces: resolving -i, listing them for -D, and the link type
// a capture on each one has.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fcap::capture {

struct Interface {
    std::string name;     // "any" for every interface
    int index = 0;        // 0 for "any"
    unsigned flags = 0;   // IFF_UP, IFF_RUNNING, IFF_LOOPBACK...
    int arphrd = 0;       // ARPHRD_ETHER, ...
    // How a capture on it looks: DLT_EN10MB on a raw socket for Ethernet and
    // loopback, DLT_RAW for interfaces without a link header (tun), and a
    // Linux cooked capture on a SOCK_DGRAM socket for every other type
    // (DLT_LINUX_SLL, as libpcap chooses) and for "any" (DLT_LINUX_SLL2,
    // as tcpdump 4.99 chooses).
    int dlt = 0;
    bool cooked = false;
};

// `spec` is a name, an interface index, or "any".  nullopt with *error
// when there is no such interface.
std::optional<Interface> find_interface(const std::string& spec, std::string* error);

// Every interface (then "any"), in index order.
std::vector<Interface> list_interfaces();

// tcpdump's default: the first interface that is up and not loopback.
std::optional<Interface> default_interface(std::string* error);

// -y: a cooked capture may be either cooked link type; others have one.
bool choose_link_type(Interface& interface, const std::string& name, std::string* error);

// "1.eth0 [Up, Running]" lines, as tcpdump -D prints them.
std::string describe_interfaces(const std::vector<Interface>& interfaces);

// -L: "Data link types for eth0 (use option -y to set):" and one line a
// type, as tcpdump prints what libpcap lists for the interface (Ethernet
// adds DOCSIS, which neither tcpdump nor fcap prints; a cooked capture
// either cooked header).
std::string describe_link_types(const Interface& interface);

// "EN10MB (Ethernet)"
std::string link_type_text(int dlt);

}  // namespace fcap::capture
