#include <mailwire/imap/rules/body_structure.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using mailwire::imap::body_kind;
using mailwire::imap::body_part;
using mailwire::imap::body_storage;
using mailwire::imap::disposition_form;
using mailwire::imap::extension_kind;
using mailwire::imap::language_form;
using mailwire::imap::list_form;
using mailwire::imap::parse_body;
using mailwire::imap::string_form;
using mailwire::imap::string_value;
namespace rules = mailwire::imap::rules;

namespace {

const parse_options strict{};
const parse_options lenient = parse_options::make_lenient();

template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

/// Parses `in` into `st`, checks it writes back byte for byte and re-parses equal (into a
/// second storage, so equality is checked across storages).
body_part round_trip(std::string_view in, body_storage& st, const parse_options& o = strict) {
    INFO("input: " << std::string(in));
    auto a = parse_body(in, st, o);
    REQUIRE(a);
    auto wire = mailwire::to_wire(*a);
    REQUIRE(wire);
    CHECK(*wire == std::string(in));
    body_storage st2;
    auto b = parse_body(*wire, st2, o);
    REQUIRE(b);
    CHECK(*b == *a);
    return *a;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// The BODYSTRUCTURE values of the Dovecot capture, in message order.
std::vector<std::string> dovecot_bodystructures() {
    const std::string raw = read_file(std::string(MAILWIRE_TEST_DATA_DIR) + "/vectors/imap/dovecot-2.3.19-server.raw");
    std::vector<std::string> out;
    for (std::size_t at = raw.find("BODYSTRUCTURE ("); at != std::string::npos; at = raw.find("BODYSTRUCTURE (", at + 1)) {
        const std::size_t start = at + 14;
        const std::size_t eol = raw.find("\r\n", start);
        // The FETCH line ends with the BODYSTRUCTURE value and the msg-att ")".
        REQUIRE(eol != std::string::npos);
        REQUIRE(raw[eol - 1] == ')');
        out.push_back(raw.substr(start, eol - 1 - start));
    }
    return out;
}

// RFC 9051 §7.5.2 and RFC 3501 §7.4.2 (BODYSTRUCTURE). The multipart example is printed
// over three lines; on the wire the parts follow each other with no SP (1*body).
constexpr std::string_view rfc_simple = R"x(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 2279 48))x";
constexpr std::string_view rfc_mixed =
    R"x((("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23))x"
    R"x(("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" )x"
    R"x("Compiler diff" "BASE64" 4554 73) "MIXED"))x";
// RFC 9051 §8 and RFC 3501 §8 (a003 fetch 12 full): BODY, without extension data.
constexpr std::string_view rfc_fetch_full = R"x(("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92))x";

std::string nested_multipart(std::size_t levels) {
    // `levels` bodies nested: levels-1 multiparts around one text part.
    std::string s;
    for (std::size_t i = 1; i < levels; ++i) s += '(';
    s += R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))x";
    for (std::size_t i = 1; i < levels; ++i) s += R"x( "MIXED"))x";
    return s;
}

std::string nested_extension(std::size_t lists) {
    // A text part whose one body-extension is `lists` nested lists around 7.
    std::string s = R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL )x";
    for (std::size_t i = 0; i < lists; ++i) s += '(';
    s += '7';
    for (std::size_t i = 0; i < lists; ++i) s += ')';
    return s + ')';
}

} // namespace

TEST_CASE("body: RFC 9051 §7.5.2 / §8 and RFC 3501 §7.4.2 / §8 examples", "[imap][body]") {
    body_storage st;
    SECTION("simple text") {
        body_part b = round_trip(rfc_simple, st);
        CHECK(b.kind() == body_kind::text);
        CHECK(b.is_media("text", "plain"));
        CHECK(b.param("charset").equals("US-ASCII"));
        CHECK(b.params_form() == list_form::list);
        CHECK(b.id().is_nil());
        CHECK(b.encoding().equals("7BIT"));
        CHECK(b.size() == 2279);
        CHECK(b.has_lines());
        CHECK(b.lines() == 48);
        CHECK_FALSE(b.has_extension_data());
        CHECK(b.part("1") == b);
        CHECK_FALSE(b.part("2").valid());
        CHECK_FALSE(b.part("1.1").valid());
    }
    SECTION("two-part mixed") {
        body_part b = round_trip(rfc_mixed, st);
        CHECK(b.is_multipart());
        CHECK(b.is_type("multipart"));
        CHECK(b.subtype().equals("MIXED"));
        REQUIRE(b.child_count() == 2);
        CHECK(b.child(0).size() == 1152);
        CHECK(b.child(0).lines() == 23);
        body_part diff = b.part("2");
        REQUIRE(diff.valid());
        CHECK(diff == b.child(1));
        CHECK(diff.param("NAME").equals("cc.diff"));
        CHECK(diff.param("name").equals("cc.diff"));
        CHECK(diff.id().equals("<960723163407.20117h@cac.washington.edu>"));
        CHECK(diff.description().equals("Compiler diff"));
        CHECK(diff.encoding().equals("BASE64"));
        CHECK(diff.size() == 4554);
        CHECK(diff.lines() == 73);
        CHECK_FALSE(b.child(2).valid());
        CHECK_FALSE(b.part("0").valid());
        CHECK_FALSE(b.part("3").valid());
        CHECK_FALSE(b.part("1.").valid());
        CHECK_FALSE(b.part("01").valid());
        CHECK_FALSE(b.part("1.1").valid());
        CHECK(b.params().empty());
    }
    SECTION("FETCH FULL BODY") {
        body_part b = round_trip(rfc_fetch_full, st);
        CHECK(b.size() == 3028);
        CHECK(b.lines() == 92);
    }
}

