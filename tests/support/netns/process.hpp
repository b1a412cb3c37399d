// Running other programs from tests and benchmarks: a command to its end,
// or a child process that is signalled and reaped (and killed if the owner
// goes away first).  Shared by fcap's and fxdp's tests and benchmarks.
#pragma once

#include <string>
#include <sys/types.h>
#include <vector>

namespace fcap::tools {

// Runs argv[0] (searched in PATH) with its output to `output` (or
// discarded); returns its exit status, or -1 if it could not run.
int run_command(const std::vector<std::string>& argv, std::string* output = nullptr);

class Child {
public:
    // Starts argv with standard output and error going to the given files
    // ("" : /dev/null).
    static Child spawn(const std::vector<std::string>& argv, const std::string& stdout_path = "",
                       const std::string& stderr_path = "");
    // Takes charge of a process this one forked.
    static Child adopt(pid_t pid) {
        Child c;
        c.pid_ = pid;
        return c;
    }
    Child() = default;
    Child(Child&& o) noexcept : pid_(o.pid_), status_(o.status_) { o.pid_ = -1; }
    Child& operator=(Child&& o) noexcept;
    ~Child();  // SIGKILL and reap, if still running

    bool started() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    bool signal(int sig) const;
    // Waits up to timeout_ms; the exit status (128 + signal if killed), or
    // -1 on timeout.
    int wait(int timeout_ms);
    bool running();

private:
    pid_t pid_ = -1;
    int status_ = -1;
};

// Polls `path` until it contains `text` or timeout_ms passes.
bool wait_for_text(const std::string& path, const std::string& text, int timeout_ms);

std::string read_text(const std::string& path);

}  // namespace fcap::tools
