#include "capture/signals.hpp"

#include <ctime>

namespace fcap::capture {

namespace {

volatile std::sig_atomic_t stop_signal = 0;
constexpr int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

extern "C" void on_stop_signal(int sig) { stop_signal = sig; }

}  // namespace

StopSignals::StopSignals() {
    stop_signal = 0;
    sigset_t block;
    sigemptyset(&block);
    for (int i = 0; i < 3; ++i) {
        struct sigaction sa{};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: a blocking call returns EINTR
        sigaction(stop_signals[i], &sa, &old_[i]);
        sigaddset(&block, stop_signals[i]);
    }
    sigprocmask(SIG_BLOCK, &block, &old_mask_);
    wait_mask_ = old_mask_;
    for (int sig : stop_signals) sigdelset(&wait_mask_, sig);
}

StopSignals::~StopSignals() {
    sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
    for (int i = 0; i < 3; ++i) sigaction(stop_signals[i], &old_[i], nullptr);
}

bool StopSignals::requested() const {
    if (stop_signal != 0) return true;
    // Under a steady flood the loop may not wait in ppoll for a long time;
    // a signal pending meanwhile is taken here.
    sigset_t pending, ours;
    sigemptyset(&ours);
    for (int sig : stop_signals) sigaddset(&ours, sig);
    if (sigpending(&pending) != 0) return false;
    for (int sig : stop_signals) {
        if (!sigismember(&pending, sig)) continue;
        struct timespec zero{};
        int got = sigtimedwait(&ours, nullptr, &zero);
        if (got > 0) stop_signal = got;
        return stop_signal != 0;
    }
    return false;
}
int StopSignals::signal_number() const { return stop_signal; }

}  // namespace fcap::capture
