// Tests for include/mailwire/imap/command/types.hpp: what equality means (strings by
// content whatever their form, keywords case-insensitively, tokens by kind, spacing and
// content), keyword spellings and classification.
#include <mailwire/imap/command/types.hpp>

#include <array>
#include <string_view>

#include "support/catch.hpp"

using namespace mailwire::imap;

TEST_CASE("tokens compare by kind, spacing and content", "[imap][command][types]") {
    const token q1{token_kind::quoted, "a\\\"b", true, false, true};
    const token q2{token_kind::quoted, "a\"b", false, false, true};
    CHECK(q1 == q2); // the same decoded content
    CHECK(q1.value().equals("a\"b"));
    const token lit{token_kind::literal, "a\"b", false, true, true};
    CHECK_FALSE(lit == q2); // a literal is not a quoted string in a generic list
    const token lit_sync{token_kind::literal, "a\"b", false, false, true};
    CHECK(lit == lit_sync); // {n} and {n+} hold the same string
    CHECK_FALSE(token::word("x") == token::word("x", false));
    CHECK_FALSE(token::word("x") == token::word("X"));
    CHECK(token::open_paren() == token::open_paren());
    CHECK(token::close_paren() == token::close_paren());
    CHECK_FALSE(token::open_paren() == token::close_paren());
    CHECK(token::word("NIL").value().form == string_form::atom);
    CHECK(token::open_paren().value().is_nil());
    CHECK(to_string(token_kind::literal8) == "literal8");
}

TEST_CASE("commands compare by meaning", "[imap][command][types]") {
    const string_value atom_form{string_form::atom, "fred", false, false};
    const string_value quoted_form{string_form::quoted, "fred", false, false};
    const string_value literal_form{string_form::literal, "fred", false, false};
    const command a{tag{"a1"}, cmd::login{atom_form, literal_form}};
    const command b{tag{"a1"}, cmd::login{quoted_form, atom_form}};
    CHECK(a == b);
    CHECK_FALSE(a == (command{tag{"A1"}, cmd::login{atom_form, literal_form}})); // tags are exact
    CHECK_FALSE(a == (command{tag{"a1"}, cmd::noop{}}));
    // Keywords and names case-insensitively.
    CHECK(cmd::compress{atom{"deflate"}} == cmd::compress{atom{"DEFLATE"}});
    const std::array<atom, 1> c1{atom{"condstore"}}, c2{atom{"CONDSTORE"}};
    CHECK(cmd::enable{c1} == cmd::enable{c2});
    CHECK(extension_item{"x-foo", {}} == extension_item{"X-FOO", {}});
    CHECK(status_att{status_att_kind::messages, "messages"} == status_att::of(status_att_kind::messages));
    CHECK_FALSE(status_att{status_att_kind::other, "X-A"} == status_att{status_att_kind::other, "X-B"});
    // Mailboxes: INBOX in any case.
    const mailbox in1{string_value{string_form::atom, "inbox", false, false}, true, false};
    const mailbox in2{string_value{string_form::quoted, "INBOX", false, false}, true, false};
    CHECK(cmd::select{in1, {}} == cmd::select{in2, {}});
    // Lists element by element.
    const std::array<status_att, 2> s1{status_att::of(status_att_kind::messages), status_att::of(status_att_kind::unseen)};
    const std::array<status_att, 2> s2{status_att::of(status_att_kind::unseen), status_att::of(status_att_kind::messages)};
    CHECK_FALSE(cmd::status{in1, s1} == cmd::status{in1, s2});
    CHECK(cmd::status{in1, s1} == cmd::status{in2, s1});
    // A charset not given does not take part.
    const search_criteria x{false, string_value{string_form::atom, "UTF-8", false, false}, {}};
    const search_criteria y{false, string_value{}, {}};
    CHECK(x == y);
    CHECK_FALSE((search_criteria{true, x.charset, {}} == search_criteria{true, quoted_form, {}}));
}

TEST_CASE("keyword spellings and classification", "[imap][command][types]") {
    CHECK(classify_status_att("highestmodseq") == status_att_kind::highestmodseq);
    CHECK(classify_status_att("DELETED-STORAGE") == status_att_kind::deleted_storage);
    CHECK(classify_status_att("X-UNKNOWN") == status_att_kind::other);
    for (unsigned i = 0; i < static_cast<unsigned>(status_att_kind::other); ++i) {
        const auto k = static_cast<status_att_kind>(i);
        CHECK(classify_status_att(canonical_name(k)) == k);
        CHECK(status_att::of(k).name() == canonical_name(k));
    }
    CHECK(canonical_name(list_select_kind::special_use) == "SPECIAL-USE");
    CHECK(canonical_name(list_return_kind::status) == "STATUS");
    CHECK(list_select_opt::of(list_select_kind::remote).name() == "REMOTE");
    CHECK(select_param{select_param_kind::qresync, {}, {}, {}}.name() == "QRESYNC");
    CHECK(create_param{create_param_kind::use, {}, {}, {}}.name() == "USE");
    CHECK(store_modifier{store_modifier_kind::unchangedsince, {}, 0, {}}.name() == "UNCHANGEDSINCE");
    CHECK(metadata_option{metadata_option_kind::depth, {}, 0, metadata_depth::one, {}}.name() == "DEPTH");
    CHECK(to_string(sort_key::displayfrom) == "DISPLAYFROM");
    CHECK(sort_criterion{true, sort_key::date} == sort_criterion{true, sort_key::date});
    CHECK_FALSE(sort_criterion{false, sort_key::date} == sort_criterion{true, sort_key::date});
}
