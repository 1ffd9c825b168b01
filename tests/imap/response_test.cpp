#include <mailwire/imap/response.hpp>

#include <mailwire/imap/framer.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::to_wire;
using namespace mailwire::imap;
using namespace std::string_literals;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

struct vector_entry {
    std::string where;
    std::string marker; ///< "", "~" or "! errc"
    std::string message;
};

/// Reads a responses-<rfc>.txt file (format: tests/vectors/imap/extract_responses.py).
std::vector<vector_entry> read_vectors(const std::string& name) {
    const std::string text = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/" + name);
    std::vector<vector_entry> out;
    std::istringstream in(text);
    std::string line;
    bool open = false;
    while (std::getline(in, line)) {
        if (line.rfind("@ ", 0) == 0) {
            if (open) out.back().message += "\r\n";
            out.push_back({line.substr(2), "", ""});
            open = false;
        } else if (!out.empty() && (line.rfind("! ", 0) == 0 || line.rfind("~ ", 0) == 0)) {
            const auto sp = line.find(' ', 2);
            out.back().marker = line[0] == '~' ? "~" : line.substr(2, sp - 2);
        } else if (!out.empty() && line.rfind("> ", 0) == 0) {
            if (open) out.back().message += "\r\n";
            out.back().message += line.substr(2);
            open = true;
        } else if (!out.empty() && line == ">") {
            if (open) out.back().message += "\r\n";
            open = true;
        }
    }
    if (open) out.back().message += "\r\n";
    return out;
}

const char* const vector_files[] = {
    "responses-rfc9051.txt", "responses-rfc3501.txt", "responses-rfc4315.txt", "responses-rfc4314.txt",
    "responses-rfc4959.txt", "responses-rfc4978.txt", "responses-rfc5161.txt", "responses-rfc5256.txt",
    "responses-rfc5258.txt", "responses-rfc5464.txt", "responses-rfc5819.txt", "responses-rfc6154.txt",
    "responses-rfc6851.txt", "responses-rfc7162.txt", "responses-rfc7889.txt", "responses-rfc8438.txt",
    "responses-rfc8474.txt", "responses-rfc8508.txt", "responses-rfc8514.txt", "responses-rfc8970.txt",
    "responses-rfc9208.txt", "responses-rfc9394.txt", "responses-rfc2971.txt", "responses-rfc2342.txt",
    "responses-rfc2177.txt", "responses-rfc3502.txt", "responses-rfc3691.txt", "responses-rfc4731.txt",
    "responses-rfc5182.txt", "responses-rfc5032.txt", "responses-rfc4466.txt", "responses-rfc2087.txt",
    "responses-rfc2221.txt", "responses-rfc5465.txt", "responses-rfc5466.txt", "responses-rfc5530.txt",
    "responses-rfc6203.txt", "responses-rfc7377.txt", "responses-rfc5267.txt", "responses-rfc5255.txt",
    "responses-rfc4469.txt", "responses-rfc2193.txt", "responses-rfc2088.txt", "responses-rfc3348.txt",
};

/// parse -> write -> parse (into a second storage) gives an equal value; returns the bytes.
std::string round_trip(const response& r, const parse_options& reparse = strict) {
    auto w = to_wire(r);
    REQUIRE(w.has_value());
    response_storage st2;
    auto again = parse_response(*w, st2, reparse);
    INFO(*w);
    REQUIRE(again.has_value());
    CHECK(*again == r);
    return *w;
}

/// Parses `msg` strictly, checks it writes back byte for byte and round-trips.
response parse_ok(std::string_view msg, response_storage& st, const parse_options& o = strict) {
    INFO(std::string(msg));
    auto r = parse_response(msg, st, o);
    if (!r) INFO(fmt::format("{} at {}: {}", mailwire::to_string(r.error().code), r.error().offset, r.error().expected));
    REQUIRE(r.has_value());
    return *r;
}

void check_canonical(std::string_view msg) {
    response_storage st;
    auto r = parse_ok(msg, st);
    CHECK(round_trip(r) == msg);
}

void check_error(std::string_view msg, errc code, std::size_t offset, const parse_options& o = strict) {
    response_storage st;
    auto r = parse_response(msg, st, o);
    INFO(std::string(msg));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == code);
    CHECK(r.error().offset == offset);
}

/// A lenient-only quirk: strict_violation at `offset` in strict mode; lenient parses, and
/// what it writes reads back equal (strictly, unless the quirk's bytes are kept as sent:
/// 8-bit bytes and Gmail's unquoted labels are written back as they came).
response check_quirk(std::string_view msg, std::size_t offset, response_storage& st, const parse_options& reparse = strict) {
    check_error(msg, errc::strict_violation, offset);
    auto r = parse_ok(msg, st, lenient);
    round_trip(r, reparse);
    return r;
}

} // namespace

// ---- RFC example vectors -------------------------------------------------------------------

TEST_CASE("RFC response vectors: every S: line parses, writes back byte for byte, round-trips") {
    std::size_t total = 0, canonical = 0, quirks = 0, rejected = 0;
    for (const char* file : vector_files) {
        const auto entries = read_vectors(file);
        INFO(file);
        REQUIRE_FALSE(entries.empty());
        for (const auto& e : entries) {
            INFO(e.where);
            INFO(e.message);
            ++total;
            response_storage st;
            auto r = parse_response(e.message, st, strict);
            if (e.marker.empty()) {
                if (!r) INFO(fmt::format("{} at {}: {}", mailwire::to_string(r.error().code), r.error().offset, r.error().expected));
                REQUIRE(r.has_value());
                CHECK(round_trip(*r) == e.message);
                ++canonical;
            } else if (e.marker == "~") {
                REQUIRE_FALSE(r.has_value());
                CHECK(r.error().code == errc::strict_violation);
                response_storage st2;
                auto l = parse_response(e.message, st2, lenient);
                REQUIRE(l.has_value());
                round_trip(*l, strict);
                ++quirks;
            } else {
                REQUIRE_FALSE(r.has_value());
                CHECK(mailwire::to_string(r.error().code) == e.marker);
                ++rejected;
            }
        }
    }
    CHECK(total > 1700);
    CHECK(canonical > 1600);
    CHECK(quirks > 20);
    CHECK(rejected < 70);
}

TEST_CASE("RFC 9051 §8 sample session: typed fields") {
    // RFC 9051 §8, the session the RFC walks through.
    response_storage st;
    auto g = parse_ok("* OK [CAPABILITY STARTTLS AUTH=SCRAM-SHA-256 LOGINDISABLED IMAP4rev2] IMAP4rev2 Service Ready\r\n", st);
    REQUIRE(is_greeting(g));
    const auto* s = g.get<status_response>();
    REQUIRE(s);
    CHECK(response_kind_name(g) == "ok");
    REQUIRE(s->text.has_code);
    CHECK(s->text.code.kind == code_kind::capability);
    CHECK(s->text.code.caps.size() == 4);
    CHECK(s->text.code.caps.contains("imap4rev2"));
    CHECK(s->text.text == "IMAP4rev2 Service Ready");

    auto t = parse_ok("a002 OK [READ-WRITE] SELECT completed\r\n", st);
    CHECK(response_kind_name(t) == "tagged_ok");
    CHECK(t.get<status_response>()->tag.text == "a002");
    CHECK(t.get<status_response>()->text.code.kind == code_kind::read_write);

    auto l = parse_ok("* LIST () \"/\" INBOX (\"OLDNAME\" (\"inbox\"))\r\n", st);
    const auto* ld = l.get<list_data>();
    REQUIRE(ld);
    CHECK(ld->mailbox.inbox);
    CHECK(ld->delimiter.raw == "/");
    REQUIRE(ld->oldname().is_list());
    CHECK((*ld->oldname().items.begin()).str.equals("inbox"));
    CHECK(ld->childinfo().is_nil());

    auto f = parse_ok("* 12 FETCH (BODY[HEADER] {342}\r\n" + std::string(340, 'x') + "\r\n)\r\n", st);
    const auto* fd = f.get<fetch_data>();
    REQUIRE(fd);
    CHECK(fd->number == 12);
    REQUIRE(fd->items.size() == 1);
    CHECK(fd->items[0].kind == fetch_item_kind::body_section);
    CHECK(fd->items[0].section.text == section_text_kind::header);
    CHECK(fd->items[0].string.form == string_form::literal);
    CHECK(fd->items[0].string.text.size() == 342);
    CHECK(response_kind_name(f) == "fetch");
}

// ---- Dovecot --------------------------------------------------------------------------------

