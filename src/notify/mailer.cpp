#include "notify/mailer.hpp"

#include <algorithm>

#include "core/log.hpp"
#include "store/store.hpp"

namespace palermo::notify {

int64_t Mailer::retryAfterMs(int attempts) {
  constexpr int64_t kFirst = 30'000, kMost = 6 * 3600'000;
  return std::min<int64_t>(kMost, kFirst << std::min(attempts, 20));
}

int Mailer::sendDue(int64_t now_ms, int limit) {
  int sent = 0;
  for (const auto& e : store_.emailsDue(now_ms, limit)) {
    try {
      sendMail(settings_, e.to, e.subject, e.body);
      store_.markEmailSent(e.id, now_ms);
      ++sent;
    } catch (const std::exception& err) {
      // The address is the recipient's work address, not a victim's: it may be logged.
      log::warn("mail.failed", {{"id", e.id}, {"attempts", e.attempts + 1}, {"error", err.what()}});
      store_.markEmailFailed(e.id, err.what(), now_ms + retryAfterMs(e.attempts));
    }
  }
  return sent;
}

}  // namespace palermo::notify
