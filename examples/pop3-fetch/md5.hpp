// A small MD5 (RFC 1321) for APOP (RFC 1939 §7), which mailwire does not compute: the
// library only gives the exact octets to hash (pop3::apop_digest_input). MD5 is broken as a
// general hash; APOP uses it because RFC 1939 says so, and only on loopback here.
// Used by pop3-fetch (client) and pop3-server (--apop). Checked by `pop3-fetch --self-test`
// against RFC 1321 §A.5's test suite and RFC 1939 §7's APOP example.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mwexample {

class md5 {
public:
    md5() noexcept = default;

    void update(std::string_view data) noexcept {
        for (char c : data) {
            buf_[fill_++] = static_cast<std::uint8_t>(c);
            if (fill_ == 64) {
                block(buf_.data());
                fill_ = 0;
            }
        }
        bits_ += static_cast<std::uint64_t>(data.size()) * 8u;
    }

    /// The 16-octet digest; the object is spent afterwards.
    std::array<std::uint8_t, 16> finish() noexcept {
        const std::uint64_t bits = bits_;
        // Padding: 0x80, zeros to 56 mod 64, then the bit length little-endian (RFC 1321 §3.1-3.2).
        buf_[fill_++] = 0x80;
        if (fill_ > 56) {
            while (fill_ < 64) buf_[fill_++] = 0;
            block(buf_.data());
            fill_ = 0;
        }
        while (fill_ < 56) buf_[fill_++] = 0;
        for (int i = 0; i < 8; ++i) buf_[fill_++] = static_cast<std::uint8_t>(bits >> (8 * i));
        block(buf_.data());
        std::array<std::uint8_t, 16> out{};
        for (std::size_t i = 0; i < 4; ++i)
            for (std::size_t j = 0; j < 4; ++j) out[i * 4 + j] = static_cast<std::uint8_t>(h_[i] >> (8 * j));
        return out;
    }

    /// Lower-case hex of the MD5 of `data` (the form APOP sends, RFC 1939 §7).
    static std::string hex(std::string_view data) {
        md5 m;
        m.update(data);
        const auto d = m.finish();
        static constexpr char digits[] = "0123456789abcdef";
        std::string s;
        for (std::uint8_t b : d) {
            s.push_back(digits[b >> 4]);
            s.push_back(digits[b & 15]);
        }
        return s;
    }

private:
    static constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept { return (x << n) | (x >> (32 - n)); }

    void block(const std::uint8_t* p) noexcept {
        // Per-round shift amounts and the sine-derived constants T[i] (RFC 1321 §3.4).
        static constexpr unsigned s[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                           5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                           4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                           6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
        static constexpr std::uint32_t k[64] = {
            0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
            0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
            0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
            0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
            0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
            0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
            0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
            0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
        std::uint32_t m[16];
        for (std::size_t i = 0; i < 16; ++i)
            m[i] = static_cast<std::uint32_t>(p[i * 4]) | static_cast<std::uint32_t>(p[i * 4 + 1]) << 8 |
                   static_cast<std::uint32_t>(p[i * 4 + 2]) << 16 | static_cast<std::uint32_t>(p[i * 4 + 3]) << 24;
        std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3];
        for (std::size_t i = 0; i < 64; ++i) {
            std::uint32_t f = 0;
            std::size_t g = 0;
            if (i < 16) { f = (b & c) | (~b & d); g = i; }
            else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
            else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
            else { f = c ^ (b | ~d); g = (7 * i) % 16; }
            const std::uint32_t t = d;
            d = c;
            c = b;
            b = b + rotl(a + f + k[i] + m[g], s[i]);
            a = t;
        }
        h_[0] += a;
        h_[1] += b;
        h_[2] += c;
        h_[3] += d;
    }

    std::array<std::uint32_t, 4> h_{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    std::array<std::uint8_t, 64> buf_{};
    std::size_t fill_ = 0;
    std::uint64_t bits_ = 0;
};

} // namespace mwexample