TEST_CASE("Dovecot 2.3.19 capture: every framed message parses strictly and writes back byte for byte") {
    const std::string server = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-server.raw");
    REQUIRE(server.size() > 1000);
    framer f(framer_config{direction::server_to_client});
    std::string_view rest = server;
    std::size_t messages = 0, fetches = 0, bodystructures = 0;
    response_storage st;
    for (;;) {
        const auto ev = f.next(rest);
        if (ev.status == frame_status::need_more) break;
        REQUIRE(ev.status == frame_status::message);
        const std::string_view msg = ev.bytes(rest);
        auto r = parse_ok(msg, st);
        CHECK(round_trip(r) == msg);
        if (const auto* fd = r.get<fetch_data>()) {
            ++fetches;
            if (const auto* b = fd->find(fetch_item_kind::bodystructure)) {
                CHECK(b->body.valid());
                ++bodystructures;
            }
            if (const auto* e = fd->find(fetch_item_kind::envelope)) CHECK_FALSE(e->envelope.date.is_nil());
        }
        rest.remove_prefix(ev.consume);
        ++messages;
    }
    CHECK(rest.empty());
    CHECK(messages == 39);
    CHECK(fetches == 10);
    CHECK(bodystructures == 9);
}

TEST_CASE("Dovecot 2.3.19 extensions capture (LIST-EXTENDED, LIST-STATUS, STATUS=SIZE, ESEARCH, CONDSTORE, QRESYNC, BINARY, PREVIEW)") {
    // tests/vectors/imap/capture_dovecot_extensions.py against tests/interop/dovecot.sh.
    const std::string server = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-extensions-server.raw");
    REQUIRE(server.size() > 1000);
    framer f(framer_config{direction::server_to_client});
    std::string_view rest = server;
    std::size_t messages = 0;
    bool saw_status_size = false, saw_esearch = false, saw_vanished = false, saw_badcharset = false, saw_closed = false,
         saw_binary = false, saw_preview = false, saw_modseq_search = false, saw_copyuid = false, saw_thread = false;
    response_storage st;
    for (;;) {
        const auto ev = f.next(rest);
        if (ev.status == frame_status::need_more) break;
        REQUIRE(ev.status == frame_status::message);
        const std::string_view msg = ev.bytes(rest);
        auto r = parse_ok(msg, st);
        CHECK(round_trip(r) == msg);
        if (const auto* sd = r.get<status_data>())
            for (const auto& it : sd->items)
                if (it.kind == status_item_kind::size && it.number > 0) saw_status_size = true;
        if (const auto* e = r.get<esearch_data>()) {
            if (e->uid && e->items.size() == 4) {
                CHECK(e->tag.equals("c12"));
                CHECK(e->items[0].kind == esearch_item_kind::min);
                CHECK(e->items[2].set.text() == "1:9");
                CHECK(e->items[3].number == 9);
                saw_esearch = true;
            }
        }
        if (const auto* v = r.get<vanished_data>()) saw_vanished = !v->earlier && !v->uids.empty();
        if (const auto* s = r.get<status_response>()) {
            if (s->text.has_code && s->text.code.kind == code_kind::badcharset) saw_badcharset = true;
            if (s->text.has_code && s->text.code.kind == code_kind::closed) saw_closed = true;
            if (s->text.has_code && s->text.code.kind == code_kind::copyuid) saw_copyuid = true;
        }
        if (const auto* q = r.get<search_data>()) saw_modseq_search = saw_modseq_search || q->has_modseq;
        if (r.get<thread_data>()) saw_thread = true;
        if (const auto* fd = r.get<fetch_data>()) {
            if (const auto* b = fd->find(fetch_item_kind::binary)) saw_binary = b->string.text.size() == 49;
            if (const auto* p = fd->find(fetch_item_kind::preview)) saw_preview = !p->string.is_nil();
        }
        rest.remove_prefix(ev.consume);
        ++messages;
    }
    CHECK(rest.empty());
    CHECK(messages == 86);
    CHECK(saw_status_size);
    CHECK(saw_esearch);
    CHECK(saw_vanished);
    CHECK(saw_badcharset);
    CHECK(saw_closed);
    CHECK(saw_binary);
    CHECK(saw_preview);
    CHECK(saw_modseq_search);
    CHECK(saw_copyuid);
    CHECK(saw_thread);
}

TEST_CASE("steady state: a reused response_storage stops growing") {
    const std::string server = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-server.raw");
    response_storage st;
    auto pass = [&] {
        framer f(framer_config{direction::server_to_client});
        std::string_view rest = server;
        for (;;) {
            const auto ev = f.next(rest);
            if (ev.status != frame_status::message) break;
            REQUIRE(parse_response(ev.bytes(rest), st).has_value());
            rest.remove_prefix(ev.consume);
        }
    };
    pass();
    const auto cap = st.capacity_bytes();
    CHECK(cap > 0);
    pass();
    CHECK(st.capacity_bytes() == cap);
}

// ---- status responses and codes ---------------------------------------------------------------

TEST_CASE("greeting, tagged, untagged, BYE, continuation") {
    response_storage st;
    SECTION("PREAUTH greeting") {
        auto r = parse_ok("* PREAUTH IMAP4rev2 server logged in as Smith\r\n", st);
        CHECK(is_greeting(r));
        CHECK(response_kind_name(r) == "preauth");
        check_canonical("* PREAUTH IMAP4rev2 server logged in as Smith\r\n");
    }
    SECTION("BYE greeting and fatal") {
        auto r = parse_ok("* BYE Autologout; idle for too long\r\n", st);
        CHECK(response_kind_name(r) == "bye");
        CHECK(is_greeting(r));
    }
    SECTION("tagged NO and BAD") {
        auto r = parse_ok("A1 NO [TRYCREATE] no such mailbox\r\n", st);
        CHECK(response_kind_name(r) == "tagged_no");
        CHECK(r.get<status_response>()->text.code.kind == code_kind::trycreate);
        CHECK(response_kind_name(parse_ok("A2 BAD command unknown\r\n", st)) == "tagged_bad");
        CHECK_FALSE(is_greeting(parse_ok("A2 BAD command unknown\r\n", st)));
    }
    SECTION("tagged PREAUTH or BYE is not a response") {
        check_error("A1 BYE bye\r\n", errc::invalid_syntax, 3);
        check_error("A1 PREAUTH x\r\n", errc::invalid_syntax, 3);
        check_error("A1 HELLO x\r\n", errc::invalid_syntax, 3);
    }
    SECTION("RFC 9051 allows empty text after SP") {
        check_canonical("A1 OK \r\n");
        check_canonical("* OK [ALERT] \r\n");
    }
    SECTION("continuation: text and base64") {
        auto r = parse_ok("+ Ready for additional command text\r\n", st);
        CHECK(response_kind_name(r) == "continue");
        CHECK_FALSE(r.get<continue_req>()->is_base64());
        auto b = parse_ok("+ cj1yT3ByTkdmd0ViZVJXZ2JORWtxTyVodllEcFdVYTJSYVRDQWZ1eEZJbGopaE5sRiRrMCxzPVcyMlphSjBTTlk3c29Fc1VFamI2Z1E9PSxpPTQwOTY=\r\n", st);
        CHECK(b.get<continue_req>()->is_base64());
        check_canonical("+ \r\n");
        CHECK(parse_ok("+ \r\n", st).get<continue_req>()->is_base64());
    }
    SECTION("line end and trailing bytes") {
        check_error("* OK hi", errc::invalid_syntax, 7);
        check_error("* OK hi\r\nx", errc::invalid_syntax, 9);
        check_error("* OK h\0i\r\n"s, errc::invalid_syntax, 6);
        check_error("", errc::invalid_syntax, 0);
    }
}

