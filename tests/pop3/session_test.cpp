// Tests for include/mailwire/pop3/session.hpp: the RFC 1939 §3-§6 states with STLS
// (RFC 2595 §4), AUTH (RFC 5034 §4), CAPA (RFC 2449 §5), UTF8 / LANG (RFC 6856), driven by
// the RFC 1939 §10 example, the seed slide's dialogue, and one test per rule.
#include <mailwire/pop3/session.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <mailwire/pop3/reader.hpp>

#include "support/catch.hpp"

namespace {

namespace p3 = mailwire::pop3;
using mailwire::errc;
using p3::frame_status;
using p3::session_state;

constexpr frame_status ok = frame_status::ok;
constexpr frame_status err = frame_status::err;

p3::command cmd(p3::command c) { return c; }

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

// The refusal allowed() gives, checked for code and offset; returns `expected`.
std::string refusal(const p3::session& s, const p3::command& c) {
    auto r = s.allowed(c);
    if (r) return "allowed";
    CHECK(r.error().code == errc::bad_state);
    CHECK(r.error().offset == 0);
    return std::string(r.error().expected);
}

// One command and its reply, as a server would process it: allowed, recorded, answered.
void exchange(p3::session& s, const p3::command& c, frame_status st) {
    INFO(p3::command_name(c));
    REQUIRE(s.allowed(c));
    s.on_command(c);
    REQUIRE(s.next_reply_kind() == p3::frame_kind_for(c));
    REQUIRE(s.on_response(st));
}

p3::session logged_in() {
    p3::session s;
    REQUIRE(s.on_response(ok)); // greeting
    exchange(s, p3::user{"bob"}, ok);
    exchange(s, p3::pass{"hungry"}, ok);
    REQUIRE(s.state() == session_state::transaction);
    return s;
}

const std::vector<p3::command>& transaction_only() {
    static const std::vector<p3::command> v = {cmd(p3::stat{}),   cmd(p3::list{}),     cmd(p3::list{1}), cmd(p3::retr{1}),
                                               cmd(p3::dele{1}),  cmd(p3::noop{}),     cmd(p3::rset{}),  cmd(p3::top{1, 0}),
                                               cmd(p3::uidl{}),   cmd(p3::uidl{1})};
    return v;
}

const std::vector<p3::command>& authorization_only() {
    static const std::vector<p3::command> v = {cmd(p3::user{"bob"}), cmd(p3::pass{"x"}),
                                               cmd(p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}),
                                               cmd(p3::auth{"PLAIN", std::nullopt}), cmd(p3::stls{}), cmd(p3::utf8{})};
    return v;
}

} // namespace

// ---- whole dialogues -------------------------------------------------------------------

TEST_CASE("session: RFC 1939 §10 example session", "[pop3][session]") {
    p3::session s;
    CHECK(s.state() == session_state::authorization);
    CHECK(s.next_reply_kind() == p3::frame_kind::greeting);
    CHECK(s.awaiting() == 1);
    // S: +OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>
    REQUIRE(s.on_response(ok));
    CHECK_FALSE(s.next_reply_kind().has_value());
    // C: APOP mrose c4c9334bac560ecc979e58001b3e22fb   S: +OK mrose's maildrop has 2 messages
    exchange(s, p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}, ok);
    CHECK(s.state() == session_state::transaction);
    exchange(s, p3::stat{}, ok);
    s.on_command(p3::list{});
    CHECK(s.next_reply_multi_line(ok));
    CHECK_FALSE(s.next_reply_multi_line(err));
    REQUIRE(s.on_response(ok));
    exchange(s, p3::retr{1}, ok);
    exchange(s, p3::dele{1}, ok);
    exchange(s, p3::retr{2}, ok);
    exchange(s, p3::dele{2}, ok);
    // C: QUIT: the session is in UPDATE while the server removes the messages and answers.
    REQUIRE(s.allowed(p3::quit{}));
    s.on_command(p3::quit{});
    CHECK(s.state() == session_state::update);
    REQUIRE(s.on_response(ok)); // S: +OK dewey POP3 server signing off (maildrop empty)
    CHECK(s.state() == session_state::closed);
    CHECK(contains(refusal(s, p3::noop{}), "QUIT"));
    CHECK(contains(refusal(s, p3::quit{}), "QUIT"));
}

