// Tests for include/mailwire/imap/command/dump.hpp: the "{:v}" dump of commands — one
// line, fields named, secrets redacted, values escaped, any value shown (even one that
// check_writable refuses).
#include <mailwire/imap/command/dump.hpp>
#include <mailwire/imap/command/write.hpp>

#include <string>
#include <string_view>

#include <fmt/format.h>

#include "support/catch.hpp"

using namespace mailwire::imap;

namespace {

std::string dump(std::string_view msg) {
    command_storage st;
    auto r = parse_command(msg, st);
    INFO(std::string(msg));
    REQUIRE(r.has_value());
    const std::string d = fmt::format("{:v}", *r);
    CHECK_FALSE(mailwire::breaks_line(d));
    return d;
}

} // namespace

TEST_CASE("the dump names the command, the tag and each field", "[imap][command][dump]") {
    CHECK(dump("a001 LOGIN SMITH SESAME\r\n") == "LOGIN tag=\"a001\" userid=atom \"SMITH\" password=<redacted, 6 octets>");
    CHECK(dump("x AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=\r\n") ==
          "AUTHENTICATE tag=\"x\" mechanism=PLAIN initial-response=<redacted, 20 octets of base64>");
    CHECK(dump("A999 UID FETCH 4827313:4828442 FLAGS\r\n") == "UID FETCH tag=\"A999\" set=4827313:4828442 items=[fetch-att FLAGS]");
    CHECK(dump("x UID XFOO 1 (a \"b\")\r\n") == "UID XFOO tag=\"x\" args=[atom \"1\" ( atom \"a\" quoted \"b\" )]");
    CHECK(dump("a NOOP\r\n") == "NOOP tag=\"a\"");
    CHECK(dump("A142 SELECT INBOX (CONDSTORE)\r\n") == "SELECT tag=\"A142\" mailbox=mailbox INBOX param=CONDSTORE");
    CHECK(dump("a STATUS x (MESSAGES UNSEEN)\r\n") == "STATUS tag=\"a\" mailbox=mailbox atom \"x\" items=[MESSAGES UNSEEN]");
    CHECK(dump("a STORE 1 +FLAGS.SILENT (\\Seen)\r\n") == "STORE tag=\"a\" set=1 op=add silent flags=[\\Seen]");
    CHECK(dump("a ID NIL\r\n") == "ID tag=\"a\" params=NIL");
    CHECK(dump("a SORT (REVERSE DATE) UTF-8 ALL\r\n") ==
          "SORT tag=\"a\" criteria=[REVERSE DATE] charset=atom \"UTF-8\" keys=[ALL]");
}

TEST_CASE("the dump escapes line breaks and shows literals by content", "[imap][command][dump]") {
    const std::string d = dump("a LOGIN {4}\r\na\r\nb {3}\r\nx\"y\r\n");
    CHECK(d == "LOGIN tag=\"a\" userid=literal \"a\\r\\nb\" password=<redacted, 3 octets>");
    const std::string ap = dump("a APPEND x (\\Seen) {5}\r\nhello\r\n");
    CHECK(ap == "APPEND tag=\"a\" mailbox=mailbox atom \"x\" message={flags=[\\Seen] literal 5 octets}");
}

TEST_CASE("the dump shows values check_writable refuses", "[imap][command][dump]") {
    cmd::login l;
    l.userid = string_value{string_form::quoted, "fred\r\nA2 DELETE INBOX", false, false};
    l.password = string_value{string_form::atom, "x", false, false};
    const command c{tag{"*"}, l};
    REQUIRE_FALSE(check_writable(c).has_value());
    const std::string d = fmt::format("{:v}", c);
    CHECK(d == "LOGIN tag=\"*\" userid=quoted \"fred\\r\\nA2 DELETE INBOX\" password=<redacted, 1 octets>");
    CHECK_FALSE(mailwire::breaks_line(d));
}
