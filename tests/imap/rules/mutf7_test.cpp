#include <mailwire/imap/rules/mutf7.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"

using mailwire::errc;
using mailwire::imap::mutf7_decode_to;
using mailwire::imap::mutf7_encode_to;
using namespace std::string_literals;

namespace {

mailwire::result<std::string> decode(std::string_view in) {
    std::string out;
    if (auto ok = mutf7_decode_to(in, out); !ok) return ok.error();
    return out;
}
mailwire::result<std::string> encode(std::string_view in) {
    std::string out;
    if (auto ok = mutf7_encode_to(in, out); !ok) return ok.error();
    return out;
}
template <class R>
void check_error(const R& r, errc code, std::size_t offset) {
    REQUIRE_FALSE(r.has_value());
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(code));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(r.error().expected.empty());
}

struct pair {
    std::string mutf7;
    std::string utf8;
};
// RFC 3501 section 5.1.3 examples first, then names real clients create.
const pair vectors[] = {
    {"~peter/mail/&U,BTFw-/&ZeVnLIqe-", "~peter/mail/\xE5\x8F\xB0\xE5\x8C\x97/\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"},
    {"&Jjo-!", "\xE2\x98\xBA!"},                                      // the corrected "&Jjo!"
    {"&U,BTF2XlZyyKng-", "\xE5\x8F\xB0\xE5\x8C\x97\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E"}, // the corrected superfluous shift
    {"INBOX", "INBOX"},
    {"", ""},
    {"&-", "&"},
    {"Tom &- Jerry", "Tom & Jerry"},
    {"&AOk-", "\xC3\xA9"},
    {"Entw&APw-rfe", "Entw\xC3\xBC" "rfe"},
    {"Gel&APY-schte Elemente", "Gel\xC3\xB6schte Elemente"},
    {"&2D3c5w-", "\xF0\x9F\x93\xA7"},                                 // U+1F4E7: a surrogate pair
    {"&AAk-", "\t"},                                                    // controls are encoded
    {"x&ICg-y", "x\xE2\x80\xA8y"},
    {"&ZeVnLIqe-&-English", "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E&English"}, // run then "&-" is fine
    {"&BBYEFgQWBBYEFg-", "\xD0\x96\xD0\x96\xD0\x96\xD0\x96\xD0\x96"},
    {"a,b+c/d\\e~f", "a,b+c/d\\e~f"},                                   // ASCII outside runs is itself
};

} // namespace

TEST_CASE("mUTF-7: RFC 3501 section 5.1.3 vectors decode and encode both ways", "[imap][mutf7]") {
    for (const auto& v : vectors) {
        INFO(v.mutf7);
        auto d = decode(v.mutf7);
        REQUIRE(d);
        CHECK(*d == v.utf8);
        auto e = encode(v.utf8);
        REQUIRE(e);
        CHECK(*e == v.mutf7);
        CHECK(mailwire::imap::mutf7_valid(v.mutf7));
    }
}

TEST_CASE("mUTF-7: RFC 3501 section 5.1.3 rejections, with offsets", "[imap][mutf7]") {
    check_error(decode("&Jjo!"), errc::invalid_syntax, 4);                  // no shift back before "!"
    check_error(decode("&U,BTFw-&ZeVnLIqe-"), errc::invalid_syntax, 8);     // superfluous shift
    check_error(decode("&AGE-"), errc::invalid_syntax, 3);                  // "a" must represent itself
    check_error(decode("&ACY-"), errc::invalid_syntax, 3);                  // "&" must be "&-"
    check_error(decode("&AOk"), errc::invalid_syntax, 4);                   // must end in US-ASCII
    check_error(decode("&"), errc::invalid_syntax, 1);
    check_error(decode("&AOl-"), errc::invalid_syntax, 4);                  // non-zero padding bits
    check_error(decode("&AO-"), errc::invalid_syntax, 3);                   // not a whole UTF-16 unit
    check_error(decode("&AOkA-"), errc::invalid_syntax, 5);                 // 6 spare bits
    check_error(decode("&AOk/-"), errc::invalid_syntax, 4);                 // "/" is not modified BASE64
    check_error(decode("&2D0-"), errc::invalid_syntax, 4);                  // lone high surrogate
    check_error(decode("&3OcAAA-"), errc::invalid_syntax, 3);               // lone low surrogate
    check_error(decode("&2D0AQQ-"), errc::invalid_syntax, 6);               // high then not low
    check_error(decode("&AAA-"), errc::invalid_syntax, 3);                  // U+0000
    check_error(decode("caf\xC3\xA9"), errc::invalid_syntax, 3);            // raw 8-bit
    check_error(decode("a\tb"), errc::invalid_syntax, 1);                   // raw control
    check_error(decode("a\x7f"), errc::invalid_syntax, 1);                  // DEL
    CHECK_FALSE(mailwire::imap::mutf7_valid("&Jjo!"));
}

