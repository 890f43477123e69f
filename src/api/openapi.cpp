// /api/v1/schema (what the web application needs to render forms) and /api/v1/openapi.json
// (OpenAPI 3.1, generated from the same schema: a record type added to schema/ appears in both
// with no code change).
#include "api/openapi.hpp"

#include <fmt/format.h>

namespace palermo::api {

using namespace palermo::records;

namespace {

Json conditionJson(const Condition& c) {
  Json j = {{"field", c.field}};
  switch (c.op) {
    case Condition::Op::Equals: j["equals"] = c.value; break;
    case Condition::Op::In: j["in"] = c.value; break;
    case Condition::Op::Present: j["present"] = true; break;
    case Condition::Op::Absent: j["absent"] = true; break;
  }
  return j;
}

Json fieldJson(const FieldDef& f) {
  Json j = {{"name", f.name},
            {"type", fieldTypeName(f.type)},
            {"label", f.label.toJson()},
            {"required", f.required},
            {"sensitivity", sensitivityName(f.sensitivity)},
            {"indexed", f.indexed}};
  if (!f.help.az.empty()) j["help"] = f.help.toJson();
  if (f.required_if) j["required_if"] = conditionJson(*f.required_if);
  if (f.visible_if) j["visible_if"] = conditionJson(*f.visible_if);
  if (f.min) j["min"] = *f.min;
  if (f.max) j["max"] = *f.max;
  if (f.min_length) j["min_length"] = *f.min_length;
  if (f.max_length) j["max_length"] = *f.max_length;
  if (!f.pattern.empty()) j["pattern"] = f.pattern;
  if (f.type == FieldType::Decimal) j["scale"] = f.scale;
  if (!f.values.empty()) j["values"] = f.values;
  if (!f.ref.empty()) j["ref"] = f.ref;
  if (!f.accept.empty()) j["accept"] = f.accept;
  if (f.max_bytes) j["max_bytes"] = f.max_bytes;
  if (f.name_search) j["name_search"] = true;
  if (f.word_search) j["word_search"] = true;
  if (f.computed) j["computed"] = {{"function", f.computed->function}, {"args", f.computed->args}};
  return j;
}

// JSON Schema (2020-12, as OpenAPI 3.1 uses) of one field's value.
Json valueSchema(const Schema& schema, const FieldDef& f) {
  Json s;
  switch (f.type) {
    case FieldType::Text:
    case FieldType::LongText:
      s = {{"type", "string"}};
      if (f.min_length) s["minLength"] = *f.min_length;
      if (f.max_length) s["maxLength"] = *f.max_length;
      if (!f.pattern.empty()) s["pattern"] = f.pattern;
      break;
    case FieldType::Integer:
    case FieldType::Money:
      s = {{"type", "integer"}};
      if (f.min) s["minimum"] = *f.min;
      if (f.max) s["maximum"] = *f.max;
      if (f.type == FieldType::Money) s["description"] = "AZN in minor units (qəpik)";
      break;
    case FieldType::Decimal:
      s = {{"type", "number"}};
      if (f.min) s["minimum"] = *f.min;
      if (f.max) s["maximum"] = *f.max;
      break;
    case FieldType::Date: s = {{"type", "string"}, {"format", "date"}}; break;
    case FieldType::PartialDate:
      s = {{"type", "string"}, {"pattern", "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"},
           {"description", "YYYY, YYYY-MM or YYYY-MM-DD"}};
      break;
    case FieldType::DateTime: s = {{"type", "string"}, {"format", "date-time"}}; break;
    case FieldType::Boolean: s = {{"type", "boolean"}}; break;
    case FieldType::Enum:
    case FieldType::MultiEnum: {
      Json codes = Json::array();
      if (const auto* list = schema.list(f.values))
        for (const auto& v : list->values)
          if (!v.retired) codes.push_back(v.code);
      Json one = {{"type", "string"}, {"enum", codes}};
      s = f.type == FieldType::Enum ? one : Json{{"type", "array"}, {"items", one}, {"uniqueItems", true}};
      break;
    }
    case FieldType::Country: s = {{"type", "string"}, {"pattern", "^[A-Z]{2}$"}}; break;
    case FieldType::Reference:
      s = {{"type", "integer"}, {"minimum", 1}, {"description", "id of a " + f.ref + " record"}};
      break;
    case FieldType::Attachment: s = {{"type", "string"}, {"description", "attachment id"}}; break;
  }
  if (!f.label.en.empty()) s["title"] = f.label.en;
  if (f.computed) s["readOnly"] = true;
  return s;
}

Json schemaRef(const std::string& name) { return {{"$ref", "#/components/schemas/" + name}}; }
Json respRef(const std::string& name) { return {{"$ref", "#/components/responses/" + name}}; }

Json jsonBody(const Json& schema) { return {{"required", true}, {"content", {{"application/json", {{"schema", schema}}}}}}; }

Json okJson(const std::string& description, const Json& schema, bool etag = false) {
  Json r = {{"description", description}, {"content", {{"application/json", {{"schema", schema}}}}}};
  if (etag) r["headers"] = {{"ETag", {{"description", "the record's version"}, {"schema", {{"type", "string"}}}}}};
  return r;
}

Json param(const std::string& name, const std::string& in, const Json& schema, bool required,
           const std::string& description) {
  return {{"name", name}, {"in", in}, {"required", required}, {"schema", schema}, {"description", description}};
}

}  // namespace

Json schemaJson(const Schema& schema) {
  Json types = Json::array();
  for (const auto& [name, t] : schema.types) {
    Json fields = Json::array();
    for (const auto& f : t.fields) fields.push_back(fieldJson(f));
    Json j = {{"name", name}, {"label", t.label.toJson()}, {"fields", fields}};
    if (!t.title_field.empty()) j["title_field"] = t.title_field;
    if (!t.sections.empty()) {
      Json sections = Json::array();
      for (const auto& s : t.sections)
        sections.push_back({{"name", s.name}, {"label", s.label.toJson()}, {"fields", s.fields}});
      j["sections"] = sections;
    }
    if (!t.notice.empty()) j["notice"] = t.notice.toJson();
    if (t.attachments_never) j["attachments"] = "never";
    if (!t.checks.empty()) {
      Json checks = Json::array();
      for (const auto& c : t.checks)
        checks.push_back({{"left", c.left}, {"op", c.op}, {"right", c.right}, {"message", c.message.toJson()}});
      j["checks"] = checks;
    }
    if (t.periodic_return) {
      static const char* kPeriods[] = {"month", "quarter", "year"};
      const auto& r = *t.periodic_return;
      j["periodic_return"] = {{"period", kPeriods[static_cast<int>(r.period)]},
                              {"agency_types", r.agency_types},
                              {"due_days", r.due_days},
                              {"since", fmt::format("{:04}-{:02}-{:02}", r.since / 10000, r.since / 100 % 100, r.since % 100)}};
    }
    if (t.workflow) {
      Json states = Json::array();
      for (const auto& s : t.workflow->states) {
        Json st = {{"name", s}};
        if (auto it = t.workflow->state_labels.find(s); it != t.workflow->state_labels.end())
          st["label"] = it->second.toJson();
        states.push_back(st);
      }
      Json transitions = Json::array();
      for (const auto& tr : t.workflow->transitions) {
        Json one = {{"name", tr.name},
                    {"from", tr.from},
                    {"to", tr.to},
                    {"permission", tr.permission},
                    {"label", tr.label.toJson()},
                    {"requires", tr.requires_fields}};
        // Only users of the agency the record names there may take it (a referral's receiver).
        if (!tr.actor_agency_field.empty()) one["actor_agency_field"] = tr.actor_agency_field;
        transitions.push_back(std::move(one));
      }
      j["workflow"] = {{"initial", t.workflow->initial}, {"states", states}, {"transitions", transitions}};
    }
    types.push_back(j);
  }
  Json lists = Json::array();
  for (const auto& [name, l] : schema.lists) {
    Json values = Json::array();
    for (const auto& v : l.values) {
      Json vj = {{"code", v.code}, {"label", v.label.toJson()}};
      if (v.retired) vj["retired"] = true;
      values.push_back(vj);
    }
    lists.push_back({{"name", name}, {"label", l.label.toJson()}, {"values", values}});
  }
  return {{"types", types}, {"lists", lists}};
}

namespace {

// Builds the OpenAPI document part by part: the shared schemas, each record type's routes, the
// attachment routes, the routes of the services (sign-in, administration, access), and those of
// counting (linkage, statistics, returns).
class OpenApiBuilder {
 public:
  explicit OpenApiBuilder(const Schema& schema) : schema_(schema) {
    sharedSchemas();
    for (const auto& [name, t] : schema.types) {
      typePaths(name, t);
      uploadPaths(name, t);
      transitionPaths(name, t);
    }
    attachmentPaths();
    servicePaths();
    countingPaths();
  }
  Json document(const std::string& version) const {
    return {{"openapi", "3.1.0"},
            {"info",
             {{"title", "Palermo API"},
              {"version", version},
              {"description",
               "National information system for combating trafficking in human beings. Generated from the record "
               "schemas."}}},
            {"servers", {{{"url", "/"}}}},
            {"components",
             {{"schemas", schemas},
              {"responses", responses},
              {"securitySchemes",
               {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "palermo_session"}}},
                {"token", {{"type", "http"}, {"scheme", "bearer"}, {"description", "API token (plm_...)"}}}}}}},
            {"security", {{{"session", Json::array()}}, {{"token", Json::array()}}}},
            {"paths", paths}};
  }

 private:
  const Schema& schema_;
  Json schemas, responses, paths = Json::object();
  const Json idParam = param("id", "path", {{"type", "integer"}, {"minimum", 1}}, true, "record id");
  const Json ifMatch = param("If-Match", "header", {{"type", "string"}}, true, "the version read (its ETag)");
  const Json errors = {{"400", respRef("Problem")}, {"401", respRef("Problem")}, {"403", respRef("Problem")},
                       {"404", respRef("Problem")}, {"409", respRef("Problem")}, {"412", respRef("Problem")},
                       {"422", respRef("Problem")}, {"428", respRef("Problem")}};
  const Json str = {{"type", "string"}};
  const Json integer = {{"type", "integer"}};
  const Json boolean = {{"type", "boolean"}};
  const Json strings = {{"type", "array"}, {"items", {{"type", "string"}}}};
  const Json anyObject = {{"type", "object"}};
  const Json recParams = {param("type", "path", str, true, "record type"), idParam};
  const Json attIdParam = param("id", "path", {{"type", "string"}}, true, "attachment id");

  Json withErrors(Json responsesObj) const {
    for (const auto& [k, v] : errors.items())
      if (!responsesObj.contains(k)) responsesObj[k] = v;
    return responsesObj;
  }
  static Json obj(Json props, std::vector<std::string> required = {}) {
    Json o = {{"type", "object"}, {"properties", std::move(props)}};
    if (!required.empty()) o["required"] = required;
    return o;
  }
  void op(const std::string& path, const std::string& method, const std::string& id, const std::string& summary,
          const std::string& tag, const Json& request, const std::string& ok_code, const Json& ok_schema,
          bool public_route = false) {
    Json o = {{"operationId", id}, {"summary", summary}, {"tags", {tag}}};
    if (!request.is_null()) o["requestBody"] = jsonBody(request);
    Json ok = ok_schema.is_null() ? Json{{"description", "done"}} : okJson("result", ok_schema);
    o["responses"] = withErrors({{ok_code, ok}, {"429", respRef("Problem")}});
    if (public_route) o["security"] = Json::array();
    paths[path][method] = o;
  }

  void sharedSchemas() {
  schemas = {
      {"Problem",
       {{"type", "object"},
        {"required", {"type", "title", "status", "code", "request_id"}},
        {"properties",
         {{"type", {{"type", "string"}}},
          {"title", {{"type", "string"}}},
          {"status", {{"type", "integer"}}},
          {"detail", {{"type", "string"}}},
          {"code", {{"type", "string"}}},
          {"instance", {{"type", "string"}}},
          {"request_id", {{"type", "string"}}},
          {"errors",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"required", {"field", "code", "message"}},
              {"properties",
               {{"field", {{"type", "string"}}}, {"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}},
      {"HistoryList",
       {{"type", "object"},
        {"properties",
         {{"items",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"version", {{"type", "integer"}}},
                {"at", {{"type", "string"}, {"format", "date-time"}}},
                {"by", {{"type", "integer"}}},
                {"by_name",
                 {{"type", "string"}, {"description", "The display name of the user who made the change; empty for the system."}}},
                {"action", {{"type", "string"}}},
                {"changes", {{"type", "array"}, {"items", {{"type", "object"}}}}}}}}}}}}}}},
      {"RelationList",
       {{"type", "object"},
        {"properties",
         {{"items",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"properties",
               {{"direction", {{"type", "string"}, {"enum", {"outgoing", "incoming"}}}},
                {"field", {{"type", "string"}}},
                {"type", {{"type", "string"}}},
                {"id", {{"type", "integer"}}}}}}}}}}}}},
  };
  responses = {
      {"Problem",
       {{"description", "An error, as RFC 9457 problem details"},
        {"content", {{"application/problem+json", {{"schema", schemaRef("Problem")}}}}}}},
  };
  }

  // A record type's own routes: list, create, read, update, delete, restore, history, relations.
  void typePaths(const std::string& name, const RecordType& t) {
    const Schema& schema = schema_;
  const std::string base = "/api/v1/records/" + name;
  Json props = Json::object();
  Json input_props = Json::object();
  Json required = Json::array();
  for (const auto& f : t.fields) {
    const Json vs = valueSchema(schema, f);
    props[f.name] = vs;
    if (!f.computed) input_props[f.name] = vs;
    if (f.required && !f.computed) required.push_back(f.name);
  }
  const std::string Cap = name;
  schemas[Cap + "_data"] = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  schemas[Cap + "_input"] = {{"type", "object"},
                             {"properties", input_props},
                             {"required", required},
                             {"additionalProperties", false},
                             {"description", t.label.en}};
  Json patch_props = Json::object();
  for (const auto& [k, v] : input_props.items()) patch_props[k] = {{"oneOf", {v, {{"type", "null"}}}}};
  schemas[Cap + "_patch"] = {{"type", "object"},
                             {"properties", patch_props},
                             {"additionalProperties", false},
                             {"description", "Fields to change; null removes a field."}};
  Json record_props = {{"id", {{"type", "integer"}}},
                       {"type", {{"const", name}}},
                       {"version", {{"type", "integer"}}},
                       {"created_at", {{"type", "string"}, {"format", "date-time"}}},
                       {"created_by", {{"type", "integer"}}},
                       {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
                       {"updated_by", {{"type", "integer"}}},
                       {"identity_hidden", {{"type", "boolean"}}},
                       {"deleted", {{"type", "object"}}},
                       {"data", schemaRef(Cap + "_data")}};
  if (t.workflow) record_props["state"] = {{"type", "string"}, {"enum", t.workflow->states}};
  schemas[Cap] = {{"type", "object"},
                  {"required", {"id", "type", "version", "data"}},
                  {"properties", record_props}};
  schemas[Cap + "_page"] = {{"type", "object"},
                            {"properties",
                             {{"items", {{"type", "array"}, {"items", schemaRef(Cap)}}},
                              {"next_cursor", {{"type", "string"}}},
                              {"total", {{"type", "integer"}}}}}};
  Json list_params = Json::array({
      param("q", "query", {{"type", "string"}}, false, "name search, tolerant of spelling and script"),
      param("words", "query", {{"type", "string"}, {"maxLength", 200}}, false,
            "words, or their first letters (3 or more), of the fields marked word_search; any script, case and "
            "accents"),
      param("sort", "query", {{"type", "string"}}, false, "field to sort by; '-' in front for descending"),
      param("cursor", "query", {{"type", "string"}}, false, "next_cursor of the previous page"),
      param("limit", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}, false, "page size"),
      param("fields", "query", {{"type", "string"}}, false, "comma-separated fields to return"),
      param("include_deleted", "query", {{"type", "boolean"}}, false, "include deleted records"),
      param("count", "query", {{"type", "boolean"}}, false, "also count all matches (total)"),
  });
  for (const auto& f : t.fields) {
    if (f.sensitivity == Sensitivity::Identity) continue;
    list_params.push_back(param(f.name, "query", {{"type", "string"}}, false,
                                "equals; also " + f.name + "[gte|gt|lte|lt|ne|in]=…"));
  }
  paths[base] = {
      {"get",
       {{"operationId", "list_" + name},
        {"summary", "List " + t.label.en},
        {"tags", {name}},
        {"parameters", list_params},
        {"responses", withErrors({{"200", okJson("a page of records", schemaRef(Cap + "_page"))}})}}},
      {"post",
       {{"operationId", "create_" + name},
        {"summary", "Create a " + t.label.en + " record"},
        {"tags", {name}},
        {"parameters", Json::array({param("Idempotency-Key", "header", {{"type", "string"}, {"maxLength", 128}}, false,
                                          "names this create: the same key again answers the record it made "
                                          "(Idempotent-Replayed: true) instead of making another")})},
        {"requestBody", jsonBody(schemaRef(Cap + "_input"))},
        {"responses", withErrors({{"201", okJson("created", schemaRef(Cap), true)}})}}}};
  paths[base + "/{id}"] = {
      {"parameters", {idParam}},
      {"get",
       {{"operationId", "get_" + name},
        {"summary", "Read a " + t.label.en + " record"},
        {"tags", {name}},
        {"parameters", {param("fields", "query", {{"type", "string"}}, false, "comma-separated fields to return")}},
        {"responses", withErrors({{"200", okJson("the record", schemaRef(Cap), true)}})}}},
      {"patch",
       {{"operationId", "update_" + name},
        {"summary", "Change fields of a " + t.label.en + " record"},
        {"tags", {name}},
        {"parameters", {ifMatch}},
        {"requestBody", jsonBody(schemaRef(Cap + "_patch"))},
        {"responses", withErrors({{"200", okJson("the record after the change", schemaRef(Cap), true)}})}}},
      {"delete",
       {{"operationId", "delete_" + name},
        {"summary", "Delete (softly, with a reason) a " + t.label.en + " record"},
        {"tags", {name}},
        {"parameters", {ifMatch}},
        {"requestBody",
         jsonBody({{"type", "object"},
                   {"required", {"reason"}},
                   {"properties", {{"reason", {{"type", "string"}, {"minLength", 1}, {"maxLength", 1000}}}}}})},
        {"responses", withErrors({{"200", okJson("the deleted record", schemaRef(Cap), true)}})}}}};
  paths[base + "/{id}/restore"] = {
      {"parameters", {idParam}},
      {"post",
       {{"operationId", "restore_" + name},
        {"summary", "Restore a deleted " + t.label.en + " record"},
        {"tags", {name}},
        {"parameters", {ifMatch}},
        {"responses", withErrors({{"200", okJson("the restored record", schemaRef(Cap), true)}})}}}};
  paths[base + "/{id}/history"] = {
      {"parameters", {idParam}},
      {"get",
       {{"operationId", "history_" + name},
        {"summary", "Field-level history of a " + t.label.en + " record"},
        {"tags", {name}},
        {"responses", withErrors({{"200", okJson("changes, oldest first", schemaRef("HistoryList"))}})}}}};
  paths[base + "/{id}/relations"] = {
      {"parameters", {idParam}},
      {"get",
       {{"operationId", "relations_" + name},
        {"summary", "Records this one refers to and records referring to it"},
        {"tags", {name}},
        {"responses", withErrors({{"200", okJson("related records", schemaRef("RelationList"))}})}}}};
  }

  // Uploads for the type's attachment fields.
  void uploadPaths(const std::string& name, const RecordType& t) {
  for (const auto& f : t.fields) {
    if (f.type != FieldType::Attachment) continue;
    Json body_content = Json::object();
    for (const auto& media : f.accept)
      body_content[media] = {{"schema", {{"type", "string"}, {"contentMediaType", media}}}};
    if (body_content.empty())
      body_content["application/octet-stream"] = {{"schema", {{"type", "string"}}}};
    paths["/api/v1/attachments/" + name + "/" + f.name] = {
        {"post",
         {{"operationId", "upload_" + name + "_" + f.name},
          {"summary", "Upload a file for " + (f.label.en.empty() ? f.name : f.label.en) + " of " + t.label.en},
          {"description", fmt::format("The raw file is the body. At most {} bytes. The returned id is then the value "
                                      "of the field in a create or update.",
                                      f.max_bytes ? f.max_bytes : 10 * 1024 * 1024)},
          {"tags", {name}},
          {"parameters", {param("name", "query", {{"type", "string"}}, false, "the file's name")}},
          {"requestBody", {{"required", true}, {"content", body_content}}},
          {"responses", withErrors({{"201", okJson("the stored attachment", schemaRef("Attachment"))},
                                    {"413", respRef("Problem")},
                                    {"415", respRef("Problem")}})}}}};
  }
  }

  void transitionPaths(const std::string& name, const RecordType& t) {
    const std::string base = "/api/v1/records/" + name;
    const std::string& Cap = name;
  if (t.workflow) {
    for (const auto& tr : t.workflow->transitions) {
      paths[base + "/{id}/transitions/" + tr.name] = {
          {"parameters", {idParam}},
          {"post",
           {{"operationId", name + "_" + tr.name},
            {"summary", tr.label.en.empty() ? tr.name : tr.label.en},
            {"description", fmt::format("Moves the record to '{}'. Needs permission {}.", tr.to, tr.permission)},
            {"tags", {name}},
            {"parameters", {ifMatch}},
            {"requestBody",
             {{"required", false}, {"content", {{"application/json", {{"schema", schemaRef(Cap + "_patch")}}}}}}},
            {"responses", withErrors({{"200", okJson("the record after the transition", schemaRef(Cap), true)}})}}}};
    }
  }
  }

  void attachmentPaths() {
  schemas["Attachment"] = {{"type", "object"},
                           {"required", {"id", "media_type", "size"}},
                           {"properties",
                            {{"id", {{"type", "string"}}},
                             {"media_type", {{"type", "string"}}},
                             {"size", {{"type", "integer"}}},
                             {"name", {{"type", "string"}}},
                             {"type", {{"type", "string"}}},
                             {"field", {{"type", "string"}}},
                             {"record_id", {{"type", "integer"}}},
                             {"created_by", {{"type", "integer"}}}}}};
  paths["/api/v1/attachments/{id}"] = {
      {"parameters", {attIdParam}},
      {"get",
       {{"operationId", "attachment_info"},
        {"summary", "An attachment's metadata"},
        {"tags", {"attachments"}},
        {"responses", withErrors({{"200", okJson("metadata", schemaRef("Attachment"))}})}}}};
  paths["/api/v1/attachments/{id}/content"] = {
      {"parameters", {attIdParam}},
      {"get",
       {{"operationId", "attachment_content"},
        {"summary", "An attachment's bytes (audited)"},
        {"tags", {"attachments"}},
        {"responses",
         withErrors({{"200",
                      {{"description", "the file, as a download"},
                       {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}}}}}}}}}})}}}};
  }

  // The routes that are not per record type: sign-in, sessions, tokens, administration, and
  // the access routes of every record (sharing, identity restrictions, break-glass).
  void servicePaths() {
  op("/api/v1/auth/login", "post", "login", "Sign in (password, then the second factor when the roles need one)",
     "auth", obj({{"login", str}, {"password", str}, {"totp", str}}, {"login", "password"}), "200", anyObject, true);
  op("/api/v1/auth/logout", "post", "logout", "Sign out (ends this session)", "auth", Json(), "204", Json());
  op("/api/v1/auth/me", "get", "me", "The signed-in user, roles and CSRF token", "auth", Json(), "200", anyObject);
  op("/api/v1/auth/password", "post", "change_password", "Change one's password", "auth",
     obj({{"current_password", str}, {"new_password", str}}, {"current_password", "new_password"}), "200", anyObject);
  op("/api/v1/auth/totp/setup", "post", "totp_setup", "Start second-factor enrolment (secret and otpauth URI)", "auth",
     Json(), "200", anyObject);
  op("/api/v1/auth/totp/confirm", "post", "totp_confirm", "Confirm enrolment with a code", "auth",
     obj({{"code", str}}, {"code"}), "200", anyObject);
  op("/api/v1/auth/sessions", "get", "sessions", "One's sessions", "auth", Json(), "200", anyObject);
  op("/api/v1/auth/sessions", "delete", "sign_out_everywhere", "End one's other sessions", "auth", Json(), "200",
     anyObject);
  op("/api/v1/auth/tokens", "get", "tokens", "One's API tokens (never the secret)", "auth", Json(), "200", anyObject);
  op("/api/v1/auth/tokens", "post", "token_create", "Create an API token (the secret is shown once)", "auth",
     obj({{"name", str}, {"roles", strings}, {"read_only", boolean}, {"expires_in_days", integer}}, {"name"}), "201",
     anyObject);
  paths["/api/v1/auth/tokens/{id}"]["parameters"] = Json::array({param("id", "path", integer, true, "token id")});
  op("/api/v1/auth/tokens/{id}", "delete", "token_revoke", "Revoke an API token", "auth", Json(), "204", Json());
  op("/api/v1/devices", "get", "devices", "One's devices for field work offline (administrators: ?user_id=)", "devices",
     Json(), "200", anyObject);
  op("/api/v1/devices", "post", "device_register",
     "Register a device for field work offline (the wrapping key is in the answer; docs/offline.md)", "devices",
     obj({{"name", str}}, {"name"}), "201", anyObject);
  for (const char* action : {"unlock", "sync", "revoke"})
    paths[std::string("/api/v1/devices/{id}/") + action]["parameters"] =
        Json::array({param("id", "path", str, true, "device id (32 hex characters)")});
  op("/api/v1/devices/{id}/unlock", "post", "device_unlock", "The device's wrapping key, while it is active", "devices",
     Json(), "200", anyObject);
  op("/api/v1/devices/{id}/sync", "post", "device_sync", "A finished sync and the changes still on the device",
     "devices", obj({{"pending", integer}}, {}), "200", anyObject);
  op("/api/v1/devices/{id}/revoke", "post", "device_revoke", "Revoke a device: its key is forgotten", "devices",
     obj({{"reason", str}}, {}), "200", anyObject);
  op("/api/v1/users", "get", "users", "User accounts (administrators)", "administration", Json(), "200", anyObject);
  op("/api/v1/users", "post", "user_create", "Create a user with a one-time password (administrators)",
     "administration", obj({{"login", str}, {"display_name", str}, {"roles", strings}, {"agency_id", integer}},
                           {"login", "display_name"}),
     "201", anyObject);
  paths["/api/v1/users/{id}"]["parameters"] = Json::array({param("id", "path", integer, true, "user id")});
  op("/api/v1/users/{id}", "patch", "user_access", "Change a user's roles, agency or active flag (audited)",
     "administration", obj({{"roles", strings}, {"agency_id", integer}, {"active", boolean}}), "200", anyObject);
  paths["/api/v1/users/{id}/totp/reset"]["parameters"] = Json::array({param("id", "path", integer, true, "user id")});
  op("/api/v1/users/{id}/totp/reset", "post", "user_totp_reset", "Reset a user's second factor (audited)",
     "administration", Json(), "200", anyObject);
  for (const char* decision : {"approve", "reject"}) {
    const std::string path = std::string("/api/v1/users/{id}/roles/") + decision;
    paths[path]["parameters"] = Json::array({param("id", "path", integer, true, "user id")});
    op(path, "post", std::string("user_roles_") + decision,
       std::string(decision[0] == 'a' ? "Approve" : "Reject") +
           " the roles with identity access a user is waiting for (two-person rule: another administrator "
           "approves; audited)",
       "administration", Json(), "200", anyObject);
  }
  op("/api/v1/roles", "get", "roles", "Roles with their permissions, scope and identity access", "administration",
     Json(), "200", anyObject);
  op("/api/v1/agencies", "get", "agencies", "Agencies and the agency types", "administration", Json(), "200",
     anyObject);
  op("/api/v1/agencies", "post", "agency_create", "Create an agency (audited)", "administration",
     obj({{"name", str}, {"type", str}, {"region", str}}, {"name", "type"}), "201", anyObject);
  paths["/api/v1/audit"]["parameters"] = Json::array({
      param("action", "query", str, false, "exact action, or a prefix ending in '.'"),
      param("actor", "query", integer, false, "user id"),
      param("record_type", "query", str, false, "record type"),
      param("record_id", "query", integer, false, "record id"),
      param("since", "query", str, false, "YYYY-MM-DD or date-time (UTC), inclusive"),
      param("until", "query", str, false, "YYYY-MM-DD or date-time (UTC), exclusive"),
      param("before_seq", "query", integer, false, "paging: entries older than this"),
      param("limit", "query", integer, false, "1..500, default 100")});
  op("/api/v1/audit", "get", "audit", "The audit log, newest first (administrators)", "administration", Json(), "200",
     anyObject);
  paths["/api/v1/search"]["parameters"] = Json::array({
      param("q", "query", {{"type", "string"}, {"maxLength", 200}}, true,
            "words or their first letters (3 or more); persons' names for roles that read identities"),
      param("per_type", "query", {{"type", "integer"}, {"minimum", 1}, {"maximum", 50}}, false, "hits a type (5)")});
  op("/api/v1/search", "get", "search",
     "One search over the record types one may read: titles' words, and persons' names for identity roles",
     "records", Json(), "200", anyObject);
  paths["/api/v1/exports/{type}"]["parameters"] = Json::array({
      param("type", "path", str, true, "record type"),
      param("format", "query", {{"type", "string"}, {"enum", {"csv", "jsonl"}}}, false, "csv (default) or jsonl")});
  paths["/api/v1/exports/{type}"]["get"] = {
      {"operationId", "export"},
      {"summary", "Export the case facts of the records the filters select (the list's filters; audited)"},
      {"tags", {"records"}},
      {"responses",
       withErrors({{"200",
                    {{"description", "the export, as a download"},
                     {"content",
                      {{"text/csv", {{"schema", {{"type", "string"}}}}},
                       {"application/x-ndjson", {{"schema", {{"type", "string"}}}}}}}}},
                   {"413", respRef("Problem")}})}};
  paths["/api/v1/records/{type}/{id}/grants"]["parameters"] = recParams;
  op("/api/v1/records/{type}/{id}/grants", "get", "grants", "Who the record is shared with", "access", Json(), "200",
     anyObject);
  op("/api/v1/records/{type}/{id}/grants", "post", "share",
     "Share the record (and what links to it) with an agency; consent is checked", "access",
     obj({{"agency_id", integer},
          {"expires_on", {{"type", "string"}, {"format", "date"}}},
          {"reason", str},
          {"consent_override_reason", str}},
         {"agency_id", "reason"}),
     "201", anyObject);
  paths["/api/v1/records/{type}/{id}/grants/{grant}"]["parameters"] = Json::array({
      recParams[0], recParams[1], param("grant", "path", integer, true, "grant id")});
  op("/api/v1/records/{type}/{id}/grants/{grant}", "delete", "unshare", "Revoke a grant", "access", Json(), "204",
     Json());
  paths["/api/v1/records/{type}/{id}/identity-restrictions"]["parameters"] = recParams;
  op("/api/v1/records/{type}/{id}/identity-restrictions", "get", "identity_restrictions",
     "Roles cut off from the person's identity by decision", "access", Json(), "200", anyObject);
  op("/api/v1/records/{type}/{id}/identity-restrictions", "put", "restrict_identity",
     "Cut named roles off the person's identity (a prosecutor's or court's decision, J3)", "access",
     obj({{"roles", strings}, {"decision", str}}, {"roles", "decision"}), "200", anyObject);
  paths["/api/v1/records/{type}/{id}/break-glass"]["parameters"] = recParams;
  op("/api/v1/records/{type}/{id}/break-glass", "post", "break_glass",
     "Emergency access for one hour, with a mandatory reason (audited, flagged for review)", "access",
     obj({{"reason", str}}, {"reason"}), "200", anyObject);
  }

  void countingPaths() {
  // Counting persons once (S4, docs/linkage.md).
  op("/api/v1/linkage/search", "post", "linkage_search",
     "Persons that may be the one being typed (intake); registrations the user may not open are only counted",
     "linkage",
     obj({{"first_name", str}, {"last_name", str}, {"patronymic", str}, {"full_name", str}, {"birth", str},
          {"sex", str}, {"citizenship", str}, {"phone", str}, {"document", str}, {"limit", integer}}),
     "200", anyObject);
  paths["/api/v1/linkage/persons/{id}"]["parameters"] = Json::array({
      param("id", "path", integer, true, "a registration's record id (person or signal)")});
  op("/api/v1/linkage/persons/{id}", "get", "linkage_person",
     "The person a registration belongs to, how it was linked, and the person's other registrations", "linkage",
     Json(), "200", anyObject);
  paths["/api/v1/linkage/review"]["parameters"] = Json::array({param("limit", "query", integer, false, "1..500, default 50")});
  op("/api/v1/linkage/review", "get", "linkage_review",
     "Pairs of registrations the model is unsure of, with the comparison (decide with a link_decision record)",
     "linkage", Json(), "200", anyObject);
  // Statistics and the annual report (docs/statistics.md).
  const Json period = param("period", "query", str, true, "2019, 2019-Q2, 2015..2020 or 2019-03-01..2019-06-30");
  const Json lang = param("lang", "query", {{"type", "string"}, {"enum", {"az", "en", "ru"}}}, false, "default az");
  const Json edition = param("edition", "query", {{"type", "string"}, {"enum", {"public", "restricted"}}}, false,
                             "public (disclosure control, default) or restricted (exact; coordinator, statistician)");
  paths["/api/v1/statistics/indicators"]["parameters"] = Json::array({lang});
  op("/api/v1/statistics/indicators", "get", "indicators", "The indicators: definitions, what they count, breakdowns",
     "statistics", Json(), "200", anyObject);
  paths["/api/v1/statistics/indicators/{id}"]["parameters"] = Json::array({param("id", "path", str, true, "indicator id"), period,
                                                               lang, edition});
  op("/api/v1/statistics/indicators/{id}", "get", "figure", "One figure for a period, with its breakdowns and change",
     "statistics", Json(), "200", anyObject);
  paths["/api/v1/statistics/indicators/{id}/records"]["parameters"] = Json::array({param("id", "path", str, true, "indicator id"),
                                                                       period});
  op("/api/v1/statistics/indicators/{id}/records", "get", "figure_records",
     "The ids of the records behind a figure (national read; audited)", "statistics", Json(), "200", anyObject);
  op("/api/v1/statistics/status", "get", "statistics_status", "The statistics snapshot's state", "statistics", Json(),
     "200", anyObject);
  paths["/api/v1/reports/annual"]["parameters"] = Json::array({
      param("year", "query", integer, true, "the year"), lang, edition,
      param("format", "query", {{"type", "string"}, {"enum", {"json", "pdf", "odt", "xlsx", "csv"}}}, false,
            "json (default), pdf, odt, xlsx or csv")});
  op("/api/v1/reports/annual", "get", "annual_report",
     "The annual report (JSON, or a PDF / ODT / XLSX / CSV download)", "statistics", Json(), "200", anyObject);
  // International returns (docs/international-returns.md).
  paths["/api/v1/reports/international"]["parameters"] = Json::array({lang});
  op("/api/v1/reports/international", "get", "international_returns",
     "The international returns (UNODC GLOTIP, SDG 16.2.2, Eurostat / GRETA, IC-TIP, CTDC) and their tables", "statistics", Json(), "200",
     anyObject);
  paths["/api/v1/reports/international/{id}"]["parameters"] = Json::array({
      param("id", "path", str, true, "glotip, sdg, eurostat, ictip or ctdc (the victim-level file, CSV)"),
      param("year", "query", integer, true, "the year"), lang,
      param("format", "query", {{"type", "string"}, {"enum", {"json", "csv", "xlsx"}}}, false, "json (default), csv or xlsx"),
      param("k", "query", integer, false, "ctdc: k of the k-anonymity, 11 (default) or more"),
      param("synthetic", "query", {{"type", "string"}, {"enum", {"true", "false"}}}, false,
            "ctdc: the synthetic variant (counts per combination of the quasi-identifiers, multiples of k, none below k)")});
  op("/api/v1/reports/international/{id}", "get", "international_return",
     "A return for a year from the records through the declared crosswalks (exact values; audited)", "statistics",
     Json(), "200", anyObject);

  // Periodic returns (docs/returns.md) and the block list (docs/monitoring-labour-migration.md).
  op("/api/v1/returns", "get", "returns", "The periodic return types one sees, with their completeness", "returns",
     Json(), "200", anyObject);
  paths["/api/v1/returns/{type}/completeness"]["parameters"] = Json::array({
      param("type", "path", str, true, "a periodic return type"), param("from", "query", integer, false, "first year"),
      param("to", "query", integer, false, "last year (default this year)")});
  op("/api/v1/returns/{type}/completeness", "get", "returns_completeness",
     "Agency × period: each return's state, or missing, with its due day", "returns", Json(), "200", anyObject);
  paths["/api/v1/plans/{id}/implementation-report"]["parameters"] = Json::array({
      param("id", "path", integer, true, "action plan id"), param("year", "query", integer, true, "the year"),
      param("lang", "query", {{"type", "string"}, {"enum", {"az", "en", "ru"}}}, false, "default az"),
      param("format", "query", {{"type", "string"}, {"enum", {"json", "pdf", "odt"}}}, false, "default json")});
  op("/api/v1/plans/{id}/implementation-report", "get", "plan_implementation_report",
     "An action plan's implementation report for a year (coordinator's office)", "plans", Json(), "200", anyObject);
  paths["/api/v1/international-requests/{id}/answer"]["parameters"] = Json::array({
      param("id", "path", integer, true, "international request id"),
      param("If-Match", "header", str, false, "the request's ETag")});
  op("/api/v1/international-requests/{id}/answer", "post", "international_request_answer",
     "Send the answer to an international request: its figures computed now and frozen (quoted_figure)", "plans",
     Json{{"type", "object"},
          {"properties",
           {{"answered_on", {{"type", "string"}, {"format", "date"}}},
            {"answer_text", str},
            {"figures",
             {{"type", "array"},
              {"maxItems", 100},
              {"items",
               {{"type", "object"},
                {"required", {"indicator", "period"}},
                {"properties", {{"indicator", str}, {"period", str}}}}}}}}}},
     "200", anyObject);
  paths["/api/v1/block-list"]["parameters"] = Json::array({param("recipient", "query", str, true, "who receives it (1-200 characters)"),
                                               param("date", "query", str, false, "the day in force (default today)")});
  paths["/api/v1/block-list"]["get"] = {
      {"operationId", "block_list"},
      {"summary", "Addresses whose limitation of access is in force, for an access provider (audited)"},
      {"tags", {"monitoring"}},
      {"responses", withErrors({{"200", {{"description", "tab-separated text, '#' header lines"},
                                         {"content", {{"text/plain", {{"schema", str}}}}}}}})}};

  }
};

}  // namespace

Json openApiDocument(const Schema& schema, const std::string& version) {
  return OpenApiBuilder(schema).document(version);
}

}  // namespace palermo::api
