// libFuzzer target: the second factor's parsers — the base32 secret an authenticator shows (and
// the server stores) and the code a user types. Decoding then encoding gives the bytes back, and
// a code is accepted only if it is six digits the secret produces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "auth/totp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto bytes = palermo::auth::base32Decode(text)) {
    const auto again = palermo::auth::base32Decode(palermo::auth::base32Encode(*bytes));
    if (!again || *again != *bytes) std::abort();
  }
  const std::string secret = "12345678901234567890";
  const int64_t now = 1700000000;
  if (auto step = palermo::auth::verifyTotp(secret, text, now)) {
    // Accepted: the code must be what the secret gives at the matched step.
    if (text.size() != 6 || palermo::auth::hotp(secret, static_cast<uint64_t>(*step)) != text) std::abort();
  }
  return 0;
}
