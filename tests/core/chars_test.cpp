// Every character table checked against all 256 byte values, each against a predicate
// written independently from the ABNF text it implements.
#include <mailwire/core/chars.hpp>

#include <string_view>

#include "support/catch.hpp"

using namespace mailwire::chars;

namespace {

bool in(std::string_view set, unsigned b) { return set.find(static_cast<char>(b)) != std::string_view::npos; }

template <class Pred>
void check_table(const char_set& table, Pred expected) {
    for (unsigned b = 0; b < 256; ++b) {
        INFO("byte " << b);
        CHECK(table.contains(static_cast<unsigned char>(b)) == expected(b));
        CHECK(table(static_cast<char>(b)) == expected(b));
    }
}

bool is_ctl(unsigned b) { return b <= 0x1F || b == 0x7F; }

} // namespace

TEST_CASE("ABNF core rules (RFC 5234 B.1) over all 256 bytes", "[chars]") {
    check_table(alpha, [](unsigned b) { return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z'); });
    check_table(digit, [](unsigned b) { return b >= '0' && b <= '9'; });
    check_table(hexdig, [](unsigned b) { return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f'); });
    check_table(char7, [](unsigned b) { return b >= 1 && b <= 0x7F; });
    check_table(ctl, [](unsigned b) { return is_ctl(b); });
    check_table(vchar, [](unsigned b) { return b >= 0x21 && b <= 0x7E; });
    check_table(wsp, [](unsigned b) { return b == ' ' || b == '\t'; });
    check_table(sp, [](unsigned b) { return b == ' '; });
    check_table(crlf, [](unsigned b) { return b == '\r' || b == '\n'; });
    check_table(high, [](unsigned b) { return b >= 0x80; });
    check_table(base64_char, [](unsigned b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/';
    });
}

TEST_CASE("IMAP character classes (RFC 9051 section 9) over all 256 bytes", "[chars]") {
    // atom-specials = "(" / ")" / "{" / SP / CTL / list-wildcards / quoted-specials / resp-specials
    auto atom_special = [](unsigned b) { return in("(){ %*\"\\]", b) || is_ctl(b); };
    check_table(atom_specials, atom_special);
    check_table(atom_char, [&](unsigned b) { return b >= 1 && b <= 0x7F && !atom_special(b); });
    check_table(astring_char, [&](unsigned b) { return (b >= 1 && b <= 0x7F && !atom_special(b)) || b == ']'; });
    check_table(tag_char, [&](unsigned b) { return ((b >= 1 && b <= 0x7F && !atom_special(b)) || b == ']') && b != '+'; });
    check_table(list_char, [&](unsigned b) { return (b >= 1 && b <= 0x7F && !atom_special(b)) || in("%*]", b); });
    check_table(text_char, [](unsigned b) { return b >= 1 && b <= 0x7F && b != '\r' && b != '\n'; });
    check_table(quoted_char, [](unsigned b) { return b >= 1 && b <= 0x7F && b != '\r' && b != '\n' && b != '"' && b != '\\'; });
    check_table(quoted_specials, [](unsigned b) { return b == '"' || b == '\\'; });
    check_table(list_wildcards, [](unsigned b) { return b == '%' || b == '*'; });
    check_table(resp_specials, [](unsigned b) { return b == ']'; });
}

TEST_CASE("POP3 character classes (RFC 2449 section 9) over all 256 bytes", "[chars]") {
    check_table(pop3_vchar, [](unsigned b) { return b >= 0x21 && b <= 0x7E; });
    check_table(pop3_schar, [](unsigned b) { return b >= 0x21 && b <= 0x7F && b != '['; });
    check_table(pop3_rchar, [](unsigned b) { return b >= 0x21 && b <= 0x7F && b != '/' && b != ']'; });
}

TEST_CASE("char_set operations", "[chars]") {
    constexpr char_set abc("abc");
    static_assert(abc.count() == 3);
    static_assert((abc | char_set("d")).count() == 4);
    static_assert((abc - char_set("a")).count() == 2);
    static_assert((~abc).count() == 253);
    CHECK(abc.span("abcabxz") == 5);
    CHECK(abc.span("") == 0);
    CHECK(abc.all_of("cab"));
    CHECK(abc.all_of(""));
    CHECK_FALSE(abc.all_of("abd"));
}

TEST_CASE("ASCII case-insensitive comparison", "[chars]") {
    CHECK(iequals("RETR", "retr"));
    CHECK(iequals("ReTr", "rEtR"));
    CHECK_FALSE(iequals("RETR", "RET"));
    CHECK_FALSE(iequals("RETR", "RETS"));
    // Only ASCII letters fold: '@' (0x40) and '`' (0x60) differ by 0x20 but are not letters.
    CHECK_FALSE(iequals("@", "`"));
    CHECK_FALSE(iequals("[", "{"));
    CHECK(istarts_with("uid FETCH", "UID "));
    CHECK_FALSE(istarts_with("UI", "UID"));
    CHECK(to_upper('z') == 'Z');
    CHECK(to_lower('Z') == 'z');
    CHECK(to_lower('1') == '1');
}

TEST_CASE("find_keyword: case-insensitive lookup in an upper-case table", "[chars]") {
    constexpr std::string_view table[] = {"BODY", "BODYSTRUCTURE", "UID", "BODY"};
    CHECK(find_keyword(table, 4, "body") == 0); // the first of two equal keywords
    CHECK(find_keyword(table, 4, "BodyStructure") == 1);
    CHECK(find_keyword(table, 4, "uid") == 2);
    CHECK(find_keyword(table, 4, "UIDS") == 4);  // longer: not found
    CHECK(find_keyword(table, 4, "BOD") == 4);   // a prefix is not a match
    CHECK(find_keyword(table, 4, "") == 4);
    CHECK(find_keyword(table, 4, "XODY") == 4);  // same length, other first byte
    CHECK(find_keyword(table, 0, "UID") == 0);   // empty table
    static_assert(find_keyword(table, 4, "uId") == 2);
}