TEST_CASE("body: the 9 Dovecot 2.3.19 BODYSTRUCTUREs, strict, byte for byte", "[imap][body][vectors]") {
    const auto values = dovecot_bodystructures();
    REQUIRE(values.size() == 9);
    body_storage st;
    std::vector<body_part> parts;
    for (const auto& v : values) parts.push_back(round_trip(v, st));

    // Single text/plain parts with all four extension fields NIL.
    for (std::size_t i : {0u, 1u, 5u, 6u, 7u, 8u}) {
        const body_part b = parts[i];
        CHECK(b.is_media("TEXT", "PLAIN"));
        CHECK(b.extension_fields() == 4);
        CHECK(b.md5().is_nil());
        CHECK(b.disposition() == disposition_form::nil);
        CHECK(b.languages().empty());
        CHECK(b.location().is_nil());
        CHECK(b.extension_count() == 0);
    }
    CHECK(parts[0].size() == 47);
    CHECK(parts[0].lines() == 5);
    CHECK(parts[5].encoding().equals("8bit"));
    CHECK(parts[5].param("CHARSET").equals("utf-8"));
    CHECK(parts[7].size() == 0);
    CHECK(parts[8].size() == 1055998);
    CHECK(parts[8].lines() == 15999);

    // 3: multipart/alternative
    const body_part alt = parts[2];
    CHECK(alt.is_multipart());
    CHECK(alt.subtype().iequals("ALTERNATIVE"));
    REQUIRE(alt.child_count() == 2);
    CHECK(alt.part("1").is_media("text", "plain"));
    CHECK(alt.part("2").is_media("text", "html"));
    CHECK(alt.param("boundary").equals("ALT"));
    CHECK(alt.extension_fields() == 4);

    // 4: multipart/mixed with an attachment and its disposition
    const body_part mix = parts[3];
    REQUIRE(mix.child_count() == 2);
    const body_part att = mix.part("2");
    CHECK(att.kind() == body_kind::basic);
    CHECK(att.is_media("application", "octet-stream"));
    CHECK_FALSE(att.has_lines());
    CHECK(att.encoding().equals("base64"));
    CHECK(att.size() == 2802);
    CHECK(att.disposition() == disposition_form::list);
    CHECK(att.disposition_type().equals("attachment"));
    CHECK(att.disposition_param("FILENAME").equals("data.bin"));
    CHECK(mix.param("boundary").equals("MIX"));

    // 5: text + message/rfc822 holding an envelope and a text body
    const body_part fwd = parts[4];
    REQUIRE(fwd.child_count() == 2);
    const body_part msg = fwd.part("2");
    CHECK(msg.kind() == body_kind::message);
    CHECK(msg.is_media("message", "rfc822"));
    CHECK(msg.size() == 131);
    CHECK(msg.lines() == 5);
    REQUIRE(msg.message_envelope() != nullptr);
    CHECK(msg.message_envelope()->subject.equals("Inner message"));
    CHECK(msg.message_envelope()->from.front().mailbox.equals("inner"));
    const body_part inner = fwd.part("2.1");
    REQUIRE(inner.valid());
    CHECK(inner == msg.message_body());
    CHECK(inner.is_media("text", "plain"));
    CHECK(inner.size() == 11);
    CHECK_FALSE(fwd.part("2.2").valid());
    CHECK_FALSE(fwd.part("2.1.1").valid());
    CHECK_FALSE(fwd.part("1.1").valid());

    // Values parsed earlier stay valid while more are appended to the same storage.
    CHECK(fmt::format("{}", parts[0]) == values[0]);
    CHECK(parts[2] != parts[3]);
    CHECK_FALSE(parts[0] == parts[1]);
    CHECK(parts[6] == parts[6]);

    // The readable tree names each part by its section path.
    const std::string tree = fmt::format("{:v}", fwd);
    CHECK(tree.find("multipart/mixed (\"boundary\"=\"OUT\")") == 0);
    CHECK(tree.find("\n  1 text/plain") != std::string::npos);
    CHECK(tree.find("\n  2 message/rfc822") != std::string::npos);
    CHECK(tree.find("subject=\"Inner message\"") != std::string::npos);
    CHECK(tree.find("\n    2.1 text/plain") != std::string::npos);
    CHECK(fmt::format("{:v}", parts[0]).find("1 text/plain (\"charset\"=\"us-ascii\") enc=\"7bit\" size=47 lines=5") == 0);
}