TEST_CASE("session: the seed slide's dialogue (user bob / pass hungry / list / retr 1 / dele 1 / retr 2 / dele 2 / quit)", "[pop3][session]") {
    // examples/transcripts/seed-pop3.txt, client side as typed (lower case, RFC 1939 §3), read
    // through command_reader and parse_command like a server would; every reply +OK.
    const std::string client = "user bob\r\npass hungry\r\nlist\r\nretr 1\r\ndele 1\r\nretr 2\r\ndele 2\r\nquit\r\n";
    p3::command_reader cr;
    REQUIRE(cr.feed(client) == client.size());
    p3::session s;
    REQUIRE(s.on_response(ok)); // S: +OK POP3 server ready
    struct step {
        session_state before;
        p3::frame_kind kind;
        session_state after;
    };
    const std::vector<step> steps = {
        {session_state::authorization, p3::frame_kind::single_line, session_state::authorization}, // user bob
        {session_state::authorization, p3::frame_kind::single_line, session_state::transaction},   // pass hungry
        {session_state::transaction, p3::frame_kind::multi_line_if_ok, session_state::transaction}, // list
        {session_state::transaction, p3::frame_kind::multi_line_if_ok, session_state::transaction}, // retr 1
        {session_state::transaction, p3::frame_kind::single_line, session_state::transaction},     // dele 1
        {session_state::transaction, p3::frame_kind::multi_line_if_ok, session_state::transaction}, // retr 2
        {session_state::transaction, p3::frame_kind::single_line, session_state::transaction},     // dele 2
        {session_state::transaction, p3::frame_kind::single_line, session_state::closed},          // quit
    };
    for (const step& st : steps) {
        auto c = cr.next_command();
        REQUIRE(c);
        INFO(p3::command_name(*c));
        CHECK(s.state() == st.before);
        REQUIRE(s.allowed(*c));
        s.on_command(*c);
        CHECK(s.next_reply_kind() == st.kind);
        if (std::holds_alternative<p3::quit>(*c)) CHECK(s.state() == session_state::update);
        REQUIRE(s.on_response(ok));
        CHECK(s.state() == st.after);
    }
    CHECK_FALSE(cr.next_command());
}

TEST_CASE("session: client side with response_reader, one framing decision for both", "[pop3][session]") {
    // The client pipelines; session and reader are told the same commands and must agree on
    // each reply's framing.
    p3::session s;
    p3::response_reader r;
    const std::vector<p3::command> sent = {cmd(p3::capa{}), cmd(p3::user{"bob"}), cmd(p3::pass{"hungry"}), cmd(p3::list{}),
                                           cmd(p3::list{2}), cmd(p3::uidl{}), cmd(p3::top{1, 0}), cmd(p3::quit{})};
    for (const auto& c : sent) {
        INFO(p3::command_name(c));
        REQUIRE(s.allowed(c)); // each allowed assuming the ones before it succeed
        s.on_command(c);
        r.expect_reply(c);
    }
    const std::string server = "+OK hi\r\n+OK\r\nUSER\r\nPIPELINING\r\n.\r\n+OK\r\n+OK logged in\r\n+OK 2\r\n1 10\r\n2 20\r\n.\r\n"
                               "-ERR no such message\r\n+OK\r\n1 a\r\n.\r\n+OK\r\nSubject: x\r\n\r\n.\r\n+OK bye\r\n";
    REQUIRE(r.feed(server) == server.size());
    std::size_t n = 0;
    for (auto f = r.next(); f; f = r.next(), ++n) {
        REQUIRE(s.next_reply_kind() == f->kind);
        CHECK(s.next_reply_multi_line(f->status) == f->multi_line);
        REQUIRE(s.on_response(f->status));
    }
    CHECK(n == 9);
    CHECK(s.state() == session_state::closed);
    CHECK(s.capabilities_known());
}

