// Checks the `mailwire-parse --json` contract on the tool's output, independently of the
// tool's code (it has its own small JSON reader and its own transcript reader):
//   - every line is one valid JSON object with exactly the contract keys, in order:
//       {"dir","ok":true,"type","bytes","wire"} or {"dir","ok":false,"offset","code","expected"}
//   - "dir" is "C" or "S", numbers are unsigned integers, "type"/"code" are not empty;
//   - "wire" decodes (one code point -> one byte, none above U+00FF) to the bytes received:
//     per direction the messages' "bytes" cut the direction's stream (rebuilt here from the
//     transcript or taken from the raw file) into consecutive slices, and each slice equals
//     the decoded "wire" (for a client message, optionally after upper-casing its first
//     word: --keyword-case; or, with --client-any-case, after ASCII case folding of both:
//     IMAP commands write their keywords in upper case); the slices cover the whole stream.
// After a failure in a direction ("ok":false carries no size) the slicing of that direction
// stops; the remaining checks still apply.
//
// usage: mailwire_parse_json_check OUTPUT.jsonl (--transcript FILE | --client FILE |
//        --server FILE) [--keyword-case | --client-any-case] [--expect-failures N]
//        [--expect-messages N]
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

// ---- a minimal JSON reader for flat objects -------------------------------------------

struct value {
    enum class kind { string, number, boolean } k = kind::string;
    std::string text; // decoded string, digits, or "true"/"false"
};
using member = std::pair<std::string, value>;

class json_reader {
public:
    explicit json_reader(std::string_view s) : s_(s) {}

    std::optional<std::vector<member>> object() {
        std::vector<member> out;
        if (!eat('{')) return fail("'{'");
        if (eat('}')) return end(out);
        do {
            auto key = string();
            if (!key || !eat(':')) return fail("key and ':'");
            auto v = any_value();
            if (!v) return std::nullopt;
            out.emplace_back(std::move(*key), std::move(*v));
        } while (eat(','));
        if (!eat('}')) return fail("',' or '}'");
        return end(out);
    }

    std::string error;

private:
    std::optional<std::vector<member>> end(std::vector<member>& out) {
        if (pos_ != s_.size()) return fail("end of line after the object");
        return std::move(out);
    }
    std::nullopt_t fail(std::string_view what) {
        if (error.empty()) error = "expected " + std::string(what) + " at column " + std::to_string(pos_ + 1);
        return std::nullopt;
    }
    bool eat(char c) {
        if (pos_ < s_.size() && s_[pos_] == c) { ++pos_; return true; }
        return false;
    }
    std::optional<value> any_value() {
        if (pos_ < s_.size() && s_[pos_] == '"') {
            auto str = string();
            if (!str) return std::nullopt;
            return value{value::kind::string, std::move(*str)};
        }
        for (std::string_view lit : {"true", "false"})
            if (s_.substr(pos_).starts_with(lit)) { pos_ += lit.size(); return value{value::kind::boolean, std::string(lit)}; }
        const std::size_t start = pos_;
        while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
        if (pos_ == start) return fail("a string, an unsigned number, true or false");
        if (s_[start] == '0' && pos_ - start > 1) return fail("a number without leading zeros");
        return value{value::kind::number, std::string(s_.substr(start, pos_ - start))};
    }
    static int hex(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }
    // Decodes to bytes; a \u escape above 00FF cannot stand for one byte: rejected.
    std::optional<std::string> string() {
        if (!eat('"')) return fail("'\"'");
        std::string out;
        while (pos_ < s_.size() && s_[pos_] != '"') {
            const auto c = static_cast<unsigned char>(s_[pos_++]);
            if (c < 0x20) return fail("no raw control byte in a string");
            if (c != '\\') { out += static_cast<char>(c); continue; }
            if (pos_ >= s_.size()) return fail("an escape");
            const char e = s_[pos_++];
            if (e == 'u') {
                if (pos_ + 4 > s_.size()) return fail("4 hex digits");
                int cp = 0;
                for (int i = 0; i < 4; ++i) {
                    const int h = hex(s_[pos_++]);
                    if (h < 0) return fail("a hex digit");
                    cp = cp * 16 + h;
                }
                if (cp > 0xFF) return fail("\\u00XX (one byte per code point)");
                out += static_cast<char>(static_cast<unsigned char>(cp));
                continue;
            }
            const std::string_view from = "\"\\/bfnrt", to = "\"\\/\b\f\n\r\t";
            const std::size_t i = from.find(e);
            if (i == std::string_view::npos) return fail("a JSON escape");
            out += to[i];
        }
        if (!eat('"')) return fail("closing '\"'");
        return out;
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

// ---- the reference byte streams -------------------------------------------------------

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(f), {});
}

// The transcript format of examples/mailwire-parse/README.md, read independently.
std::map<char, std::string> streams_of_transcript(const std::string& text) {
    std::map<char, std::string> out;
    std::istringstream in(text);
    std::string line;
    char last = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.size() >= 2 && (line[0] == 'C' || line[0] == 'S') && line[1] == ':') {
            last = line[0];
            out[last] += (line.size() > 2 ? line.substr(3) : std::string()) + "\r\n";
        } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t') &&
                   line.find_first_not_of(" \t") != std::string::npos && last) {
            std::string& s = out[last];
            s.resize(s.size() - 2); // continuation: replace the CRLF by SP + the rest
            s += ' ' + line.substr(line.find_first_not_of(" \t")) + "\r\n";
        } else {
            last = 0; // comment or blank line
        }
    }
    return out;
}

