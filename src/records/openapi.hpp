#pragma once

#include <string>

#include "core/json.hpp"
#include "records/schema.hpp"

namespace palermo::records {

// The schema as the web application reads it to render forms (labels in az/en/ru).
Json schemaJson(const Schema& schema);
// OpenAPI 3.1 description of the records API, generated from the schema.
Json openApiDocument(const Schema& schema, const std::string& version);

}  // namespace palermo::records
