// The outbox's sender: e-mails written with the notifications they tell of (in the same
// transaction, so none is lost to a crash), sent by one loop of the server, retried with a growing
// pause (30 s, 1 min, 2 min ... at most 6 h) while the relay refuses or cannot be reached.
#pragma once

#include <cstdint>

#include "notify/smtp.hpp"

namespace palermo {
class Store;
}

namespace palermo::notify {

class Mailer {
 public:
  Mailer(Store& store, SmtpSettings settings) : store_(store), settings_(std::move(settings)) {}
  // Sends what is due now (at most `limit`); returns how many were sent.
  int sendDue(int64_t now_ms, int limit = 50);
  // The pause before the next attempt after `attempts` failed ones.
  static int64_t retryAfterMs(int attempts);

 private:
  Store& store_;
  SmtpSettings settings_;
};

}  // namespace palermo::notify
