// Tests for include/mailwire/imap/command/storage.hpp: spans stay valid while more lists
// are built; nested lists of one type; abandoned lists; clear() keeps the memory; and
// parse_command() allocates nothing once the storage has grown (operator new counted).
#include <mailwire/imap/command/storage.hpp>
#include <mailwire/imap/command/parse.hpp>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "support/allocations.hpp" // counts every allocation in this test binary
#include "support/catch.hpp"

using mailwire::errc;
using mailwire::parse_options;
using mailwire::scanner;
using namespace mailwire::imap;


TEST_CASE("pool: committed spans stay valid while more lists are built", "[imap][command][storage]") {
    detail::pool<int> p;
    std::vector<std::span<const int>> lists;
    for (int l = 0; l < 200; ++l) {
        const auto m = p.mark();
        for (int i = 0; i <= l % 17; ++i) p.push(l * 100 + i);
        lists.push_back(p.commit(m));
    }
    for (int l = 0; l < 200; ++l) {
        REQUIRE(lists[static_cast<std::size_t>(l)].size() == static_cast<std::size_t>(l % 17 + 1));
        for (int i = 0; i <= l % 17; ++i) CHECK(lists[static_cast<std::size_t>(l)][static_cast<std::size_t>(i)] == l * 100 + i);
    }
    // A list larger than any block gets a block of its own.
    const auto m = p.mark();
    for (int i = 0; i < 5000; ++i) p.push(i);
    auto big = p.commit(m);
    CHECK(big.size() == 5000);
    CHECK(big[4999] == 4999);
    CHECK(lists[0][0] == 0);
    // An empty list is an empty span.
    CHECK(p.commit(p.mark()).empty());
}

TEST_CASE("pool: lists of one type nest, abandoned lists are dropped", "[imap][command][storage]") {
    command_storage st;
    parse_options o;
    const scanner s("x");
    detail::list_builder<token> outer(st, o);
    REQUIRE(outer.push(token::word("a"), s).has_value());
    std::span<const token> inner_span;
    {
        detail::list_builder<token> inner(st, o);
        REQUIRE(inner.push(token::word("b"), s).has_value());
        REQUIRE(inner.push(token::word("c"), s).has_value());
        inner_span = inner.commit();
    }
    {
        detail::list_builder<token> failed(st, o);
        REQUIRE(failed.push(token::word("zzz"), s).has_value());
        // destroyed without commit: its element goes
    }
    REQUIRE(outer.push(token::word("d"), s).has_value());
    auto outer_span = outer.commit();
    REQUIRE(outer_span.size() == 2);
    CHECK(outer_span[0].text == "a");
    CHECK(outer_span[1].text == "d");
    REQUIRE(inner_span.size() == 2);
    CHECK(inner_span[1].text == "c");
}

TEST_CASE("list_builder: max_list at, below and above", "[imap][command][storage]") {
    command_storage st;
    parse_options o;
    o.max_list = 2;
    scanner s("abcdef");
    s.advance(3);
    detail::list_builder<atom> b(st, o);
    REQUIRE(b.room(s).has_value());
    REQUIRE(b.push(atom{"x"}, s).has_value());
    REQUIRE(b.room(s).has_value());
    REQUIRE(b.push(atom{"y"}, s).has_value());
    auto full = b.room(s);
    REQUIRE_FALSE(full.has_value());
    CHECK(full.error().code == errc::limit_exceeded);
    CHECK(full.error().offset == 3);
    CHECK_FALSE(b.push(atom{"z"}, s).has_value());
    CHECK(b.commit().size() == 2);
}

TEST_CASE("clear() keeps the memory, parsing stops allocating", "[imap][command][storage]") {
    const std::string append = "a1 APPEND Drafts (\\Seen \\Draft $Forwarded) \" 7-Feb-1994 22:43:04 -0800\" X-EXT (1 2) {5}\r\n"
                               "hello (\\Answered) {3}\r\nabc\r\n";
    const std::string list = "a2 LIST (SUBSCRIBED RECURSIVEMATCH X-O (a (b))) \"\" (INBOX \"Sent/%\" foo*) "
                             "RETURN (CHILDREN STATUS (MESSAGES UNSEEN SIZE) SPECIAL-USE)\r\n";
    const std::string search = "a3 UID SEARCH RETURN (MIN COUNT) CHARSET UTF-8 OR (FLAGGED SINCE 1-Feb-1994) "
                               "NOT FROM \"Smith\" UID 1:*,5\r\n";
    const std::string fetch = "a4 UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (DATE FROM)]<0.100> BINARY[1.2]) "
                              "(CHANGEDSINCE 5 VANISHED)\r\n";
    const std::string generic = "a5 XFOO (a (b \"c\") {1}\r\nd) 1:* ~{1}\r\nz\r\n";
    const std::string store = "a6 UID STORE 1:5 (UNCHANGEDSINCE 7 X-M (a)) +FLAGS.SILENT (\\Deleted $Junk)\r\n";
    const std::string sort = "a7 SORT RETURN (ALL) (REVERSE DATE SUBJECT) UTF-8 ALL NOT DELETED\r\n";
    const std::string ident = "a8 ID (\"name\" \"x\" \"version\" NIL)\r\n";
    const std::string* all[] = {&append, &list, &search, &fetch, &generic, &store, &sort, &ident};

    command_storage st;
    for (int warm = 0; warm < 3; ++warm)
        for (const auto* m : all) REQUIRE(parse_command(*m, st).has_value());
    const std::size_t cap = st.capacity();
    CHECK(cap > 0);

    const std::size_t before = mailwire_test::allocations;
    for (int round = 0; round < 10; ++round)
        for (const auto* m : all) {
            auto r = parse_command(*m, st);
            REQUIRE(r.has_value());
        }
    CHECK(mailwire_test::allocations == before); // zero allocations per token, per list, per command
    CHECK(st.capacity() == cap);
    st.clear();
    CHECK(st.capacity() == cap);
    // The counter does count: a fresh storage grows.
    command_storage fresh;
    const std::size_t at = mailwire_test::allocations;
    REQUIRE(parse_command(list, fresh).has_value());
    CHECK(mailwire_test::allocations > at);
}
