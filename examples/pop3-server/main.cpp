// pop3-server: a small POP3 server (RFC 1939 with CAPA, RFC 2449) on 127.0.0.1, serving a
// Maildir or a built-in mailbox (the seed dialogue's two messages for bob / hungry). Every
// client byte goes through pop3::command_reader and pop3::parse_command, every command
// through pop3::session (which says whether it is allowed now), and every reply is built
// with pop3::response's factories and written by mailwire::write_wire, which dot-stuffs
// messages. The program adds the sockets (../common/net.hpp), a poll() loop (its shared
// pieces in ../common/server.hpp), the mailbox (read with ../common/maildir.hpp) and MD5 for
// APOP (../pop3-fetch/md5.hpp). See README.md.
//
//   pop3-server --port 1110                        # built-in mailbox, user bob / hungry
//   pop3-server --port 1110 --maildir DIR --user alice --pass wonderland
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

#include <fmt/format.h>

#include <mailwire/core/diagnostic.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/pop3/capability.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/reader.hpp>
#include <mailwire/pop3/response.hpp>
#include <mailwire/pop3/session.hpp>

#include "../pop3-fetch/md5.hpp"
#include "common/cli.hpp"
#include "common/maildir.hpp"
#include "common/net.hpp"
#include "common/server.hpp"

namespace {

namespace pop3 = mailwire::pop3;
using mwexample::clock_type;
using mwexample::err;
using mwexample::say;

struct options : mwexample::server_options {
    // RFC 1939 §3: an autologout timer of at least 10 minutes.
    options() : server_options(1110, 600) {}
    bool once = false;
    bool apop = false;
};

constexpr std::string_view usage_text =
    "usage: pop3-server [--port N] [--maildir DIR] [--user NAME] [--pass SECRET] [--apop]\n"
    "                   [--once] [--max-seconds N] [--idle-timeout N] [--port-file FILE]\n"
    "                   [--lenient] [--quiet]\n"
    "Serves POP3 on 127.0.0.1:N (N=0: any free port, printed and written to FILE). Without\n"
    "--maildir it serves a built-in mailbox of two messages to bob / hungry.\n";

std::optional<options> parse_args(int argc, char** argv) {
    return mwexample::parse_server_args<options>(argc, argv, usage_text, [](std::string_view a, options& o) {
        if (a == "--once") o.once = true;
        else if (a == "--apop") o.apop = true;
        else return false;
        return true;
    });
}

// ---- the mailbox ----------------------------------------------------------------------

/// One message of the maildrop, as served: content as stored (unstuffed).
struct stored_message {
    std::string path; // the Maildir file; empty for the built-in mailbox
    std::string uid;  // unique-id (RFC 1939 §7): 1-70 characters in 0x21-0x7E
    std::string content;
    std::uint64_t size = 0; // as LIST reports it: CRLF line ends, no stuffing (RFC 1939 §11)
};

/// The seed dialogue's messages (examples/transcripts/seed-pop3.txt), 498 and 912 octets
/// with CRLF line ends. Message 2 holds a line of one "." that the writer must stuff.
constexpr std::string_view builtin_1 = R"(Return-Path: <alice@example.org>
Received: from mail.example.org (mail.example.org [192.0.2.25])
	by pop.example.net with ESMTP id 4F2A1; Mon, 8 Jan 2024 09:14:02 +0000
From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: Lunch on Friday?
Date: Mon, 8 Jan 2024 09:13:55 +0000
Message-ID: <20240108091355.1@example.org>

Hi Bob,

Are you free for lunch on Friday? The noodle place
near the station opens at noon. I can book a table
for two if you say yes today.

Alice
)";
constexpr std::string_view builtin_2 = R"(Return-Path: <carol@example.com>
Received: from smtp.example.com (smtp.example.com [198.51.100.7])
	by pop.example.net with ESMTP id 7C0D3; Tue, 9 Jan 2024 16:40:11 +0000
