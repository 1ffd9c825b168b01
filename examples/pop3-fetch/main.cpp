// pop3-fetch: download a POP3 maildrop into a Maildir, with mailwire doing every byte of the
// protocol: commands are written with mailwire::to_wire, replies are framed by
// pop3::response_reader, parsed by pop3::parse_response, checked against pop3::session, and
// messages are dot-unstuffed by pop3::unstuff_to. The program adds only the socket
// (../common/net.hpp), the Maildir files and MD5 for APOP (md5.hpp). See README.md.
//
//   pop3-fetch --port 10110 --user alice --pass wonderland --maildir /tmp/fetched
//
// Exit status: 0 all went well; 1 a reply did not parse, broke the session rules, did not
// match what the maildrop announced, the server refused something, or the connection
// failed or timed out; 2 usage.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <fmt/format.h>

#include <mailwire/core/base64.hpp>
#include <mailwire/core/diagnostic.hpp>
#include <mailwire/core/format.hpp>
#include <mailwire/core/options.hpp>
#include <mailwire/pop3/capability.hpp>
#include <mailwire/pop3/command.hpp>
#include <mailwire/pop3/reader.hpp>
#include <mailwire/pop3/response.hpp>
#include <mailwire/pop3/session.hpp>

#include "common/cli.hpp"
#include "common/net.hpp"
#include "md5.hpp"

namespace {

namespace pop3 = mailwire::pop3;

enum class auth_method { automatic, user, apop, plain };

struct options {
    std::string host = "127.0.0.1";
    std::string port = "110";
    std::string user;
    std::string pass;
    std::string maildir; // empty: download and check, keep nothing
    std::string report;  // empty: no report file
    bool del = false;
    bool pipelining = false;
    bool lax_sizes = false;
    bool lenient = false;
    bool quiet = false;
    bool self_test = false;
    auth_method auth = auth_method::automatic;
    int timeout_s = 30;
};

using mwexample::err;
using mwexample::say;

constexpr std::string_view usage_text =
    "usage: pop3-fetch [--host H] [--port N] --user NAME --pass SECRET [--maildir DIR]\n"
    "                  [--delete] [--pipelining] [--auth auto|user|apop|plain] [--lenient]\n"
    "                  [--lax-sizes] [--timeout SECONDS] [--report FILE] [--quiet]\n"
    "       pop3-fetch --self-test\n"
    "Logs in (APOP if the greeting has a timestamp, else AUTH PLAIN if CAPA offers it, else\n"
    "USER/PASS), reads CAPA, STAT, LIST, UIDL, RETRieves every message into DIR/new (via\n"
    "DIR/tmp), DELEs each with --delete, and QUITs. Strict parsing unless --lenient.\n"
    "A message whose size differs from LIST's is an error unless --lax-sizes.\n";

std::optional<options> parse_args(int argc, char** argv) {
    options o;
    const bool ok = mwexample::for_each_option(argc, argv, usage_text, [&o](std::string_view a, mwexample::arg_reader& r) {
        std::string v;
        if (a == "--host") return r.value(o.host);
        else if (a == "--port") return r.value(o.port);
        else if (a == "--user") return r.value(o.user);
        else if (a == "--pass") return r.value(o.pass);
        else if (a == "--maildir") return r.value(o.maildir);
        else if (a == "--report") return r.value(o.report);
        else if (a == "--delete") o.del = true;
        else if (a == "--pipelining") o.pipelining = true;
        else if (a == "--lax-sizes") o.lax_sizes = true;
        else if (a == "--lenient") o.lenient = true;
        else if (a == "--strict") o.lenient = false;
        else if (a == "--quiet") o.quiet = true;
        else if (a == "--self-test") o.self_test = true;
        else if (a == "--timeout") {
            if (!r.value(v)) return false;
            o.timeout_s = std::atoi(v.c_str());
            if (o.timeout_s <= 0 || o.timeout_s > 3600) return false;
        } else if (a == "--auth") {
            if (!r.value(v)) return false;
            if (v == "auto") o.auth = auth_method::automatic;
            else if (v == "user") o.auth = auth_method::user;
            else if (v == "apop") o.auth = auth_method::apop;
            else if (v == "plain") o.auth = auth_method::plain;
            else return false;
        } else {
            return false;
        }
        return true;
    });
    if (!ok || (!o.self_test && (o.user.empty() || o.pass.empty()))) return std::nullopt;
    return o;
}

// ---- Maildir delivery (tmp/ then rename into new/, as the Maildir convention wants) ----

bool make_dir(const std::string& path) { return ::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST; }

std::optional<std::string> deliver(const std::string& maildir, std::string_view content, unsigned seq) {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    const std::string name = fmt::format("{}.M{}P{}Q{}.pop3-fetch", static_cast<long long>(tv.tv_sec),
                                         static_cast<long long>(tv.tv_usec), static_cast<long long>(::getpid()), seq);
    const std::string tmp = maildir + "/tmp/" + name;
    const std::string dst = maildir + "/new/" + name;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        err(fmt::format("pop3-fetch: cannot create {}: {}\n", tmp, std::strerror(errno)));
        return std::nullopt;
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            err(fmt::format("pop3-fetch: cannot write {}: {}\n", tmp, std::strerror(errno)));
            ::close(fd);
            ::unlink(tmp.c_str());
            return std::nullopt;
        }
        done += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed || ::rename(tmp.c_str(), dst.c_str()) != 0) {
        err(fmt::format("pop3-fetch: cannot deliver {}: {}\n", dst, std::strerror(errno)));
        ::unlink(tmp.c_str());
        return std::nullopt;
    }
    return dst;
}

