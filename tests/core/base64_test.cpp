#include <mailwire/core/base64.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "support/catch.hpp"

using mailwire::errc;

namespace {

void bad(std::string_view text, std::size_t offset) {
    INFO("base64: \"" << std::string(text) << "\"");
    auto r = mailwire::validate_base64(text);
    REQUIRE_FALSE(r);
    CHECK(mailwire::to_string(r.error().code) == mailwire::to_string(errc::invalid_syntax));
    CHECK(r.error().offset == offset);
    CHECK_FALSE(mailwire::is_base64(text));
}

std::string decode(std::string_view text) {
    std::string out;
    auto r = mailwire::decode_base64_to(text, out);
    REQUIRE(r);
    CHECK(out.size() == mailwire::base64_decoded_size(text));
    return out;
}

std::string encode(std::string_view octets) {
    std::string out;
    mailwire::encode_base64_to(octets, out);
    return out;
}

} // namespace

TEST_CASE("RFC 4648 §10 test vectors decode and encode", "[base64]") {
    const std::pair<std::string_view, std::string_view> vectors[] = {
        {"", ""},         {"Zg==", "f"},         {"Zm8=", "fo"},       {"Zm9v", "foo"},
        {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"},
    };
    for (auto [b64, plain] : vectors) {
        INFO(std::string(b64));
        CHECK(mailwire::is_base64(b64));
        CHECK(decode(b64) == plain);
        CHECK(encode(plain) == b64);
    }
}

TEST_CASE("RFC 5034 §6 AUTH PLAIN response decodes to authzid NUL authcid NUL password", "[base64]") {
    CHECK(decode("dGVzdAB0ZXN0AHRlc3Q=") == std::string("test\0test\0test", 14));
    CHECK(encode(std::string_view("test\0test\0test", 14)) == "dGVzdAB0ZXN0AHRlc3Q=");
}

TEST_CASE("the empty string is valid base64 and decodes to nothing", "[base64]") {
    CHECK(mailwire::is_base64(""));
    CHECK(decode("").empty());
    CHECK(mailwire::base64_decoded_size("") == 0);
}

TEST_CASE("RFC 5034 §4 padding rules: '=' only as the final padding", "[base64]") {
    bad("=AAA", 0);     // RFC 5034 §4's own example
    bad("AAA=BBB", 4);  // RFC 5034 §4's own example: data after the padding
    bad("A===", 1);     // a quantum needs two data characters
    bad("====", 0);
    bad("==", 0);
    bad("AA=A", 3);     // "=" in third place must be followed by "="
    bad("AA=", 3);      // ... and the text ends where the second "=" belongs
    bad("AA==AA==", 4); // concatenated padded blocks
    bad("AAA=AAAA", 4);
    bad("AAAAA=", 5);
    bad("AAAAAA=", 7);
    CHECK(mailwire::is_base64("AA=="));
    CHECK(mailwire::is_base64("AAA="));
    CHECK(mailwire::is_base64("AAAAAAA="));
}

TEST_CASE("length must be a multiple of 4", "[base64]") {
    bad("A", 1);
    bad("AA", 2);
    bad("AAA", 3);
    bad("AAAAA", 5);
    bad("dGVzdAB0ZXN0AHRlc3Q", 19);
}

TEST_CASE("nothing outside the alphabet, not even whitespace or base64url", "[base64]") {
    bad("AA AA", 2);
    bad("AAA\n", 3);
    bad("AAA\r", 3);
    bad(std::string_view("AA\0A", 4), 2);
    bad("-_AA", 0); // base64url alphabet (RFC 4648 §5) is not base64
    bad("AAAA.AAA", 4);
    bad("\xC3\xA9" "AA", 0);
}

TEST_CASE("each of the 256 byte values: valid exactly when in the alphabet", "[base64]") {
    const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        const bool in_alphabet = alphabet.find(c) != std::string_view::npos;
        std::string last = "AAA";
        last.push_back(c);
        std::string third = "AA";
        third.push_back(c);
        third.push_back('=');
        INFO("byte " << b);
        CHECK(mailwire::is_base64(last) == (in_alphabet || c == '='));
        CHECK(mailwire::is_base64(third) == (in_alphabet || c == '='));
        CHECK(mailwire::chars::base64_char(c) == in_alphabet);
    }
}

TEST_CASE("decode_base64_to appends, and appends nothing on failure", "[base64]") {
    std::vector<char> out{'x'};
    CHECK_FALSE(mailwire::decode_base64_to("Zm9=v", out));
    CHECK(out.size() == 1);
    CHECK(mailwire::decode_base64_to("Zm9v", out));
    CHECK(std::string(out.begin(), out.end()) == "xfoo");
    auto e = mailwire::decode_base64_to("Zm9v!", out);
    REQUIRE_FALSE(e);
    CHECK(e.error().offset == 4);
}

TEST_CASE("encode then decode is the identity for every length and byte", "[base64]") {
    std::string octets;
    for (int i = 0; i < 300; ++i) {
        const std::string b64 = encode(octets);
        INFO("length " << octets.size());
        CHECK(b64.size() == (octets.size() + 2) / 3 * 4);
        CHECK(mailwire::is_base64(b64));
        CHECK(decode(b64) == octets);
        octets.push_back(static_cast<char>((i * 37 + 11) & 0xFF));
    }
}

TEST_CASE("non-zero pad bits are accepted and kept (RFC 4648 §3.5 lets decoders choose)", "[base64]") {
    CHECK(mailwire::is_base64("QR=="));
    CHECK(decode("QR==") == "A");
}

TEST_CASE("validation is constexpr", "[base64]") {
    STATIC_REQUIRE(mailwire::is_base64("Zm9vYmFy"));
    STATIC_REQUIRE(!mailwire::is_base64("Zm9=vYmFy"));
    STATIC_REQUIRE(mailwire::base64_decoded_size("Zm9vYg==") == 4);
}