From: Carol <carol@example.com>
To: Bob <bob@example.net>
Subject: Notes from the networks lecture
Date: Tue, 9 Jan 2024 16:39:58 +0000
Message-ID: <a1b2c3.20240109@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Bob,

My notes from today, as promised:

1. POP3 has three states: AUTHORIZATION, TRANSACTION
   and UPDATE. Deletions happen only in UPDATE, after QUIT.
2. A multi-line reply ends with a line holding a single
   dot. A line of the message that starts with a dot is
   sent with one more dot in front, so the line below
   travels as two dots on the wire:
.
   (That was a line with just one dot.)
3. IMAP keeps the mail on the server, in folders.

See you on Friday,
Carol
)";

std::string with_crlf(std::string_view lf_text) {
    std::string s;
    for (char c : lf_text) {
        if (c == '\n') s.push_back('\r');
        s.push_back(c);
    }
    return s;
}

/// LIST's size of a stored message: the library counts it as the writer will send it.
std::uint64_t pop3_size(std::string_view content) { return pop3::message_body::from_content(content).body_size(); }

/// A unique-id from a Maildir file name: the part before ":" when it is 1-70 characters of
/// 0x21-0x7E, else its MD5 in hex.
std::string uid_for(std::string_view name) {
    std::string_view base = name.substr(0, name.find(':'));
    const bool ok = !base.empty() && base.size() <= pop3::max_uid_length &&
                    std::all_of(base.begin(), base.end(), [](char c) { return c > 0x20 && c < 0x7F; });
    return ok ? std::string(base) : mwexample::md5::hex(name);
}

/// Where the messages live: a Maildir (read at each login) or the built-in list.
class mailbox {
public:
    explicit mailbox(std::string maildir) : maildir_(std::move(maildir)) {
        if (maildir_.empty()) {
            for (auto [i, text] : {std::pair{1, builtin_1}, std::pair{2, builtin_2}}) {
                stored_message m;
                m.content = with_crlf(text);
                m.size = pop3_size(m.content);
                m.uid = fmt::format("builtin-{}", i);
                builtin_.push_back(std::move(m));
            }
        }
    }

    /// A snapshot of the maildrop, in a stable order (file names sorted); nullopt if it
    /// cannot be read.
    std::optional<std::vector<stored_message>> load() const {
        if (maildir_.empty()) return builtin_;
        // A file gone meanwhile (another client's UPDATE) is not listed.
        auto files = mwexample::read_maildir(maildir_);
        if (!files) return std::nullopt;
        std::vector<stored_message> out;
        for (auto& f : *files) {
            stored_message m;
            m.path = std::move(f.path);
            m.content = std::move(f.content);
            m.size = pop3_size(m.content);
            m.uid = uid_for(f.name);
            out.push_back(std::move(m));
        }
        std::sort(out.begin(), out.end(), [](const stored_message& a, const stored_message& b) {
            return a.path.substr(a.path.rfind('/')) < b.path.substr(b.path.rfind('/'));
        });
        return out;
    }

    /// Removes a message in the UPDATE state; false if it could not be.
    bool remove(const stored_message& m) {
        if (!maildir_.empty()) return ::unlink(m.path.c_str()) == 0 || errno == ENOENT;
        std::erase_if(builtin_, [&](const stored_message& b) { return b.uid == m.uid; });
        return true;
    }

    /// RFC 1939 §4: the server acquires an exclusive-access lock on the maildrop.
    bool lock() {
        if (locked_) return false;
        locked_ = true;
        return true;
    }
    void unlock() { locked_ = false; }

private:
    std::string maildir_;
    std::vector<stored_message> builtin_;
    bool locked_ = false;
};