TEST_CASE("body: steady state parsing does not grow the storage", "[imap][body][alloc]") {
    const auto values = dovecot_bodystructures();
    body_storage st;
    auto one_response = [&] {
        st.clear();
        for (const auto& v : values) REQUIRE(parse_body(v, st));
        REQUIRE(parse_body(rfc_mixed, st));
    };
    one_response();
    one_response();
    const std::size_t bytes = st.capacity_bytes();
    const void* nodes = st.nodes.data();
    const void* params = st.params.data();
    const void* envs = st.envelopes.data();
    CHECK(bytes > 0);
    for (int i = 0; i < 2000; ++i) one_response();
    CHECK(st.capacity_bytes() == bytes);
    // Same buffers: nothing was reallocated.
    CHECK(st.nodes.data() == nodes);
    CHECK(st.params.data() == params);
    CHECK(st.envelopes.data() == envs);
}

TEST_CASE("body: extension data, languages, location, nested body-extension", "[imap][body][ext]") {
    body_storage st;
    const std::string in =
        R"x(("TEXT" "PLAIN" ("CHARSET" "UTF-8") "<id@x>" "desc" "QUOTED-PRINTABLE" 10 2 "Q2hlY2sgSW50ZWdyaXR5IQ==" )x"
        R"x(("INLINE" NIL) ("en" "fr") "http://example.com/a" 42 "x" NIL (1 ("y" 18446744073709551 NIL))))x";
    body_part b = round_trip(in, st);
    CHECK(b.md5().equals("Q2hlY2sgSW50ZWdyaXR5IQ=="));
    CHECK(b.disposition_type().equals("INLINE"));
    CHECK(b.disposition_params().empty());
    CHECK(b.language_kind() == language_form::list);
    REQUIRE(b.languages().size() == 2);
    CHECK(b.languages()[1].equals("fr"));
    CHECK(b.location().equals("http://example.com/a"));
    REQUIRE(b.extension_count() == 4);
    auto e = b.first_extension();
    CHECK(e.kind() == extension_kind::number);
    CHECK(e.number() == 42);
    e = e.next();
    CHECK(e.kind() == extension_kind::string);
    CHECK(e.string().equals("x"));
    e = e.next();
    CHECK(e.string().is_nil());
    e = e.next();
    REQUIRE(e.kind() == extension_kind::list);
    CHECK(e.size() == 2);
    CHECK(fmt::format("{}", e) == R"x((1 ("y" 18446744073709551 NIL)))x");
    CHECK(e.first().next().first().next().number() == 18446744073709551ull);
    CHECK_FALSE(e.next().valid());

    SECTION("fewer extension fields are kept as sent") {
        for (std::string_view v : {
                 R"x(("IMAGE" "PNG" NIL NIL NIL "BASE64" 4 NIL))x",
                 R"x(("IMAGE" "PNG" NIL NIL NIL "BASE64" 4 NIL ("ATTACHMENT" ("FILENAME" "a.png"))))x",
                 R"x(("IMAGE" "PNG" NIL NIL NIL "BASE64" 4 NIL NIL "de"))x",
                 R"x((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" ("BOUNDARY" "b")))x",
                 R"x((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) "MIXED" NIL NIL NIL NIL 5))x",
             }) {
            body_storage s2;
            body_part p = round_trip(v, s2);
            CHECK(p.has_extension_data());
        }
        body_storage s3;
        body_part de = round_trip(R"x(("IMAGE" "PNG" NIL NIL NIL "BASE64" 4 NIL NIL "de"))x", s3);
        CHECK(de.extension_fields() == 3);
        CHECK(de.language_kind() == language_form::nstring);
        REQUIRE(de.languages().size() == 1);
        CHECK(de.languages()[0].equals("de"));
    }
    SECTION("message/global (RFC 9051 media-message)") {
        body_storage s2;
        body_part g = round_trip(
            R"x(("MESSAGE" "GLOBAL" NIL NIL NIL "8BIT" 50 (NIL "s" NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "8BIT" 3 1) 4))x",
            s2);
        CHECK(g.kind() == body_kind::message);
        CHECK(g.part("1") == g); // a non-multipart top-level body is part 1
        CHECK(g.part("1.1").is_media("text", "plain"));
        // A message/delivery-status is body-type-basic: no envelope, no lines.
        body_part ds = round_trip(R"x(("MESSAGE" "DELIVERY-STATUS" NIL NIL NIL "7BIT" 416))x", s2);
        CHECK(ds.kind() == body_kind::basic);
    }
    SECTION("a literal and escapes inside a body structure") {
        body_storage s2;
        body_part l = round_trip("(\"TEXT\" \"PLAIN\" (\"NAME\" {7}\r\na \"b\" c) NIL \"say \\\"hi\\\"\" \"7BIT\" 1 1)", s2);
        CHECK(l.param("name").equals("a \"b\" c"));
        CHECK(l.param("name").form == string_form::literal);
        CHECK(l.description().equals("say \"hi\""));
    }
    SECTION("number64 line counts (RFC 9051 body-fld-lines)") {
        body_storage s2;
        body_part big = round_trip(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 4294967295 9223372036854775807))x", s2);
        CHECK(big.size() == 4294967295);
        CHECK(big.lines() == 9223372036854775807);
    }
}

