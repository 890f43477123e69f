// Keys. Master keys are never stored in the database: they come from PALERMO_MASTER_KEY or from
// the key file (default <data_dir>/master.key, created 0600 on first start). Each master key has
// a version; `palermo keys rotate` adds a new one and re-encrypts everything under it, and the
// old ones stay in the file only so that the older part of the audit chain can be verified.
// Purpose keys (audit MAC, data, blind index) are derived from a master key with libsodium's KDF.
// See docs/keys.md.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace palermo {

class KeyRing {
 public:
  struct Keys {
    std::string audit, data, index;
  };

  // Loads every master key version (environment first, then the file; creates the file with
  // version 1 when missing and `create` is true). The newest version is active until
  // activate() says otherwise. Throws std::runtime_error when a key is malformed or unreadable.
  static KeyRing load(const std::string& data_dir, bool create);
  static KeyRing fromMaster(std::string master);  // version 1 only (tests)
  static KeyRing fromMasters(std::map<int, std::string> masters);

  // Keys of the active version: everything new is sealed, hashed and MACed with these.
  [[nodiscard]] const std::string& auditKey() const { return active().audit; }
  [[nodiscard]] const std::string& dataKey() const { return active().data; }
  [[nodiscard]] const std::string& indexKey() const { return active().index; }
  // Keys of a given version; throws when the ring does not hold it.
  [[nodiscard]] const Keys& version(int v) const;
  [[nodiscard]] bool has(int v) const { return versions_.count(v) > 0; }
  [[nodiscard]] int activeVersion() const { return active_; }
  [[nodiscard]] int newestVersion() const { return versions_.empty() ? 0 : versions_.rbegin()->first; }
  // Makes `v` the active version (the one the database says it was rotated to). Throws when
  // the ring does not hold it.
  void activate(int v);

  // Seals with the active data key; the output starts with the key version, so values sealed
  // before and after a rotation can be told apart.
  [[nodiscard]] std::string seal(std::string_view plaintext, std::string_view context) const;
  // Opens a value sealed by any version in the ring (and values written before versions
  // existed, which are version 1). Throws when it does not authenticate.
  [[nodiscard]] std::string open(std::string_view sealed, std::string_view context) const;
  // The version a sealed value was sealed with (1 for values without a version header).
  [[nodiscard]] static int sealedVersion(std::string_view sealed);

  // Where the keys came from: the key file's path, or "" for the environment.
  [[nodiscard]] const std::string& file() const { return file_; }
  // Appends a new random master key as version newestVersion()+1 to the key file (written to a
  // temporary file, synced, then renamed over the old one, so a crash leaves one or the other)
  // and adds it to the ring. Throws when the keys came from the environment.
  int addVersionToFile();

 private:
  const Keys& active() const;
  std::map<int, Keys> versions_;
  int active_ = 0;
  std::string file_;
};

// XChaCha20-Poly1305 (IETF). The output is nonce || ciphertext || tag. `context` is bound as
// associated data (e.g. "record:17"), so a ciphertext moved to another record does not decrypt.
std::string sealBytes(std::string_view plaintext, std::string_view context, const std::string& key);
// Throws std::runtime_error when the ciphertext was altered or the key or context is wrong.
std::string openBytes(std::string_view sealed, std::string_view context, const std::string& key);
// Keyed BLAKE2b-256, hex.
std::string keyedHashHex(std::string_view data, const std::string& key);

}  // namespace palermo
