// Command-line and console helpers shared by the example programs (pop3-fetch, pop3-server,
// imap-server): writing to stdout/stderr and reading an option's value or bounded number.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace mwexample {

/// Writes to stdout and flushes, so progress lines appear at once (also through a pipe).
inline void say(std::string_view s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fflush(stdout);
}

/// Writes to stderr, after what stdout still holds, so the two stay in order.
inline void err(std::string_view s) {
    std::fflush(stdout);
    std::fwrite(s.data(), 1, s.size(), stderr);
}

/// Reads the values of the option at argv[i] (argv[i + 1], ...), advancing i past them.
class arg_reader {
public:
    arg_reader(int argc, char** argv, int& i) noexcept : argc_(argc), argv_(argv), i_(i) {}

    /// The next argument; nullopt when there is none.
    std::optional<std::string> value() {
        if (i_ + 1 >= argc_) return std::nullopt;
        return std::string(argv_[++i_]);
    }
    /// The next argument into `out`; false when there is none (`out` is left alone).
    bool value(std::string& out) {
        auto v = value();
        if (v) out = std::move(*v);
        return v.has_value();
    }
    /// The next argument as a decimal number in [lo, hi] (1-9 digits, nothing else);
    /// nullopt when it is missing or is not such a number.
    std::optional<int> number(int lo, int hi) {
        auto v = value();
        if (!v || v->empty() || v->size() > 9 || v->find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
        const int n = std::atoi(v->c_str());
        if (n < lo || n > hi) return std::nullopt;
        return n;
    }

private:
    int argc_;
    char** argv_;
    int& i_;
};

/// Calls on_option(name, reader) for each option of the command line, in order; "--help" and
/// "-h" print `usage` to stdout and exit 0. False as soon as on_option returns false (an
/// unknown option or a bad value: the caller prints the usage and exits 2).
template <class OnOption>
bool for_each_option(int argc, char** argv, std::string_view usage, OnOption&& on_option) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--help" || a == "-h") {
            say(usage);
            std::exit(0);
        }
        arg_reader r(argc, argv, i);
        if (!on_option(a, r)) return false;
    }
    return true;
}

} // namespace mwexample
