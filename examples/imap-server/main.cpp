// imap-server: a small read-only IMAP4rev1 server (RFC 3501) on 127.0.0.1, serving one
// mailbox, INBOX: a Maildir or a built-in mailbox of two messages. Every client byte goes
// through imap::buffered_framer (which stops at each synchronizing literal so the server can
// answer "+ Ready") and imap::parse_command; every reply is an imap::response value written by
// mailwire::write_wire (checked: a value that would not re-parse is refused). The program adds
// the sockets (../common/net.hpp), a poll() loop (its shared pieces in ../common/server.hpp)
// and the mailbox (read with ../common/maildir.hpp). See README.md.
//
//   imap-server --port 1143                       # built-in mailbox, user bob / hungry
//   imap-server --port 1143 --maildir DIR --user alice --pass wonderland
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <ctime>
#include <deque>
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
#include <mailwire/core/scanner.hpp>
#include <mailwire/imap/command.hpp>
#include <mailwire/imap/framer.hpp>
#include <mailwire/imap/response.hpp>

#include "common/cli.hpp"
#include "common/maildir.hpp"
#include "common/net.hpp"
#include "common/server.hpp"

namespace {

namespace imap = mailwire::imap;
namespace cmd = mailwire::imap::cmd;
using mwexample::clock_type;
using mwexample::err;
using mwexample::say;

struct options : mwexample::server_options {
    // RFC 3501 §5.4: an autologout timer of at least 30 minutes.
    options() : server_options(1143, 1800) {}
};

constexpr std::string_view usage_text =
    "usage: imap-server [--port N] [--maildir DIR] [--user NAME] [--pass SECRET] [--port-file FILE]\n"
    "                   [--max-seconds N] [--idle-timeout N] [--lenient] [--quiet]\n"
    "Serves IMAP4rev1, read-only, on 127.0.0.1:N (N=0: any free port, printed and written to\n"
    "FILE). INBOX is DIR's cur/ and new/, or without --maildir two built-in messages for\n"
    "bob / hungry.\n";

std::optional<options> parse_args(int argc, char** argv) {
    return mwexample::parse_server_args<options>(argc, argv, usage_text, [](std::string_view, options&) { return false; });
}

// ---- the mailbox ----------------------------------------------------------------------

/// One message of INBOX, as served.
struct stored_message {
    std::string name;    // the Maildir file name; "builtin-N" for the built-in mailbox
    std::string content; // CRLF line ends (RFC822.SIZE counts them, RFC 3501 §7.4.2)
    imap::flag_list_builder flags; // from the Maildir info ":2,SR"
    imap::date_time internal_date{};
};

constexpr std::string_view builtin_1 = R"(From: Alice <alice@example.org>
To: Bob <bob@example.net>
Subject: Lunch on Friday?
Date: Mon, 8 Jan 2024 09:13:55 +0000
Message-ID: <20240108091355.1@example.org>

Hi Bob,

Are you free for lunch on Friday? The noodle place
near the station opens at noon.

Alice
)";
constexpr std::string_view builtin_2 = R"(From: Carol <carol@example.com>
To: Bob <bob@example.net>
Subject: Notes from the networks lecture
Date: Tue, 9 Jan 2024 16:39:58 +0000
Message-ID: <a1b2c3.20240109@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Bob,

IMAP keeps the mail on the server, in folders; a client
fetches what it needs: the header, a part, or all of it.

Carol
)";

/// Bare LF -> CRLF (CRLF stays as it is): IMAP counts and sends CRLF line ends.
std::string with_crlf(std::string_view text) {
    std::string s;
    s.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) s.push_back('\r');
        s.push_back(text[i]);
    }
    return s;
}

/// The flags of a Maildir file name's info part ("...:2,FRS"), as a flag-list.
imap::flag_list_builder maildir_flags(std::string_view name) {
    imap::flag_list_builder out;
    const auto info = name.rfind(":2,");
    if (info != std::string_view::npos) {
        for (char c : name.substr(info + 3)) {
            const char* f = c == 'D' ? "\\Draft" : c == 'F' ? "\\Flagged" : c == 'R' ? "\\Answered"
                          : c == 'S' ? "\\Seen" : c == 'T' ? "\\Deleted" : nullptr;
            if (f) (void)out.add(f); // system flags: always accepted
        }
    }
    return out;
}