TEST_CASE("body: nesting is bounded by max_depth (bodies and body-extension lists share it)", "[imap][body][limits]") {
    parse_options o;
    o.max_depth = 6;
    SECTION("nested multiparts: below, at, above") {
        for (std::size_t levels : {5u, 6u}) {
            body_storage st;
            const std::string in = nested_multipart(levels);
            body_part b = round_trip(in, st, o);
            std::string path = "1";
            for (std::size_t i = 2; i < levels; ++i) path += ".1";
            CHECK(b.part(path).is_media("text", "plain"));
        }
        body_storage st;
        const std::string in = nested_multipart(7);
        check_error(parse_body(in, st, o), errc::limit_exceeded, 6);
        CHECK(st.nodes.empty()); // rolled back
    }
    SECTION("nested body-extension lists: below, at, above") {
        // The body's "(" uses 1 level, so 5 nested lists reach 6.
        for (std::size_t lists : {4u, 5u}) {
            body_storage st;
            const std::string in = nested_extension(lists);
            round_trip(in, st, o);
        }
        body_storage st;
        const std::string in = nested_extension(6);
        check_error(parse_body(in, st, o), errc::limit_exceeded, 55 + 5);
    }
    SECTION("message/rfc822 bodies and extensions count together") {
        // message (1) > text (2) > extension list (3) > list (4)
        const std::string in =
            R"x(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 9 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL ((1))) 1))x";
        parse_options four;
        four.max_depth = 4;
        body_storage st;
        round_trip(in, st, four);
        parse_options three;
        three.max_depth = 3;
        check_error(parse_body(in, st, three), errc::limit_exceeded, in.find("((1))") + 1);
        // The caller's own parentheses count too.
        scanner s(in);
        check_error(rules::body(s, st, four, {}, 1), errc::limit_exceeded, in.find("((1))") + 1);
    }
    SECTION("the default budget stops a hostile nesting") {
        std::string hostile(100000, '(');
        body_storage st;
        check_error(parse_body(hostile, st), errc::limit_exceeded, 64);
    }
}

TEST_CASE("body: max_list bounds parts, parameters, languages and extension items", "[imap][body][limits]") {
    parse_options o;
    o.max_list = 2;
    body_storage st;
    CHECK(parse_body(R"x(("TEXT" "PLAIN" ("A" "1" "B" "2") NIL NIL "7BIT" 1 1))x", st, o));
    check_error(parse_body(R"x(("TEXT" "PLAIN" ("A" "1" "B" "2" "C" "3") NIL NIL "7BIT" 1 1))x", st, o), errc::limit_exceeded, 33);
    const std::string part = R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1))x";
    CHECK(parse_body("(" + part + part + " \"MIXED\")", st, o));
    check_error(parse_body("(" + part + part + part + " \"MIXED\")", st, o), errc::limit_exceeded, 1 + 2 * part.size());
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL ("a" "b" "c") NIL))x", st, o), errc::limit_exceeded, 56);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL 1 2 3))x", st, o), errc::limit_exceeded, 59);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL (1 2 3)))x", st, o), errc::limit_exceeded, 60);
}

