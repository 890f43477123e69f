#include <gtest/gtest.h>

#include "auth/password.hpp"
#include "core/random.hpp"

using namespace palermo;
using namespace palermo::auth;

class PasswordTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sodiumInit(); }
};

TEST_F(PasswordTest, HashesWithArgon2idAndVerifies) {
  const auto h = hashPassword("a long enough passphrase", HashCost::Min);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0U);
  EXPECT_TRUE(verifyPassword("a long enough passphrase", h));
  EXPECT_FALSE(verifyPassword("a long enough passphrasE", h));
  EXPECT_FALSE(verifyPassword("x", ""));
  // Salted: the same password hashes differently.
  EXPECT_NE(h, hashPassword("a long enough passphrase", HashCost::Min));
  EXPECT_TRUE(needsRehash(h, HashCost::Interactive));
  EXPECT_FALSE(needsRehash(h, HashCost::Min));
}

TEST_F(PasswordTest, PolicyNamesEveryBrokenRule) {
  auto e = checkPasswordPolicy("aaaa", "", "new_password");
  ASSERT_EQ(e.size(), 2U);
  EXPECT_EQ(e[0].field, "new_password");
  EXPECT_EQ(e[0].code, "too_short");
  EXPECT_EQ(e[1].code, "repeated");
  EXPECT_TRUE(checkPasswordPolicy("Şəhərdə gəzinti 2024", "admin", "p").empty());
  // Counted in characters, not bytes: 11 Azerbaijani letters are too short.
  EXPECT_EQ(checkPasswordPolicy("əəəəəəğğğğğ", "", "p")[0].code, "too_short");
  EXPECT_EQ(checkPasswordPolicy("my-admin-password", "admin", "p")[0].code, "contains_login");
}

TEST_F(PasswordTest, CommonPasswordsAreRefusedEvenWhenLong) {
  for (const char* p : {"Password12345", "qwertyuiop123", "123456789012", "parol20242024", "PalermoPalermo1"})
    EXPECT_EQ(checkPasswordPolicy(p, "", "p").at(0).code, "common") << p;
  EXPECT_TRUE(checkPasswordPolicy("correct horse battery 7", "", "p").empty());
}

TEST_F(PasswordTest, GeneratedPasswordsMeetPolicyAndDiffer) {
  const auto a = generatePassword();
  EXPECT_TRUE(checkPasswordPolicy(a, "admin", "p").empty());
  EXPECT_NE(a, generatePassword());
}