// ---- the client -----------------------------------------------------------------------

/// One message as the maildrop announced it, and what became of it.
struct message_info {
    std::uint32_t msg = 0;
    std::uint64_t size = 0;  // from LIST
    std::string uid;         // from UIDL; empty if none
    std::string path;        // where it was delivered
    std::uint64_t received = 0;
    bool retrieved = false;
    bool deleted = false;
};

class client {
public:
    explicit client(const options& o)
        : o_(o), popts_(o.lenient ? mailwire::parse_options::make_lenient() : mailwire::parse_options{}),
          reader_(popts_) {}

    int run() {
        if (auto e = conn_.connect(o_.host, o_.port, o_.timeout_s * 1000)) return fail(*e);
        note(fmt::format("connected to {}:{} ({} mode)", o_.host, o_.port, o_.lenient ? "lenient" : "strict"));
        if (!o_.maildir.empty() &&
            !(make_dir(o_.maildir) && make_dir(o_.maildir + "/tmp") && make_dir(o_.maildir + "/new") && make_dir(o_.maildir + "/cur")))
            return fail(fmt::format("cannot create Maildir {}: {}", o_.maildir, std::strerror(errno)));

        if (!greeting() || !capabilities() || !login()) return finish(1);
        if (!run_batch({pop3::stat{}, pop3::list{}, pop3::uidl{}})) return finish(1);
        if (!check_listing()) return finish(1);

        std::vector<pop3::command> fetch;
        for (const auto& [n, m] : messages_) {
            fetch.push_back(pop3::retr{n});
            if (o_.del) fetch.push_back(pop3::dele{n});
        }
        if (!run_batch(fetch)) return finish(1);
        if (!run_batch({pop3::quit{}})) return finish(1);
        return finish(problems_ == 0 ? 0 : 1);
    }

private:
    // A parsed reply. Its views point into the reader's buffer: valid until the next
    // receive() that has to read from the socket, so each reply is used before the next.
    struct reply {
        pop3::frame frame;
        pop3::response resp;
    };

    int fail(std::string_view why) {
        problem(why);
        return finish(1);
    }

    int finish(int rc) {
        if (!o_.report.empty()) write_report();
        note(fmt::format("{} replies parsed ({}), {} problem(s); {} message(s) retrieved, {} deleted; exit {}",
                         parsed_, o_.lenient ? "lenient" : "strict", problems_,
                         count_if([](const message_info& m) { return m.retrieved; }),
                         count_if([](const message_info& m) { return m.deleted; }), rc));
        conn_.close();
        return rc;
    }

    template <class P>
    std::size_t count_if(P p) const {
        std::size_t n = 0;
        for (const auto& [k, m] : messages_)
            if (p(m)) ++n;
        return n;
    }

    void note(std::string_view s) {
        if (!o_.quiet) say(fmt::format("-- {}\n", s));
    }
    void problem(std::string_view s) {
        ++problems_;
        err(fmt::format("pop3-fetch: {}\n", s));
    }

    /// Checks the command against the session, writes it with the library's checked
    /// serializer, and queues the reply it awaits.
    bool send(const pop3::command& c) {
        if (auto ok = session_.allowed(c); !ok) {
            problem(fmt::format("session refuses {}: {}", pop3::command_name(c), ok.error().expected));
            return false;
        }
        if (auto w = mailwire::write_wire(out_, c); !w) {
            problem(fmt::format("cannot write {}: {}", pop3::command_name(c), w.error()));
            return false;
        }
        session_.on_command(c);
        reader_.expect_reply(c);
        if (!o_.quiet) say(fmt::format("C: {:v}\n", c));
        return true;
    }