TEST_CASE("mUTF-7: encoding refuses invalid UTF-8 and NUL", "[imap][mutf7]") {
    check_error(encode("ab\xC3"), errc::invalid_syntax, 2);            // truncated
    check_error(encode("\xC0\xAF"), errc::invalid_syntax, 0);          // overlong "/"
    check_error(encode("x\xED\xA0\x80"), errc::invalid_syntax, 1);     // UTF-8 encoded surrogate
    check_error(encode("\xF4\x90\x80\x80"), errc::invalid_syntax, 0);  // above U+10FFFF
    check_error(encode("\xFF"), errc::invalid_syntax, 0);
    check_error(encode("a\0"s), errc::invalid_syntax, 1);
}

TEST_CASE("mUTF-7: the characters that represent themselves, over all 256 bytes", "[imap][mutf7]") {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        const std::string one(1, static_cast<char>(b));
        // RFC 3501 section 5.1.3: octets 0x20-0x25 and 0x27-0x7e represent themselves.
        const bool direct = (b >= 0x20 && b <= 0x25) || (b >= 0x27 && b <= 0x7E);
        auto d = decode(one);
        CHECK(d.has_value() == direct);
        if (direct) CHECK(*d == one);
        CHECK(mailwire::imap::mutf7_is_plain(one) == direct);
    }
}

TEST_CASE("mUTF-7: the modified BASE64 alphabet, over all 256 bytes", "[imap][mutf7]") {
    // RFC 3501 section 5.1.3: base64 (RFC 4648) with "," instead of "/".
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        const char c = static_cast<char>(b);
        const bool in_alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == ',';
        CHECK((mailwire::imap::detail::mutf7_b64_value(c) >= 0) == in_alphabet);
        // As the third character of a one-unit run "&AO?-" (U+00E0..U+00EF when its low
        // two bits are zero), an outsider fails right there.
        auto d = decode("&AO"s + c + "-");
        if (!in_alphabet) check_error(d, errc::invalid_syntax, 3);
    }
}

TEST_CASE("mUTF-7: every Unicode scalar value round-trips", "[imap][mutf7]") {
    std::string utf8, m, back;
    std::size_t checked = 0;
    for (char32_t cp = 1; cp <= 0x10FFFF; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;
        utf8.clear();
        mailwire::imap::utf8::append(cp, utf8);
        utf8 += 'x'; // a trailing ASCII character closes the run
        m.clear();
        back.clear();
        const bool encoded = mutf7_encode_to(utf8, m).has_value();
        if (!encoded || !mutf7_decode_to(m, back).has_value() || back != utf8) {
            FAIL("code point " << static_cast<unsigned long>(cp) << " -> " << m);
        }
        ++checked;
    }
    CHECK(checked == 0x10FFFF - 0x800);
}

TEST_CASE("mUTF-7: decode then encode gives back the same bytes (one encoding per name)", "[imap][mutf7]") {
    for (const auto& v : vectors) {
        std::string d, e;
        REQUIRE(mutf7_decode_to(v.mutf7, d).has_value());
        REQUIRE(mutf7_encode_to(d, e).has_value());
        CHECK(e == v.mutf7);
    }
    // Into another kind of container.
    std::vector<char> out;
    REQUIRE(mutf7_decode_to("&AOk-", out).has_value());
    CHECK(std::string(out.begin(), out.end()) == "\xC3\xA9");
}

TEST_CASE("utf8::next follows RFC 3629 section 4 exactly", "[imap][mutf7][utf8]") {
    using mailwire::imap::utf8::next;
    using mailwire::imap::utf8::valid;
    CHECK(next("\x7f", 0).len == 1);
    CHECK(next("\xC2\x80", 0).cp == 0x80);
    CHECK(next("\xC1\xBF", 0).len == 0);              // overlong
    CHECK(next("\xE0\x9F\xBF", 0).len == 0);          // overlong
    CHECK(next("\xE0\xA0\x80", 0).cp == 0x800);
    CHECK(next("\xED\x9F\xBF", 0).cp == 0xD7FF);
    CHECK(next("\xED\xA0\x80", 0).len == 0);          // surrogate
    CHECK(next("\xEF\xBF\xBF", 0).cp == 0xFFFF);
    CHECK(next("\xF0\x8F\xBF\xBF", 0).len == 0);      // overlong
    CHECK(next("\xF0\x90\x80\x80", 0).cp == 0x10000);
    CHECK(next("\xF4\x8F\xBF\xBF", 0).cp == 0x10FFFF);
    CHECK(next("\xF4\x90\x80\x80", 0).len == 0);
    CHECK(next("\xF5\x80\x80\x80", 0).len == 0);
    CHECK(next("\x80", 0).len == 0);                  // lone continuation byte
    CHECK(next("\xE2\x82", 0).len == 0);              // truncated
    CHECK(next("a", 1).len == 0);                     // past the end
    CHECK(valid("caf\xC3\xA9"));
    CHECK_FALSE(valid("caf\xC3"));
    CHECK(mailwire::imap::utf8::valid_prefix("ab\xC3(") == 2);
}