/// A UTC time as an IMAP date-time ("+0000").
imap::date_time date_of(std::time_t t) {
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    imap::date_time d;
    d.year = static_cast<std::uint16_t>(tm.tm_year + 1900);
    d.month = static_cast<std::uint8_t>(tm.tm_mon + 1);
    d.day = static_cast<std::uint8_t>(tm.tm_mday);
    d.time = {static_cast<std::uint8_t>(tm.tm_hour), static_cast<std::uint8_t>(tm.tm_min), static_cast<std::uint8_t>(tm.tm_sec)};
    return d;
}

/// INBOX at SELECT time: messages in file-name order, UID i for the i-th; UIDVALIDITY is a
/// hash of the names, so a different set of files is a different UIDVALIDITY (RFC 3501
/// §2.3.1.1: UIDs must not be reused within one UIDVALIDITY).
struct snapshot {
    std::vector<stored_message> msgs;
    std::uint32_t uidvalidity = 1;
};

class mailbox {
public:
    explicit mailbox(std::string maildir) : maildir_(std::move(maildir)) {}

    std::optional<snapshot> load() const {
        snapshot snap;
        if (maildir_.empty()) {
            int i = 0;
            for (auto text : {builtin_1, builtin_2}) {
                stored_message m;
                m.name = fmt::format("builtin-{}", ++i);
                m.content = with_crlf(text);
                m.internal_date = date_of(1704705235 + 113403 * (i - 1)); // the Date: headers
                snap.msgs.push_back(std::move(m));
            }
            return snap;
        }
        auto files = mwexample::read_maildir(maildir_);
        if (!files) return std::nullopt;
        for (auto& f : *files) {
            stored_message m;
            m.name = std::move(f.name);
            m.content = with_crlf(f.content);
            m.flags = maildir_flags(m.name);
            m.internal_date = date_of(f.st.st_mtime);
            snap.msgs.push_back(std::move(m));
        }
        std::sort(snap.msgs.begin(), snap.msgs.end(),
                  [](const stored_message& a, const stored_message& b) { return a.name < b.name; });
        std::uint32_t h = 2166136261u; // FNV-1a
        for (const auto& m : snap.msgs)
            for (char c : m.name + "/") h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
        snap.uidvalidity = h == 0 ? 1 : h;
        return snap;
    }

private:
    std::string maildir_;
};

/// The header of a message, through the empty line that ends it (CRLF CRLF), and the rest.
std::string_view header_of(std::string_view m) {
    if (m.substr(0, 2) == "\r\n") return m.substr(0, 2);
    const auto end = m.find("\r\n\r\n");
    return end == std::string_view::npos ? m : m.substr(0, end + 4);
}
std::string_view text_of(std::string_view m) { return m.substr(header_of(m).size()); }

/// HEADER.FIELDS (names) / HEADER.FIELDS.NOT (names): the chosen fields, continuation lines
/// kept, and the empty line (RFC 3501 §6.4.5).
std::string header_fields(std::string_view m, const imap::header_list& names, bool negate) {
    std::string_view h = header_of(m);
    std::string out;
    bool keep = false;
    while (!h.empty()) {
        const auto eol = h.find("\r\n");
        const std::string_view line = h.substr(0, eol == std::string_view::npos ? h.size() : eol + 2);
        h.remove_prefix(line.size());
        if (line == "\r\n") break;
        if (line[0] != ' ' && line[0] != '\t') {
            const auto colon = line.find(':');
            std::string_view name = line.substr(0, colon == std::string_view::npos ? 0 : colon);
            while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
            keep = !name.empty() && names.contains(name) != negate;
        }
        if (keep) out += line;
    }
    out += "\r\n";
    return out;
}

/// '*' matches anything, '%' anything but the hierarchy delimiter "/" (RFC 3501 §6.3.8);
/// INBOX is case-insensitive, so the match is ASCII case-insensitive.
bool wildcard_match(std::string_view pat, std::string_view name) {
    if (pat.empty()) return name.empty();
    if (pat[0] == '*' || pat[0] == '%') {
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (wildcard_match(pat.substr(1), name.substr(i))) return true;
            if (i < name.size() && pat[0] == '%' && name[i] == '/') return false;
        }
        return false;
    }
    return !name.empty() && mailwire::chars::iequals(pat.substr(0, 1), name.substr(0, 1)) &&
           wildcard_match(pat.substr(1), name.substr(1));
}