TEST_CASE("resp-text-code: every typed code") {
    response_storage st;
    std::vector<std::unique_ptr<std::string>> keep; // the codes view their messages
    auto code = [&](const std::string& c) {
        keep.push_back(std::make_unique<std::string>("a OK [" + c + "] done\r\n"));
        const std::string& msg = *keep.back();
        INFO(msg);
        auto r = parse_response(msg, st);
        REQUIRE(r.has_value());
        CHECK(round_trip(*r) == msg);
        return r->get<status_response>()->text.code;
    };
    CHECK(code("ALERT").kind == code_kind::alert);
    {
        auto c = code("BADCHARSET (UTF-8 \"KOI8-R\")");
        CHECK(c.kind == code_kind::badcharset);
        CHECK(c.has_charsets);
        CHECK(c.charsets.size() == 2);
    }
    CHECK_FALSE(code("BADCHARSET").has_charsets);
    CHECK(code("CAPABILITY IMAP4rev2 IDLE").caps.size() == 2);
    CHECK(code("PARSE").kind == code_kind::parse);
    {
        auto c = code("PERMANENTFLAGS (\\Deleted \\Seen \\*)");
        CHECK(c.kind == code_kind::permanentflags);
        CHECK(c.flags.size() == 3);
    }
    CHECK(code("READ-ONLY").kind == code_kind::read_only);
    CHECK(code("READ-WRITE").kind == code_kind::read_write);
    CHECK(code("TRYCREATE").kind == code_kind::trycreate);
    CHECK(code("UIDNEXT 4392").number == 4392);
    CHECK(code("UIDVALIDITY 3857529045").number == 3857529045u);
    CHECK(code("UNSEEN 12").number == 12);
    {
        auto c = code("APPENDUID 38505 3955");
        CHECK(c.kind == code_kind::appenduid);
        CHECK(c.number == 38505);
        CHECK(c.set1.text() == "3955");
        auto m = code("APPENDUID 38505 3955:3957");
        CHECK(m.set1.text() == "3955:3957");
    }
    {
        auto c = code("COPYUID 38505 304,319:320 3956:3958");
        CHECK(c.kind == code_kind::copyuid);
        CHECK(c.set1.text() == "304,319:320");
        CHECK(c.set2.text() == "3956:3958");
    }
    CHECK(code("UIDNOTSTICKY").kind == code_kind::uidnotsticky);
    CHECK(code("HIGHESTMODSEQ 715194045007").number == 715194045007ull);
    CHECK(code("NOMODSEQ").kind == code_kind::nomodseq);
    CHECK(code("MODIFIED 7,9").set1.text() == "7,9");
    CHECK(code("CLOSED").kind == code_kind::closed);
    CHECK(code("REFERRAL IMAP://user;AUTH=*@SERVER2/SHARED/FOO").text == "IMAP://user;AUTH=*@SERVER2/SHARED/FOO");
    CHECK(code("COMPRESSIONACTIVE").kind == code_kind::compressionactive);
    for (auto k : {"UNAVAILABLE", "AUTHENTICATIONFAILED", "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED",
                   "CONTACTADMIN", "NOPERM", "INUSE", "EXPUNGEISSUED", "CORRUPTION", "SERVERBUG", "CLIENTBUG",
                   "CANNOT", "LIMIT", "OVERQUOTA", "ALREADYEXISTS", "NONEXISTENT", "TOOMANY", "NOPRIVATE",
                   "NOTSAVED", "TOOBIG", "UNKNOWN-CTE", "USEATTR", "HASCHILDREN"}) {
        auto c = code(k);
        CHECK(c.kind != code_kind::other);
        CHECK(keyword(c.kind) == k);
    }
    CHECK(code("LONGENTRIES 2199").number == 2199);
    CHECK(code("MAXSIZE 1024").number == 1024);
    CHECK(code("MAILBOXID (F2212ea87-6097-4256-9d51-71338625)").text == "F2212ea87-6097-4256-9d51-71338625");
    CHECK(code("BADURL IMAP://x/INBOX;UID=20").kind == code_kind::badurl);
    CHECK(code("WEBALERT https://example.com/a").text == "https://example.com/a");
    {
        auto c = code("X-SOMETHING some args here");
        CHECK(c.kind == code_kind::other);
        CHECK(c.name == "X-SOMETHING");
        CHECK(c.text == "some args here");
        CHECK(code("XYZZY").text.empty());
    }
    SECTION("a known code whose arguments do not fit its rule is the generic alternative") {
        // atom [SP 1*<any TEXT-CHAR except "]">] (RFC 9051 §9); RFC 9051 §6.4.4 shows it.
        auto c = code("BADCHARSET UTF-8");
        CHECK(c.kind == code_kind::other);
        CHECK(c.text == "UTF-8");
        CHECK(code("UIDNEXT 0").kind == code_kind::other);
        CHECK(code("ALERT now").kind == code_kind::other);
    }
    SECTION("code errors") {
        check_error("a OK [] x\r\n", errc::invalid_syntax, 6);
        check_error("a OK [ALERT x\r\n", errc::invalid_syntax, 13);
        check_error("a OK [ALERT]x\r\n", errc::invalid_syntax, 12);
    }
}

// ---- untagged data -----------------------------------------------------------------------------

TEST_CASE("CAPABILITY, ENABLED, FLAGS") {
    response_storage st;
    auto c = parse_ok("* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI LOGINDISABLED\r\n", st);
    CHECK(c.get<capability_data>()->caps.size() == 4);
    CHECK(c.get<capability_data>()->caps.contains("AUTH=GSSAPI"));
    check_error("* CAPABILITY\r\n", errc::invalid_syntax, 12);
    auto e = parse_ok("* ENABLED CONDSTORE QRESYNC\r\n", st);
    CHECK(e.get<enabled_data>()->caps.size() == 2);
    check_canonical("* ENABLED\r\n");
    auto f = parse_ok("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n", st);
    CHECK(f.get<flags_data>()->flags.size() == 6);
    CHECK(response_kind_name(f) == "flags");
}

TEST_CASE("LIST and LSUB") {
    response_storage st;
    auto l = parse_ok("* LIST (\\HasChildren \\Subscribed \\Sent) \".\" \"Sent Items\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n", st);
    const auto* d = l.get<list_data>();
    REQUIRE(d);
    CHECK(d->attributes.contains(mailbox_attr_kind::has_children));
    CHECK(d->attributes.contains(mailbox_attr_kind::sent));
    CHECK(d->mailbox.name.equals("Sent Items"));
    CHECK(d->childinfo().is_list());
    CHECK((*d->childinfo().items.begin()).str.equals("SUBSCRIBED"));
    check_canonical("* LIST (\\HasChildren \\Subscribed \\Sent) \".\" \"Sent Items\" (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n");
    auto n = parse_ok("* LIST (\\Noselect) NIL \"\"\r\n", st);
    CHECK(n.get<list_data>()->delimiter_nil);
    auto s = parse_ok("* LSUB () \"\\\\\" foo\r\n", st);
    CHECK(response_kind_name(s) == "lsub");
    CHECK(s.get<list_data>()->delimiter.decoded_size() == 1);
    check_canonical("* LSUB () \"\\\\\" foo\r\n");
    check_error("* LIST () \"ab\" foo\r\n", errc::invalid_syntax, 10);
    check_error("* LIST () \"/\" foo (\r\n", errc::invalid_syntax, 19);
}

TEST_CASE("STATUS with every item") {
    response_storage st;
    const std::string msg =
        "* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292 UIDVALIDITY 9 UNSEEN 3 DELETED 1 SIZE 654321 RECENT 0 "
        "HIGHESTMODSEQ 7011231777 APPENDLIMIT NIL MAILBOXID (F2212ea87) DELETED-STORAGE 12 X-FOO (1 2))\r\n";
    auto r = parse_ok(msg, st);
    const auto* d = r.get<status_data>();
    REQUIRE(d);
    REQUIRE(d->items.size() == 12);
    CHECK(d->items[0].kind == status_item_kind::messages);
    CHECK(d->items[0].number == 231);
    CHECK(d->items[5].kind == status_item_kind::size);
    CHECK(d->items[5].number == 654321);
    CHECK(d->items[7].number == 7011231777ull);
    CHECK(d->items[8].kind == status_item_kind::appendlimit);
    CHECK(d->items[8].nil);
    CHECK(d->items[9].objectid == "F2212ea87");
    CHECK(d->items[11].kind == status_item_kind::other);
    CHECK(d->items[11].name == "X-FOO");
    CHECK(round_trip(r) == msg);
    check_canonical("* STATUS INBOX ()\r\n");
    check_error("* STATUS INBOX (UIDNEXT 0)\r\n", errc::number_out_of_range, 24);
}