    /// The next reply, framed and parsed; nullopt after saying why not.
    std::optional<reply> receive() {
        for (;;) {
            auto f = reader_.next();
            if (f) return parse(std::move(*f));
            if (f.error().code != mailwire::errc::need_more) {
                problem(fmt::format("reply framing error: {}", f.error()));
                return std::nullopt;
            }
            std::string in;
            switch (conn_.pump(out_, in, o_.timeout_s * 1000)) {
            case mwexample::tcp_connection::io::progress: break;
            case mwexample::tcp_connection::io::timeout:
                problem(fmt::format("no reply within {} s", o_.timeout_s));
                return std::nullopt;
            case mwexample::tcp_connection::io::closed:
                problem("the server closed the connection while a reply was due");
                return std::nullopt;
            case mwexample::tcp_connection::io::error:
                problem(fmt::format("socket error: {}", conn_.error()));
                return std::nullopt;
            }
            if (!in.empty()) reader_.feed(in);
        }
    }

    std::optional<reply> parse(pop3::frame f) {
        pop3::expect kind = pop3::expect::status;
        if (f.answers) kind = pop3::expectation_for(*f.answers);
        else if (f.kind == pop3::frame_kind::greeting) kind = pop3::expect::greeting;
        auto r = pop3::parse_response(f.bytes, kind, popts_);
        if (!r) {
            problem(fmt::format("reply to {} does not parse ({} mode):\n{}",
                                f.answers ? pop3::command_name(*f.answers) : std::string_view("the greeting"),
                                o_.lenient ? "lenient" : "strict", mailwire::with_input(f.bytes, r.error())));
            return std::nullopt;
        }
        ++parsed_;
        if (auto s = session_.on_response(f.status); !s) {
            problem(fmt::format("reply out of turn: {}", s.error()));
            return std::nullopt;
        }
        if (!o_.quiet) say(fmt::format("S: {:v}\n", *r));
        return reply{std::move(f), std::move(*r)};
    }

    bool greeting() {
        auto r = receive();
        if (!r) return false;
        if (!r->resp.is_ok()) {
            problem("the server refused the connection");
            return false;
        }
        if (const auto* g = std::get_if<pop3::greeting>(&r->resp.payload)) timestamp_ = std::string(g->timestamp);
        return true;
    }

    bool capabilities() {
        if (!send(pop3::capa{})) return false;
        auto r = receive();
        if (!r) return false;
        if (!r->resp.is_ok()) {
            note("no CAPA (RFC 1939 server): assuming USER/PASS only");
            cap_user_ = true;
            return true;
        }
        const auto& caps = std::get<pop3::capability_listing>(r->resp.payload);
        cap_user_ = pop3::has_capability(caps, "USER");
        cap_pipelining_ = pop3::has_capability(caps, "PIPELINING");
        if (auto sasl = pop3::find<pop3::cap::sasl>(caps)) cap_plain_ = sasl->supports("PLAIN");
        return true;
    }

    bool login() {
        auth_method m = o_.auth;
        if (m == auth_method::automatic) {
            // The secret never crosses the wire with APOP; AUTH PLAIN and USER/PASS send it.
            m = !timestamp_.empty() ? auth_method::apop : cap_plain_ ? auth_method::plain : auth_method::user;
        }
        switch (m) {
        case auth_method::apop: {
            if (timestamp_.empty()) {
                problem("APOP asked for, but the greeting has no timestamp");
                return false;
            }
            std::string input;
            pop3::apop_digest_input(timestamp_, o_.pass, input);
            digest_ = mwexample::md5::hex(input);
            note(fmt::format("login with APOP (timestamp {})", timestamp_));
            return send(pop3::apop{o_.user, digest_}) && expect_ok("APOP");
        }
        case auth_method::plain: {
            // RFC 4616: authzid NUL authcid NUL passwd, sent as the initial response (RFC 5034 §4).
            std::string msg;
            msg.push_back('\0');
            msg += o_.user;
            msg.push_back('\0');
            msg += o_.pass;
            plain_.clear();
            mailwire::encode_base64_to(msg, plain_);
            note("login with AUTH PLAIN");
            if (!send(pop3::auth{"PLAIN", plain_})) return false;
            for (bool answered = false;;) {
                auto r = receive();
                if (!r) return false;
                if (!r->resp.is_continuation()) return check_ok(*r, "AUTH PLAIN");
                // A challenge although the credentials went with the command: answer it once
                // with them (RFC 5034 §4), then cancel.
                const pop3::auth_continuation c = answered ? pop3::auth_continuation{true, {}} : pop3::auth_continuation{false, plain_};
                answered = true;
                auto w = mailwire::write_wire(out_, c);
                if (!w) {
                    problem(fmt::format("cannot write the AUTH response: {}", w.error()));
                    return false;
                }
                (void)session_.on_auth_continuation(c);
                if (!o_.quiet) say(fmt::format("C: {:v}\n", c));
            }
        }
        case auth_method::user:
        case auth_method::automatic:
            if (!cap_user_) note("CAPA does not list USER; trying USER/PASS anyway");
            note("login with USER/PASS");
            return send(pop3::user{o_.user}) && expect_ok("USER") && send(pop3::pass{o_.pass}) && expect_ok("PASS");
        }
        return false;
    }

