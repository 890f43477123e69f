// Notification e-mail: one message to a local SMTP sink, headers that cannot be injected into, the
// outbox retried after a refusal and sent once.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "notify/mailer.hpp"
#include "notify/smtp.hpp"
#include "store/store.hpp"
#include "support/smtp_sink.hpp"
#include "support/test_database.hpp"

using namespace palermo;
using namespace palermo::notify;

namespace {

std::string unbase64(const std::string& text) {
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), "\r\n",
                        &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0)
    return "(not base64)";
  out.resize(len);
  return out;
}

// The decoded subject and body of a message the sink kept.
std::pair<std::string, std::string> decoded(const std::string& data) {
  const auto s = data.find("Subject: =?UTF-8?B?");
  const auto e = data.find("?=\r\n", s);
  const std::string subject = unbase64(data.substr(s + 19, e - s - 19));
  const std::string body = unbase64(data.substr(data.find("\r\n\r\n") + 4));
  return {subject, body};
}

}  // namespace

TEST(Smtp, AddressesThisServerWritesTo) {
  EXPECT_TRUE(plausibleAddress("case.worker@shelter.example.az"));
  for (const char* bad : {"", "nobody", "@example.az", "a@", "a@b", "two@@example.az", "a b@example.az",
                          "a@example.az\r\nBcc: x@example.az", "<a@example.az>", "a@example.az,b@example.az"})
    EXPECT_FALSE(plausibleAddress(bad)) << bad;
}

TEST(Smtp, OneMessageReachesTheRelayAsWritten) {
  test::SmtpSink sink;
  SmtpSettings s{"127.0.0.1", sink.port(), "palermo@example.az", "palermo", 5000};
  sendMail(s, "cw@shelter.example.az", "Palermo: Qurumunuza yönləndirmə daxil olub\r\nBcc: spy@example.az",
           "Yönləndirmə № 12\n.\nhttps://palermo.example.az/records/referral/12\n");
  ASSERT_TRUE(sink.waitFor(1, 5));
  const auto m = sink.messages()[0];
  EXPECT_EQ(m.from, "<palermo@example.az>");
  EXPECT_EQ(m.to, "<cw@shelter.example.az>");
  EXPECT_EQ(m.data.find("\r\nBcc:"), std::string::npos) << m.data;  // a line break in the subject is dropped
  const auto [subject, body] = decoded(m.data);
  EXPECT_EQ(subject, "Palermo: Qurumunuza yönləndirmə daxil olubBcc: spy@example.az");
  EXPECT_EQ(body, "Yönləndirmə № 12\n.\nhttps://palermo.example.az/records/referral/12\n");
  EXPECT_NE(m.data.find("Auto-Submitted: auto-generated"), std::string::npos);
  // A relay that refuses: the error names the step; nothing reaches it.
  sink.refuse(true);
  try {
    sendMail(s, "cw@shelter.example.az", "x", "y");
    ADD_FAILURE() << "a refusal must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("greeting refused: 421"), std::string::npos) << e.what();
  }
  EXPECT_THROW(sendMail(s, "not an address", "x", "y"), std::runtime_error);
  EXPECT_THROW(sendMail({"127.0.0.1", 1, "palermo@example.az", "palermo", 2000}, "cw@shelter.example.az", "x", "y"),
               std::runtime_error);  // nothing listens on port 1
}

TEST(Smtp, TheOutboxIsRetriedAfterARefusalAndSentOnce) {
  const auto dir = std::filesystem::temp_directory_path() / ("palermo-smtp-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    auto store = openStore(test::testDatabaseUrl(dir));
    store->migrate();
    NotificationRow n{0, 7, "deadline_passed:respond", "referral", 12, 0, 1000, 0,
                      {"cw@shelter.example.az", "Palermo: Müddət keçib", "Referral № 12\n"}};
    ASSERT_EQ(store->addNotifications({n}), 1);
    ASSERT_EQ(store->addNotifications({n}), 0);  // told once: no second e-mail either
    test::SmtpSink sink;
    sink.refuse(true);
    Mailer mailer(*store, {"127.0.0.1", sink.port(), "palermo@example.az", "palermo", 5000});
    EXPECT_EQ(mailer.sendDue(2000), 0);
    auto due = store->emailsDue(2000 + Mailer::retryAfterMs(0) - 1, 10);
    EXPECT_TRUE(due.empty());  // waits before the next attempt
    due = store->emailsDue(2000 + Mailer::retryAfterMs(0), 10);
    ASSERT_EQ(due.size(), 1U);
    EXPECT_EQ(due[0].attempts, 1);
    EXPECT_NE(due[0].last_error.find("421"), std::string::npos);
    sink.refuse(false);
    EXPECT_EQ(mailer.sendDue(2000 + Mailer::retryAfterMs(0)), 1);
    EXPECT_TRUE(sink.waitFor(1, 5));
    EXPECT_EQ(mailer.sendDue(10'000'000'000), 0);  // sent once
    EXPECT_EQ(sink.messages().size(), 1U);
    EXPECT_EQ(Mailer::retryAfterMs(1), 60'000);
    EXPECT_EQ(Mailer::retryAfterMs(30), 6 * 3600'000);
    store->close();
  }
  std::filesystem::remove_all(dir);
}