TEST_CASE("SEARCH, SORT, ESEARCH, THREAD") {
    response_storage st;
    auto s = parse_ok("* SEARCH 2 84 882 (MODSEQ 917162500)\r\n", st);
    const auto* sd = s.get<search_data>();
    REQUIRE(sd);
    CHECK(sd->numbers.size() == 3);
    CHECK(*sd->numbers.begin() == 2);
    CHECK(sd->has_modseq);
    CHECK(sd->modseq == 917162500);
    check_canonical("* SEARCH 2 84 882 (MODSEQ 917162500)\r\n");
    check_canonical("* SEARCH\r\n");
    check_canonical("* SORT 5 3 4 1 2\r\n");
    CHECK(response_kind_name(parse_ok("* SORT 5 3\r\n", st)) == "sort");
    check_error("* SEARCH 0\r\n", errc::number_out_of_range, 9);

    auto e = parse_ok("* ESEARCH (TAG \"A282\") UID MIN 2 MAX 47 COUNT 3 ALL 2,10:11 MODSEQ 12 PARTIAL (-1:-100 NIL) X-EXT (1 2)\r\n", st);
    const auto* ed = e.get<esearch_data>();
    REQUIRE(ed);
    CHECK(ed->has_tag);
    CHECK(ed->tag.equals("A282"));
    CHECK(ed->uid);
    REQUIRE(ed->items.size() == 7);
    CHECK(ed->items[0].kind == esearch_item_kind::min);
    CHECK(ed->items[1].number == 47);
    CHECK(ed->items[2].number == 3);
    CHECK(ed->items[3].set.text() == "2,10:11");
    CHECK(ed->items[4].kind == esearch_item_kind::modseq);
    CHECK(ed->items[5].kind == esearch_item_kind::partial);
    CHECK(ed->items[6].name == "X-EXT");
    check_canonical("* ESEARCH (TAG \"A282\") UID MIN 2 MAX 47 COUNT 3 ALL 2,10:11 MODSEQ 12 PARTIAL (-1:-100 NIL) X-EXT (1 2)\r\n");
    check_canonical("* ESEARCH\r\n");
    auto m = parse_ok("* ESEARCH (TAG \"t\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL 3\r\n", st);
    CHECK(m.get<esearch_data>()->mailbox.equals("folder1"));
    CHECK(m.get<esearch_data>()->uidvalidity == 1);
    check_canonical("* ESEARCH (TAG \"t\" MAILBOX \"folder1\" UIDVALIDITY 1) UID ALL 3\r\n");
    check_error("* ESEARCH ALL $\r\n", errc::invalid_syntax, 14);

    auto t = parse_ok("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n", st);
    const auto* td = t.get<thread_data>();
    REQUIRE(td);
    CHECK(td->threads.size() == 2);
    check_canonical("* THREAD (2)(3 6 (4 23)(44 7 96))\r\n");
    check_canonical("* THREAD\r\n");
    check_error("* THREAD 1\r\n", errc::invalid_syntax, 9);
    // RFC 5256 §5: thread-nested = 2*thread-list; members are nz-numbers; lists touch.
    check_error("* THREAD (1 (2))\r\n", errc::invalid_syntax, 15);
    check_error("* THREAD (1)(0)\r\n", errc::number_out_of_range, 13);
    check_error("* THREAD (1 A)\r\n", errc::invalid_syntax, 12);
    check_error("* THREAD (1) (2)\r\n", errc::invalid_syntax, 12);
    check_error("* THREAD ()\r\n", errc::invalid_syntax, 10);
    {
        auto nested = parse_ok("* THREAD ((3)(5))(7 (8)(9 10))\r\n", st);
        const auto* nested_td = nested.get<thread_data>();
        REQUIRE(nested_td != nullptr);
        CHECK(nested_td->threads.size() == 2);
    }
}

TEST_CASE("EXISTS, RECENT, EXPUNGE, VANISHED") {
    response_storage st;
    CHECK(parse_ok("* 23 EXISTS\r\n", st).get<message_count>()->number == 23);
    CHECK(response_kind_name(parse_ok("* 5 RECENT\r\n", st)) == "recent");
    CHECK(response_kind_name(parse_ok("* 44 EXPUNGE\r\n", st)) == "expunge");
    check_canonical("* 0 EXISTS\r\n");
    check_error("* 0 EXPUNGE\r\n", errc::number_out_of_range, 2);
    auto v = parse_ok("* VANISHED (EARLIER) 300:310,405,411\r\n", st);
    CHECK(v.get<vanished_data>()->earlier);
    CHECK(v.get<vanished_data>()->uids.text() == "300:310,405,411");
    check_canonical("* VANISHED (EARLIER) 300:310,405,411\r\n");
    check_canonical("* VANISHED 405\r\n");
    check_error("* VANISHED 1:*\r\n", errc::invalid_syntax, 13);
}

TEST_CASE("NAMESPACE, ID, QUOTA, QUOTAROOT, ACL, LISTRIGHTS, MYRIGHTS, METADATA") {
    response_storage st;
    auto n = parse_ok("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))(\"#public/\" \"/\"))\r\n", st);
    const auto* nd = n.get<namespace_data>();
    REQUIRE(nd);
    CHECK(nd->personal.items.size() == 1);
    CHECK(nd->shared.items.size() == 2);
    check_canonical("* NAMESPACE ((\"\" \"/\")) ((\"~\" \"/\")) ((\"#shared/\" \"/\" \"X-PARAM\" (\"FLAG1\" \"FLAG2\"))(\"#public/\" \"/\"))\r\n");
    check_canonical("* NAMESPACE NIL NIL NIL\r\n");
    check_error("* NAMESPACE (x) NIL NIL\r\n", errc::invalid_syntax, 13);
    check_error("* NAMESPACE ((\"\" \"ab\")) NIL NIL\r\n", errc::invalid_syntax, 17);
    CHECK(nd->shared_namespaces().size() == 2);
    CHECK((*nd->shared_namespaces().begin()).has_extension("X-PARAM"));
    CHECK(nd->personal_namespaces().size() == 1);
    CHECK(nd->other_users_namespaces().size() == 1);

    auto i = parse_ok("* ID (\"name\" \"Cyrus\" \"version\" \"1.5\" \"os\" NIL)\r\n", st);
    CHECK(i.get<id_data>()->params.items.size() == 6);
    check_canonical("* ID NIL\r\n");
    check_error("* ID (\"name\")\r\n", errc::invalid_syntax, 12);
    CHECK(i.get<id_data>()->fields().find("OS")->value.is_nil());

    auto q = parse_ok("* QUOTA \"\" (STORAGE 10 512)\r\n", st);
    CHECK(response_kind_name(q) == "quota");
    CHECK(q.get<mailbox_ext_data>()->args.size() == 1);
    CHECK(q.get<mailbox_ext_data>()->quota().find("STORAGE")->limit == 512);
    CHECK(q.get<mailbox_ext_data>()->acl().empty());
    check_error("* QUOTA \"\" (STORAGE 10 512x)\r\n", errc::invalid_syntax, 26);
    check_error("* ACL INBOX Fred\r\n", errc::invalid_syntax, 16);
    check_error("* METADATA INBOX (/a \"x\") /b\r\n", errc::invalid_syntax, 26);
    {
        // The writer refuses what would not re-parse: an identifier without rights.
        auto l = value_list::parse("Fred");
        REQUIRE(l);
        mailbox_ext_data acl{mailbox_ext_kind::acl, q.get<mailbox_ext_data>()->mailbox, *l};
        CHECK_FALSE(to_wire(response{acl}).has_value());
    }
    check_canonical("* QUOTA \"\" (STORAGE 10 512)\r\n");
    check_canonical("* QUOTAROOT INBOX \"\"\r\n");
    check_canonical("* QUOTAROOT comp.mail.mime\r\n");
    check_canonical("* ACL INBOX Fred rwipslxetad -Fred wetd\r\n");
    check_canonical("* LISTRIGHTS ~/Mail/saved smith la r swicdkxte\r\n");
    auto mr = parse_ok("* MYRIGHTS INBOX rwiptsldaex\r\n", st);
    CHECK(response_kind_name(mr) == "myrights");
    CHECK((*mr.get<mailbox_ext_data>()->args.begin()).text() == "rwiptsldaex");
    CHECK(mr.get<mailbox_ext_data>()->myrights().has_right('x'));
    check_canonical("* METADATA \"\" (/shared/comment \"Shared comment\")\r\n");
    check_canonical("* METADATA INBOX /shared/comment /private/comment\r\n");
    check_error("* MYRIGHTS INBOX\r\n", errc::invalid_syntax, 16);
}

TEST_CASE("any other untagged response is kept generically") {
    response_storage st;
    auto g = parse_ok("* XAPPLEPUSHSERVICE aps-version \"2\" aps-topic \"com.apple.mobilemail\"\r\n", st);
    const auto* gd = g.get<generic_data>();
    REQUIRE(gd);
    CHECK(gd->name == "XAPPLEPUSHSERVICE");
    CHECK(gd->args.size() == 4);
    CHECK(response_kind_name(g) == "generic");
    check_canonical("* XAPPLEPUSHSERVICE aps-version \"2\" aps-topic \"com.apple.mobilemail\"\r\n");
    check_canonical("* X-NESTED (a (b {3}\r\nc\rd) NIL) 12\r\n");
    auto num = parse_ok("* 3 XFOO bar\r\n", st);
    CHECK(num.get<generic_data>()->has_number);
    check_canonical("* 3 XFOO bar\r\n");
    check_canonical("* XBARE\r\n");
}

