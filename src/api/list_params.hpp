// The records list's query string (GET /api/v1/records/{type}, /api/v1/exports/{type}):
// field=value and field[op]=value filters (eq, ne, lt, lte, gt, gte, in, null), q, sort, cursor,
// limit, fields, include_deleted, count, format. On its own so that it is fuzzed alone
// (tests/fuzz/fuzz_list_params.cpp).
#pragma once

#include <string>
#include <vector>

#include "records/engine.hpp"

namespace palermo::http {
struct Request;
}

namespace palermo::api {

// Comma-separated items, empty ones dropped ("a,,b" -> a, b).
std::vector<std::string> splitList(const std::string& s);

// Throws Problem 422 naming each parameter at fault (bad percent-encoding, a limit that is not
// an integer, an unknown operator). `format`, when given, receives format=.
records::ListParams listParams(const http::Request& req, std::string* format = nullptr);

}  // namespace palermo::api
