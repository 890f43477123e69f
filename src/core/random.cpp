#include "core/random.hpp"

#include <sodium.h>

#include <stdexcept>

namespace palermo {

void sodiumInit() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::string randomBytes(std::size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string base64url(std::string_view bytes) {
  const auto* bin = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t len = sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  std::string out(len, '\0');
  sodium_bin2base64(out.data(), len, bin, bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(len - 1);  // drop the terminating NUL
  return out;
}

std::string randomToken(std::size_t bytes) { return base64url(randomBytes(bytes)); }

std::string hexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xf]);
  }
  return out;
}

std::string hashHex(std::string_view data) {
  unsigned char out[crypto_generichash_BYTES];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     nullptr, 0);
  return hexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace palermo