// ---- FETCH -----------------------------------------------------------------------------------

TEST_CASE("FETCH: every msg-att") {
    response_storage st;
    const std::string msg =
        "* 12 FETCH (FLAGS (\\Seen $Forwarded) UID 4827313 INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" "
        "RFC822.SIZE 44827 RFC822 NIL RFC822.HEADER {5}\r\nHdr\r\n RFC822.TEXT \"body\" "
        "ENVELOPE (\"Wed, 17 Jul 1996 02:23:25 -0700 (PDT)\" \"Subj\" ((\"Terry Gray\" NIL \"gray\" \"cac.washington.edu\")) "
        "NIL NIL NIL NIL NIL NIL \"<B27397-0100000@cac.washington.edu>\") "
        "BODY (\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 3028 92) "
        "BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)(\"TEXT\" \"HTML\" NIL NIL NIL \"7BIT\" 1 1) \"ALTERNATIVE\") "
        "BODY[1.2.HEADER.FIELDS (DATE FROM)]<0> {2}\r\nab "
        "BINARY[1] ~{3}\r\na\0b BINARY[] \"x\" BINARY.SIZE[1] 42 MODSEQ (624140003) EMAILID (M6d99ac3275bb4e) "
        "THREADID (T64b478a75b7ea9) SAVEDATE \"01-Jan-2020 10:00:00 +0000\" PREVIEW \"Hi there\" "
        "X-GM-MSGID 1278455344230334865 X-GM-THRID 1266894439832287888 X-GM-LABELS (\\Inbox \\Sent Important \"Muy Importante\") "
        "X-UNKNOWN (1 \"two\" NIL) BODY.PEEK[TEXT]<0.10> NIL)\r\n"s;
    auto r = parse_ok(msg, st);
    const auto* d = r.get<fetch_data>();
    REQUIRE(d);
    REQUIRE(d->items.size() == 24);
    using K = fetch_item_kind;
    const auto& it = d->items;
    CHECK(it[0].kind == K::flags);
    CHECK(it[0].flags.size() == 2);
    CHECK(it[1].kind == K::uid);
    CHECK(it[1].number == 4827313);
    CHECK(it[2].kind == K::internaldate);
    CHECK(it[2].date.year == 1996);
    CHECK(it[3].kind == K::rfc822_size);
    CHECK(it[3].number == 44827);
    CHECK(it[4].kind == K::rfc822);
    CHECK(it[4].string.is_nil());
    CHECK(it[5].kind == K::rfc822_header);
    CHECK(it[5].string.text == "Hdr\r\n");
    CHECK(it[6].kind == K::rfc822_text);
    CHECK(it[7].kind == K::envelope);
    CHECK(it[7].envelope.subject.equals("Subj"));
    CHECK(it[8].kind == K::body);
    CHECK(it[8].body.valid());
    CHECK(it[9].kind == K::bodystructure);
    CHECK(it[9].body.is_multipart());
    CHECK(it[10].kind == K::body_section);
    CHECK(it[10].section.text == section_text_kind::header_fields);
    CHECK(it[10].section.part.text() == "1.2");
    CHECK(it[10].has_origin);
    CHECK(it[10].origin == 0);
    CHECK(it[10].string.text == "ab");
    CHECK(it[11].kind == K::binary);
    CHECK(it[11].string.form == string_form::literal8);
    CHECK(it[11].string.text == "a\0b"s);
    CHECK(it[12].kind == K::binary);
    CHECK(it[13].kind == K::binary_size);
    CHECK(it[13].number == 42);
    CHECK(it[13].binary_section.part.text() == "1");
    CHECK(it[14].kind == K::modseq);
    CHECK(it[14].number == 624140003);
    CHECK(it[15].kind == K::emailid);
    CHECK(it[15].string.text == "M6d99ac3275bb4e");
    CHECK(it[16].kind == K::threadid);
    CHECK(it[17].kind == K::savedate);
    CHECK(it[17].date.year == 2020);
    CHECK(it[18].kind == K::preview);
    CHECK(it[18].string.equals("Hi there"));
    CHECK(it[19].number == 1278455344230334865ull);
    CHECK(it[20].kind == K::x_gm_thrid);
    CHECK(it[21].kind == K::x_gm_labels);
    CHECK(it[21].data.items.size() == 4);
    CHECK(it[22].kind == K::other);
    CHECK(it[22].name == "X-UNKNOWN");
    CHECK(it[23].kind == K::other);
    CHECK(it[23].name == "BODY.PEEK[TEXT]<0.10>");
    CHECK(d->find(K::uid) == &it[1]);
    CHECK(d->find(K::rfc822_size) == &it[3]);
    CHECK(round_trip(r) == msg);
    check_canonical("* 1 FETCH (THREADID NIL SAVEDATE NIL)\r\n");
    check_canonical("* 1 FETCH (BODY[] \"\")\r\n");
}

TEST_CASE("FETCH: a 50 MB literal is a view, never copied") {
    std::string msg = "* 1 FETCH (BODY[] {52428800}\r\n";
    const std::size_t at = msg.size();
    msg.append(52428800, 'x');
    msg += ")\r\n";
    response_storage st;
    auto r = parse_ok(msg, st);
    const auto& a = r.get<fetch_data>()->items[0];
    CHECK(a.string.text.size() == 52428800);
    CHECK(a.string.text.data() == msg.data() + at);
}

TEST_CASE("FETCH errors carry code and offset") {
    check_error("* 1 FETCH ()\r\n", errc::invalid_syntax, 11);
    check_error("* 0 FETCH (UID 1)\r\n", errc::number_out_of_range, 2);
    check_error("* 1 FETCH (UID 0)\r\n", errc::number_out_of_range, 15);
    check_error("* 1 FETCH (UID 1 FLAGS)\r\n", errc::invalid_syntax, 22);
    check_error("* 1 FETCH (MODSEQ (0))\r\n", errc::number_out_of_range, 20);
    check_error("* 1 FETCH (BODY[1] \"x\"\r\n", errc::invalid_syntax, 22);
    check_error("* 1 FETCH (RFC822.SIZE x)\r\n", errc::invalid_syntax, 23);
    check_error("* 1 FETCH (BODY[] {9}\r\nab)\r\n", errc::invalid_syntax, 28);
}

// ---- lenient quirks ------------------------------------------------------------------------------

TEST_CASE("quirk: trailing SP before CRLF (Exchange / Outlook STATUS, djc/imap-proto#152, modern-email/defects#9)") {
    response_storage st;
    auto r = check_quirk("* STATUS INBOX (MESSAGES 0) \r\n", 27, st);
    CHECK(r.get<status_data>()->items[0].number == 0);
    check_quirk("* CAPABILITY IMAP4rev1 \r\n", 22, st); // imap.exmail.qq.com, modern-email/defects#21
    check_quirk("* SEARCH \r\n", 8, st);                // GreenMail, djc/imap-proto#34
    check_quirk("* 3 EXISTS \r\n", 10, st);
}

TEST_CASE("quirk: doubled SP (DavMail over Exchange, python/cpython#117152, jazzband/imaplib2#59)") {
    response_storage st;
    auto r = check_quirk("*  1843 EXISTS\r\n", 2, st);
    CHECK(r.get<message_count>()->number == 1843);
    check_quirk("* LIST (\\HasNoChildren)  \"/\" INBOX\r\n", 24, st);
    check_quirk("* 1 FETCH (UID 1  FLAGS ())\r\n", 17, st);
}

TEST_CASE("quirk: SP before close paren in FETCH (imap.qq.com, jakartaee/mail-api#209)") {
    response_storage st;
    auto r = check_quirk("* 11487 FETCH (UID 19436 )\r\n", 24, st);
    CHECK(r.get<fetch_data>()->items[0].number == 19436);
}