// ---- one rule each -------------------------------------------------------------------------

TEST_CASE("session: TRANSACTION-only commands are refused in AUTHORIZATION (RFC 1939 §5, §7)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    for (const auto& c : transaction_only()) {
        INFO(p3::command_name(c));
        CHECK(contains(refusal(s, c), "TRANSACTION"));
    }
    p3::session t = logged_in();
    for (const auto& c : transaction_only()) {
        INFO(p3::command_name(c));
        CHECK(t.allowed(c));
    }
}

TEST_CASE("session: AUTHORIZATION-only commands are refused in TRANSACTION", "[pop3][session]") {
    p3::session t = logged_in();
    for (const auto& c : authorization_only()) {
        INFO(p3::command_name(c));
        CHECK(contains(refusal(t, c), "AUTHORIZATION"));
    }
    // After a successful AUTH, no other AUTH (RFC 5034 §4).
    CHECK(contains(refusal(t, p3::auth{"PLAIN", std::string_view("AGJvYgBodW5ncnk=")}), "RFC 5034"));
}

TEST_CASE("session: CAPA, LANG, QUIT and extensions are allowed in both states (RFC 2449 §5, RFC 6856 §3.1)", "[pop3][session]") {
    p3::session a;
    REQUIRE(a.on_response(ok));
    p3::session t = logged_in();
    for (const p3::command& c : {cmd(p3::capa{}), cmd(p3::lang{}), cmd(p3::lang{"es"}), cmd(p3::lang{"*"}), cmd(p3::quit{}),
                                 cmd(p3::extension{"XTND", "XMIT"})}) {
        INFO(p3::command_name(c));
        CHECK(a.allowed(c));
        CHECK(t.allowed(c));
    }
    t.on_command(p3::lang{});
    CHECK(t.next_reply_multi_line(ok)); // a language listing (RFC 6856 §3.2)
    REQUIRE(t.on_response(ok));
    t.on_command(p3::lang{"es"});
    CHECK_FALSE(t.next_reply_multi_line(ok));
    REQUIRE(t.on_response(ok));
}

TEST_CASE("session: PASS only right after a successful USER (RFC 1939 §7)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    CHECK(contains(refusal(s, p3::pass{"x"}), "USER"));

    SECTION("USER -ERR: no PASS") {
        exchange(s, p3::user{"nobody"}, err);
        CHECK_FALSE(s.pass_due());
        CHECK(contains(refusal(s, p3::pass{"x"}), "USER"));
        CHECK(s.allowed(p3::user{"bob"}));
    }
    SECTION("USER +OK: PASS, and not another USER or APOP") {
        exchange(s, p3::user{"bob"}, ok);
        CHECK(s.pass_due());
        CHECK(s.allowed(p3::pass{"hungry"}));
        CHECK(contains(refusal(s, p3::user{"alice"}), "PASS is due"));
        CHECK(contains(refusal(s, p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}), "PASS is due"));
        CHECK(s.allowed(p3::quit{}));
    }
    SECTION("anything between USER and PASS breaks the pair") {
        exchange(s, p3::user{"bob"}, ok);
        exchange(s, p3::capa{}, ok);
        CHECK(contains(refusal(s, p3::pass{"hungry"}), "right after a successful USER"));
    }
    SECTION("PASS -ERR: USER starts again") {
        exchange(s, p3::user{"bob"}, ok);
        exchange(s, p3::pass{"wrong"}, err);
        CHECK(s.state() == session_state::authorization);
        CHECK(contains(refusal(s, p3::pass{"hungry"}), "USER"));
        exchange(s, p3::user{"bob"}, ok);
        exchange(s, p3::pass{"hungry"}, ok);
        CHECK(s.state() == session_state::transaction);
    }
}

