// The socket code of pop3-server: a loopback listener and non-blocking reads and writes.
// Waiting is done by the poll() loop in main.cpp. mailwire itself does no I/O.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <fmt/format.h>

namespace mwexample {

/// A listening socket on 127.0.0.1:port (port 0: the kernel picks one; see bound_port()).
/// Loopback only: the example serves plaintext passwords and must not face a network.
class loopback_listener {
public:
    loopback_listener() = default;
    loopback_listener(const loopback_listener&) = delete;
    loopback_listener& operator=(const loopback_listener&) = delete;
    ~loopback_listener() {
        if (fd_ >= 0) ::close(fd_);
    }

    std::optional<std::string> listen(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd_ < 0) return fmt::format("socket: {}", std::strerror(errno));
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
            return fmt::format("cannot bind 127.0.0.1:{}: {}", port, std::strerror(errno));
        if (::listen(fd_, 16) != 0) return fmt::format("listen: {}", std::strerror(errno));
        socklen_t len = sizeof a;
        if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
            return fmt::format("getsockname: {}", std::strerror(errno));
        port_ = ntohs(a.sin_port);
        return std::nullopt;
    }

    /// A new non-blocking connection, or -1 when none is waiting.
    int accept() {
        const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        return fd;
    }

    int fd() const noexcept { return fd_; }
    std::uint16_t bound_port() const noexcept { return port_; }

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

/// Result of one non-blocking read or write.
enum class io_status { ok, would_block, closed, error };

/// Reads what is there (up to 64 KiB) and appends it to `in`.
inline io_status read_some(int fd, std::string& in) {
    char buf[64 * 1024];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
        in.append(buf, static_cast<std::size_t>(n));
        return io_status::ok;
    }
    if (n == 0) return io_status::closed;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return io_status::would_block;
    return io_status::error;
}

/// Writes what the socket takes from `out` starting at `offset`, advancing it.
inline io_status write_some(int fd, const std::string& out, std::size_t& offset) {
    while (offset < out.size()) {
        const ssize_t n = ::send(fd, out.data() + offset, out.size() - offset, MSG_NOSIGNAL);
        if (n > 0) {
            offset += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return io_status::would_block;
        if (n < 0 && errno == EINTR) continue;
        return io_status::error;
    }
    return io_status::ok;
}

} // namespace mwexample