TEST_CASE("quirk: blank line between responses (python/cpython#88574)") {
    response_storage st;
    check_error("\r\n", errc::strict_violation, 0);
    auto r = parse_ok("\r\n", st, lenient);
    CHECK(response_kind_name(r) == "blank_line");
    CHECK_FALSE(check_writable(r).has_value());
    CHECK(response_kind_name(parse_ok("\n", st, lenient)) == "blank_line");
    // Each blank line is a message of its own, as the framer frames it: bytes after one
    // are never read into it (the framer hands them over as the next message).
    check_error("\r\n* 1 EXISTS\r\n", errc::invalid_syntax, 2, lenient);
    check_error("\r\n\r\n", errc::invalid_syntax, 2, lenient);
    check_error("\r\n* 1 EXISTS\r\n", errc::strict_violation, 0);
}

TEST_CASE("quirk: a response code with no text (shortmail, mscdex/node-imap#197)") {
    response_storage st;
    auto r = check_quirk("* OK [UIDNEXT 4126422]\r\n", 22, st);
    CHECK(r.get<status_response>()->text.code.number == 4126422);
    CHECK(fmt::format("{}", r) == "* OK [UIDNEXT 4126422] \r\n");
}

TEST_CASE("quirk: status or plus with nothing after it (ppops.net, mscdex/node-imap#537)") {
    response_storage st;
    auto r = check_quirk("A6 OK\r\n", 5, st);
    CHECK(r.get<status_response>()->text.text.empty());
    check_quirk("* BYE\r\n", 5, st);
    check_quirk("+\r\n", 1, st);
    check_error("+x\r\n", errc::invalid_syntax, 1, lenient);
}

TEST_CASE("quirk: resp-text-code without a condition (Office365 / Exchange, ruby/net-imap#250)") {
    response_storage st;
    check_error("* [COPYUID 124 10 233] moved\r\n", errc::strict_violation, 2);
    auto r = parse_ok("* [COPYUID 124 10 233] moved\r\n", st, lenient);
    CHECK(response_kind_name(r) == "status_code_only");
    CHECK(r.get<status_response>()->text.code.kind == code_kind::copyuid);
    CHECK(r.get<status_response>()->text.code.set2.text() == "233");
    // Never written: it is not a response in either RFC.
    CHECK_FALSE(to_wire(r).has_value());
}

TEST_CASE("quirk: 8-bit bytes in text and quoted strings (Proton Mail Bridge, modern-email/defects#38)") {
    response_storage st;
    check_quirk("a NO Ung\xfcltig\r\n", 8, st, lenient);
    check_canonical("a NO Ung\xc3\xbcltig\r\n"); // UTF-8 text is RFC 9051
    auto r = check_quirk("* LIST () \"/\" \"Entw\xfcrfe\"\r\n", 19, st, lenient);
    CHECK(r.get<list_data>()->mailbox.name.text == "Entw\xfcrfe");
}

TEST_CASE("quirk: -1 as a size and in MODSEQ (Exchange/Dovecot, modern-email/defects#27, emersion/go-imap#534)") {
    response_storage st;
    auto r = parse_ok("* 1 FETCH (RFC822.SIZE -1 MODSEQ (-1))\r\n", st, lenient);
    const auto& it = r.get<fetch_data>()->items;
    CHECK(it[0].negative);
    CHECK(it[0].number == 0);
    CHECK(it[1].negative);
    check_error("* 1 FETCH (RFC822.SIZE -1)\r\n", errc::strict_violation, 23);
    check_error("* 1 FETCH (MODSEQ (-1))\r\n", errc::strict_violation, 19);
    check_error("* 1 FETCH (RFC822.SIZE -2)\r\n", errc::invalid_syntax, 24, lenient);
    // -1 is read, never written.
    CHECK_FALSE(to_wire(r).has_value());
    CHECK(fmt::format("{:v}", r).find("-1") != std::string::npos);
}

TEST_CASE("quirk: () where NIL belongs in NAMESPACE (server not identified: no public report found, listed by the project brief)") {
    response_storage st;
    auto r = parse_ok("* NAMESPACE ((\"\" \"/\")) () ()\r\n", st, lenient);
    CHECK(r.get<namespace_data>()->other_users.items.empty());
    check_error("* NAMESPACE ((\"\" \"/\")) () ()\r\n", errc::strict_violation, 23);
}

TEST_CASE("quirk: Gmail X-GM-LABELS with unquoted Label in brackets and NIL (jstedfast/MailKit#51)") {
    response_storage st;
    auto r = check_quirk("* 1 FETCH (X-GM-LABELS ([Mailbox] \\Inbox))\r\n", 24, st, lenient);
    CHECK(r.get<fetch_data>()->items[0].data.items.size() == 2);
    auto n = parse_ok("* 1 FETCH (X-GM-LABELS NIL)\r\n", st, lenient);
    CHECK(n.get<fetch_data>()->items[0].data.is_nil());
    check_error("* 1 FETCH (X-GM-LABELS NIL)\r\n", errc::strict_violation, 23);
    check_error("* 1 FETCH (X-GM-LABELS (a NIL))\r\n", errc::strict_violation, 26);
    check_canonical("* 1 FETCH (X-GM-LABELS (\"[Mailbox]\" \"\\\\Important\" +IMNews))\r\n");
    check_canonical("* 1 FETCH (X-GM-LABELS ())\r\n");
}

TEST_CASE("quirk: star flag without backslash in PERMANENTFLAGS (mscdex/node-imap#19)") {
    response_storage st;
    auto r = check_quirk("* OK [PERMANENTFLAGS (\\Seen *)] Limited\r\n", 28, st, lenient);
    CHECK(r.get<status_response>()->text.code.flags.size() == 2);
}

TEST_CASE("quirk: bare LF line end (server not identified: no public report found, listed by the project brief)") {
    response_storage st;
    auto r = check_quirk("* 2 EXISTS\n", 10, st);
    CHECK(r.get<message_count>()->number == 2);
    check_quirk("a1 OK done\n", 10, st);
}

// ---- limits -------------------------------------------------------------------------------------

TEST_CASE("depth budget: at, below and above max_depth") {
    parse_options o;
    o.max_depth = 4;
    auto nested = [](int n) {
        std::string v(static_cast<std::size_t>(n), '(');
        v += "x";
        v.append(static_cast<std::size_t>(n), ')');
        return v;
    };
    response_storage st;
    // Generic untagged value: depth counts its own parentheses.
    CHECK(parse_response("* XFOO " + nested(3) + "\r\n", st, o).has_value());
    CHECK(parse_response("* XFOO " + nested(4) + "\r\n", st, o).has_value());
    check_error("* XFOO " + nested(5) + "\r\n", errc::limit_exceeded, 11, o);
    // Inside FETCH the msg-att parenthesis counts too.
    CHECK(parse_response("* 1 FETCH (X-A " + nested(3) + ")\r\n", st, o).has_value());
    check_error("* 1 FETCH (X-A " + nested(4) + ")\r\n", errc::limit_exceeded, 18, o);
    // THREAD nesting.
    CHECK(parse_response("* THREAD (1 (2 (3 (4)(5))(6))(7))\r\n", st, o).has_value());
    check_error("* THREAD (1 (2 (3 (4 (5)(6))(7))(8))(9))\r\n", errc::limit_exceeded, 21, o);
}

TEST_CASE("literal size: at, below and above max_literal") {
    parse_options o;
    o.max_literal = 4;
    response_storage st;
    CHECK(parse_response("* 1 FETCH (BODY[] {3}\r\nabc)\r\n", st, o).has_value());
    CHECK(parse_response("* 1 FETCH (BODY[] {4}\r\nabcd)\r\n", st, o).has_value());
    check_error("* 1 FETCH (BODY[] {5}\r\nabcde)\r\n", errc::limit_exceeded, 18, o); // the "{", as the framer says
    check_error("* XFOO {5}\r\nabcde\r\n", errc::limit_exceeded, 7, o);
}