    bool expect_ok(std::string_view what) {
        auto r = receive();
        return r && check_ok(*r, what);
    }
    bool check_ok(const reply& r, std::string_view what) {
        if (r.resp.is_ok()) return true;
        problem(fmt::format("{} refused: {}", what, r.resp.status.text));
        return false;
    }

    /// Sends the commands (all at once when pipelining, else one by one) and handles each
    /// reply. False on a failure that ends the session.
    bool run_batch(const std::vector<pop3::command>& cmds) {
        const bool pipeline = o_.pipelining && cap_pipelining_;
        if (o_.pipelining && !cap_pipelining_ && !warned_pipelining_) {
            note("--pipelining: the server does not announce PIPELINING; sending one command at a time");
            warned_pipelining_ = true;
        }
        if (pipeline) {
            for (const auto& c : cmds)
                if (!send(c)) return false;
            for (std::size_t i = 0; i < cmds.size(); ++i)
                if (!handle()) return false;
            return true;
        }
        for (const auto& c : cmds)
            if (!send(c) || !handle()) return false;
        return true;
    }

    bool handle() {
        auto r = receive();
        if (!r) return false;
        const pop3::command& c = *r->frame.answers;
        const pop3::response& resp = r->resp;
        if (std::holds_alternative<pop3::stat>(c)) {
            if (!check_ok(*r, "STAT")) return false;
            const auto& s = std::get<pop3::stat_reply>(resp.payload);
            stat_count_ = s.count;
            stat_octets_ = s.octets;
        } else if (std::holds_alternative<pop3::list>(c)) {
            if (!check_ok(*r, "LIST")) return false;
            for (const pop3::scan_listing& e : std::get<pop3::scan_listing_block>(resp.payload)) {
                auto& m = messages_[e.msg];
                if (m.msg != 0) problem(fmt::format("LIST names message {} twice", e.msg));
                m.msg = e.msg;
                m.size = e.size;
            }
        } else if (std::holds_alternative<pop3::uidl>(c)) {
            if (!resp.is_ok()) {
                note("UIDL refused: no unique ids");
                return true;
            }
            for (const pop3::uid_listing& e : std::get<pop3::uid_listing_block>(resp.payload)) {
                auto it = messages_.find(e.msg);
                if (it == messages_.end()) problem(fmt::format("UIDL names message {}, which LIST did not", e.msg));
                else it->second.uid = std::string(e.uid);
            }
        } else if (const auto* retr = std::get_if<pop3::retr>(&c)) {
            message_info& m = messages_[retr->msg];
            if (!resp.is_ok()) {
                problem(fmt::format("RETR {} refused: {}", retr->msg, resp.status.text));
                return true;
            }
            const auto& body = std::get<pop3::message_body>(resp.payload);
            std::string content;
            content.reserve(body.body_size());
            pop3::unstuff_to(body, content); // the message as the server stores it
            m.received = content.size();
            m.retrieved = true;
            // RFC 1939 §5/§11: LIST gives the exact size, counted with CRLF, before stuffing.
            // --lax-sizes: GNU Mailutils' pop3d adds an X-UIDL header that LIST does not count.
            if (content.size() != m.size) {
                const std::string what = fmt::format("message {}: LIST said {} octets, RETR gave {}", retr->msg, m.size, content.size());
                if (o_.lax_sizes) note(what);
                else problem(what);
            }
            if (!o_.maildir.empty()) {
                auto path = deliver(o_.maildir, content, ++delivered_);
                if (!path) {
                    ++problems_;
                    return false;
                }
                m.path = *path;
                note(fmt::format("message {} -> {} ({} octets)", retr->msg, m.path, content.size()));
            }
        } else if (const auto* dele = std::get_if<pop3::dele>(&c)) {
            if (!resp.is_ok()) problem(fmt::format("DELE {} refused: {}", dele->msg, resp.status.text));
            else messages_[dele->msg].deleted = true;
        } else if (std::holds_alternative<pop3::quit>(c)) {
            // In TRANSACTION, QUIT's +OK says the deletions were done (RFC 1939 §6).
            if (!resp.is_ok()) problem(fmt::format("QUIT refused (deletions not done): {}", resp.status.text));
            if (session_.state() != pop3::session_state::closed) problem("session not closed after QUIT");
        }
        return true;
    }