TEST_CASE("session: APOP and AUTH log in, a failed one stays in AUTHORIZATION (RFC 1939 §7, RFC 5034 §4)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    exchange(s, p3::apop{"mrose", "c4c9334bac560ecc979e58001b3e22fb"}, err);
    CHECK(s.state() == session_state::authorization);
    exchange(s, p3::auth{"PLAIN", std::string_view("AGJvYgBodW5ncnk=")}, err);
    CHECK(s.state() == session_state::authorization);
    exchange(s, p3::auth{"PLAIN", std::string_view("AGJvYgBodW5ncnk=")}, ok);
    CHECK(s.state() == session_state::transaction);
}

TEST_CASE("session: QUIT in AUTHORIZATION closes without UPDATE (RFC 1939 §4)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    s.on_command(p3::quit{});
    CHECK(s.state() == session_state::authorization);
    REQUIRE(s.on_response(ok));
    CHECK(s.state() == session_state::closed);
}

TEST_CASE("session: QUIT in TRANSACTION enters UPDATE, closed after the reply whatever it says (RFC 1939 §6)", "[pop3][session]") {
    p3::session s = logged_in();
    s.on_command(p3::quit{});
    CHECK(s.state() == session_state::update);
    CHECK(contains(refusal(s, p3::noop{}), "QUIT"));
    REQUIRE(s.on_response(err)); // "-ERR some deleted messages not removed"
    CHECK(s.state() == session_state::closed);
}

TEST_CASE("session: a -ERR greeting closes the session, replies with nothing pending are unexpected", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(err));
    CHECK(s.state() == session_state::closed);
    CHECK(contains(refusal(s, p3::capa{}), "greeting"));
    auto extra = s.on_response(ok);
    REQUIRE_FALSE(extra);
    CHECK(extra.error().code == errc::unexpected_response);
    CHECK(extra.error().offset == 0);

    p3::session n(p3::expect_greeting::no);
    CHECK(n.awaiting() == 0);
    CHECK(n.state() == session_state::authorization);
    CHECK(n.allowed(p3::user{"bob"}));
}

TEST_CASE("session: STLS only in AUTHORIZATION, nothing until the handshake, capabilities re-read (RFC 2595 §4)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    exchange(s, p3::capa{}, ok);
    CHECK(s.capabilities_known());
    CHECK_FALSE(s.tls_active());
    REQUIRE(s.allowed(p3::stls{}));
    s.on_command(p3::stls{});
    CHECK(s.next_reply_kind() == p3::frame_kind::stls);
    // "Once a client issues a STLS command, it MUST NOT issue further commands until a server
    // response is seen and the TLS negotiation is complete."
    CHECK(contains(refusal(s, p3::capa{}), "STLS"));
    CHECK(contains(refusal(s, p3::quit{}), "STLS"));

    SECTION("+OK: handshake, then AUTHORIZATION again with TLS active") {
        REQUIRE(s.on_response(ok));
        CHECK(s.state() == session_state::tls_negotiation);
        CHECK(contains(refusal(s, p3::capa{}), "TLS handshake"));
        REQUIRE(s.tls_established());
        CHECK(s.state() == session_state::authorization);
        CHECK(s.tls_active());
        CHECK_FALSE(s.capabilities_known()); // must re-issue CAPA
        CHECK(contains(refusal(s, p3::stls{}), "already active"));
        exchange(s, p3::capa{}, ok);
        CHECK(s.capabilities_known());
        exchange(s, p3::user{"bob"}, ok);
        exchange(s, p3::pass{"hungry"}, ok);
        CHECK(s.state() == session_state::transaction);
        auto again = s.tls_established();
        REQUIRE_FALSE(again);
        CHECK(again.error().code == errc::bad_state);
    }
    SECTION("-ERR: still AUTHORIZATION, no TLS, STLS may be tried again") {
        REQUIRE(s.on_response(err));
        CHECK(s.state() == session_state::authorization);
        CHECK_FALSE(s.tls_active());
        CHECK(s.allowed(p3::stls{}));
        CHECK(s.capabilities_known());
        auto hs = s.tls_established();
        REQUIRE_FALSE(hs);
        CHECK(hs.error().code == errc::bad_state);
    }
    SECTION("not in TRANSACTION") {
        REQUIRE(s.on_response(err));
        exchange(s, p3::user{"bob"}, ok);
        exchange(s, p3::pass{"hungry"}, ok);
        CHECK(contains(refusal(s, p3::stls{}), "AUTHORIZATION"));
    }
}

