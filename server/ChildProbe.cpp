#include "server/ChildProbe.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace rendersock::server {

namespace {

// The child's report on the pipe: available (1 byte), data size (4), data,
// then the reason to the end.
void write_report(int fd, const ProbeReport& report) {
    std::string bytes(1, report.available ? '\1' : '\0');
    const auto size = static_cast<uint32_t>(report.data.size());
    bytes.append(reinterpret_cast<const char*>(&size), 4);
    bytes.append(reinterpret_cast<const char*>(report.data.data()), report.data.size());
    bytes.append(report.reason.substr(0, 4000));
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) return;
        written += static_cast<size_t>(n);
    }
}

ProbeReport read_report(const std::string& bytes, const std::string& what) {
    ProbeReport report;
    uint32_t size = 0;
    if (bytes.size() < 5) {
        report.reason = "the host " + what + " driver crashed while being probed";
        return report;
    }
    std::memcpy(&size, bytes.data() + 1, 4);
    if (bytes.size() < 5 + uint64_t{size}) {
        report.reason = "the host " + what + " probe was cut short";
        return report;
    }
    report.available = bytes[0] != 0;
    report.data.assign(bytes.begin() + 5, bytes.begin() + 5 + size);
    report.reason = bytes.substr(5 + size);
    return report;
}

}  // namespace

ProbeReport probe_in_child(const std::function<ProbeReport()>& probe, const std::string& what) {
    int channel[2];
    if (::pipe(channel) != 0) return {false, {}, "no pipe for the " + what + " probe"};
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(channel[0]);
        write_report(channel[1], probe());
        ::_exit(0);
    }
    ::close(channel[1]);
    if (pid < 0) {
        ::close(channel[0]);
        return {false, {}, "could not fork the " + what + " probe"};
    }
    std::string bytes;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(channel[0], buffer, sizeof(buffer))) > 0) bytes.append(buffer, static_cast<size_t>(n));
    ::close(channel[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return read_report(bytes, what);
}

}  // namespace rendersock::server