TEST_CASE("body: rejections carry code and offset", "[imap][body]") {
    body_storage st;
    check_error(parse_body("", st), errc::invalid_syntax, 0);
    check_error(parse_body("NIL", st), errc::invalid_syntax, 0);
    check_error(parse_body("()", st), errc::invalid_syntax, 1);
    check_error(parse_body(R"x(("TEXT"))x", st), errc::invalid_syntax, 7);
    check_error(parse_body(R"x(("TEXT" "PLAIN"))x", st), errc::invalid_syntax, 15);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1))x", st), errc::invalid_syntax, 36);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" x 1))x", st), errc::invalid_syntax, 35);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 4294967296 1))x", st), errc::number_out_of_range, 35);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL NIL NIL NIL ()))x", st), errc::invalid_syntax, 56);
    check_error(parse_body(R"x(("TEXT" "PLAIN" ("A") NIL NIL "7BIT" 1 1))x", st), errc::invalid_syntax, 20);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL 7BIT 1 1))x", st), errc::invalid_syntax, 28);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) )x", st), errc::invalid_syntax, 39);
    check_error(parse_body(R"x((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)"MIXED"))x", st), errc::invalid_syntax, 40);
    check_error(parse_body(R"x((("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) NIL))x", st), errc::invalid_syntax, 41);
    check_error(parse_body(R"x(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 9 (NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1) 1))x", st), errc::invalid_syntax, 45);
    check_error(parse_body(R"x(("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 9 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)))x", st), errc::invalid_syntax, 122);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL (NIL NIL)))x", st), errc::strict_violation, 44);
    check_error(parse_body(R"x(("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1 NIL ("A" "B")))x", st), errc::invalid_syntax, 48);
    CHECK(st.nodes.empty());
}

// ---- lenient quirks: each accepted in lenient mode, strict_violation in strict -------------

TEST_CASE("body quirk: NIL body-fld-enc, Apple iCloud and maddy", "[imap][body][quirk]") {
    // djc/imap-proto#205 (iCloud), modern-email/defects#41 and foxcpp/maddy#756 (maddy).
    const std::string in = R"x((("text" "plain" ("CHARSET" "UTF-8") NIL NIL NIL 1694 51 NIL NIL NIL NIL)("text" "html" ("CHARSET" "UTF-8") NIL NIL "quoted-printable" 5750 77 NIL NIL NIL NIL) "alternative" ("BOUNDARY" "b") NIL NIL NIL))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 45);
    body_part b = round_trip(in, st, lenient);
    CHECK(b.part("1").encoding().is_nil());
    CHECK(b.part("2").encoding().equals("quoted-printable"));
}

TEST_CASE("body quirk: () empty parameter list, go-imap v1 servers", "[imap][body][quirk]") {
    // emersion/go-imap#545: a go-imap v1 server wrote `("text" "plain" () NIL NIL NIL 6002 79 ...)`.
    const std::string in = R"x(("text" "plain" () NIL NIL "7bit" 6002 79 NIL NIL NIL NIL))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 17);
    body_part b = round_trip(in, st, lenient);
    CHECK(b.params().empty());
    CHECK(b.params_form() == list_form::empty_parens);
}

TEST_CASE("body quirk: NIL parameter value (seen in the wild, no server named)", "[imap][body][quirk]") {
    // A NIL where body-fld-param wants a string; the same NIL-for-string family as the
    // iCloud/maddy encoding quirk. No public report names the server for parameters.
    const std::string in = R"x(("text" "plain" ("charset" NIL) NIL NIL "7bit" 1 1))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 27);
    body_part b = round_trip(in, st, lenient);
    CHECK(b.params().size() == 1);
    CHECK(b.param("charset").is_nil());
}

TEST_CASE("body quirk: disposition as a bare string, Exchange", "[imap][body][quirk]") {
    // jstedfast/MailKit#919: Exchange sent `... 850 31 NIL "inline" NIL NIL)`.
    const std::string in =
        R"x((("text" "plain" ("charset" "ISO-8859-1") NIL NIL "QUOTED-PRINTABLE" 850 31 NIL "inline" NIL NIL)("text" "html" ("charset" "ISO-8859-1") NIL NIL "QUOTED-PRINTABLE" 14692 502 NIL "inline" NIL NIL) "alternative" ("boundary" "p") NIL NIL))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 80);
    body_part b = round_trip(in, st, lenient);
    CHECK(b.part("1").disposition() == disposition_form::bare_string);
    CHECK(b.part("1").disposition_type().equals("inline"));
    CHECK(b.part("2").disposition_params().empty());
}

