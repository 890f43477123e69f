// The product roles' authorisation matrix, generated from schema/roles/*.yaml: for every role
// (a user of an agency of a type the role allows) and every record type of schema/types, what
// the real HTTP API answers — listing (200 with read, else 404: a type one may not read does not
// exist for one), creating (403 without create; with it the request reaches validation), every
// workflow transition (403 with read but without the transition's permission; with it the
// record is looked for: 404 for one that does not exist), and the export (403 without export).
// The expectation is read from the role file by the small evaluator below, independent of the
// engine's Actor. New roles and types are covered when their files are added.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "role_grants.hpp"
#include "records/schema.hpp"

using namespace palermo::test;
using palermo::Json;
namespace rec = palermo::records;

namespace {

TEST(ProductAccess, EveryRoleTypeAndActionAnswersAsTheRoleFileSays) {
  const auto loaded = rec::loadSchemaDir(std::string(PALERMO_SOURCE_DIR) + "/schema");
  ASSERT_TRUE(loaded.errors.empty());
  const auto& schema = loaded.schema;
  DemoServer s("palermo-product-acl", false);
  int checked = 0;
  for (const auto& [role_name, role] : schema.roles) {
    if (role.admin) continue;  // administers users and agencies; no record type
    const std::string agency_type = role.agency_types.empty() ? "other" : role.agency_types.front();
    Client u = s.user("u_" + role_name, role_name, s.agency("Agency of " + role_name, agency_type));
    for (const auto& [type_name, type] : schema.types) {
      const std::string url = "/api/v1/records/" + type_name;
      const bool read = roleGrants(role, type_name, "read");
      SCOPED_TRACE(role_name + " on " + type_name);
      EXPECT_EQ(u.call("GET", url + "?limit=1").status, read ? 200 : 404);
      const int create = u.call("POST", url, Json::object()).status;
      if (roleGrants(role, type_name, "create"))
        EXPECT_TRUE(create == 422 || create == 201) << create;
      else
        EXPECT_EQ(create, 403);
      const int exported = u.call("GET", "/api/v1/exports/" + type_name + "?format=csv").status;
      if (roleGrants(role, type_name, "export"))
        EXPECT_EQ(exported, 200);
      else
        EXPECT_TRUE(exported == 403 || exported == 404) << exported;
      if (type.workflow)
        for (const auto& t : type.workflow->transitions) {
          const std::string action = t.permission.substr(t.permission.find('.') + 1);
          const int status = u.call("POST", url + "/999999999/transitions/" + t.name, Json::object(),
                                    {{"If-Match", "1"}})
                                 .status;
          if (!read)
            EXPECT_EQ(status, 404) << t.name;
          else
            EXPECT_EQ(status, roleGrants(role, type_name, action) ? 404 : 403) << t.name;
          ++checked;
        }
      checked += 3;
    }
  }
  EXPECT_GT(checked, 1000);
}

}  // namespace
