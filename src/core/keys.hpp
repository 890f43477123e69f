// Keys. One 32-byte master key, never stored in the database: from PALERMO_MASTER_KEY (64 hex
// characters) or from the key file (default <data_dir>/master.key, created 0600 on first
// start). Purpose keys are derived from it with libsodium's KDF, so one secret is kept safe.
#pragma once

#include <string>
#include <string_view>

namespace palermo {

class KeyRing {
 public:
  // Loads the master key (environment first, then the file; creates the file when missing and
  // `create` is true). Throws std::runtime_error when the key is malformed or unreadable.
  static KeyRing load(const std::string& data_dir, bool create);
  static KeyRing fromMaster(std::string master);  // tests

  [[nodiscard]] const std::string& auditKey() const { return audit_; }  // MAC of the audit chain
  [[nodiscard]] const std::string& dataKey() const { return data_; }    // identity fields, attachments
  [[nodiscard]] const std::string& indexKey() const { return index_; }  // blind index of names

 private:
  std::string audit_, data_, index_;
};

// XChaCha20-Poly1305 (IETF). The output is nonce || ciphertext || tag. `context` is bound as
// associated data (e.g. "record:17"), so a ciphertext moved to another record does not decrypt.
std::string sealBytes(std::string_view plaintext, std::string_view context, const std::string& key);
// Throws std::runtime_error when the ciphertext was altered or the key or context is wrong.
std::string openBytes(std::string_view sealed, std::string_view context, const std::string& key);
// Keyed BLAKE2b-256, hex.
std::string keyedHashHex(std::string_view data, const std::string& key);

}  // namespace palermo
