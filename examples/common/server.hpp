// What the example servers (pop3-server, imap-server) share: the options both take, and the
// pieces of their poll() loops (the port file, the wait budget of --max-seconds, a client's
// output backlog and poll events, reading what a client sent). What a server does with the
// bytes stays in its main.cpp.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <poll.h>

#include "cli.hpp"
#include "net.hpp"

namespace mwexample {

using clock_type = std::chrono::steady_clock;

/// The options both servers take; each server's options derive from it, with its defaults.
struct server_options {
    std::uint16_t port = 0;
    std::string maildir; // empty: the built-in mailbox
    std::string user = "bob";
    std::string pass = "hungry";
    std::string port_file;
    int max_seconds = 0; // 0: no limit
    int idle_seconds = 0;
    bool lenient = false;
    bool quiet = false;

    server_options(std::uint16_t default_port, int default_idle_seconds)
        : port(default_port), idle_seconds(default_idle_seconds) {}
};

/// Reads an option that both servers take into `o`: nullopt when `a` is not one of them,
/// else whether its value was good.
inline std::optional<bool> server_option(std::string_view a, arg_reader& r, server_options& o) {
    if (a == "--port") {
        auto n = r.number(0, 65535);
        if (!n) return false;
        o.port = static_cast<std::uint16_t>(*n);
    } else if (a == "--maildir" || a == "--user" || a == "--pass" || a == "--port-file") {
        auto v = r.value();
        if (!v) return false;
        (a == "--maildir" ? o.maildir : a == "--user" ? o.user : a == "--pass" ? o.pass : o.port_file) = *v;
    } else if (a == "--max-seconds") {
        auto n = r.number(1, 86400);
        if (!n) return false;
        o.max_seconds = *n;
    } else if (a == "--idle-timeout") {
        auto n = r.number(1, 86400);
        if (!n) return false;
        o.idle_seconds = *n;
    } else if (a == "--lenient") o.lenient = true;
    else if (a == "--strict") o.lenient = false;
    else if (a == "--quiet") o.quiet = true;
    else return std::nullopt;
    return true;
}

/// A server's command line: the shared options, then on_option(name, o) for the server's
/// own (false: not one of them); "--help" prints `usage` and exits 0. nullopt when the
/// command line is wrong (the caller prints the usage and exits 2) or the user or password
/// is empty.
template <class Options, class OnOption>
std::optional<Options> parse_server_args(int argc, char** argv, std::string_view usage, OnOption&& on_option) {
    Options o;
    const bool ok = for_each_option(argc, argv, usage, [&](std::string_view a, arg_reader& r) {
        if (auto handled = server_option(a, r, o)) return *handled;
        return on_option(a, o);
    });
    if (!ok || o.user.empty() || o.pass.empty()) return std::nullopt;
    return o;
}

/// Writes the listening port to `path`, through a temporary name and a rename, so a reader
/// never sees half a number. Best effort, as the servers' callers only poll for the file.
inline void write_port_file(const std::string& path, std::uint16_t port) {
    const std::string tmp = path + ".tmp";
    if (std::FILE* f = std::fopen(tmp.c_str(), "w")) {
        std::fprintf(f, "%u\n", static_cast<unsigned>(port));
        std::fclose(f);
        std::rename(tmp.c_str(), path.c_str());
    }
}

/// How long the next poll() may wait: 1 s at most, and no later than `started` plus
/// `max_seconds` (0: no limit); nullopt once that time has passed.
inline std::optional<int> poll_wait_ms(clock_type::time_point started, int max_seconds) {
    int wait_ms = 1000;
    if (max_seconds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              started + std::chrono::seconds(max_seconds) - clock_type::now()).count();
        if (left <= 0) return std::nullopt;
        wait_ms = static_cast<int>(std::min<long long>(wait_ms, left));
    }
    return wait_ms;
}

/// The socket and output side of one client; each server's connection adds its protocol state.
struct client_io {
    int fd = -1;
    unsigned id = 0;
    std::string out;         // replies not yet written
    std::size_t out_off = 0; // how much of `out` is written
    bool closing = false;    // close once `out` is written
    bool dead = false;
    clock_type::time_point last_activity = clock_type::now();

    client_io(int f, unsigned i) : fd(f), id(i) {}
    std::size_t backlog() const noexcept { return out.size() - out_off; }
};

/// The poll set: the listener first when listen_fd >= 0, then each client, read while it is
/// not closing and its backlog is below max_backlog (one that does not read its replies is
/// not read either), written while it has a backlog.
template <class Connection>
std::vector<pollfd> poll_set(int listen_fd, const std::vector<std::unique_ptr<Connection>>& conns,
                             std::size_t max_backlog) {
    std::vector<pollfd> fds;
    if (listen_fd >= 0) fds.push_back(pollfd{listen_fd, POLLIN, 0});
    for (const auto& c : conns) {
        short ev = 0;
        if (!c->closing && c->backlog() < max_backlog) ev = static_cast<short>(ev | POLLIN);
        if (c->backlog() > 0) ev = static_cast<short>(ev | POLLOUT);
        fds.push_back(pollfd{c->fd, ev, 0});
    }
    return fds;
}

/// Writes what the socket takes of the client's backlog, emptying `out` once all of it is
/// written; false on a write error (errno says which).
inline bool write_backlog(client_io& c) {
    if (write_some(c.fd, c.out, c.out_off) == io_status::error) return false;
    if (c.out_off == c.out.size()) {
        c.out.clear();
        c.out_off = 0;
    }
    return true;
}

/// Reads what the client sent, appending it to `in`; the reason to close the connection
/// when it closed or the read failed, else nullptr (`in` may stay empty).
inline const char* read_client(const client_io& c, std::string& in) {
    const auto st = read_some(c.fd, in);
    if (st == io_status::closed) return "client closed the connection";
    if (st == io_status::error) return "read failed";
    return nullptr;
}

} // namespace mwexample
