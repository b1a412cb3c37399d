// SIGINT, SIGTERM and SIGHUP end a capture cleanly: the handler only
// records the request; the capture loop finishes what the kernel has
// delivered, closes the file and prints the statistics.
//
// The signals stay blocked except inside ppoll(), which unblocks them
// atomically, so a signal that arrives just before the wait still wakes it
// (no lost wake-up).
#pragma once

#include <csignal>

namespace fcap::capture {

class StopSignals {
public:
    StopSignals();   // installs the handlers and blocks the signals
    ~StopSignals();  // restores both

    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

    // The mask to hand to ppoll: the current one without our signals.
    const sigset_t* wait_mask() const { return &wait_mask_; }
    bool requested() const;
    int signal_number() const;  // the last signal received, 0 if none

private:
    sigset_t wait_mask_;
    sigset_t old_mask_;
    struct sigaction old_[3];
};

}  // namespace fcap::capture
