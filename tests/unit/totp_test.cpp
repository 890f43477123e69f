// RFC 6238 appendix B test vectors (SHA1, 8 digits, secret "12345678901234567890") and RFC
// 4226 appendix D HOTP values, base32 round trips, drift window.
#include <gtest/gtest.h>

#include "auth/totp.hpp"

using namespace palermo::auth;

TEST(Totp, Rfc6238Vectors) {
  const std::string secret = "12345678901234567890";
  EXPECT_EQ(totpAt(secret, 59, 8), "94287082");
  EXPECT_EQ(totpAt(secret, 1111111109, 8), "07081804");
  EXPECT_EQ(totpAt(secret, 1111111111, 8), "14050471");
  EXPECT_EQ(totpAt(secret, 1234567890, 8), "89005924");
  EXPECT_EQ(totpAt(secret, 2000000000, 8), "69279037");
  EXPECT_EQ(totpAt(secret, 20000000000, 8), "65353130");
}

TEST(Totp, Rfc4226HotpVectors) {
  const std::string secret = "12345678901234567890";
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp(secret, i), expected[i]) << i;
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  EXPECT_EQ(base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(base32Decode("MZXW6YTBOI"), std::optional<std::string>("foobar"));
  EXPECT_EQ(base32Decode("mzxw 6ytb oi"), std::optional<std::string>("foobar"));
  EXPECT_FALSE(base32Decode("MZ1W"));  // 1 is not in the alphabet
  const std::string secret = "\x01\x02\x03\xfe\xff abcdefghijklmnop";
  EXPECT_EQ(base32Decode(base32Encode(secret)), std::optional<std::string>(secret));
}

TEST(Totp, AcceptsOneStepOfDriftEitherWayAndNothingElse) {
  const std::string secret = "12345678901234567890";
  const int64_t now = 1700000000;
  EXPECT_EQ(verifyTotp(secret, totpAt(secret, now), now), now / 30);
  EXPECT_EQ(verifyTotp(secret, totpAt(secret, now - 30), now), now / 30 - 1);
  EXPECT_EQ(verifyTotp(secret, totpAt(secret, now + 30), now), now / 30 + 1);
  EXPECT_FALSE(verifyTotp(secret, totpAt(secret, now - 90), now));
  EXPECT_FALSE(verifyTotp(secret, "12345", now));
  EXPECT_FALSE(verifyTotp(secret, "abcdef", now));
  EXPECT_NE(otpauthUri("a.b", "MZXW6YTBOI").find("otpauth://totp/Palermo:a.b?secret=MZXW6YTBOI"), std::string::npos);
}
