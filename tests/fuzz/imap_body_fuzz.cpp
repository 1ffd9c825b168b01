// Fuzz target for ENVELOPE and BODY/BODYSTRUCTURE values
// (include/mailwire/imap/rules/envelope.hpp, body_structure.hpp).
//
// The first byte selects the rule (bit 0: envelope or body) and the depth budget (bits
// 1-3, so deep nesting hits the limit); the rest is parsed in strict and lenient mode.
// Invariants, each a __builtin_trap() when broken:
//   - an error carries a code and an offset within the input, and leaves the body
//     storage as it was;
//   - strict success implies lenient success with an equal value (lenient only adds);
//   - every parsed value passes check_writable(); its wire bytes parse back, in the same
//     mode, to an equal value, and formatting that value gives the same bytes again;
//   - the readable "{:v}" dump can be produced for every parsed value.
// One body_storage is reused across inputs, as a long-running client would.
#include <mailwire/imap/rules/body_structure.hpp>
#include <mailwire/imap/rules/envelope.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace {

using mailwire::parse_options;
namespace imap = mailwire::imap;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

void check_envelope(std::string_view text, const parse_options& base) {
    for (bool lenient : {false, true}) {
        parse_options opts = base;
        opts.mode = lenient ? mailwire::parse_mode::lenient : mailwire::parse_mode::strict;
        auto r = imap::parse_envelope(text, opts);
        if (!r) {
            require(r.error().code != mailwire::errc::ok);
            require(r.error().offset <= text.size());
            continue;
        }
        if (!lenient) {
            parse_options l = opts;
            l.mode = mailwire::parse_mode::lenient;
            auto lr = imap::parse_envelope(text, l);
            require(lr.has_value() && *lr == *r);
        }
        require(check_writable(*r).has_value());
        auto wire = mailwire::to_wire(*r);
        require(wire.has_value());
        auto again = imap::parse_envelope(*wire, opts);
        require(again.has_value() && *again == *r);
        require(mailwire::to_wire(*again).value() == *wire);
        (void)fmt::format("{:v}", *r);
    }
}

imap::body_storage& shared_storage() {
    static imap::body_storage st;
    return st;
}

void check_body(std::string_view text, const parse_options& base) {
    imap::body_storage& st = shared_storage();
    for (bool lenient : {false, true}) {
        parse_options opts = base;
        opts.mode = lenient ? mailwire::parse_mode::lenient : mailwire::parse_mode::strict;
        st.clear();
        auto r = imap::parse_body(text, st, opts);
        if (!r) {
            require(r.error().code != mailwire::errc::ok);
            require(r.error().offset <= text.size());
            require(st.nodes.empty() && st.params.empty() && st.extensions.empty() && st.envelopes.empty() &&
                    st.languages.empty());
            continue;
        }
        if (!lenient) {
            parse_options l = opts;
            l.mode = mailwire::parse_mode::lenient;
            imap::body_storage other;
            auto lr = imap::parse_body(text, other, l);
            require(lr.has_value() && *lr == *r);
        }
        require(check_writable(*r).has_value());
        auto wire = mailwire::to_wire(*r);
        require(wire.has_value());
        imap::body_storage st2;
        auto again = imap::parse_body(*wire, st2, opts);
        require(again.has_value() && *again == *r);
        require(mailwire::to_wire(*again).value() == *wire);
        (void)fmt::format("{:v}", *r);
        // Part "1" exists unless the body is a multipart without parts (lenient quirk).
        require(r->part("1").valid() == (!r->is_multipart() || r->child_count() > 0));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    parse_options base;
    const unsigned depth = (data[0] >> 1) & 7u;
    base.max_depth = depth == 0 ? 64 : depth + 1;
    base.max_list = 1000;
    if (data[0] & 1) check_body(text, base);
    else check_envelope(text, base);
    return 0;
}
