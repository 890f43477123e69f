#include "auth/password.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <semaphore>
#include <stdexcept>
#include <thread>

#include "core/blocking.hpp"
#include "core/random.hpp"

namespace palermo::auth {

namespace {
struct Params {
  unsigned long long ops;
  std::size_t mem;
};
Params paramsFor(HashCost cost) {
  switch (cost) {
    case HashCost::Interactive:
      return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
    case HashCost::Moderate:
      return {crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE};
    case HashCost::Min:
      return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
  }
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

// Argon2id takes 64 MiB (interactive) to 256 MiB (moderate) per call and a core for its time:
// at most one call per core runs at once, whatever the number of worker threads waiting on
// sign-ins, so a flood of them cannot take the machine's memory.
class HashingSlot {
 public:
  HashingSlot() {
    mayBlock();  // never on an I/O thread
    gate().acquire();
  }
  ~HashingSlot() { gate().release(); }
  HashingSlot(const HashingSlot&) = delete;
  HashingSlot& operator=(const HashingSlot&) = delete;

 private:
  static std::counting_semaphore<>& gate() {
    static std::counting_semaphore<> slots(std::max<std::ptrdiff_t>(2, std::thread::hardware_concurrency()));
    return slots;
  }
};

std::size_t codePoints(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}
}  // namespace

HashCost hashCostFrom(const std::string& name) {
  if (name == "moderate") return HashCost::Moderate;
  if (name == "min") return HashCost::Min;
  return HashCost::Interactive;
}

std::string hashPassword(std::string_view password, HashCost cost) {
  const auto p = paramsFor(cost);
  char out[crypto_pwhash_STRBYTES];
  HashingSlot slot;
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), p.ops, p.mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool verifyPassword(std::string_view password, const std::string& stored_hash) {
  if (stored_hash.empty()) return false;
  HashingSlot slot;
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

bool needsRehash(const std::string& stored_hash, HashCost cost) {
  const auto p = paramsFor(cost);
  return crypto_pwhash_str_needs_rehash(stored_hash.c_str(), p.ops, p.mem) != 0;
}

namespace {
// What lists of leaked passwords are made of, long versions included ("password1234",
// "qwertyuiop12", "parol123456789"): a password built on one of these is refused.
bool isCommon(std::string_view password) {
  std::string lower;
  for (char c : password) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  static constexpr std::string_view kStems[] = {"password", "passw0rd", "parol",    "qwerty", "asdfgh", "zxcvbn",
                                                "123456",   "654321",   "111111",   "abc123", "iloveyou", "letmein",
                                                "welcome",  "admin",    "palermo",  "azerbaijan", "baku2",  "qazwsx"};
  for (auto stem : kStems)
    if (lower.find(stem) != std::string::npos) return true;
  // Only digits, or a run of one character for half the length.
  if (lower.find_first_not_of("0123456789") == std::string::npos) return true;
  return false;
}
}  // namespace

std::vector<FieldError> checkPasswordPolicy(std::string_view password, std::string_view login,
                                            const std::string& field) {
  std::vector<FieldError> errors;
  if (codePoints(password) < 12) errors.push_back({field, "too_short", "must be at least 12 characters"});
  if (password.size() > 256) errors.push_back({field, "too_long", "must be at most 256 bytes"});
  if (!login.empty() && password.find(login) != std::string_view::npos)
    errors.push_back({field, "contains_login", "must not contain the login name"});
  if (!password.empty() && password.find_first_not_of(password.front()) == std::string_view::npos)
    errors.push_back({field, "repeated", "must not be one character repeated"});
  else if (!password.empty() && isCommon(password))
    errors.push_back({field, "common", "is built on a common password (like 'password', 'qwerty', '123456')"});
  return errors;
}

std::string generatePassword() {
  // 15 random bytes -> 20 URL-safe base64 characters (~120 bits); drawn again in the rare case
  // that it spells something the policy refuses.
  for (;;) {
    auto p = randomToken(15);
    if (checkPasswordPolicy(p, "", "password").empty()) return p;
  }
}

}  // namespace palermo::auth
