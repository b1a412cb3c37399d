#include "capture/interfaces.hpp"

#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace fcap::capture {

namespace {

// Reads the flags and hardware type through an ordinary socket (no
// privilege needed).
bool query(Interface& i) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    ifreq r{};
    std::strncpy(r.ifr_name, i.name.c_str(), IFNAMSIZ - 1);
    bool ok = ioctl(fd, SIOCGIFFLAGS, &r) == 0;
    if (ok) i.flags = unsigned(r.ifr_flags) & 0xffff;
    if (ok && ioctl(fd, SIOCGIFHWADDR, &r) == 0) i.arphrd = r.ifr_hwaddr.sa_family;
    close(fd);
    switch (i.arphrd) {
    case ARPHRD_ETHER:
    case ARPHRD_LOOPBACK: i.dlt = DLT_EN10MB; i.cooked = false; break;
    case ARPHRD_NONE: i.dlt = DLT_RAW; i.cooked = false; break;
    default: i.dlt = DLT_LINUX_SLL; i.cooked = true; break;
    }
    return ok;
}

Interface any_interface() {
    Interface any;
    any.name = "any";
    any.flags = IFF_UP | IFF_RUNNING;
    any.dlt = DLT_LINUX_SLL2;
    any.cooked = true;
    return any;
}

bool all_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<Interface> find_interface(const std::string& spec, std::string* error) {
    if (spec == "any") return any_interface();
    Interface i;
    if (all_digits(spec) && spec.size() < 10) {
        char name[IF_NAMESIZE];
        if (!if_indextoname(unsigned(std::stoul(spec)), name)) {
            *error = "no interface with index " + spec + " (fcap -D lists them)";
            return std::nullopt;
        }
        i.name = name;
    } else {
        i.name = spec;
    }
    i.index = int(if_nametoindex(i.name.c_str()));
    if (i.index == 0 || i.name.size() >= IF_NAMESIZE || !query(i)) {
        *error = "no interface named '" + spec + "' (fcap -D lists them)";
        return std::nullopt;
    }
    return i;
}

std::vector<Interface> list_interfaces() {
    std::vector<Interface> out;
    if (struct if_nameindex* names = if_nameindex()) {
        for (struct if_nameindex* n = names; n->if_index != 0; ++n) {
            Interface i;
            i.name = n->if_name;
            i.index = int(n->if_index);
            query(i);
            out.push_back(i);
        }
        if_freenameindex(names);
    }
    std::sort(out.begin(), out.end(), [](const Interface& a, const Interface& b) { return a.index < b.index; });
    out.push_back(any_interface());
    return out;
}

std::optional<Interface> default_interface(std::string* error) {
    for (const auto& i : list_interfaces())
        if (i.index != 0 && (i.flags & IFF_UP) && !(i.flags & IFF_LOOPBACK)) return i;
    *error = "no interface is up; name one with -i (fcap -D lists them)";
    return std::nullopt;
}

bool choose_link_type(Interface& i, const std::string& name, std::string* error) {
    if (name.empty()) return true;
    int dlt = pcap_datalink_name_to_val(name.c_str());
    if (dlt == i.dlt) return true;
    if (i.cooked && (dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2)) {
        i.dlt = dlt;
        return true;
    }
    *error = i.name + " captures as " + link_type_text(i.dlt) + (i.cooked ? " or LINUX_SLL" : "") + ", not " + name;
    return false;
}

std::string describe_interfaces(const std::vector<Interface>& interfaces) {
    std::string out;
    for (const auto& i : interfaces) {
        std::string flags;
        auto add = [&](const char* f) { flags += flags.empty() ? f : std::string(", ") + f; };
        if (i.flags & IFF_UP) add("Up");
        if (i.flags & IFF_RUNNING) add("Running");
        if (i.flags & IFF_LOOPBACK) add("Loopback");
        std::string number = i.index ? std::to_string(i.index) : "-";
        out += number + "." + i.name + (flags.empty() ? "" : " [" + flags + "]") +
               (i.index == 0 ? " (Pseudo-device that captures on all interfaces)" : "") + "\n";
    }
    return out;
}

std::string describe_link_types(const Interface& i) {
    std::string out = "Data link types for " + i.name + " (use option -y to set):\n";
    auto line = [&](int dlt, bool printed) {
        out += "  " + link_type_text(dlt) + (printed ? "" : " (printing not supported)") + "\n";
    };
    if (i.cooked) {
        line(DLT_LINUX_SLL, true);
        line(DLT_LINUX_SLL2, true);
        return out;
    }
    line(i.dlt, true);
    // libpcap (pcap-linux.c) offers DOCSIS on every Ethernet device, not
    // on loopback.
    if (i.arphrd == ARPHRD_ETHER) line(DLT_DOCSIS, false);
    return out;
}

std::string link_type_text(int dlt) {
    const char* name = pcap_datalink_val_to_name(dlt);
    const char* description = pcap_datalink_val_to_description(dlt);
    return std::string(name ? name : std::to_string(dlt)) + (description ? std::string(" (") + description + ")" : "");
}

}  // namespace fcap::capture
