// Devices for field work offline over HTTP (docs/offline.md): what /auth/me says a user may keep
// offline; a device registered, unlocked and synced by its user; a raid written through the
// normal API from the device (X-Palermo-Device), refused once an administrator revokes the
// device even with a valid session; signing out everywhere forgets the other devices' keys; the
// key never in the audit trail or the server's log.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"

using namespace palermo::test;
using palermo::Json;

namespace {

const std::string R = "/api/v1/records/";
const Json kRaid = {{"raid_on", "2019-05-14"}, {"region", "baku"}, {"place_type", "market"}, {"place", "Təzə bazar"}};

TEST(Devices, RegisteredUnlockedSyncedAndRevokedOverHttp) {
  DemoServer s("palermo-devices", false);
  const int64_t police = s.agency("Nəsimi RPİ yetkinlik yaşına çatmayanlar", "police");
  Client officer = s.user("juv", "police_juvenile_officer", police);
  Client colleague = s.user("juv2", "police_juvenile_officer", police);
  Client operator_ = s.user("qx", "hotline_operator", s.agency("Qaynar xətt", "hotline"));

  const Json me = officer.call("GET", "/api/v1/auth/me").json();
  EXPECT_EQ(me["offline"]["types"], Json({"child_found", "person", "raid"}));
  EXPECT_EQ(me["offline"]["expire_days"], 14);
  EXPECT_TRUE(operator_.call("GET", "/api/v1/auth/me").json()["offline"]["types"].empty());

  auto refused = operator_.call("POST", "/api/v1/devices", {{"name", "Planşet"}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.json()["code"], "devices.not_offline_role");
  auto unnamed = officer.call("POST", "/api/v1/devices", Json::object());
  EXPECT_EQ(unnamed.status, 422);
  EXPECT_TRUE(hasField(unnamed, "name")) << unnamed.body;

  auto made = officer.call("POST", "/api/v1/devices", {{"name", "Planşet 7"}});
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.headers["cache-control"], "no-store");
  const std::string id = made.json()["id"], key = made.json()["wrapping_key"];
  EXPECT_EQ(key.size(), 43U);
  auto unlocked = officer.call("POST", "/api/v1/devices/" + id + "/unlock");
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_EQ(unlocked.json()["wrapping_key"], key);
  EXPECT_EQ(colleague.call("POST", "/api/v1/devices/" + id + "/unlock").status, 404);  // not theirs
  for (const char* bad : {"%2e%2e%2f", "..", "0123", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"})
    EXPECT_EQ(officer.call("POST", std::string("/api/v1/devices/") + bad + "/unlock").status, 404) << bad;

  // Writing and reading from the device, through the normal API.
  const std::vector<std::pair<std::string, std::string>> from_device = {{"X-Palermo-Device", id}};
  auto raid = officer.call("POST", R + "raid", kRaid, from_device);
  ASSERT_EQ(raid.status, 201) << raid.body;
  const std::string raid_path = R + "raid/" + std::to_string(raid.json()["id"].get<int64_t>());
  EXPECT_EQ(officer.call("GET", raid_path, nullptr, from_device).status, 200);
  auto synced = officer.call("POST", "/api/v1/devices/" + id + "/sync", {{"pending", 0}}, from_device);
  ASSERT_EQ(synced.status, 200) << synced.body;
  EXPECT_GT(synced.json()["last_sync_at"].get<int64_t>(), 0);
  EXPECT_EQ(officer.call("POST", "/api/v1/devices/" + id + "/sync", {{"pending", "two"}}).status, 422);
  // Another user's device, or none, named by a request: refused before anything happens.
  auto foreign = colleague.call("POST", R + "raid", kRaid, from_device);
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(foreign.json()["code"], "device.unknown");

  // The administrator sees it, revokes it: the device can neither unlock nor sync any more,
  // even though the officer's session is still good.
  const Json listed = s.admin.call("GET", "/api/v1/devices?user_id=" + std::to_string(officer.id)).json();
  ASSERT_EQ(listed["items"].size(), 1U);
  EXPECT_EQ(listed["items"][0]["state"], "active");
  EXPECT_EQ(officer.call("GET", "/api/v1/devices?user_id=" + std::to_string(colleague.id)).status, 403);
  auto revoked = s.admin.call("POST", "/api/v1/devices/" + id + "/revoke", {{"reason", "itirilib"}});
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.json()["state"], "revoked");
  for (const auto& r : {officer.call("POST", "/api/v1/devices/" + id + "/unlock"),
                        officer.call("POST", R + "raid", kRaid, from_device),
                        officer.call("GET", raid_path, nullptr, from_device)}) {
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.json()["code"], "device.revoked");
  }
  EXPECT_EQ(officer.call("GET", raid_path).status, 200);  // the officer, not the device

  // Signing out everywhere forgets the keys of the officer's other devices.
  const std::string second = officer.call("POST", "/api/v1/devices", {{"name", "Telefon"}}).json()["id"];
  auto everywhere = officer.call("DELETE", "/api/v1/auth/sessions");
  ASSERT_EQ(everywhere.status, 200) << everywhere.body;
  EXPECT_EQ(everywhere.json()["devices_revoked"], 1);
  EXPECT_EQ(officer.call("POST", "/api/v1/devices/" + second + "/unlock").json()["code"], "device.revoked");

  // Audited, and the key is nowhere but in the answers that handed it out.
  const auto audit = s.admin.call("GET", "/api/v1/audit?action=device.register");
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find(id), std::string::npos);
  EXPECT_EQ(audit.body.find(key), std::string::npos);
  for (const char* action : {"device.unlock", "device.sync", "device.revoke", "device.revoke_all"})
    EXPECT_NE(s.admin.call("GET", std::string("/api/v1/audit?action=") + action).body.find("\"action\":\"" + std::string(action) + "\""),
              std::string::npos)
        << action;
  s.server->stop();
  std::ifstream log(s.dir / "palermo.log");
  std::stringstream text;
  text << log.rdbuf();
  EXPECT_EQ(text.str().find(key), std::string::npos);
}

}  // namespace