/// TOP msg n: the header, the blank line, and the first n lines of the body (RFC 1939 §7).
std::string top_of(std::string_view content, std::uint32_t lines) {
    std::size_t pos = 0;
    bool in_body = false;
    std::uint32_t body_lines = 0;
    while (pos < content.size() && !(in_body && body_lines >= lines)) {
        std::size_t lf = content.find('\n', pos);
        const std::size_t next = lf == std::string_view::npos ? content.size() : lf + 1;
        std::string_view line = content.substr(pos, next - pos);
        if (in_body) ++body_lines;
        else if (line == "\r\n" || line == "\n") in_body = true;
        pos = next;
    }
    return std::string(content.substr(0, pos));
}

// ---- one client -----------------------------------------------------------------------

struct connection : mwexample::client_io {
    pop3::command_reader reader;
    pop3::session session;
    std::vector<stored_message> msgs; // the maildrop, from login on
    std::vector<bool> deleted;
    std::string timestamp; // APOP timestamp of the greeting
    std::string user;      // the name given with USER
    bool holds_lock = false;

    connection(int f, unsigned i, const mailwire::parse_options& po) : client_io(f, i), reader(po) {}
};

class server {
public:
    explicit server(const options& o)
        : o_(o), popts_(o.lenient ? mailwire::parse_options::make_lenient() : mailwire::parse_options{}),
          box_(o.maildir) {}

    int run(volatile std::sig_atomic_t& stop) {
        if (auto e = listener_.listen(o_.port)) {
            err(fmt::format("pop3-server: {}\n", *e));
            return 1;
        }
        if (!o_.maildir.empty() && !box_.load()) {
            err(fmt::format("pop3-server: cannot read the Maildir {} (cur/ and new/)\n", o_.maildir));
            return 1;
        }
        if (!o_.port_file.empty()) mwexample::write_port_file(o_.port_file, listener_.bound_port());
        say(fmt::format("pop3-server: listening on 127.0.0.1:{} ({} mailbox, user {}, {} mode)\n",
                        listener_.bound_port(), o_.maildir.empty() ? "built-in" : o_.maildir, o_.user,
                        o_.lenient ? "lenient" : "strict"));
        const auto started = clock_type::now();
        bool accepted_any = false;
        while (!stop) {
            const auto wait_ms = mwexample::poll_wait_ms(started, o_.max_seconds);
            if (!wait_ms) {
                log(0, "--max-seconds reached: stopping");
                break;
            }
            if (o_.once && accepted_any && conns_.empty()) break;

            const bool accepting = !(o_.once && accepted_any);
            std::vector<pollfd> fds = mwexample::poll_set(accepting ? listener_.fd() : -1, conns_, max_backlog);
            const int rc = ::poll(fds.data(), fds.size(), *wait_ms);
            if (rc < 0 && errno != EINTR) {
                err(fmt::format("pop3-server: poll: {}\n", std::strerror(errno)));
                return 1;
            }
            std::size_t k = 0;
            if (accepting) {
                if (rc > 0 && (fds[0].revents & POLLIN)) {
                    for (int fd; (fd = listener_.accept()) >= 0;) {
                        accepted_any = true;
                        open_connection(fd);
                        if (o_.once) break;
                    }
                }
                k = 1;
            }
            // New connections were appended after the polled ones; visit only the polled.
            const std::size_t polled = fds.size() - k;
            for (std::size_t i = 0; i < polled; ++i) {
                connection& c = *conns_[i];
                const short re = rc > 0 ? fds[k + i].revents : 0;
                if (re & (POLLIN | POLLHUP | POLLERR)) on_readable(c);
                if (!c.dead) flush(c);
                if (!c.dead && clock_type::now() - c.last_activity > std::chrono::seconds(o_.idle_seconds)) {
                    // RFC 1939 §3: the autologout timer ends the session without UPDATE.
                    log(c.id, "idle timeout: closing without UPDATE");
                    close(c);
                }
            }
            std::erase_if(conns_, [](const std::unique_ptr<connection>& c) { return c->dead; });
        }
        for (auto& c : conns_) close(*c);
        return 0;
    }

private:
    static constexpr std::size_t max_backlog = 4u << 20; // stop reading a client that does not read its replies

    void log(unsigned id, std::string_view what) {
        if (!o_.quiet) say(fmt::format("[{}] {}\n", id, what));
    }

