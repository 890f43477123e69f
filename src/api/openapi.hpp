#pragma once

#include <string>

#include "core/json.hpp"
#include "records/schema.hpp"

namespace palermo::api {

// The schema as the web application reads it to render forms (labels in az/en/ru).
Json schemaJson(const records::Schema& schema);
// OpenAPI 3.1 description of the records API, generated from the schema.
Json openApiDocument(const records::Schema& schema, const std::string& version);

}  // namespace palermo::api
