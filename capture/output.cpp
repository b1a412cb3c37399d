#include "capture/output.hpp"

namespace fcap::capture {

bool Output::open(const Options& options, int dlt, std::uint32_t snaplen, std::string* error) {
    limit_ = options.count;
    flush_each_ = options.packet_buffered;
    if (!options.write_file.empty()) {
        writer_ = std::make_unique<PcapWriter>();
        return writer_->open(options.write_file, dlt, snaplen, error);
    }
    if (options.line_buffered) setvbuf(stdout, nullptr, _IOLBF, 0);
    printer_ = std::make_unique<Printer>(stdout, dlt, options);
    return true;
}

bool Output::take(std::int64_t sec, std::int64_t usec, const std::uint8_t* data, std::uint32_t caplen,
                  std::uint32_t wirelen) {
    if (writer_) {
        if (!writer_->write(sec, usec, caplen, wirelen, data, flush_each_)) return false;
    } else {
        printer_->print(sec, usec, data, caplen, wirelen);
        if (flush_each_) std::fflush(stdout);
    }
    ++captured_;
    return !count_reached();
}

std::string Output::write_error() const {
    if (!writer_ || writer_->error().empty()) return "";
    return writer_->error() + "; the file is incomplete: it holds at most the first " +
           std::to_string(writer_->packets()) + " packets";
}

std::string Output::finish() {
    if (!writer_) {
        std::fflush(stdout);
        return "";
    }
    std::string error;
    if (writer_->close(&error)) return "";
    return write_error();
}

}  // namespace fcap::capture