// ---- building responses: the library's types ------------------------------------------

imap::resp_text text(std::string_view t) { return imap::resp_text{false, {}, t}; }
imap::resp_text text(imap::code_kind code, std::string_view t, std::uint64_t number = 0) {
    imap::resp_text r{true, {}, t};
    r.code.kind = code;
    r.code.number = number;
    return r;
}
imap::response tagged(std::string_view tag, imap::status_kind k, imap::resp_text t) {
    return imap::response{imap::status_response{true, imap::tag{tag}, k, t}};
}
imap::response untagged(imap::status_kind k, imap::resp_text t) {
    return imap::response{imap::status_response{false, {}, k, t}};
}
imap::string_value literal(std::string_view bytes) {
    return imap::string_value{imap::string_form::literal, bytes, false, false};
}

constexpr std::string_view capabilities = "IMAP4rev1 LITERAL+ UNSELECT";

// ---- one client -----------------------------------------------------------------------

enum class state { not_authenticated, authenticated, selected, logout };

struct connection : mwexample::client_io {
    imap::buffered_framer framer;
    imap::command_storage storage;
    state st = state::not_authenticated;
    snapshot box; // the selected INBOX

    connection(int f, unsigned i, const mailwire::parse_options& po)
        : client_io(f, i), framer(imap::framer_config{imap::direction::client_to_server, true, false}, po) {}
};

class server {
public:
    explicit server(const options& o)
        : o_(o), popts_(o.lenient ? mailwire::parse_options::make_lenient() : mailwire::parse_options{}),
          box_(o.maildir) {}

    int run(volatile std::sig_atomic_t& stop) {
        if (auto e = listener_.listen(o_.port)) {
            err(fmt::format("imap-server: {}\n", *e));
            return 1;
        }
        if (!box_.load()) {
            err(fmt::format("imap-server: cannot read the Maildir {} (cur/ and new/)\n", o_.maildir));
            return 1;
        }
        if (!o_.port_file.empty()) mwexample::write_port_file(o_.port_file, listener_.bound_port());
        say(fmt::format("imap-server: listening on 127.0.0.1:{} ({} mailbox, user {}, {} mode)\n",
                        listener_.bound_port(), o_.maildir.empty() ? "built-in" : o_.maildir, o_.user,
                        o_.lenient ? "lenient" : "strict"));
        const auto started = clock_type::now();
        while (!stop) {
            const auto wait_ms = mwexample::poll_wait_ms(started, o_.max_seconds);
            if (!wait_ms) {
                log(0, "--max-seconds reached: stopping");
                break;
            }
            std::vector<pollfd> fds = mwexample::poll_set(listener_.fd(), conns_, max_backlog);
            const int rc = ::poll(fds.data(), fds.size(), *wait_ms);
            if (rc < 0 && errno != EINTR) {
                err(fmt::format("imap-server: poll: {}\n", std::strerror(errno)));
                return 1;
            }
            const std::size_t polled = conns_.size(); // new connections are appended after these
            if (rc > 0 && (fds[0].revents & POLLIN))
                for (int fd; (fd = listener_.accept()) >= 0;) open_connection(fd);
            for (std::size_t i = 0; i < polled; ++i) {
                connection& c = *conns_[i];
                const short re = rc > 0 ? fds[1 + i].revents : 0;
                if (re & (POLLIN | POLLHUP | POLLERR)) on_readable(c);
                if (!c.dead) flush(c);
                if (!c.dead && !c.closing &&
                    clock_type::now() - c.last_activity > std::chrono::seconds(o_.idle_seconds)) {
                    send(c, untagged(imap::status_kind::bye, text("Autologout; idle for too long")));
                    c.closing = true;
                    flush(c);
                }
            }
            std::erase_if(conns_, [](const std::unique_ptr<connection>& c) { return c->dead; });
        }
        for (auto& c : conns_) close(*c);
        return 0;
    }

private:
    static constexpr std::size_t max_backlog = 4u << 20; // stop reading a client that does not read

