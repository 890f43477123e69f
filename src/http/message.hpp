// The HTTP request and response as the API layer sees them: plain values, no Beast types, so
// that handlers and their tests compile without the networking headers.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/json_input.hpp"

namespace palermo {
class Problem;
}

namespace palermo::http {

using Headers = std::vector<std::pair<std::string, std::string>>;  // names in lower case

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received: path and query
  std::string path;    // percent-decoded path, without query
  std::string query;   // raw query string, without '?'
  Headers headers;
  std::string body;
  std::string remote_ip;
  bool tls = false;

  // Filled by the server and router.
  std::string request_id;
  std::string route;  // matched pattern, e.g. "/api/v1/records/{type}/{id}"
  std::map<std::string, std::string> params;

  [[nodiscard]] std::string_view header(std::string_view lower_name) const;
  [[nodiscard]] std::string cookie(std::string_view name) const;
  // Percent-decoded value of a query parameter; empty when absent.
  [[nodiscard]] std::string queryParam(std::string_view name) const;
  [[nodiscard]] bool hasQueryParam(std::string_view name) const;
  // The body parsed as a JSON object within the limits of parseJsonInput. Throws Problem (415
  // for another media type, 400 naming the position for malformed JSON, 400 when nested too
  // deep or not an object, 422 naming the field for a number out of range or a text too long).
  [[nodiscard]] Json jsonBody() const;
};

// Behind a reverse proxy named in `server.trusted_proxies` (nginx terminating TLS), the
// client's address is the last one in X-Forwarded-For and the scheme is X-Forwarded-Proto;
// from anyone else these headers are ignored, so that a client cannot choose its address.
void applyTrustedProxy(Request& req, const std::vector<std::string>& trusted_proxies);

struct Response {
  int status = 200;
  std::string content_type;
  Headers headers;
  std::string body;

  void set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  static Response json(int status, const Json& body);
  static Response noContent() { return Response{204, {}, {}, {}}; }
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
};

using Handler = std::function<Response(Request&)>;

// The answer to JSON from a client that parseJsonInput refused; `what` names it ("The body",
// "Line 3").
Problem jsonInputProblem(const JsonInputError& e, const std::string& what);

// Percent-decodes a URL component. Returns false on a malformed escape or an embedded NUL.
bool percentDecode(std::string_view in, std::string& out, bool plus_is_space);

// Reason phrase for a status code ("Not Found").
const char* reasonPhrase(int status);

}  // namespace palermo::http
