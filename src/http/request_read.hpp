// From bytes to a Request as the server reads one, and the checks every request passes before it
// is routed. Shared by the server's read loop (server.cpp) and the fuzz target that feeds it
// hostile bytes (tests/fuzz/fuzz_http_request.cpp), so what is fuzzed is what serves.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace palermo::http {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

struct ReadLimits {
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::size_t upload_limit = 20 * 1024 * 1024;
};

// Whether a request with this head may carry an attachment-sized body.
bool isUpload(const BeastRequest& head);

// The answer to a request that could not be read: 431 (head too large), 413 (body too large),
// 408 (too slow) or 400 (not HTTP/1.1). `header_done`: the parser had read the whole head.
Problem readFailure(const boost::system::error_code& ec, bool header_done, const ReadLimits& limits);

// Method, target, headers (names in lower case), body, the client's address behind a trusted
// proxy and the request id (the client's when short and plain, else a new one).
void fillRequest(Request& req, BeastRequest& msg, const std::vector<std::string>& trusted_proxies);

// A request refused before routing, and whether its answer names the path.
struct Refusal {
  Problem problem;
  bool with_path = false;
};
// Splits the target into the percent-decoded path and the query. Refused: a target that is not
// a path, an encoded '/' or '\' (404: nothing is addressed that way), a JSON body nested deeper
// than any handler reads (docs/security.md, findings 1 and 2).
std::optional<Refusal> checkTarget(Request& req);

std::string newRequestId();
std::string requestIdFrom(std::string_view supplied);

}  // namespace palermo::http