TEST_CASE("body quirk: multipart without body parts, Gmail", "[imap][body][quirk]") {
    // jstedfast/MailKit#371: Gmail sent `("RELATED" NIL ("ATTACHMENT" NIL) NIL)` as parts.
    const std::string in =
        R"x(((("TEXT" "PLAIN" ("CHARSET" "UTF-8") NIL NIL "BASE64" 10418 133 NIL NIL NIL)("TEXT" "HTML" ("CHARSET" "UTF-8") NIL NIL "BASE64" 34544 442 NIL NIL NIL) "ALTERNATIVE" ("BOUNDARY" "94eb") NIL NIL)("RELATED" NIL ("ATTACHMENT" NIL) NIL)("RELATED" NIL ("ATTACHMENT" NIL) NIL) "MIXED" ("BOUNDARY" "94ec") NIL NIL))x";
    body_storage st;
    const std::size_t at = in.find("(\"RELATED\"") + 11;
    check_error(parse_body(in, st, strict), errc::strict_violation, at);
    body_part b = round_trip(in, st, lenient);
    REQUIRE(b.child_count() == 3);
    body_part rel = b.part("2");
    CHECK(rel.is_multipart());
    CHECK(rel.subtype().equals("RELATED"));
    CHECK(rel.child_count() == 0);
    CHECK(rel.disposition_type().equals("ATTACHMENT"));
    CHECK_FALSE(b.part("2.1").valid());
}

TEST_CASE("body quirk: message/rfc822 without envelope and body (seen in the wild)", "[imap][body][quirk]") {
    // emersion/go-imap#557 (server not named), accepted by go-imap in #559.
    const std::string in = R"x(("message" "rfc822" NIL NIL NIL "7bit" 903 NIL NIL NIL NIL))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 42);
    body_part b = round_trip(in, st, lenient);
    CHECK(b.is_message());
    CHECK(b.message_envelope() == nullptr);
    CHECK_FALSE(b.message_body().valid());
    CHECK_FALSE(b.has_lines());
    CHECK(b.extension_fields() == 4);
    CHECK_FALSE(b.part("1.1").valid());
    body_storage s2;
    CHECK(round_trip(R"x(("message" "rfc822" NIL NIL NIL "7bit" 903))x", s2, lenient).is_message());
}

TEST_CASE("body quirk: no SP between a message/rfc822 envelope and its body, GNU Mailutils", "[imap][body][quirk]") {
    // GNU Mailutils imap4d 3.15 (Debian 12), captured by tests/interop/imap_mailutils.sh:
    // `... "example.net")) NIL NIL NIL NIL)("TEXT" "PLAIN" ...` where RFC 9051 §9 has
    // body-type-msg = media-message SP body-fields SP envelope SP body SP body-fld-lines.
    const std::string in =
        R"x(("message" "rfc822" NIL NIL NIL "7BIT" 131 ("Tue, 2 Jun 2026 09:00:00 +0000" "Inner message" (("Inner" NIL "inner" "example.com")) (("Inner" NIL "inner" "example.com")) (("Inner" NIL "inner" "example.com")) ((NIL NIL "alice" "example.net")) NIL NIL NIL NIL)("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 11 0 NIL NIL NIL) 5 NIL NIL NIL))x";
    const std::size_t at = in.find(")(\"TEXT\"") + 1;
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, at);
    auto b = parse_body(in, st, lenient);
    REQUIRE(b);
    CHECK(b->is_message());
    REQUIRE(b->message_envelope() != nullptr);
    CHECK(b->message_envelope()->subject.equals("Inner message"));
    CHECK(b->message_body().subtype().equals("PLAIN"));
    CHECK(b->lines() == 5);
    // Written back with the SP the grammar wants, which strict mode reads as the same body.
    std::string canonical = in;
    canonical.insert(at, " ");
    auto wire = mailwire::to_wire(*b);
    REQUIRE(wire);
    CHECK(*wire == canonical);
    body_storage st2;
    auto again = parse_body(*wire, st2, strict);
    REQUIRE(again);
    CHECK(*again == *b);
}