TEST_CASE("session: AUTH exchange, continuations until the final reply (RFC 5034 §4)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    const p3::command a = p3::auth{"SCRAM-SHA-256", std::nullopt};
    REQUIRE(s.allowed(a));
    s.on_command(a);
    CHECK(s.next_reply_kind() == p3::frame_kind::auth);
    CHECK_FALSE(s.awaiting_auth_continuation());
    // No command while the AUTH is open: the client's next line answers the server.
    CHECK(contains(refusal(s, p3::capa{}), "AUTH"));

    REQUIRE(s.on_response(frame_status::continuation)); // S: + <challenge 1>
    CHECK(s.awaiting_auth_continuation());
    CHECK(s.next_reply_kind() == p3::frame_kind::auth);
    auto twice = s.on_response(frame_status::continuation);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == errc::unexpected_response);
    REQUIRE(s.on_auth_continuation(p3::auth_continuation{false, "Yz1iaXdz"})); // C: <response 1>
    CHECK_FALSE(s.awaiting_auth_continuation());
    auto unasked = s.on_auth_continuation(p3::auth_continuation{false, "Yz1iaXdz"});
    REQUIRE_FALSE(unasked);
    CHECK(unasked.error().code == errc::bad_state);
    REQUIRE(s.on_response(frame_status::continuation)); // S: + <challenge 2>
    REQUIRE(s.on_auth_continuation(p3::auth_continuation{false, ""}));

    SECTION("+OK: TRANSACTION") {
        REQUIRE(s.on_response(ok));
        CHECK(s.state() == session_state::transaction);
        CHECK(s.allowed(p3::stat{}));
        s.security_layer_established();
        CHECK_FALSE(s.capabilities_known());
    }
    SECTION("cancelled with \"*\": -ERR, still AUTHORIZATION, AUTH may be tried again") {
        REQUIRE(s.on_response(frame_status::continuation));
        REQUIRE(s.on_auth_continuation(p3::auth_continuation{true, ""}));
        REQUIRE(s.on_response(err));
        CHECK(s.state() == session_state::authorization);
        CHECK_FALSE(s.awaiting_auth_continuation());
        CHECK(s.allowed(a));
    }
}

TEST_CASE("session: a + challenge to anything but AUTH is unexpected", "[pop3][session]") {
    p3::session s = logged_in();
    s.on_command(p3::stat{});
    auto r = s.on_response(frame_status::continuation);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::unexpected_response);
    CHECK(contains(r.error().expected, "AUTH"));
    CHECK(s.on_response(ok)); // the real reply still pairs with STAT
    CHECK(s.awaiting() == 0);
}