    void open_connection(int fd) {
        auto c = std::make_unique<connection>(fd, ++next_id_, popts_);
        log(c->id, "connected");
        std::string text = "POP3 server ready";
        if (o_.apop) {
            // RFC 1939 §7: a timestamp unique to this greeting, as a msg-id.
            c->timestamp = fmt::format("<{}.{}.{}@mailwire.invalid>", static_cast<long long>(::getpid()), c->id,
                                       static_cast<long long>(std::chrono::system_clock::now().time_since_epoch().count()));
            text += " " + c->timestamp;
        }
        send(*c, pop3::response::make_greeting(text), true);
        flush(*c);
        conns_.push_back(std::move(c));
    }

    void close(connection& c) {
        if (c.dead) return;
        if (c.holds_lock) box_.unlock();
        c.holds_lock = false;
        ::close(c.fd);
        c.dead = true;
        log(c.id, "closed");
    }

    void flush(connection& c) {
        if (c.backlog() > 0 && !mwexample::write_backlog(c)) {
            log(c.id, fmt::format("write failed: {}", std::strerror(errno)));
            close(c);
            return;
        }
        if (c.closing && c.backlog() == 0) close(c);
        else if (c.backlog() < max_backlog / 2) process(c); // lines held back while the backlog was large
    }

    void on_readable(connection& c) {
        std::string in;
        if (const char* why = mwexample::read_client(c, in)) {
            // Without QUIT there is no UPDATE: deletions are forgotten (RFC 1939 §6).
            log(c.id, why);
            close(c);
            return;
        }
        if (in.empty()) return;
        c.last_activity = clock_type::now();
        c.reader.feed(in);
        process(c);
    }

    /// Answers every complete line buffered (pipelining, RFC 2449 §6.6), in order.
    void process(connection& c) {
        while (!c.dead && !c.closing && c.backlog() < max_backlog) {
            auto line = c.reader.next_line();
            if (!line) {
                const auto& e = line.error();
                if (e.code == mailwire::errc::need_more) return;
                // Too long, or a bare LF in strict mode: the reader drops the line and
                // resynchronises; the client gets an -ERR and may go on.
                log(c.id, fmt::format("bad line: {}", e));
                send(c, pop3::response::err(e.code == mailwire::errc::limit_exceeded ? "line too long"
                                                                                     : "lines end with CRLF"),
                     false);
                continue;
            }
            auto cmd = pop3::parse_command(line->bytes, popts_);
            if (!cmd) {
                log(c.id, fmt::format("C: unparsable line\n{}", mailwire::with_input(line->bytes, cmd.error())));
                // The reply says where and what, in ASCII (status text is one line of it).
                const auto& e = cmd.error();
                std::string text = fmt::format("syntax error at column {}", e.offset + 1);
                if (!e.expected.empty() && std::all_of(e.expected.begin(), e.expected.end(), [](char ch) { return ch >= 0x20 && ch < 0x7F; }))
                    text += fmt::format(": expected {}", e.expected);
                send(c, pop3::response::err(text), false);
                continue;
            }
            log(c.id, fmt::format("C: {:v}", *cmd));
            answer(c, *cmd);
        }
    }

    /// Writes a reply with the library's checked serializer and tells the session about
    /// it. `answers_command`: the reply pairs with a command given to session.on_command.
    void send(connection& c, const pop3::response& r, bool answers_command) {
        if (auto w = mailwire::write_wire(c.out, r); !w) {
            log(c.id, fmt::format("reply refused by the writer ({}); sending a plain -ERR", w.error()));
            (void)mailwire::write_wire(c.out, pop3::response::err("internal error"));
        }
        if (answers_command) {
            if (auto s = c.session.on_response(r.is_ok() ? pop3::frame_status::ok : pop3::frame_status::err); !s)
                log(c.id, fmt::format("session: {}", s.error()));
        }
        log(c.id, fmt::format("S: {:v}", r));
    }

