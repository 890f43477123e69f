// Devices for field work offline (docs/offline.md): registered per user, each with a wrapping
// key the server holds (sealed under the master key) and hands to its own user at unlock; the
// key is forgotten when the device is revoked, when its user signs out everywhere, and when the
// device has not synced for offline.expire_days. Writes sent with X-Palermo-Device are refused
// from a device that is not its user's active device.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "store/store.hpp"

namespace palermo {
class KeyRing;
struct Config;
namespace records {
struct Schema;
}
namespace auth {

struct Principal;

class DeviceService {
 public:
  DeviceService(Store& store, const KeyRing& keys, const records::Schema& schema, const Config& config,
                std::function<int64_t()> clock);

  // The record types the user's roles keep offline (their union, sorted); empty: none.
  [[nodiscard]] std::vector<std::string> offlineTypes(const Principal& p) const;
  // What GET /api/v1/auth/me says about working offline.
  [[nodiscard]] Json offlineJson(const Principal& p) const;

  // Registers a device for the caller; the answer carries the wrapping key (base64url) once.
  // 403 devices.not_offline_role when no role of theirs works offline; 403 for an API token.
  Json registerDevice(const Principal& p, const std::string& name);
  // The wrapping key for the device's own user, while the device is active (an expired one is
  // revoked here, its key forgotten): 403 device.revoked / device.expired, 404 when not theirs.
  Json unlock(const Principal& p, const std::string& id);
  // A finished sync: the device's last sync time and the changes it still holds.
  Json synced(const Principal& p, const std::string& id, int64_t pending);
  // The caller's devices, or (administrators) another user's.
  Json list(const Principal& p, int64_t user_id, bool admin) const;
  // Revokes the device (its own user or an administrator); its key is forgotten.
  Json revoke(const Principal& p, const std::string& id, const std::string& reason, bool admin);
  // Every active device of the user (signing out everywhere); returns how many.
  int revokeAllOf(int64_t user_id, const std::string& reason);
  // Throws 403 device.revoked unless `id` is the caller's active device (writes carrying
  // X-Palermo-Device go through this first).
  void requireActive(const Principal& p, const std::string& id);

  [[nodiscard]] int expireDays() const { return expire_days_; }

 private:
  [[nodiscard]] Json deviceJson(const DeviceRow& d) const;
  [[nodiscard]] bool expired(const DeviceRow& d) const;
  [[nodiscard]] std::optional<DeviceRow> find(const std::string& id) const;  // none for a malformed id
  // The caller's device while active (404 when not theirs), else 403 revoked / expired.
  DeviceRow ownActive(const Principal& p, const std::string& id);
  DeviceRow checkActive(const Principal& p, DeviceRow d);

  Store& store_;
  const KeyRing& keys_;
  const records::Schema& schema_;
  int expire_days_;
  int lock_minutes_;
  std::function<int64_t()> clock_;
};

}  // namespace auth
}  // namespace palermo