    void log(unsigned id, std::string_view what) {
        if (!o_.quiet) say(fmt::format("[{}] {}\n", id, what));
    }

    void open_connection(int fd) {
        auto c = std::make_unique<connection>(fd, ++next_id_, popts_);
        log(c->id, "connected");
        imap::resp_text greet{true, {}, "mailwire imap-server ready (read-only)"};
        greet.code.kind = imap::code_kind::capability;
        greet.code.caps = imap::capability_list(capabilities);
        send(*c, untagged(imap::status_kind::ok, greet));
        flush(*c);
        conns_.push_back(std::move(c));
    }

    void close(connection& c) {
        if (c.dead) return;
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
        else if (c.backlog() < max_backlog / 2) process(c); // commands held back while the backlog was large
    }

    void on_readable(connection& c) {
        std::string in;
        if (const char* why = mwexample::read_client(c, in)) {
            log(c.id, why);
            close(c);
            return;
        }
        if (in.empty()) return;
        c.last_activity = clock_type::now();
        c.framer.feed(in);
        process(c);
    }

    /// The tag a bad message starts with, when it has one (else the BAD is untagged).
    static std::string_view tag_of(std::string_view bytes) {
        const std::size_t n = mailwire::chars::tag_char.span(bytes);
        return n > 0 && n < bytes.size() && bytes[n] == ' ' ? bytes.substr(0, n) : std::string_view{};
    }

    void bad_input(connection& c, std::string_view bytes, const mailwire::parse_error& e) {
        log(c.id, fmt::format("C: bad message\n{}", mailwire::with_input(bytes, e)));
        const std::string why = fmt::format("{}", e); // the error without the caret picture
        const auto tag = tag_of(bytes);
        send(c, tag.empty() ? untagged(imap::status_kind::bad, text(why)) : tagged(tag, imap::status_kind::bad, text(why)));
    }

    /// Answers every complete command buffered, in order.
    void process(connection& c) {
        while (!c.dead && !c.closing && c.backlog() < max_backlog) {
            auto ev = c.framer.next();
            switch (ev.status) {
            case imap::frame_status::need_more: return;
            case imap::frame_status::literal_announced:
                // RFC 3501 §7.5: the client waits for this before sending the literal's data.
                send(c, imap::response{imap::continue_req{text("Ready")}});
                c.framer.accept_literal();
                continue;
            case imap::frame_status::error: bad_input(c, ev.bytes, ev.error); continue;
            case imap::frame_status::message: break;
            default: continue;
            }
            auto command = imap::parse_command(ev, c.storage, popts_);
            if (!command) {
                bad_input(c, ev.bytes, command.error());
                continue;
            }
            log(c.id, fmt::format("C: {:v}", *command));
            answer(c, *command);
        }
    }

    /// Writes a response with the library's checked serializer.
    void send(connection& c, const imap::response& r) {
        if (auto w = mailwire::write_wire(c.out, r); !w) {
            log(c.id, fmt::format("response refused by the writer ({}); sending a plain BAD", w.error()));
            (void)mailwire::write_wire(c.out, untagged(imap::status_kind::bad, text("internal error")));
            return;
        }
        if (!o_.quiet) {
            if (const auto* f = r.get<imap::fetch_data>()) log(c.id, fmt::format("S: * {} FETCH ({} items)", f->number, f->items.size()));
            else log(c.id, fmt::format("S: {:v}", r));
        }
    }

    void answer(connection& c, const imap::command& command) {
        const std::string_view tag = command.tag.text;
        const std::string_view name = imap::command_name(command.body);
        const bool any = std::holds_alternative<cmd::capability>(command.body) || std::holds_alternative<cmd::noop>(command.body) ||
                         std::holds_alternative<cmd::logout>(command.body);
        const bool nonauth = std::holds_alternative<cmd::login>(command.body) || std::holds_alternative<cmd::authenticate>(command.body) ||
                             std::holds_alternative<cmd::starttls>(command.body);
        const bool selected_only = std::holds_alternative<cmd::fetch>(command.body) || std::holds_alternative<cmd::search>(command.body) ||
                                   std::holds_alternative<cmd::close>(command.body) || std::holds_alternative<cmd::unselect>(command.body) ||
                                   std::holds_alternative<cmd::check>(command.body);
        const bool known = !std::holds_alternative<cmd::generic>(command.body);
        std::string why;
        if (known && !any) {
            if (c.st == state::not_authenticated && !nonauth) why = fmt::format("{} not allowed now: LOGIN first", name);
            else if (c.st != state::not_authenticated && nonauth) why = fmt::format("{} not allowed now: already logged in", name);
            else if (c.st != state::selected && selected_only) why = fmt::format("{} not allowed now: SELECT a mailbox first", name);
        }
        if (!why.empty()) {
            send(c, tagged(tag, imap::status_kind::bad, text(why)));
            return;
        }
        std::visit([&](const auto& v) { handle(c, tag, v); }, command.body);
    }