TEST_CASE("session: server loop reads AUTH responses as continuations, not commands", "[pop3][session]") {
    // The server asks the session which kind of line comes next and reads it accordingly.
    const std::string client = "AUTH PLAIN\r\nAGJvYgBodW5ncnk=\r\nSTAT\r\n";
    p3::command_reader cr;
    REQUIRE(cr.feed(client) == client.size());
    p3::session s;
    REQUIRE(s.on_response(ok));
    auto c = cr.next_command();
    REQUIRE(c);
    REQUIRE(s.allowed(*c));
    s.on_command(*c);
    REQUIRE(s.on_response(frame_status::continuation)); // "+ "
    REQUIRE(s.awaiting_auth_continuation());
    auto resp = cr.next_auth_continuation();
    REQUIRE(resp);
    CHECK(resp->base64 == "AGJvYgBodW5ncnk=");
    REQUIRE(s.on_auth_continuation(*resp));
    REQUIRE(s.on_response(ok));
    REQUIRE_FALSE(s.awaiting_auth_continuation());
    auto stat = cr.next_command();
    REQUIRE(stat);
    CHECK(s.allowed(*stat));
}

TEST_CASE("session: UTF8 only in AUTHORIZATION, no STLS after it (RFC 6856 §2 and §2.1)", "[pop3][session]") {
    p3::session s;
    REQUIRE(s.on_response(ok));
    exchange(s, p3::utf8{}, ok);
    CHECK(s.utf8_active());
    CHECK(contains(refusal(s, p3::stls{}), "UTF8"));
    exchange(s, p3::user{"bob"}, ok);
    exchange(s, p3::pass{"hungry"}, ok);
    CHECK(contains(refusal(s, p3::utf8{}), "AUTHORIZATION"));
    p3::session f;
    REQUIRE(f.on_response(ok));
    exchange(f, p3::utf8{}, err);
    CHECK_FALSE(f.utf8_active());
    CHECK(f.allowed(p3::stls{}));
}

TEST_CASE("session: a pipelining client may send what would be allowed once earlier commands succeed (RFC 2449 §6.6)", "[pop3][session]") {
    p3::session s;
    // Before the greeting even arrives.
    for (const p3::command& c : {cmd(p3::user{"bob"}), cmd(p3::pass{"hungry"}), cmd(p3::stat{}), cmd(p3::list{})}) {
        INFO(p3::command_name(c));
        REQUIRE(s.allowed(c));
        s.on_command(c);
    }
    CHECK(s.awaiting() == 5);
    CHECK(s.state() == session_state::authorization);
    REQUIRE(s.on_response(ok)); // greeting
    REQUIRE(s.on_response(ok)); // USER
    CHECK(s.pass_due());
    SECTION("PASS +OK: the pipelined STAT and LIST were right") {
        REQUIRE(s.on_response(ok));
        CHECK(s.state() == session_state::transaction);
        CHECK(s.next_reply_kind() == p3::frame_kind::single_line);
        REQUIRE(s.on_response(ok));
        CHECK(s.next_reply_kind() == p3::frame_kind::multi_line_if_ok);
        REQUIRE(s.on_response(ok));
        CHECK(s.awaiting() == 0);
    }
    SECTION("PASS -ERR: the server refuses STAT and LIST, and so would allowed() now") {
        REQUIRE(s.on_response(err));
        CHECK(s.state() == session_state::authorization);
        REQUIRE(s.on_response(err)); // STAT
        REQUIRE(s.on_response(err)); // LIST: -ERR, one line
        CHECK(contains(refusal(s, p3::stat{}), "TRANSACTION"));
    }
    SECTION("nothing may be pipelined behind STLS or QUIT") {
        REQUIRE(s.on_response(ok));
        s.on_command(p3::quit{});
        CHECK(contains(refusal(s, p3::noop{}), "QUIT"));
        p3::session t;
        t.on_command(p3::stls{});
        CHECK(contains(refusal(t, p3::capa{}), "STLS"));
    }
}

TEST_CASE("session: to_string of each state", "[pop3][session]") {
    CHECK(p3::to_string(session_state::authorization) == "AUTHORIZATION");
    CHECK(p3::to_string(session_state::tls_negotiation) == "TLS negotiation");
    CHECK(p3::to_string(session_state::transaction) == "TRANSACTION");
    CHECK(p3::to_string(session_state::update) == "UPDATE");
    CHECK(p3::to_string(session_state::closed) == "closed");
}