    bool check_listing() {
        std::uint64_t total = 0;
        for (const auto& [n, m] : messages_) total += m.size;
        if (messages_.size() != stat_count_ || total != stat_octets_)
            problem(fmt::format("STAT says {} messages, {} octets; LIST lists {} messages, {} octets", stat_count_,
                                stat_octets_, messages_.size(), total));
        note(fmt::format("maildrop: {} message(s), {} octets", stat_count_, stat_octets_));
        return true;
    }

    void write_report() {
        std::string s = fmt::format("stat {} {}\n", stat_count_, stat_octets_);
        for (const auto& [n, m] : messages_)
            s += fmt::format("msg {} size {} uid {} retrieved {} received {} deleted {} path {}\n", m.msg, m.size,
                             m.uid.empty() ? "-" : m.uid, m.retrieved ? 1 : 0, m.received, m.deleted ? 1 : 0,
                             m.path.empty() ? "-" : m.path);
        s += fmt::format("parsed {}\nproblems {}\n", parsed_, problems_);
        if (std::FILE* f = std::fopen(o_.report.c_str(), "wb")) {
            std::fwrite(s.data(), 1, s.size(), f);
            std::fclose(f);
        } else {
            err(fmt::format("pop3-fetch: cannot write {}\n", o_.report));
        }
    }

    const options& o_;
    mailwire::parse_options popts_;
    mwexample::tcp_connection conn_;
    pop3::response_reader reader_;
    pop3::session session_;
    std::string out_; // serialized commands not yet written to the socket

    std::string timestamp_; // APOP timestamp from the greeting, brackets included
    std::string digest_;    // storage the APOP command views
    std::string plain_;     // storage the AUTH PLAIN command views
    bool cap_user_ = false, cap_plain_ = false, cap_pipelining_ = false, warned_pipelining_ = false;

    std::uint32_t stat_count_ = 0;
    std::uint64_t stat_octets_ = 0;
    std::map<std::uint32_t, message_info> messages_;
    unsigned delivered_ = 0;
    std::size_t parsed_ = 0;
    std::size_t problems_ = 0;
};

/// MD5 (RFC 1321 §A.5 test suite) and the APOP example of RFC 1939 §7.
int self_test() {
    struct vec { std::string_view in, hex; };
    constexpr vec vecs[] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    int bad = 0;
    for (const auto& v : vecs) {
        const std::string got = mwexample::md5::hex(v.in);
        if (got != v.hex) {
            err(fmt::format("MD5(\"{}\") = {}, want {}\n", v.in, got, v.hex));
            ++bad;
        }
    }
    std::string input;
    pop3::apop_digest_input("<1896.697170952@dbc.mtview.ca.us>", "tanstaaf", input);
    const pop3::apop cmd{"mrose", "c4c9334bac560ecc979e58001b3e22fb"};
    const std::string got = mwexample::md5::hex(input);
    if (got != cmd.digest) {
        err(fmt::format("APOP digest {} != RFC 1939 §7's {}\n", got, cmd.digest));
        ++bad;
    }
    auto wire = mailwire::to_wire(pop3::command{pop3::apop{"mrose", got}});
    if (!wire || *wire != "APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n") {
        err("APOP command does not write as RFC 1939 §7 shows\n");
        ++bad;
    }
    say(fmt::format("self-test: {} MD5 vectors and the RFC 1939 APOP example: {}\n", std::size(vecs),
                    bad == 0 ? "ok" : "FAILED"));
    return bad == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    auto o = parse_args(argc, argv);
    if (!o) {
        err(usage_text);
        return 2;
    }
    if (o->self_test) return self_test();
    client c(*o);
    return c.run();
}
