// Sending one e-mail over SMTP (RFC 5321) to a relay: the organisation's mail server, or a local
// MTA on the same host that handles TLS and delivery onwards. Plain SMTP without authentication:
// the relay is trusted by address (docs/deployment.md, "E-mail"). Used by the mailer
// (notify/mailer.hpp) for notifications, which carry no personal data.
#pragma once

#include <string>

namespace palermo::notify {

struct SmtpSettings {
  std::string host;           // empty: no e-mail
  int port = 25;
  std::string from = "palermo@localhost";
  std::string helo = "palermo";
  int timeout_ms = 15000;     // per connect, read and write
};

// Sends one text message (UTF-8; the subject encoded per RFC 2047, the body in base64). Throws
// std::runtime_error naming the step and the relay's answer when it is refused or times out.
void sendMail(const SmtpSettings& settings, const std::string& to, const std::string& subject, const std::string& body);

// Whether an address is one this server will write to: local@domain, printable ASCII without
// spaces, angle brackets or line breaks, at most 254 bytes.
bool plausibleAddress(const std::string& address);

}  // namespace palermo::notify