    const stored_message* find(connection& c, std::uint32_t n, std::string& why) {
        if (n == 0 || n > c.msgs.size()) {
            why = fmt::format("no such message, only {} messages in maildrop", c.msgs.size());
            return nullptr;
        }
        if (c.deleted[n - 1]) {
            why = fmt::format("message {} already deleted", n);
            return nullptr;
        }
        return &c.msgs[n - 1];
    }

    void answer(connection& c, const pop3::command& cmd) {
        // Ask before recording; a refused command is recorded too, its -ERR pairs with it.
        const auto ok = c.session.allowed(cmd);
        c.session.on_command(cmd);
        if (!ok) {
            send(c, pop3::response::err(fmt::format("{} not allowed now (state {})", pop3::command_name(cmd),
                                                    pop3::to_string(c.session.state()))),
                 true);
            return;
        }
        std::visit([&](const auto& v) { handle(c, v); }, cmd);
    }

    // ---- the commands -----------------------------------------------------------------

    void handle(connection& c, const pop3::capa&) {
        static const pop3::capability caps[] = {
            pop3::cap::top{}, pop3::cap::uidl{}, pop3::cap::user{}, pop3::cap::pipelining{}, pop3::cap::resp_codes{},
            pop3::cap::implementation{"mailwire-pop3-server"}};
        send(c, pop3::response::make_capa(caps, "Capability list follows"), true);
    }
    void handle(connection& c, const pop3::user& v) {
        // The same answer for every name, so USER does not tell which names exist.
        c.user = std::string(v.name);
        send(c, pop3::response::ok(), true);
    }
    void handle(connection& c, const pop3::pass& v) {
        if (c.user != o_.user || v.password != o_.pass) {
            send(c, pop3::response::err("invalid user name or password", pop3::resp_code::auth()), true);
            return;
        }
        open_maildrop(c, "user successfully logged on");
    }
    void handle(connection& c, const pop3::apop& v) {
        if (c.timestamp.empty()) {
            send(c, pop3::response::err("APOP is not offered (no timestamp in the greeting)"), true);
            return;
        }
        std::string input;
        pop3::apop_digest_input(c.timestamp, o_.pass, input);
        const std::string want = mwexample::md5::hex(input);
        const bool digest_ok = want.size() == v.digest.size() &&
                               std::equal(want.begin(), want.end(), v.digest.begin(), [](char a, char b) {
                                   return a == (b >= 'A' && b <= 'F' ? static_cast<char>(b - 'A' + 'a') : b);
                               });
        if (v.name != o_.user || !digest_ok) {
            send(c, pop3::response::err("permission denied", pop3::resp_code::auth()), true);
            return;
        }
        open_maildrop(c, "maildrop locked and ready");
    }
    void open_maildrop(connection& c, std::string_view text) {
        if (!box_.lock()) {
            send(c, pop3::response::err("maildrop already locked", pop3::resp_code::in_use()), true);
            return;
        }
        auto msgs = box_.load();
        if (!msgs) {
            box_.unlock();
            send(c, pop3::response::err("cannot read the maildrop", pop3::resp_code::sys_temp()), true);
            return;
        }
        c.holds_lock = true;
        c.msgs = std::move(*msgs);
        c.deleted.assign(c.msgs.size(), false);
        send(c, pop3::response::ok(text), true);
    }
    void handle(connection& c, const pop3::stat&) {
        std::uint32_t n = 0;
        std::uint64_t octets = 0;
        for (std::size_t i = 0; i < c.msgs.size(); ++i)
            if (!c.deleted[i]) {
                ++n;
                octets += c.msgs[i].size;
            }
        send(c, pop3::response::make_stat(n, octets), true);
    }
    void handle(connection& c, const pop3::list& v) {
        std::string why;
        if (v.msg) {
            const stored_message* m = find(c, *v.msg, why);
            send(c, m ? pop3::response::make_scan({*v.msg, m->size, {}}) : pop3::response::err(why), true);
            return;
        }
        std::vector<pop3::scan_listing> entries;
        std::uint64_t octets = 0;
        for (std::size_t i = 0; i < c.msgs.size(); ++i)
            if (!c.deleted[i]) {
                entries.push_back({static_cast<std::uint32_t>(i + 1), c.msgs[i].size, {}});
                octets += c.msgs[i].size;
            }
        const std::string text = fmt::format("{} messages ({} octets)", entries.size(), octets);
        send(c, pop3::response::make_scan_list(entries, text), true);
    }
    void handle(connection& c, const pop3::uidl& v) {
        std::string why;
        if (v.msg) {
            const stored_message* m = find(c, *v.msg, why);
            send(c, m ? pop3::response::make_uid({*v.msg, m->uid}) : pop3::response::err(why), true);
            return;
        }
        std::vector<pop3::uid_listing> entries;
        for (std::size_t i = 0; i < c.msgs.size(); ++i)
            if (!c.deleted[i]) entries.push_back({static_cast<std::uint32_t>(i + 1), c.msgs[i].uid});
        send(c, pop3::response::make_uid_list(entries), true);
    }
    void handle(connection& c, const pop3::retr& v) {
        std::string why;
        const stored_message* m = find(c, v.msg, why);
        if (!m) {
            send(c, pop3::response::err(why), true);
            return;
        }
        const std::string text = fmt::format("{} octets", m->size);
        send(c, pop3::response::make_message(m->content, text), true); // stuffed by the writer
    }
    void handle(connection& c, const pop3::top& v) {
        std::string why;
        const stored_message* m = find(c, v.msg, why);
        if (!m) {
            send(c, pop3::response::err(why), true);
            return;
        }
        const std::string part = top_of(m->content, v.lines);
        send(c, pop3::response::make_message(part, "top of message follows"), true);
    }
    void handle(connection& c, const pop3::dele& v) {
        std::string why;
        if (!find(c, v.msg, why)) {
            send(c, pop3::response::err(why), true);
            return;
        }
        c.deleted[v.msg - 1] = true;
        const std::string text = fmt::format("message {} deleted", v.msg);
        send(c, pop3::response::ok(text), true);
    }
    void handle(connection& c, const pop3::noop&) { send(c, pop3::response::ok(), true); }
    void handle(connection& c, const pop3::rset&) {
        c.deleted.assign(c.msgs.size(), false);
        const std::string text = fmt::format("maildrop has {} messages", c.msgs.size());
        send(c, pop3::response::ok(text), true);
    }
    void handle(connection& c, const pop3::quit&) {
        // In TRANSACTION, QUIT enters UPDATE: the deletions happen now (RFC 1939 §6).
        std::size_t failed = 0;
        if (c.session.state() == pop3::session_state::update) {
            for (std::size_t i = 0; i < c.msgs.size(); ++i)
                if (c.deleted[i] && !box_.remove(c.msgs[i])) ++failed;
        }
        if (failed > 0)
            send(c, pop3::response::err(fmt::format("{} deleted messages not removed", failed), pop3::resp_code::sys_temp()), true);
        else
            send(c, pop3::response::ok("POP3 server signing off"), true);
        c.closing = true;
    }
    // STLS, AUTH, UTF8, LANG and extensions are not offered (CAPA does not list them).
    template <class T>
    void handle(connection& c, const T&) {
        send(c, pop3::response::err("command not implemented"), true);
    }

    const options& o_;
    mailwire::parse_options popts_;
    mailbox box_;
    mwexample::loopback_listener listener_;
    std::vector<std::unique_ptr<connection>> conns_;
    unsigned next_id_ = 0;
};

volatile std::sig_atomic_t stop_requested = 0;
extern "C" void on_signal(int) { stop_requested = 1; }

} // namespace

int main(int argc, char** argv) {
    auto o = parse_args(argc, argv);
    if (!o) {
        err(usage_text);
        return 2;
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    server s(*o);
    return s.run(stop_requested);
}
