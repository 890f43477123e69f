#include "core/keys.hpp"

#include <sodium.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>

#include <cstdio>
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

// Sealed values written since key versions exist start with this header: 0xF1 'K' and the
// version (big-endian 16 bits). Older values have no header and are version 1; a random nonce
// that happens to look like a header is still opened correctly (open() falls back).
constexpr unsigned char kHeader0 = 0xF1, kHeader1 = 'K';
constexpr std::size_t kHeaderSize = 4;

KeyRing::Keys deriveAll(const std::string& master) {
  if (master.size() != crypto_kdf_KEYBYTES) throw std::runtime_error("master key must be 32 bytes");
  return KeyRing::Keys{derive(master, 1), derive(master, 2), derive(master, 3)};
}

// "hex" (version 1) or "N:hex" items, separated by white space, commas or new lines; lines
// starting with '#' are comments.
std::map<int, std::string> parseMasters(const std::string& text, const std::string& where) {
  std::map<int, std::string> out;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    for (char& c : line)
      if (c == ',') c = ' ';
    std::istringstream items(line);
    std::string item;
    while (items >> item) {
      int version = 1;
      std::string hex = item;
      if (const auto colon = item.find(':'); colon != std::string::npos) {
        try {
          version = std::stoi(item.substr(0, colon));
        } catch (const std::exception&) {
          version = 0;
        }
        hex = item.substr(colon + 1);
      }
      if (version < 1 || version > 65535)
        throw std::runtime_error(where + ": a key version must be a number from 1 to 65535 (\"N:hex\")");
      if (out.count(version)) throw std::runtime_error(where + ": key version " + std::to_string(version) + " appears twice");
      out[version] = fromHex(hex);
    }
  }
  if (out.empty()) throw std::runtime_error(where + ": no master key");
  return out;
}

}  // namespace

KeyRing KeyRing::fromMaster(std::string master) {
  std::map<int, std::string> m;
  m[1] = std::move(master);
  return fromMasters(std::move(m));
}

KeyRing KeyRing::fromMasters(std::map<int, std::string> masters) {
  KeyRing k;
  for (auto& [v, master] : masters) {
    k.versions_[v] = deriveAll(master);
    sodium_memzero(master.data(), master.size());
  }
  k.active_ = k.newestVersion();
  return k;
}

const KeyRing::Keys& KeyRing::version(int v) const {
  auto it = versions_.find(v);
  if (it == versions_.end())
    throw std::runtime_error("master key version " + std::to_string(v) + " is not in the key ring" +
                             (file_.empty() ? std::string(" (PALERMO_MASTER_KEY)") : " (" + file_ + ")"));
  return it->second;
}

const KeyRing::Keys& KeyRing::active() const { return version(active_); }

void KeyRing::activate(int v) {
  (void)version(v);
  active_ = v;
}

std::string KeyRing::seal(std::string_view plaintext, std::string_view context) const {
  std::string out(kHeaderSize, '\0');
  out[0] = static_cast<char>(kHeader0);
  out[1] = static_cast<char>(kHeader1);
  out[2] = static_cast<char>((active_ >> 8) & 0xFF);
  out[3] = static_cast<char>(active_ & 0xFF);
  out += sealBytes(plaintext, context, dataKey());
  return out;
}

int KeyRing::sealedVersion(std::string_view sealed) {
  if (sealed.size() > kHeaderSize && static_cast<unsigned char>(sealed[0]) == kHeader0 &&
      static_cast<unsigned char>(sealed[1]) == kHeader1)
    return (static_cast<unsigned char>(sealed[2]) << 8) | static_cast<unsigned char>(sealed[3]);
  return 1;
}

std::string KeyRing::open(std::string_view sealed, std::string_view context) const {
  const bool headed = sealed.size() > kHeaderSize && static_cast<unsigned char>(sealed[0]) == kHeader0 &&
                      static_cast<unsigned char>(sealed[1]) == kHeader1;
  if (headed) {
    const int v = sealedVersion(sealed);
    if (has(v)) {
      try {
        return openBytes(sealed.substr(kHeaderSize), context, version(v).data);
      } catch (const std::runtime_error&) {
        if (!has(1)) throw;  // not a legacy value either
      }
    } else if (!has(1)) {
      (void)version(v);  // throws naming the missing version
    }
  }
  return openBytes(sealed, context, version(1).data);
}

KeyRing KeyRing::load(const std::string& data_dir, bool create) {
  if (const char* env = std::getenv("PALERMO_MASTER_KEY"); env && *env)
    return fromMasters(parseMasters(env, "PALERMO_MASTER_KEY"));
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
      out << "1:" << hex << "\n";
      if (!out) throw std::runtime_error("cannot write master key file " + file);
    }
    ::umask(old);
    ::chmod(file.c_str(), 0600);
  }
  // Whoever reads this file reads every identity in the database: only its owner may.
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    throw std::runtime_error("master key file " + file + " can be read or written by others than its owner (mode " +
                             mode + "); run: chmod 600 " + file);
  }
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read master key file " + file);
  std::stringstream text;
  text << in.rdbuf();
  KeyRing ring = fromMasters(parseMasters(text.str(), file));
  ring.file_ = file;
  return ring;
}

int KeyRing::addVersionToFile() {
  if (file_.empty())
    throw std::runtime_error(
        "the master keys come from PALERMO_MASTER_KEY: add a new version there (\"1:hex,2:hex\") or use a key file "
        "(PALERMO_MASTER_KEY_FILE) to rotate");
  const int v = newestVersion() + 1;
  if (v > 65535) throw std::runtime_error("no more key versions");
  std::ifstream in(file_);
  std::stringstream text;
  text << in.rdbuf();
  std::string content = text.str();
  // A file from before versions existed holds one bare key: that is version 1, say so.
  {
    std::string trimmed;
    for (char c : content)
      if (!std::isspace(static_cast<unsigned char>(c))) trimmed += c;
    if (trimmed.size() == 64 && trimmed.find(':') == std::string::npos) content = "1:" + trimmed + "\n";
  }
  if (!content.empty() && content.back() != '\n') content += '\n';
  std::string master = randomBytes(32);
  content += std::to_string(v) + ":" + hexEncode(master) + "\n";
  const std::string tmp = file_ + ".new";
  const mode_t old = ::umask(077);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp);
  }
  ::umask(old);
  ::chmod(tmp.c_str(), 0600);
  if (int fd = ::open(tmp.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::filesystem::rename(tmp, file_);
  const auto dir = std::filesystem::path(file_).parent_path();
  if (int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  versions_[v] = deriveAll(master);
  sodium_memzero(master.data(), master.size());
  return v;
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