TEST_CASE("parse_response(buffered_framer::event): the framer's NUL finding spares the literal scan, never a check") {
    const std::string nul_in_literal("* 1 FETCH (BODY[] {3}\r\na\0b)\r\n", 29);
    const std::string nul_in_literal8("* 2 FETCH (BINARY[] ~{3}\r\na\0b)\r\n", 32);
    const std::string clean = "* 3 FETCH (BODY[] {3}\r\nabc)\r\n";
    buffered_framer f({direction::server_to_client});
    f.feed(nul_in_literal + nul_in_literal8 + clean);
    response_storage st;

    // A NUL in a literal: the event says the message holds one, so the literal is scanned
    // and the NUL refused where it is, even when the caller claims otherwise.
    auto e1 = f.next();
    REQUIRE(e1.status == frame_status::message);
    CHECK_FALSE(e1.nul_free);
    parse_options claims_nul_free;
    claims_nul_free.known_nul_free = true;
    for (const parse_options& o : {parse_options{}, claims_nul_free}) {
        auto r = parse_response(e1, st, o);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == errc::invalid_syntax);
        CHECK(r.error().offset == 24);
        CHECK(r.error().expected == "CHAR8 (NUL needs literal8)");
    }

    // literal8 may hold NUL.
    auto e2 = f.next();
    CHECK_FALSE(e2.nul_free);
    auto r2 = parse_response(e2, st);
    REQUIRE(r2.has_value());
    CHECK(r2->get<fetch_data>()->items[0].string.text == std::string_view("a\0b", 3));

    // No NUL: parsed the same as from the bytes, the literal a view into the framer's buffer.
    auto e3 = f.next();
    CHECK(e3.nul_free);
    auto r3 = parse_response(e3, st);
    REQUIRE(r3.has_value());
    const std::string_view text = r3->get<fetch_data>()->items[0].string.text;
    CHECK(text == "abc");
    CHECK(text.data() == e3.bytes.data() + 23);
    auto wire = to_wire(*r3);
    REQUIRE(wire.has_value());
    CHECK(*wire == clean);

    // Anything but a message event is bad_state.
    auto none = f.next();
    REQUIRE(none.status == frame_status::need_more);
    auto r4 = parse_response(none, st);
    REQUIRE_FALSE(r4.has_value());
    CHECK(r4.error().code == errc::bad_state);

    // The option by hand, as documented: set for bytes already checked, it skips the scan,
    // so a caller who sets it wrongly gets the NUL taken (hence the event overload).
    CHECK(parse_response(nul_in_literal, st, claims_nul_free).has_value());
    CHECK_FALSE(parse_response(nul_in_literal, st).has_value());
}

TEST_CASE("list length: at and above max_list") {
    parse_options o;
    o.max_list = 3;
    response_storage st;
    CHECK(parse_response("* SEARCH 1 2 3\r\n", st, o).has_value());
    check_error("* SEARCH 1 2 3 4\r\n", errc::limit_exceeded, 15, o);
    CHECK(parse_response("* 1 FETCH (UID 1 UID 2 UID 3)\r\n", st, o).has_value());
    check_error("* 1 FETCH (UID 1 UID 2 UID 3 UID 4)\r\n", errc::limit_exceeded, 29, o);
    CHECK(parse_response("* CAPABILITY A B C\r\n", st, o).has_value());
    check_error("* CAPABILITY A B C D\r\n", errc::limit_exceeded, 19, o);
}

// ---- writing ---------------------------------------------------------------------------------------

TEST_CASE("a server builds responses that are always valid") {
    SECTION("status responses") {
        status_response ok{true, tag{"A1"}, status_kind::ok, {}};
        ok.text.text = "done";
        CHECK(*to_wire(response{ok}) == "A1 OK done\r\n");
        ok.text.has_code = true;
        ok.text.code.kind = code_kind::uidnext;
        ok.text.code.number = 7;
        CHECK(*to_wire(response{ok}) == "A1 OK [UIDNEXT 7] done\r\n");
        ok.text.code.number = 0;
        CHECK(to_wire(response{ok}).error().code == errc::unsafe_value);
        ok.text.has_code = false;
        ok.text.text = "inject\r\n* BYE";
        CHECK(to_wire(response{ok}).error().code == errc::unsafe_value);
        ok.text.text = "[ALERT] looks like a code";
        CHECK_FALSE(to_wire(response{ok}).has_value());
        ok.text.text = "x";
        ok.tag = tag{"A+1"};
        CHECK_FALSE(to_wire(response{ok}).has_value());
        ok.tag = tag{""};
        CHECK_FALSE(to_wire(response{ok}).has_value());
        status_response bye{true, tag{"A1"}, status_kind::bye, {}};
        CHECK_FALSE(to_wire(response{bye}).has_value());
    }
    SECTION("codes") {
        status_response s{false, {}, status_kind::no, {}};
        s.text.has_code = true;
        s.text.code.kind = code_kind::other;
        s.text.code.name = "X-FOO";
        s.text.code.text = "a]b";
        CHECK_FALSE(to_wire(response{s}).has_value());
        s.text.code.text = "ab";
        CHECK(*to_wire(response{s}) == "* NO [X-FOO ab] \r\n");
        s.text.code.name = "UIDNEXT";
        s.text.code.text = "5"; // would read back as the typed code
        CHECK_FALSE(to_wire(response{s}).has_value());
        s.text.code.text = "abc"; // would not: the generic alternative
        CHECK(to_wire(response{s}).has_value());
    }
    SECTION("FETCH") {
        msg_att items[2];
        items[0].kind = fetch_item_kind::uid;
        items[0].number = 9;
        items[1].kind = fetch_item_kind::body_section;
        items[1].string = *string_value::from_content("line\r\nline");
        fetch_data f{4, list_view<msg_att>(std::span<const msg_att>(items))};
        CHECK(*to_wire(response{f}) == "* 4 FETCH (UID 9 BODY[] {10}\r\nline\r\nline)\r\n");
        items[1].string = string_value{string_form::quoted, "a\r\nb", false, false};
        CHECK_FALSE(to_wire(response{f}).has_value());
        items[1].string = string_value::nil();
        items[0].number = 0;
        CHECK_FALSE(to_wire(response{f}).has_value());
        fetch_data empty{4, {}};
        CHECK_FALSE(to_wire(response{empty}).has_value());
    }
    SECTION("data responses") {
        CHECK(*to_wire(response{message_count{message_count_kind::exists, 3}}) == "* 3 EXISTS\r\n");
        CHECK_FALSE(to_wire(response{message_count{message_count_kind::expunge, 0}}).has_value());
        CHECK(*to_wire(response{capability_data{capability_list("IMAP4rev2 IDLE")}}) == "* CAPABILITY IMAP4rev2 IDLE\r\n");
        CHECK_FALSE(to_wire(response{capability_data{capability_list("")}}).has_value());
        CHECK_FALSE(to_wire(response{capability_data{capability_list("A\r\nB")}}).has_value());
        CHECK(*to_wire(response{search_data{false, number_list("1 5"), true, 9}}) == "* SEARCH 1 5 (MODSEQ 9)\r\n");
        CHECK_FALSE(to_wire(response{search_data{false, number_list("1 0"), false, 0}}).has_value());
        generic_data g{false, 0, "FLAGS", {}};
        CHECK(to_wire(response{g}).has_value()); // an atom name; typed FLAGS would need a list
        g.name = "OK";
        CHECK_FALSE(to_wire(response{g}).has_value());
        g.name = "A B";
        CHECK_FALSE(to_wire(response{g}).has_value());
    }
}

TEST_CASE("{:v} dumps and response_kind_name") {
    response_storage st;
    auto r = parse_ok("* 1 FETCH (UID 7 BODY[] {3}\r\na\rb)\r\n", st);
    const auto v = fmt::format("{:v}", r);
    CHECK(v.rfind("fetch ", 0) == 0);
    CHECK(v.find("\\r\\n") != std::string::npos);
    CHECK(v.find('\n') == std::string::npos);
    CHECK(fmt::format("{:v}", parse_ok("* OK [ALERT] hi\r\n", st)) == "ok \"* OK [ALERT] hi\"");
}

using namespace std::string_view_literals;

namespace {
// The first framing event over `bytes` from a server: its status and size.
frame_event frame_first(std::string_view bytes, const parse_options& o = parse_options{}) {
    framer f(framer_config{direction::server_to_client}, o);
    return f.next(bytes);
}
} // namespace

