// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
// 6 digits — what every authenticator app speaks. The secret is 20 random bytes, shown once as
// base32 (and as an otpauth:// URI for a QR code), stored sealed with the data key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace palermo::auth {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

std::string base32Encode(std::string_view bytes);                    // RFC 4648, no padding
std::optional<std::string> base32Decode(std::string_view text);      // ignores spaces and case
// The code for a time step (unix seconds / 30), zero-padded to `digits`.
std::string hotp(std::string_view secret, uint64_t counter, int digits = kTotpDigits);
std::string totpAt(std::string_view secret, int64_t unix_seconds, int digits = kTotpDigits);

// Checks `code` against the steps around `unix_seconds` (one step either way, for clock drift).
// Returns the matching step, or nullopt. Callers refuse a step not after the last one used, so
// a code cannot be replayed.
std::optional<int64_t> verifyTotp(std::string_view secret, std::string_view code, int64_t unix_seconds);

// otpauth://totp/Palermo:<login>?secret=...&issuer=Palermo&algorithm=SHA1&digits=6&period=30
std::string otpauthUri(std::string_view login, std::string_view secret_base32);

}  // namespace palermo::auth