    // ---- the commands -----------------------------------------------------------------

    void handle(connection& c, std::string_view tag, const cmd::capability&) {
        send(c, imap::response{imap::capability_data{imap::capability_list(capabilities)}});
        send(c, tagged(tag, imap::status_kind::ok, text("CAPABILITY completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::noop&) {
        send(c, tagged(tag, imap::status_kind::ok, text("NOOP completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::logout&) {
        send(c, untagged(imap::status_kind::bye, text("mailwire imap-server logging out")));
        send(c, tagged(tag, imap::status_kind::ok, text("LOGOUT completed")));
        c.st = state::logout;
        c.closing = true;
    }
    void handle(connection& c, std::string_view tag, const cmd::login& v) {
        if (!v.userid.equals(o_.user) || !v.password.equals(o_.pass)) {
            send(c, tagged(tag, imap::status_kind::no, text(imap::code_kind::authenticationfailed, "invalid user name or password")));
            return;
        }
        c.st = state::authenticated;
        send(c, tagged(tag, imap::status_kind::ok, text("LOGIN completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::authenticate&) {
        send(c, tagged(tag, imap::status_kind::no, text(imap::code_kind::cannot, "no SASL mechanism is offered: use LOGIN")));
    }
    void list(connection& c, std::string_view tag, bool lsub, const imap::mailbox& reference,
              std::span<const imap::string_value> patterns) {
        const std::string ref = reference.name.str();
        for (const auto& p : patterns) {
            const std::string pat = p.str();
            imap::list_data d;
            imap::mailbox_attr_list_builder attrs; // d.attributes views it
            d.lsub = lsub;
            d.delimiter = imap::quoted{"/", false};
            if (pat.empty() && !lsub) {
                // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the root.
                (void)attrs.add("\\Noselect");
                d.attributes = attrs.list();
                d.mailbox = imap::mailbox{imap::string_value{imap::string_form::quoted, "", false, false}, false, false};
                send(c, imap::response{d});
            } else if (wildcard_match(ref + pat, "INBOX")) {
                (void)attrs.add("\\HasNoChildren");
                d.attributes = attrs.list();
                d.mailbox = imap::mailbox{imap::string_value{imap::string_form::atom, "INBOX", false, false}, true, false};
                send(c, imap::response{d});
            }
        }
        send(c, tagged(tag, imap::status_kind::ok, text(lsub ? "LSUB completed" : "LIST completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::list& v) {
        if (v.has_select_opts || v.has_return_opts) {
            send(c, tagged(tag, imap::status_kind::bad, text("LIST-EXTENDED options are not supported")));
            return;
        }
        list(c, tag, false, v.reference, v.patterns);
    }
    void handle(connection& c, std::string_view tag, const cmd::lsub& v) {
        list(c, tag, true, v.reference, std::span<const imap::string_value>(&v.pattern, 1));
    }
    void select(connection& c, std::string_view tag, const imap::mailbox& mbox, std::string_view name) {
        c.st = state::authenticated; // a failed SELECT leaves no mailbox selected (RFC 3501 §6.3.1)
        if (!mbox.inbox) {
            send(c, tagged(tag, imap::status_kind::no, text(imap::code_kind::nonexistent, "only INBOX exists here")));
            return;
        }
        auto snap = box_.load();
        if (!snap) {
            send(c, tagged(tag, imap::status_kind::no, text(imap::code_kind::unavailable, "cannot read the mailbox")));
            return;
        }
        c.box = std::move(*snap);
        const auto n = static_cast<std::uint32_t>(c.box.msgs.size());
        imap::flag_list_builder flags(imap::flag_rule::flag);
        for (const char* f : {"\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft"}) (void)flags.add(f);
        send(c, imap::response{imap::flags_data{flags.list()}});
        const imap::flag_list_builder none(imap::flag_rule::flag_perm);
        imap::resp_text perm{true, {}, "no permanent flags: read-only"};
        perm.code.kind = imap::code_kind::permanentflags;
        perm.code.flags = none.list();
        send(c, untagged(imap::status_kind::ok, perm));
        send(c, imap::response{imap::message_count{imap::message_count_kind::exists, n}});
        send(c, imap::response{imap::message_count{imap::message_count_kind::recent, 0}});
        send(c, untagged(imap::status_kind::ok, text(imap::code_kind::uidvalidity, "UIDs valid", c.box.uidvalidity)));
        send(c, untagged(imap::status_kind::ok, text(imap::code_kind::uidnext, "predicted next UID", n + 1)));
        c.st = state::selected;
        const std::string done = fmt::format("{} completed (read-only server)", name);
        send(c, tagged(tag, imap::status_kind::ok, text(imap::code_kind::read_only, done)));
    }
    void handle(connection& c, std::string_view tag, const cmd::select& v) { select(c, tag, v.mbox, "SELECT"); }
    void handle(connection& c, std::string_view tag, const cmd::examine& v) { select(c, tag, v.mbox, "EXAMINE"); }
    void handle(connection& c, std::string_view tag, const cmd::close&) {
        c.st = state::authenticated; // read-only: nothing is expunged (RFC 3501 §6.4.2)
        send(c, tagged(tag, imap::status_kind::ok, text("CLOSE completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::unselect&) {
        c.st = state::authenticated;
        send(c, tagged(tag, imap::status_kind::ok, text("UNSELECT completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::check&) {
        send(c, tagged(tag, imap::status_kind::ok, text("CHECK completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::search& v) {
        const auto keys = v.program.keys;
        if (v.ret.present() || keys.size() != 1 || keys[0].kind != imap::search_key_kind::all) {
            send(c, tagged(tag, imap::status_kind::no, text(imap::code_kind::cannot, "only SEARCH ALL is supported")));
            return;
        }
        std::string numbers; // message numbers, or UIDs for UID SEARCH: here the same
        for (std::size_t i = 1; i <= c.box.msgs.size(); ++i) numbers += fmt::format("{}{}", numbers.empty() ? "" : " ", i);
        send(c, imap::response{imap::search_data{false, imap::number_list(numbers), false, 0}});
        send(c, tagged(tag, imap::status_kind::ok, text(v.uid ? "UID SEARCH completed" : "SEARCH completed")));
    }

    /// FETCH and UID FETCH. UID i is message i here, but the two are kept apart as a real
    /// server must keep them.
    void handle(connection& c, std::string_view tag, const cmd::fetch& v) {
        using K = imap::fetch_att_kind;
        const auto n = static_cast<std::uint32_t>(c.box.msgs.size());
        // The items asked for: a macro expands to its atts (ALL and FULL hold ENVELOPE).
        std::vector<imap::fetch_att> atts;
        if (v.macro != imap::fetch_macro::none) {
            for (auto k : imap::macro_expansion(v.macro)) atts.push_back(imap::fetch_att{k, {}, {}, false, {}, 0});
        } else {
            atts.assign(v.atts.begin(), v.atts.end());
        }
        for (const auto& a : atts) {
            std::string_view unsupported;
            switch (a.kind) {
            case K::flags: case K::uid: case K::internaldate: case K::rfc822_size: case K::rfc822:
            case K::rfc822_header: case K::rfc822_text: break;
            case K::body_section: case K::body_peek:
                if (!a.section.part.empty()) unsupported = "body part numbers (BODY[1] ...)";
                break;
            default: unsupported = imap::to_string(a.kind);
            }
            if (!unsupported.empty()) {
                send(c, tagged(tag, imap::status_kind::bad, text(fmt::format("FETCH {} is not supported by this server", unsupported))));
                return;
            }
        }
        if (v.set.has_last_result()) {
            send(c, tagged(tag, imap::status_kind::bad, text("no saved search result ($)")));
            return;
        }
        if (!v.uid) {
            // RFC 3501 §9: a message sequence number above EXISTS is an error.
            for (auto item : v.set) {
                for (auto s : {item.first, item.last})
                    if ((s.is_star() && n == 0) || s.value > n) {
                        send(c, tagged(tag, imap::status_kind::bad, text(fmt::format("no such message: the mailbox holds {}", n))));
                        return;
                    }
            }
        }
        std::deque<std::string> scratch; // bytes of HEADER.FIELDS answers, alive until written
        std::vector<imap::msg_att> items;
        for (std::uint32_t i = 1; i <= n; ++i) {
            const std::uint32_t uid = i;
            if (!v.set.contains(v.uid ? uid : i, n)) continue;
            const stored_message& m = c.box.msgs[i - 1];
            const std::string_view content = m.content;
            items.clear();
            auto add = [&](imap::fetch_item_kind k) -> imap::msg_att& {
                items.emplace_back();
                items.back().kind = k;
                return items.back();
            };
            const bool has_uid = std::any_of(atts.begin(), atts.end(), [](const imap::fetch_att& a) { return a.kind == K::uid; });
            if (v.uid && !has_uid) add(imap::fetch_item_kind::uid).number = uid; // RFC 3501 §6.4.8
            for (const auto& a : atts) {
                switch (a.kind) {
                case K::flags: add(imap::fetch_item_kind::flags).flags = m.flags.list(); break;
                case K::uid: add(imap::fetch_item_kind::uid).number = uid; break;
                case K::internaldate: add(imap::fetch_item_kind::internaldate).date = m.internal_date; break;
                case K::rfc822_size: add(imap::fetch_item_kind::rfc822_size).number = content.size(); break;
                case K::rfc822: add(imap::fetch_item_kind::rfc822).string = literal(content); break;
                case K::rfc822_header: add(imap::fetch_item_kind::rfc822_header).string = literal(header_of(content)); break;
                case K::rfc822_text: add(imap::fetch_item_kind::rfc822_text).string = literal(text_of(content)); break;
                default: { // BODY[...] and BODY.PEEK[...]: answered as BODY[...] (RFC 3501 §7.4.2)
                    std::string_view bytes;
                    switch (a.section.text) {
                    case imap::section_text_kind::none: bytes = content; break;
                    case imap::section_text_kind::header: bytes = header_of(content); break;
                    case imap::section_text_kind::text: bytes = text_of(content); break;
                    default:
                        scratch.push_back(header_fields(content, a.section.fields,
                                                        a.section.text == imap::section_text_kind::header_fields_not));
                        bytes = scratch.back();
                    }
                    auto& item = add(imap::fetch_item_kind::body_section);
                    item.section = a.section;
                    if (a.has_partial) {
                        // <origin.length>: answered BODY[...]<origin> (RFC 3501 §6.4.5, §7.4.2).
                        item.has_origin = true;
                        item.origin = static_cast<std::uint32_t>(std::min<std::uint64_t>(a.partial.offset, UINT32_MAX));
                        bytes = a.partial.offset >= bytes.size() ? std::string_view{}
                                                                 : bytes.substr(a.partial.offset, a.partial.length);
                    }
                    item.string = literal(bytes);
                }
                }
            }
            send(c, imap::response{imap::fetch_data{i, imap::list_view<imap::msg_att>(std::span<const imap::msg_att>(items))}});
        }
        send(c, tagged(tag, imap::status_kind::ok, text(v.uid ? "UID FETCH completed" : "FETCH completed")));
    }
    void handle(connection& c, std::string_view tag, const cmd::generic& v) {
        send(c, tagged(tag, imap::status_kind::bad, text(fmt::format("unknown command {}", v.name.text))));
    }
    // Everything else parses but is not offered: STARTTLS, ENABLE, STATUS, IDLE, the commands
    // that would change the mailbox (this server is read-only), and the extensions.
    template <class T>
    void handle(connection& c, std::string_view tag, const T& v) {
        const std::string why = fmt::format("{} is not supported by this read-only server", imap::command_name(imap::command_body{v}));
        send(c, tagged(tag, imap::status_kind::bad, text(why)));
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