TEST_CASE("no literal in a response code: BADCHARSET takes atom or quoted charsets only, parsed or written") {
    response_storage st;
    SECTION("parsed: refused in both modes, where the framer ends the status line") {
        const std::string msg = "* NO [BADCHARSET ({3}\r\nabc)] x\r\n";
        const auto ev = frame_first(msg);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.size == 23); // "* NO [BADCHARSET ({3}" CRLF: free text, no literal
        for (const auto* o : {&strict, &lenient}) {
            auto r = parse_response(msg, st, *o);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().code == errc::invalid_syntax);
        }
        // The typed rule refuses the literal; the generic alternative's text ends at the CR.
        check_error("* NO [BADCHARSET ({3}\r\n", errc::invalid_syntax, 21, lenient);
        check_error("+ [BADCHARSET (~{1}\r\nx)] go\r\n", errc::invalid_syntax, 19);
        // An atom holding "[" would not read back from the typed charset list: the code is
        // kept by the generic alternative, as text, and written back as it came.
        const std::string_view odd = "a NO [BADCHARSET (a[b)] x\r\n";
        auto r = parse_response(odd, st);
        REQUIRE(r.has_value());
        CHECK(r->get<status_response>()->text.code.kind == code_kind::other);
        CHECK(r->get<status_response>()->text.code.text == "(a[b)");
        CHECK(*to_wire(*r) == odd);
    }
    SECTION("atoms and quoted strings still parse and write back") {
        for (std::string_view msg : {"a NO [BADCHARSET (UTF-8 \"KOI8-R\" US-ASCII)] no\r\n"sv, "+ [BADCHARSET (\"a b\")] go\r\n"sv}) {
            auto r = parse_response(msg, st);
            REQUIRE(r.has_value());
            CHECK(*to_wire(*r) == msg);
            CHECK(frame_first(msg).size == msg.size());
        }
    }
    SECTION("written: a charset that needs a literal is refused, tagged and in a continuation request") {
        const auto inject = string_value::from_content("x\r\nA001 OK LOGIN completed");
        REQUIRE(inject.has_value());
        REQUIRE(inject->form == string_form::literal);
        const std::string list_text = fmt::format("{}", *inject);
        auto list = value_list::parse(list_text);
        REQUIRE(list.has_value()); // a generic list may hold a literal; a code may not
        resp_text text;
        text.has_code = true;
        text.code.kind = code_kind::badcharset;
        text.code.has_charsets = true;
        text.code.charsets = *list;
        text.text = "charset not supported";
        CHECK(check_writable(text).error().code == errc::unsafe_value);
        CHECK(to_wire(response{status_response{true, tag{"A002"}, status_kind::no, text}}).error().code == errc::unsafe_value);
        CHECK(to_wire(response{continue_req{text}}).error().code == errc::unsafe_value);
        auto quoted = value_list::parse("\"x y\" UTF-8");
        REQUIRE(quoted.has_value());
        text.code.charsets = *quoted;
        CHECK(*to_wire(response{status_response{true, tag{"A002"}, status_kind::no, text}}) ==
              "A002 NO [BADCHARSET (\"x y\" UTF-8)] charset not supported\r\n");
    }
}

TEST_CASE("parser and framer agree: a server never sends a non-synchronizing literal") {
    response_storage st;
    for (std::string_view msg : {"* XFOO {1+}\r\nx\r\n"sv, "* 1 FETCH (BODY[] {1+}\r\nx)\r\n"sv, "* 1 FETCH (BINARY[] ~{1+}\r\nx)\r\n"sv}) {
        INFO(std::string(msg));
        const auto ev = frame_first(msg);
        REQUIRE(ev.status == frame_status::error);
        CHECK(ev.error.code == errc::invalid_syntax);
        for (const auto* o : {&strict, &lenient}) {
            auto r = parse_response(msg, st, *o);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().code == errc::invalid_syntax);
            CHECK(r.error().offset == ev.error.offset); // at the "+", as the framer says
        }
    }
    SECTION("a string value marked non-synchronizing is written synchronizing in a response") {
        auto s = string_value::from_content("a\r\nb", string_context{.literal_plus = true});
        REQUIRE(s.has_value());
        REQUIRE(s->non_sync);
        msg_att item;
        item.kind = fetch_item_kind::body_section;
        item.string = *s;
        fetch_data f{1, list_view<msg_att>(std::span<const msg_att>(&item, 1))};
        const auto w = to_wire(response{f});
        REQUIRE(w.has_value());
        CHECK(*w == "* 1 FETCH (BODY[] {4}\r\na\r\nb)\r\n");
        CHECK(frame_first(*w).size == w->size());
        auto again = parse_response(*w, st);
        REQUIRE(again.has_value());
        CHECK(again->get<fetch_data>()->items[0].string == *s); // equal by content
    }
}

TEST_CASE("parser and framer agree on lenient status lines and generic tokens") {
    response_storage st;
    SECTION("a response code with no status is free text: no literal after it") {
        const std::string_view msg = "* [FETH (BODY[] {3}\r\n";
        auto r = parse_response(msg, st, lenient);
        REQUIRE(r.has_value());
        const auto ev = frame_first(msg, lenient);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.size == msg.size());
        check_error(msg, errc::strict_violation, 2);
    }
    SECTION("a doubled SP before the status keyword") {
        const std::string_view msg = "*  OK x {3}\r\n";
        REQUIRE(parse_response(msg, st, lenient).has_value());
        const auto ev = frame_first(msg, lenient);
        REQUIRE(ev.status == frame_status::message);
        CHECK(ev.size == msg.size());
    }
    SECTION("a generic token never ends in what a framer reads as a literal announcement") {
        // "{" is an atom-special: "a{5}" CRLF announces a literal to every framer.
        check_error("* XFOO a{5}\r\n", errc::invalid_syntax, 8);
        check_error("* XFOO \x88{5}\r\n"s, errc::invalid_syntax, 8, lenient);
        const std::string framed = "* XFOO a{5}\r\n12345\r\n";
        CHECK(frame_first(framed).size == framed.size());
        CHECK_FALSE(parse_response(framed, st, lenient).has_value());
    }
}

TEST_CASE("parse_response enforces the framer's limits without a framer: at, below and above each") {
    response_storage st;
    SECTION("max_line") {
        parse_options o;
        o.max_line = 32;
        const std::string at = "* OK " + std::string(32 - 7, 'x') + "\r\n";
        REQUIRE(at.size() == 32);
        CHECK(parse_response(at, st, o).has_value());
        check_error("* OK " + std::string(32 - 6, 'x') + "\r\n", errc::limit_exceeded, 32, o);
        check_error("* OK " + std::string(200 * 1024, 'x') + "\r\n", errc::limit_exceeded, parse_options{}.max_line);
        // Literal data does not count toward a line.
        CHECK(parse_response("* 1 FETCH (BODY[] {40}\r\n" + std::string(40, 'b') + ")\r\n", st, o).has_value());
    }
    SECTION("max_literals_per_message") {
        parse_options o;
        o.max_literals_per_message = 2;
        CHECK(parse_response("* 1 FETCH (BODY[1] {1}\r\na BODY[2] {1}\r\nb)\r\n", st, o).has_value());
        check_error("* 1 FETCH (BODY[1] {1}\r\na BODY[2] {1}\r\nb BODY[3] {1}\r\nc)\r\n", errc::limit_exceeded, 49, o); // the third "{"
        std::string many = "* XFOO (";
        for (int i = 0; i < 2000; ++i) many += (i ? " {1}\r\nm" : "{1}\r\nm");
        many += ")\r\n";
        auto r = parse_response(many, st);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == errc::limit_exceeded);
        CHECK(r.error().expected == "max_literals_per_message");
    }
    SECTION("max_message") {
        parse_options o;
        o.max_message = 20;
        CHECK(parse_response("* 1 FETCH (UID 12)\r\n", st, o).has_value()); // 20 octets
        check_error("* 1 FETCH (UID 123)\r\n", errc::limit_exceeded, 20, o);
        check_error("* 1 FETCH (BODY[] {9}\r\n123456789)\r\n", errc::limit_exceeded, 20, o); // the line crosses it first
    }
}

TEST_CASE("parse_response refuses a literal above max_literal with the framer's code, offset and name") {
    // Without a framer in front, and with the message too short for check_message_limits to
    // frame it: the literal rule alone sees the size, and says what the framer says.
    parse_options o;
    o.max_literal = 4;
    response_storage st;
    for (const std::string open : {"* 1 FETCH (BODY[] {", "* 1 FETCH (BINARY[] ~{", "* XFOO ({"}) {
        for (const std::uint64_t n : {std::uint64_t{3}, std::uint64_t{4}, std::uint64_t{5}, std::uint64_t{4000000000}}) {
            const std::string msg = open + std::to_string(n) + "}\r\n" + (n < 10 ? std::string(n, 'd') : "") + ")\r\n";
            INFO(msg);
            auto r = parse_response(msg, st, o);
            if (n <= o.max_literal) {
                CHECK(r.has_value());
                continue;
            }
            REQUIRE_FALSE(r.has_value());
            framer f(framer_config{direction::server_to_client}, o);
            const frame_event ev = f.next(msg);
            REQUIRE(ev.status == frame_status::error);
            CHECK(r.error().code == errc::limit_exceeded);
            CHECK(r.error().offset == std::min(open.find('~'), open.find('{'))); // the "~" of "~{"
            CHECK(r.error().expected == "max_literal");
            CHECK(r.error() == ev.error);
        }
    }
}