std::string upper_all(std::string s) {
    for (char& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::string upper_first_word(std::string s) {
    for (char& c : s) {
        if (c == ' ' || c == '\r') break;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    return s;
}

// ---- the checks -----------------------------------------------------------------------

struct checker {
    std::map<char, std::string> streams;
    std::map<char, std::size_t> pos;
    std::map<char, bool> stopped;
    bool keyword_case = false;
    bool client_any_case = false;
    std::size_t failures = 0, messages = 0, errors = 0, case_normalized = 0;

    void bad(std::size_t line_no, const std::string& why) {
        ++errors;
        std::cerr << "output line " << line_no << ": " << why << "\n";
    }

    static bool keys_are(const std::vector<member>& m, std::initializer_list<std::string_view> keys) {
        if (m.size() != keys.size()) return false;
        std::size_t i = 0;
        for (std::string_view k : keys)
            if (m[i++].first != k) return false;
        return true;
    }

    void check_line(std::size_t n, std::string_view text) {
        json_reader r(text);
        auto obj = r.object();
        if (!obj) return bad(n, "not a JSON object: " + r.error);
        const auto& m = *obj;
        ++messages;
        if (m.size() < 2 || m[1].first != "ok" || m[1].second.k != value::kind::boolean)
            return bad(n, "second key must be \"ok\" with true or false");
        const bool ok = m[1].second.text == "true";
        if (ok ? !keys_are(m, {"dir", "ok", "type", "bytes", "wire"})
               : !keys_are(m, {"dir", "ok", "offset", "code", "expected"}))
            return bad(n, "keys are not exactly the contract's, in its order");
        const std::string& dir = m[0].second.text;
        if (m[0].second.k != value::kind::string || (dir != "C" && dir != "S")) return bad(n, "dir must be \"C\" or \"S\"");
        if (!ok) return check_failure(n, m);
        if (m[2].second.k != value::kind::string || m[2].second.text.empty()) return bad(n, "type must be a non-empty string");
        if (m[3].second.k != value::kind::number) return bad(n, "bytes must be a number");
        if (m[4].second.k != value::kind::string) return bad(n, "wire must be a string");
        check_wire(n, dir[0], std::stoull(m[3].second.text), m[4].second.text);
    }

    void check_failure(std::size_t n, const std::vector<member>& m) {
        ++failures;
        if (m[2].second.k != value::kind::number) return bad(n, "offset must be a number");
        if (m[3].second.k != value::kind::string || m[3].second.text.empty()) return bad(n, "code must be a non-empty string");
        if (m[4].second.k != value::kind::string) return bad(n, "expected must be a string");
        stopped[m[0].second.text[0]] = true;
    }

    void check_wire(std::size_t n, char dir, std::size_t bytes, const std::string& wire) {
        if (stopped[dir] || streams.empty()) return;
        const std::string& s = streams[dir];
        if (pos[dir] + bytes > s.size()) return bad(n, "bytes runs past the end of the stream");
        const std::string received = s.substr(pos[dir], bytes);
        pos[dir] += bytes;
        if (wire == received) return;
        if (keyword_case && dir == 'C' && wire == upper_first_word(received)) { ++case_normalized; return; }
        if (client_any_case && dir == 'C' && upper_all(wire) == upper_all(received)) { ++case_normalized; return; }
        bad(n, "decoded wire differs from the bytes received");
    }

    void check_coverage() {
        for (auto& [dir, s] : streams)
            if (!stopped[dir] && pos[dir] != s.size())
                bad(0, std::string("direction ") + dir + ": messages cover " + std::to_string(pos[dir]) +
                           " of " + std::to_string(s.size()) + " bytes");
    }
};

int usage() {
    std::cerr << "usage: mailwire_parse_json_check OUTPUT.jsonl (--transcript FILE | --client FILE | "
                 "--server FILE) [--keyword-case | --client-any-case] [--expect-failures N] [--expect-messages N]\n";
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage();
    checker c;
    std::optional<std::size_t> expect_failures, expect_messages;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        const bool has_value = i + 1 < args.size();
        if (a == "--keyword-case") { c.keyword_case = true; continue; }
        if (a == "--client-any-case") { c.client_any_case = true; continue; }
        if (!has_value) return usage();
        const std::string& v = args[++i];
        if (a == "--expect-failures") { expect_failures = std::stoull(v); continue; }
        if (a == "--expect-messages") { expect_messages = std::stoull(v); continue; }
        auto data = read_file(v);
        if (!data) { std::cerr << "cannot read " << v << "\n"; return 2; }
        if (a == "--transcript") c.streams = streams_of_transcript(*data);
        else if (a == "--client") c.streams['C'] = *data;
        else if (a == "--server") c.streams['S'] = *data;
        else return usage();
    }
    auto output = read_file(args[0]);
    if (!output) { std::cerr << "cannot read " << args[0] << "\n"; return 2; }
    std::istringstream lines(*output);
    std::string line;
    std::size_t n = 0;
    while (std::getline(lines, line)) c.check_line(++n, line);
    if (!output->empty() && output->back() != '\n') c.bad(n, "output does not end with a line end");
    c.check_coverage();
    if (expect_failures && c.failures != *expect_failures)
        c.bad(0, "expected " + std::to_string(*expect_failures) + " failures, got " + std::to_string(c.failures));
    if (expect_messages && c.messages != *expect_messages)
        c.bad(0, "expected " + std::to_string(*expect_messages) + " messages, got " + std::to_string(c.messages));
    std::cout << c.messages << " messages, " << c.failures << " failed, " << c.case_normalized
              << " matched after case folding, " << c.errors << " contract errors\n";
    return c.errors ? 1 : 0;
}
