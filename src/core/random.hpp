#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace palermo {

// Cryptographically secure randomness (libsodium). Call sodiumInit() once at start.
void sodiumInit();
std::string randomBytes(std::size_t n);
// URL-safe base64 without padding of n random bytes: tokens, request ids, passwords.
std::string randomToken(std::size_t bytes);
std::string base64url(std::string_view bytes);
std::string hexEncode(std::string_view bytes);
// BLAKE2b-256 of data, hex encoded; for stored token hashes.
std::string hashHex(std::string_view data);
// Constant-time comparison.
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace palermo
