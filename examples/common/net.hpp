// The socket code of the example programs: a non-blocking TCP client connection whose every
// wait is a poll() with a deadline (pop3-fetch), and a loopback listener with non-blocking
// reads and writes for the servers (pop3-server, imap-server; their poll() loop is in
// server.hpp and main.cpp). mailwire itself does no I/O; this is what a program adds to it.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <fmt/format.h>

namespace mwexample {

/// A connected, non-blocking TCP socket. Errors are strings for the user: the example
/// prints them and exits.
class tcp_connection {
public:
    tcp_connection() = default;
    tcp_connection(const tcp_connection&) = delete;
    tcp_connection& operator=(const tcp_connection&) = delete;
    ~tcp_connection() { close(); }

    /// Connects to host:port within timeout_ms; returns an error message or nullopt.
    std::optional<std::string> connect(const std::string& host, const std::string& port, int timeout_ms) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        // Numeric hosts resolve without DNS; a name goes through the resolver (bounded by
        // its own configuration, not by timeout_ms).
        if (int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0)
            return fmt::format("cannot resolve {}:{}: {}", host, port, ::gai_strerror(rc));
        std::string last = "no address";
        for (addrinfo* ai = res; ai; ai = ai->ai_next) {
            int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
            if (fd < 0) { last = std::strerror(errno); continue; }
            int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
            if (rc != 0 && errno == EINPROGRESS) {
                pollfd p{fd, POLLOUT, 0};
                rc = ::poll(&p, 1, timeout_ms);
                if (rc == 0) { last = "connect timed out"; ::close(fd); continue; }
                int err = 0;
                socklen_t len = sizeof err;
                if (rc < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
                rc = err == 0 ? 0 : -1;
                errno = err;
            }
            if (rc != 0) { last = std::strerror(errno); ::close(fd); continue; }
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            fd_ = fd;
            ::freeaddrinfo(res);
            return std::nullopt;
        }
        ::freeaddrinfo(res);
        return fmt::format("cannot connect to {}:{}: {}", host, port, last);
    }

    /// What one wait produced.
    enum class io { progress, timeout, closed, error };

    /// Waits (at most timeout_ms) until the socket is readable, or writable when `out` is
    /// not empty; then writes what it can from `out` (removing it) and reads what is there
    /// into `in` (appending). `progress` when either happened.
    io pump(std::string& out, std::string& in, int timeout_ms) {
        pollfd p{fd_, static_cast<short>(POLLIN | (out.empty() ? 0 : POLLOUT)), 0};
        int rc = ::poll(&p, 1, timeout_ms);
        if (rc < 0) {
            if (errno == EINTR) return io::progress;
            error_ = std::strerror(errno);
            return io::error;
        }
        if (rc == 0) return io::timeout;
        if ((p.revents & POLLOUT) && !out.empty()) {
            ssize_t n = ::send(fd_, out.data(), out.size(), MSG_NOSIGNAL);
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                error_ = std::strerror(errno);
                return io::error;
            }
            if (n > 0) out.erase(0, static_cast<std::size_t>(n));
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buf[64 * 1024];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n == 0) return io::closed;
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return io::progress;
                error_ = std::strerror(errno);
                return io::error;
            }
            in.append(buf, static_cast<std::size_t>(n));
        }
        return io::progress;
    }

    const std::string& error() const noexcept { return error_; }

    void close() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    std::string error_;
};

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
