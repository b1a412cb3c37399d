#include "capture/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fcap::capture {

namespace {

// Empties the effective, permitted and inheritable sets (capset(2); no
// libcap needed for "none") and the ambient set.
bool clear_capabilities() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    return syscall(SYS_capset, &header, data) == 0;
}

}  // namespace

std::string drop_privileges(const std::string& user) {
    if (getuid() != 0 && geteuid() != 0) {
        // tcpdump ignores -Z then; fcap still gives up what setcap gave it.
        return clear_capabilities() ? "" : std::string("cannot drop capabilities: ") + std::strerror(errno);
    }
    errno = 0;
    struct passwd* pw = getpwnam(user.c_str());
    if (!pw) return "Couldn't find user '" + user.substr(0, 32) + "'";
    if (pw->pw_uid == 0) return "";  // -Z root: stay root, as tcpdump
    // The capabilities go with the uid change (no PR_SET_KEEPCAPS), from
    // every set; clear_capabilities() makes sure of it.
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        return "Couldn't change to '" + user.substr(0, 32) + "' uid=" + std::to_string(pw->pw_uid) +
               " gid=" + std::to_string(pw->pw_gid) + ": " + std::strerror(errno);
    if (!clear_capabilities()) return std::string("cannot drop capabilities: ") + std::strerror(errno);
    return "";
}

}  // namespace fcap::capture
