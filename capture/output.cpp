#include "capture/output.hpp"

namespace fcap::capture {

bool Output::open(const Options& options, int dlt, std::uint32_t snaplen, std::string* error) {
    limit_ = options.count;
    flush_each_ = options.packet_buffered;
    files_ = options.file_count;
    if (!options.write_file.empty()) {
        Rotation rotation{options.rotate_bytes, options.rotate_seconds, options.file_count};
        writer_ = std::make_unique<RotatingWriter>(rotation);
        if (!writer_->open(options.write_file, dlt, snaplen, options.nano, error)) return false;
        // --print: tcpdump prints as it writes; not when the file is
        // standard output, where the two would mix.
        if (!options.print_too || options.write_file == "-") return true;
    }
    if (options.line_buffered) setvbuf(stdout, nullptr, _IOLBF, 0);
    printer_ = std::make_unique<Printer>(stdout, dlt, options);
    return true;
}

bool Output::take(std::int64_t sec, std::int64_t fraction, const std::uint8_t* data, std::uint32_t caplen,
                  std::uint32_t wirelen) {
    if (writer_) {
        switch (writer_->write(sec, fraction, caplen, wirelen, data, flush_each_)) {
        case RotatingWriter::Step::written: break;
        case RotatingWriter::Step::failed: return false;
        case RotatingWriter::Step::file_limit: file_limit_ = files_; return false;
        }
    }
    if (printer_) {
        printer_->print(sec, fraction, data, caplen, wirelen);
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
    std::fflush(stdout);
    if (!writer_) return "";
    std::string error;
    if (writer_->close(&error)) return "";
    return write_error();
}

}  // namespace fcap::capture
