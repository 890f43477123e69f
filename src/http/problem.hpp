#pragma once

#include <string>

#include "core/error.hpp"
#include "http/message.hpp"

namespace palermo::http {

// Renders an expected failure as RFC 9457 application/problem+json:
// {type, title, status, detail, code, instance, request_id, errors:[{field, code, message}]}.
Response problemResponse(const Problem& p, const std::string& request_id, const std::string& instance);

}  // namespace palermo::http
