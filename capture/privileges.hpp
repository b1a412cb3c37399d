// -Z USER: once the socket (or the file read) is open and the filter is
// attached, fcap becomes USER and keeps no capability, before it creates
// any output file.  So the files are USER's, as tcpdump's are, and a
// bug in a decoder runs with USER's rights only.
//
// As tcpdump 4.99 built without libcap-ng (Debian's build): the change
// happens only when fcap runs as root (real or effective uid 0); "-Z root"
// keeps root.  Unlike tcpdump, a non-root fcap that holds capabilities
// (setcap) drops them all.
#pragma once

#include <string>

namespace fcap::capture {

// "" or what went wrong, in tcpdump's words ("Couldn't find user 'x'").
std::string drop_privileges(const std::string& user);

}  // namespace fcap::capture
