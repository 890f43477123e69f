#include "auth/devices.hpp"

#include <algorithm>
#include <set>

#include "auth/auth_service.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/keys.hpp"
#include "core/random.hpp"
#include "records/schema.hpp"

namespace palermo::auth {

namespace {
constexpr std::size_t kWrappingKeyBytes = 32;
constexpr std::size_t kMaxNameBytes = 100;
std::string sealContext(const std::string& device_id) { return "device:" + device_id; }
bool wellFormedId(const std::string& id) {
  return id.size() == 32 && std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
AuditDraft deviceAudit(const Principal& p, const std::string& action, const DeviceRow& d) {
  AuditDraft a{p.user.id, action, "user", d.user_id, Json{{"device", d.id}}};
  return a;
}
}  // namespace

DeviceService::DeviceService(Store& store, const KeyRing& keys, const records::Schema& schema, const Config& config,
                             std::function<int64_t()> clock)
    : store_(store),
      keys_(keys),
      schema_(schema),
      expire_days_(config.offline_expire_days),
      lock_minutes_(config.offline_lock_minutes),
      clock_(std::move(clock)) {}

std::vector<std::string> DeviceService::offlineTypes(const Principal& p) const {
  std::set<std::string> types;
  for (const auto& role : p.user.roles)
    if (auto it = schema_.roles.find(role); it != schema_.roles.end())
      types.insert(it->second.offline.begin(), it->second.offline.end());
  return {types.begin(), types.end()};
}

Json DeviceService::offlineJson(const Principal& p) const {
  return {{"types", offlineTypes(p)}, {"expire_days", expire_days_}, {"lock_minutes", lock_minutes_}};
}

bool DeviceService::expired(const DeviceRow& d) const {
  const int64_t since = std::max(d.created_at, d.last_sync_at);
  return clock_() > since + int64_t{expire_days_} * 86400;
}

Json DeviceService::deviceJson(const DeviceRow& d) const {
  const int64_t since = std::max(d.created_at, d.last_sync_at);
  std::string state = d.revoked_at ? "revoked" : expired(d) ? "expired" : "active";
  return {{"id", d.id},
          {"user_id", d.user_id},
          {"name", d.name},
          {"state", state},
          {"created_at", d.created_at},
          {"last_unlock_at", d.last_unlock_at},
          {"last_sync_at", d.last_sync_at},
          {"pending", d.pending},
          {"expires_at", d.revoked_at ? 0 : since + int64_t{expire_days_} * 86400},
          {"revoked_at", d.revoked_at},
          {"revoked_by", d.revoked_by},
          {"revoke_reason", d.revoke_reason}};
}

Json DeviceService::registerDevice(const Principal& p, const std::string& name) {
  if (p.token_id) throw Problem::forbidden("Devices are registered from a signed-in session, not with an API token.");
  if (offlineTypes(p).empty())
    throw Problem(403, "devices.not_offline_role", "None of your roles works offline (docs/offline.md).");
  if (name.empty() || name.size() > kMaxNameBytes)
    throw Problem::validation({{"name", "length", "The device's name is 1 to 100 characters."}});
  DeviceRow d;
  d.id = hexEncode(randomBytes(16));
  d.user_id = p.user.id;
  d.name = name;
  d.created_at = clock_();
  const std::string key = randomBytes(kWrappingKeyBytes);
  d.wrapping_key = keys_.seal(key, sealContext(d.id));
  store_.createDevice(d, deviceAudit(p, "device.register", d));
  Json out = deviceJson(d);
  out["wrapping_key"] = base64url(key);
  out["offline"] = offlineJson(p);
  return out;
}

std::optional<DeviceRow> DeviceService::find(const std::string& id) const {
  return wellFormedId(id) ? store_.findDevice(id) : std::nullopt;
}

DeviceRow DeviceService::ownActive(const Principal& p, const std::string& id) {
  auto d = find(id);
  if (!d || d->user_id != p.user.id) throw Problem::notFound("No such device of yours.");
  return checkActive(p, std::move(*d));
}

DeviceRow DeviceService::checkActive(const Principal& p, DeviceRow d) {
  if (d.revoked_at) throw Problem(403, "device.revoked", "This device was revoked; its data cannot be opened or synced.");
  if (expired(d)) {
    // Expired: the key is forgotten now, for good.
    store_.revokeDevice(d.id, 0, "expired", clock_(), deviceAudit(p, "device.expire", d));
    throw Problem(403, "device.expired",
                  "This device has not synced for " + std::to_string(expire_days_) + " days; its data has expired.");
  }
  return d;
}

Json DeviceService::unlock(const Principal& p, const std::string& id) {
  if (p.token_id) throw Problem::forbidden("A device is unlocked from a signed-in session.");
  const DeviceRow d = ownActive(p, id);
  const std::string key = keys_.open(d.wrapping_key, sealContext(d.id));
  store_.noteDeviceUse(d.id, false, 0, clock_(), deviceAudit(p, "device.unlock", d));
  Json out = deviceJson(d);
  out["last_unlock_at"] = clock_();
  out["wrapping_key"] = base64url(key);
  out["offline"] = offlineJson(p);
  return out;
}

Json DeviceService::synced(const Principal& p, const std::string& id, int64_t pending) {
  if (pending < 0 || pending > 1000000)
    throw Problem::validation({{"pending", "range", "pending is the number of changes still on the device (0 to 1000000)."}});
  DeviceRow d = ownActive(p, id);
  const int64_t now = clock_();
  AuditDraft a = deviceAudit(p, "device.sync", d);
  a.details["pending"] = pending;
  store_.noteDeviceUse(d.id, true, pending, now, a);
  d.last_sync_at = now;
  d.pending = pending;
  return deviceJson(d);
}

Json DeviceService::list(const Principal& p, int64_t user_id, bool admin) const {
  if (user_id != p.user.id && !admin) throw Problem::forbidden("Only an administrator lists another user's devices.");
  Json items = Json::array();
  for (const auto& d : store_.listDevices(user_id)) items.push_back(deviceJson(d));
  return {{"items", items}};
}

Json DeviceService::revoke(const Principal& p, const std::string& id, const std::string& reason, bool admin) {
  if (reason.size() > 500) throw Problem::validation({{"reason", "length", "The reason is at most 500 characters."}});
  auto d = find(id);
  if (!d || (d->user_id != p.user.id && !admin)) throw Problem::notFound("No such device.");
  AuditDraft a = deviceAudit(p, "device.revoke", *d);
  if (!reason.empty()) a.details["reason"] = reason;
  const int64_t now = clock_();
  if (store_.revokeDevice(d->id, p.user.id, reason.empty() ? "revoked" : reason, now, a)) {
    d->revoked_at = now;
    d->revoked_by = p.user.id;
    d->revoke_reason = reason.empty() ? "revoked" : reason;
    d->wrapping_key.clear();
  }
  return deviceJson(*d);
}

int DeviceService::revokeAllOf(int64_t user_id, const std::string& reason) {
  return store_.revokeDevicesOfUser(user_id, reason, clock_(),
                                    AuditDraft{user_id, "device.revoke_all", "user", user_id, Json{{"reason", reason}}});
}

void DeviceService::requireActive(const Principal& p, const std::string& id) {
  auto d = find(id);
  if (!d || d->user_id != p.user.id)
    throw Problem(403, "device.unknown", "The X-Palermo-Device header names no device of yours.");
  checkActive(p, std::move(*d));
}

}  // namespace palermo::auth