TEST_CASE("body quirk: -1 as a size or line count, Exchange/Dovecot", "[imap][body][quirk]") {
    // emersion/go-imap#534 and modern-email/defects#27: a nested body sent with "7BIT" -1.
    const std::string in =
        R"x((("text" "plain" NIL NIL NIL "7bit" 155 1)("message" "rfc822" NIL NIL NIL "8bit" 0 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) ("multipart" "parallel" ("boundary" "_90b3") NIL NIL "7BIT" -1) 0) "report"))x";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, in.find("-1"));
    body_part b = round_trip(in, st, lenient);
    CHECK(b.part("2.1").size() == -1);
    body_storage s2;
    const std::string lines = R"x(("text" "plain" NIL NIL NIL "7bit" 10 -1))x";
    check_error(parse_body(lines, s2, strict), errc::strict_violation, 38);
    CHECK(round_trip(lines, s2, lenient).lines() == -1);
    // Only -1: other negatives stay invalid in both modes.
    check_error(parse_body(R"x(("text" "plain" NIL NIL NIL "7bit" 10 -2))x", s2, lenient), errc::invalid_syntax, 38);
}

TEST_CASE("body: writing refuses what would not re-parse", "[imap][body][write]") {
    body_storage st;
    auto p = parse_body(R"x(("TEXT" "PLAIN" ("NAME" "a") NIL NIL "7BIT" 1 1))x", st);
    REQUIRE(p);
    CHECK(check_writable(*p));
    CHECK(check_writable(st.params[0]));
    CHECK(fmt::format("{}", st.params[0]) == R"x("NAME" "a")x");
    st.params[0].value = string_value{string_form::quoted, "a\r\nb", false, false};
    auto r = mailwire::to_wire(*p);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == errc::unsafe_value);
    st.params[0].value = string_value{string_form::atom, "a", false, false};
    CHECK_FALSE(check_writable(*p));
    st.params[0].value = string_value{string_form::quoted, "a b", false, false};
    CHECK(check_writable(*p));
    st.nodes[0].kind = body_kind::basic; // "TEXT" must be body-type-text
    CHECK_FALSE(check_writable(*p));
    st.nodes[0].kind = body_kind::text;
    st.nodes[0].subtype = string_value::nil();
    CHECK_FALSE(check_writable(*p));
    CHECK_FALSE(check_writable(body_part{}));
}

TEST_CASE("body: 8-bit parameter values follow the session and the mode", "[imap][body]") {
    // RFC 2231-decoded file names arrive as UTF-8 from IMAP4rev2 / UTF8=ACCEPT servers.
    const std::string in = "(\"APPLICATION\" \"PDF\" (\"NAME\" \"r\xC3\xA9sum\xC3\xA9.pdf\") NIL NIL \"BASE64\" 4 NIL)";
    body_storage st;
    check_error(parse_body(in, st, strict), errc::strict_violation, 31);
    auto u = parse_body(in, st, strict, mailwire::imap::session_syntax{true});
    REQUIRE(u);
    CHECK(u->param("name").equals("r\xC3\xA9sum\xC3\xA9.pdf"));
    CHECK(fmt::format("{}", *u) == in);
    body_storage s2;
    CHECK(round_trip(in, s2, lenient).param("NAME").equals("r\xC3\xA9sum\xC3\xA9.pdf"));
}

TEST_CASE("body: readable forms of parameters and extensions", "[imap][body][write]") {
    body_storage st;
    auto b = parse_body(R"x(("TEXT" "PLAIN" ("A" "1") NIL NIL "7BIT" 1 1 NIL NIL NIL NIL (2 "x" NIL)))x", st);
    REQUIRE(b);
    CHECK(fmt::format("{:v}", b->params()[0]) == R"x("A"="1")x");
    CHECK(fmt::format("{:v}", b->first_extension()) == R"x((2 "x" NIL))x");
    CHECK(fmt::format("{}", b->first_extension()) == R"x((2 "x" NIL))x");
    CHECK(b->first_extension() == b->first_extension());
    CHECK(fmt::format("{:v}", *b) == R"x(1 text/plain ("A"="1") enc="7BIT" size=1 lines=1 ext=(2 "x" NIL))x");
}

// ---- nesting at and beyond max_depth_ceiling, on a small stack -----------------------------

#include "support/small_stack.hpp"

