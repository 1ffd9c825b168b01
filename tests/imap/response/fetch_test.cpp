#include <mailwire/imap/response/fetch.hpp>

#include <string>
#include <string_view>
#include <vector>
#include <cctype>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using namespace mailwire::imap;
using namespace std::string_literals;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

msg_att item(std::string_view text, body_storage& st, const parse_options& o = strict) {
    INFO(std::string(text));
    auto r = parse_all(text, [&](scanner& s) { return rules::msg_att_item(s, st, o); });
    REQUIRE(r.has_value());
    return *r;
}

} // namespace

TEST_CASE("msg_att_item: each kind writes back byte for byte") {
    body_storage st;
    for (std::string_view t : {
             "FLAGS (\\Seen \\Recent)", "UID 1", "INTERNALDATE \" 7-Feb-1994 21:52:25 -0800\"", "RFC822.SIZE 0",
             "RFC822 {2}\r\nab", "RFC822.HEADER NIL", "RFC822.TEXT \"x\"",
             "ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)",
             "BODY (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 0 0)",
             "BODYSTRUCTURE (\"APPLICATION\" \"OCTET-STREAM\" NIL NIL NIL \"BASE64\" 4 NIL NIL NIL NIL)",
             "BODY[]<42> NIL", "BODY[1.MIME] \"\"", "BINARY[1.2] ~{1}\r\n\x01", "BINARY.SIZE[] 7",
             "MODSEQ (1)", "EMAILID (a)", "THREADID NIL", "SAVEDATE NIL", "PREVIEW NIL",
             "X-GM-MSGID 0", "X-GM-THRID 9223372036854775807", "X-GM-LABELS ()", "X-SNIPPET \"s\"",
             // Unknown items whose names tokenize as NIL or a number (fuzz_imap_response).
             "NIL INL", "nil NIL", "15 0",
         }) {
        auto a = item(t, st);
        CHECK(fmt::format("{}", a) == t);
        CHECK(check_writable(a).has_value());
    }
}

TEST_CASE("msg_att_item: typed fields") {
    body_storage st;
    auto b = item("BODY[HEADER.FIELDS.NOT (X-A)]<7> {0}\r\n", st);
    CHECK(b.kind == fetch_item_kind::body_section);
    CHECK(b.section.text == section_text_kind::header_fields_not);
    CHECK(b.section.fields.contains("x-a"));
    CHECK(b.origin == 7);
    CHECK(b.string.text.empty());
    auto s = item("BODYSTRUCTURE ((\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)(\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1) \"MIXED\")", st);
    REQUIRE(s.body.valid());
    CHECK(s.body.is_multipart());
    auto d = item("INTERNALDATE \"17-Jul-1996 02:44:25 -0700\"", st);
    CHECK(d.date.tz.negative);
    CHECK(d.date.time.hour == 2);
}

TEST_CASE("msg_att_item: rejections") {
    body_storage st;
    auto bad = [&](std::string_view t, errc code, std::size_t offset, const parse_options& o = strict) {
        INFO(std::string(t));
        scanner s(t);
        auto r = rules::msg_att_item(s, st, o);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == code);
        CHECK(r.error().offset == offset);
    };
    bad("UID x", errc::invalid_syntax, 4);
    bad("EMAILID ()", errc::invalid_syntax, 9);
    bad("THREADID x", errc::invalid_syntax, 9);
    bad("BINARY[1] ~{2}\r\n\0"s, errc::invalid_syntax, 17);
    bad("BODY[1] ~{1}\r\nx", errc::invalid_syntax, 8); // literal8 only in BINARY
    bad("X-GM-LABELS ([a])", errc::strict_violation, 13);
    bad("MODSEQ (-1)", errc::strict_violation, 8);
    bad("ENVELOPE NIL", errc::invalid_syntax, 9);
    CHECK(item("MODSEQ (-1)", st, lenient).negative);
}

TEST_CASE("msg_att: check_writable") {
    msg_att a;
    a.kind = fetch_item_kind::emailid;
    a.string = string_value{string_form::atom, "bad id", false, false};
    CHECK_FALSE(check_writable(a).has_value());
    a.kind = fetch_item_kind::rfc822;
    a.string = string_value{string_form::atom, "atom", false, false};
    CHECK_FALSE(check_writable(a).has_value()); // nstring: no atom form
    a.kind = fetch_item_kind::body;
    CHECK_FALSE(check_writable(a).has_value()); // no body handle
    a.kind = fetch_item_kind::other;
    a.name = "TWO WORDS";
    CHECK_FALSE(check_writable(a).has_value());
}

// fetch_item_name() reads and classifies a msg-att name 16 bytes at a time when 16 bytes
// are left and the byte loop otherwise; both must give the name and kind that
// take_while + classify_fetch_item give, in any letter case, for every known name, for
// near misses and for names of every length up to past 16.
TEST_CASE("msg-att names read and classified the same by the 16-byte path and the byte loop", "[fetch]") {
    namespace resp = mailwire::imap::detail::resp;
    std::vector<std::string> names;
    for (auto n : mailwire::imap::detail::fetch_item_names) {
        std::string lower(n), mixed(n);
        for (std::size_t i = 0; i < lower.size(); ++i) {
            lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(lower[i])));
            if (i % 2) mixed[i] = lower[i];
        }
        names.insert(names.end(), {std::string(n), lower, mixed, std::string(n) + "X", std::string(n).substr(1),
                                   std::string(n).substr(0, n.size() - 1) + "_"});
    }
    for (std::size_t len = 1; len <= 18; ++len) names.push_back(std::string(len, 'A'));
    names.insert(names.end(), {"X-GM-MSGIE", "RFC822.SIZF", "BODY_STRUCTURE", "UID2", "U1D", "\x80UID", "UID\x80"});
    std::size_t checked = 0;
    for (const auto& name : names)
        for (std::string_view after : {" 1 2 3 4 5 6 7 8 9 10 11 12", "[] NIL", " ", ""}) {
            const std::string text = name + std::string(after);
            INFO(text);
            scanner fast(text);
            fetch_item_kind kind = fetch_item_kind::flags;
            const auto got = resp::fetch_item_name(fast, kind);
            scanner slow(text);
            const auto want = slow.take_while(resp::fetch_name_char);
            CHECK(got == want);
            CHECK(got.data() == want.data());
            CHECK(fast.pos() == slow.pos());
            CHECK(kind == resp::classify_fetch_item(want));
            ++checked;
        }
    CHECK(checked == names.size() * 4);
    // Every known name is recognised through the fast path (16 bytes follow it).
    for (std::size_t i = 0; i < std::size(mailwire::imap::detail::fetch_item_names); ++i) {
        const std::string text = std::string(mailwire::imap::detail::fetch_item_names[i]) + " 0123456789abcdef";
        scanner s(text);
        fetch_item_kind kind = fetch_item_kind::other;
        (void)resp::fetch_item_name(s, kind);
        // "BODY" is listed twice (body, body_section); a name followed by SP is body.
        CHECK(kind == (static_cast<fetch_item_kind>(i) == fetch_item_kind::body_section ? fetch_item_kind::body
                                                                                         : static_cast<fetch_item_kind>(i)));
    }
}
