#include "core/keys.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/random.hpp"

namespace palermo {

namespace {

std::string fromHex(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), hex.data(), hex.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != 32)
    throw std::runtime_error("master key must be 64 hexadecimal characters (32 bytes)");
  out.resize(len);
  return out;
}

std::string derive(const std::string& master, uint64_t id) {
  std::string out(32, '\0');
  crypto_kdf_derive_from_key(reinterpret_cast<unsigned char*>(out.data()), out.size(), id, "palermo1",
                             reinterpret_cast<const unsigned char*>(master.data()));
  return out;
}

}  // namespace

KeyRing KeyRing::fromMaster(std::string master) {
  if (master.size() != crypto_kdf_KEYBYTES) throw std::runtime_error("master key must be 32 bytes");
  KeyRing k;
  k.audit_ = derive(master, 1);
  k.data_ = derive(master, 2);
  k.index_ = derive(master, 3);
  sodium_memzero(master.data(), master.size());
  return k;
}

KeyRing KeyRing::load(const std::string& data_dir, bool create) {
  if (const char* env = std::getenv("PALERMO_MASTER_KEY"); env && *env) return fromMaster(fromHex(env));
  const std::string file = std::getenv("PALERMO_MASTER_KEY_FILE") ? std::getenv("PALERMO_MASTER_KEY_FILE")
                                                                  : (std::filesystem::path(data_dir) / "master.key").string();
  if (!std::filesystem::exists(file)) {
    if (!create) throw std::runtime_error("master key file not found: " + file);
    std::filesystem::create_directories(std::filesystem::path(file).parent_path().empty()
                                            ? std::filesystem::path(".")
                                            : std::filesystem::path(file).parent_path());
    const std::string hex = hexEncode(randomBytes(32));
    const mode_t old = ::umask(077);
    {
      std::ofstream out(file);
      out << hex << "\n";
      if (!out) throw std::runtime_error("cannot write master key file " + file);
    }
    ::umask(old);
    ::chmod(file.c_str(), 0600);
  }
  std::ifstream in(file);
  std::string hex;
  in >> hex;
  if (!in && !in.eof()) throw std::runtime_error("cannot read master key file " + file);
  return fromMaster(fromHex(hex));
}

std::string sealBytes(std::string_view plaintext, std::string_view context, const std::string& key) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(p, kNonce);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(p + kNonce, &clen, reinterpret_cast<const unsigned char*>(plaintext.data()),
                                             plaintext.size(), reinterpret_cast<const unsigned char*>(context.data()),
                                             context.size(), nullptr, p,
                                             reinterpret_cast<const unsigned char*>(key.data()));
  out.resize(kNonce + clen);
  return out;
}

std::string openBytes(std::string_view sealed, std::string_view context, const std::string& key) {
  constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (sealed.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    throw std::runtime_error("encrypted value is truncated");
  std::string out(sealed.size() - kNonce - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  unsigned long long mlen = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(sealed.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(out.data()), &mlen, nullptr, p + kNonce,
                                                 sealed.size() - kNonce,
                                                 reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                                                 p, reinterpret_cast<const unsigned char*>(key.data())) != 0)
    throw std::runtime_error("encrypted value does not authenticate (altered, or wrong key)");
  out.resize(mlen);
  return out;
}

std::string keyedHashHex(std::string_view data, const std::string& key) {
  unsigned char out[32];
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  return hexEncode(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

}  // namespace palermo