namespace {

// nested_multipart(levels) built by hand, as a caller may (nothing bounds its depth).
body_part build_nested_multipart(body_storage& st, std::size_t levels) {
    st.clear();
    const auto quoted = [](std::string_view s) { return string_value{string_form::quoted, s, false, false}; };
    for (std::size_t i = 0; i + 1 < levels; ++i) {
        auto& n = st.nodes.emplace_back();
        n.kind = body_kind::multipart;
        n.type = quoted("MULTIPART");
        n.subtype = quoted("MIXED");
        n.first_child = static_cast<std::uint32_t>(i + 1);
        n.child_count = 1;
    }
    auto& t = st.nodes.emplace_back();
    t.kind = body_kind::text;
    t.type = quoted("TEXT");
    t.subtype = quoted("PLAIN");
    t.encoding = quoted("7BIT");
    t.octets = 1;
    t.lines = 1;
    return body_part{&st, 0};
}

// A text part whose one body-extension is `levels` lists, each around the next, around 1.
body_part build_nested_extension(body_storage& st, std::size_t levels) {
    build_nested_multipart(st, 1);
    auto& t = st.nodes[0];
    t.ext_fields = 4;
    t.ext_first = 0;
    t.ext_count = 1;
    for (std::size_t i = 0; i < levels; ++i) {
        auto& e = st.extensions.emplace_back();
        e.kind = extension_kind::list;
        e.first_child = static_cast<std::uint32_t>(i + 1);
        e.count = 1;
    }
    auto& leaf = st.extensions.emplace_back();
    leaf.kind = extension_kind::number;
    leaf.number = 1;
    return body_part{&st, 0};
}

} // namespace

TEST_CASE("body: at max_depth_ceiling parsed, checked, written and compared on a 256 KiB stack, and deeper trees built by hand are refused", "[imap][body][limits]") {
    constexpr std::size_t ceiling = mailwire::max_depth_ceiling;
    parse_options raised;
    raised.max_depth = SIZE_MAX;
    raised.max_line = SIZE_MAX;
    const std::string at = nested_multipart(ceiling);
    const std::string above = nested_multipart(ceiling + 1);
    bool parsed = false, writable = false, equal = false, equal_by_hand = false, dumped = false;
    std::string wire, above_error;
    bool deep_refused = false, deep_dumped = false, deep_equal = true, deep_format_refused = false, ext_refused = false;
    std::string deep_why, ext_why;
    const auto run = mailwire_test::run_on_small_stack(256 * 1024, [&] {
        body_storage st, again, by_hand;
        auto a = parse_body(at, st, raised); // max_depth raised past the ceiling: read as the ceiling
        parsed = a.has_value();
        if (!a) return;
        writable = check_writable(*a).has_value();
        if (auto w = mailwire::to_wire(*a)) wire = *w;
        auto b = parse_body(wire, again, raised);
        equal = b && *b == *a;
        equal_by_hand = build_nested_multipart(by_hand, ceiling) == *a;
        dumped = fmt::format("{:v}", *a).find("1.1.1 ") != std::string::npos;
        body_storage st2;
        auto r = parse_body(above, st2, raised);
        if (!r) above_error = fmt::format("{}@{}", mailwire::to_string(r.error().code), r.error().offset);

        // 100,000 levels, which no parse makes: refused with an error, walked without recursion.
        body_storage deep;
        const body_part d = build_nested_multipart(deep, 100000);
        auto ok = check_writable(d);
        deep_refused = !ok && ok.error().code == errc::unsafe_value;
        if (!ok) deep_why = std::string(ok.error().expected);
        deep_dumped = fmt::format("{:v}", d).find("not shown") != std::string::npos;
        deep_equal = d == d; // deeper than the ceiling compares unequal
        try {
            (void)fmt::format("{}", d);
        } catch (const fmt::format_error&) {
            deep_format_refused = true;
        }
        body_storage ext;
        auto e = check_writable(build_nested_extension(ext, 100000));
        ext_refused = !e && e.error().code == errc::unsafe_value;
        if (!e) ext_why = std::string(e.error().expected);
    });
    REQUIRE(run.ran);
    CHECK(parsed);
    CHECK(writable);
    CHECK(wire == at);
    CHECK(equal);
    CHECK(equal_by_hand);
    CHECK(dumped);
    CHECK(above_error == fmt::format("limit_exceeded@{}", ceiling)); // at the "(" of level ceiling + 1
    CHECK(deep_refused);
    CHECK(deep_why == "body: nesting deeper than max_depth_ceiling");
    CHECK(deep_dumped);
    CHECK_FALSE(deep_equal);
    CHECK(deep_format_refused);
    CHECK(ext_refused);
    CHECK(ext_why == "body-extension: nesting deeper than max_depth_ceiling");
    CHECK(run.used < 128 * 1024);
}
