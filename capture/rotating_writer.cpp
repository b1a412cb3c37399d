#include "capture/rotating_writer.hpp"

#include <climits>
#include <cstdio>
#include <vector>

namespace fcap::capture {

namespace {

// tcpdump's getWflagChars: the digits of files - 1 (so -W 10 numbers 0-9).
int number_width(int files) {
    int width = 0;
    for (int x = files - 1; x > 0; x /= 10) ++width;
    return width;
}

}  // namespace

std::string rotation_file_name(const std::string& pattern, const Rotation& rotation, std::time_t when, int number,
                               std::string* error) {
    if (pattern.empty()) {
        *error = "an empty string is not a valid file name";
        return "";
    }
    std::string base = pattern;
    if (rotation.seconds > 0) {
        std::tm tm{};
        localtime_r(&when, &tm);
        std::vector<char> buffer(PATH_MAX);
        std::size_t n = std::strftime(buffer.data(), buffer.size(), pattern.c_str(), &tm);
        if (n == 0) {
            *error = "the file name pattern " + pattern + " makes no name (strftime)";
            return "";
        }
        base.assign(buffer.data(), n);
    }
    // The number appears only with -C, and the first file has none unless
    // -W asks for a width (tcpdump: "FILE", "FILE1"...; with -W 10 "FILE0").
    int width = rotation.max_bytes > 0 ? number_width(rotation.files) : 0;
    if (number == 0 && width == 0) return base;
    char digits[32];
    std::snprintf(digits, sizeof digits, "%0*d", width, number);
    return base + digits;
}

RotatingWriter::RotatingWriter(Rotation rotation, Clock now) : rotation_(rotation), now_(std::move(now)) {}

bool RotatingWriter::reopen(const std::string& name, std::string* error) {
    if (file_ && !file_->close(error)) return false;
    file_ = std::make_unique<PcapWriter>();
    return file_->open(name, dlt_, snaplen_, nano_, error);
}

bool RotatingWriter::open(const std::string& pattern, int dlt, std::uint32_t snaplen, bool nano, std::string* error) {
    pattern_ = pattern;
    dlt_ = dlt;
    snaplen_ = snaplen;
    nano_ = nano;
    opened_at_ = now_();
    if (pattern == "-") return reopen(pattern, error);
    std::string name = rotation_file_name(pattern, rotation_, opened_at_, 0, error);
    return !name.empty() && reopen(name, error);
}

RotatingWriter::Step RotatingWriter::write(std::int64_t sec, std::int64_t fraction, std::uint32_t caplen,
                                           std::uint32_t wirelen, const std::uint8_t* data, bool flush_now) {
    if (!error_.empty()) return Step::failed;
    auto failed = [&](const std::string& e) {
        error_ = e;
        return Step::failed;
    };
    std::string e;
    if (rotation_.seconds > 0) {
        std::time_t t = now_();
        if (t - opened_at_ >= rotation_.seconds) {
            opened_at_ = t;
            ++time_files_;
            if (rotation_.max_bytes == 0 && rotation_.files > 0 && time_files_ >= rotation_.files) {
                if (!file_->close(&e)) return failed(e);
                return Step::file_limit;
            }
            size_number_ = 0;
            std::string name = rotation_file_name(pattern_, rotation_, t, 0, &e);
            if (name.empty() || !reopen(name, &e)) return failed(e);
        }
    }
    if (rotation_.max_bytes > 0 && file_->position() > rotation_.max_bytes) {
        ++size_number_;
        if (rotation_.files > 0 && size_number_ >= rotation_.files) size_number_ = 0;
        std::string name = rotation_file_name(pattern_, rotation_, opened_at_, size_number_, &e);
        if (name.empty() || !reopen(name, &e)) return failed(e);
    }
    return file_->write(sec, fraction, caplen, wirelen, data, flush_now) ? Step::written : Step::failed;
}

bool RotatingWriter::close(std::string* error) {
    if (!file_) return error_.empty();
    if (!file_->close(error)) return false;
    if (!error_.empty() && error) *error = error_;
    return error_.empty();
}

}  // namespace fcap::capture
