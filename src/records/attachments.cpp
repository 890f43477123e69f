// Attachments: scanned documents, photos, signed consent forms. Uploaded on their own (raw
// body, the file's media type as Content-Type), checked against the field's accept list and
// size limit and against the content itself (a "PDF" must start like one), sealed with the
// data key under the context "attachment:<id>", and bound to the record whose field names them
// in that record's write transaction. Every upload and every download is audited.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <string_view>

#include "core/random.hpp"
#include "core/utf8.hpp"
#include "records/engine.hpp"

namespace palermo::records {

using namespace std::string_view_literals;

namespace {

constexpr std::size_t kDefaultMaxBytes = 10 * 1024 * 1024;

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace


Json RecordService::uploadAttachment(const Actor& actor, const std::string& typeName, const std::string& field,
                                     const std::string& content_type, const std::string& file_name,
                                     std::string_view bytes) {
  const auto* t = schema_.type(typeName);
  if (!t) throw Problem::notFound("There is no record type '" + typeName.substr(0, 64) + "'.");
  if (!actor.may(typeName + ".create") && !actor.may(typeName + ".update"))
    throw Problem::forbidden(fmt::format("You may not add files to records of type '{}'.", typeName));
  const auto* f = t->field(field);
  if (!f || f->type != FieldType::Attachment)
    throw Problem::validation({{"field", "unknown_field",
                                "'" + field.substr(0, 64) + "' is not an attachment field of " + typeName}});
  const std::size_t max_bytes = f->max_bytes ? f->max_bytes : kDefaultMaxBytes;
  if (bytes.empty()) throw Problem::validation({{field, "empty", "the file is empty"}});
  if (bytes.size() > max_bytes) {
    throw Problem(413, "attachment.too_large",
                  fmt::format("The file is {} bytes; '{}' accepts at most {} bytes.", bytes.size(), field, max_bytes),
                  {{field, "max_bytes", fmt::format("must be at most {} bytes", max_bytes)}});
  }
  const std::string media = normaliseMediaType(content_type);
  if (!f->accept.empty() && std::find(f->accept.begin(), f->accept.end(), media) == f->accept.end()) {
    std::string accepted;
    for (const auto& a : f->accept) accepted += (accepted.empty() ? "" : ", ") + a;
    throw Problem(415, "attachment.type_not_accepted",
                  fmt::format("'{}' accepts {}; the file was sent as '{}'.", field, accepted, media.substr(0, 100)),
                  {{field, "accept", "must be one of " + accepted}});
  }
  if (!contentMatchesMediaType(media, bytes))
    throw Problem::validation(
        {{field, "content_type", "the content of the file is not " + media.substr(0, 100) + " (or is damaged)"}});

  // Keep the last path segment of the name, bounded; it is sealed like the content.
  std::string name = file_name.substr(file_name.find_last_of("/\\") == std::string::npos
                                          ? 0
                                          : file_name.find_last_of("/\\") + 1);
  if (name.size() > 200) name.resize(200);
  AttachmentRow a;
  a.id = "att_" + hexEncode(randomBytes(16));
  a.record_type = typeName;
  a.field = field;
  a.media_type = media;
  a.size = static_cast<int64_t>(bytes.size());
  a.name = keys_.seal(name, "attachment-name:" + a.id);
  a.content = keys_.seal(bytes, "attachment:" + a.id);
  a.created_at = nowMillis();
  a.created_by = actor.user_id;
  store_.putAttachment(a, AuditDraft{actor.user_id, "attachment.upload", typeName, 0,
                                     Json{{"attachment", a.id}, {"field", field}, {"media_type", media},
                                          {"size", a.size}}});
  return {{"id", a.id}, {"media_type", media}, {"size", a.size}, {"name", name}};
}

AttachmentRow RecordService::attachmentFor(const Actor& actor, const std::string& id, bool with_content,
                                           std::string& name) {
  auto a = store_.getAttachment(id.substr(0, 64), with_content);
  if (!a) throw Problem::notFound("There is no such attachment.");
  const auto* t = schema_.type(a->record_type);
  const auto* f = t ? t->field(a->field) : nullptr;
  if (!f) throw Problem::notFound("There is no such attachment.");
  bool allowed = false;
  if (a->record_id == 0) {
    allowed = a->created_by == actor.user_id || actor.isAdmin();  // not yet part of any record
  } else {
    auto r = store_.getRecord(a->record_type, a->record_id);
    const auto scope = actor.scopeFor(a->record_type, "read");
    allowed = r && scope &&
              (*scope == Scope::National ||
               store_.recordVisible(a->record_id, actor.visibility(a->record_type, nowMillis()))) &&
              (f->sensitivity != Sensitivity::Identity ||
               actor.identityFor(a->record_type, r->identity_blocked) != IdentityAccess::None);
  }
  if (!allowed) throw Problem::notFound("There is no such attachment.");  // existence does not leak
  name = keys_.open(a->name, "attachment-name:" + a->id);
  if (with_content) {
    a->content = keys_.open(a->content, "attachment:" + a->id);
    store_.appendAudit(AuditDraft{actor.user_id, "attachment.read", a->record_type, a->record_id,
                                  Json{{"attachment", a->id}, {"field", a->field}}},
                       nowMillis());
  }
  return std::move(*a);
}

Json RecordService::attachmentInfo(const Actor& actor, const std::string& id) {
  std::string name;
  const auto a = attachmentFor(actor, id, false, name);
  Json j = {{"id", a.id},       {"type", a.record_type},        {"field", a.field}, {"media_type", a.media_type},
            {"size", a.size},   {"name", name},                 {"created_by", a.created_by}};
  if (a.record_id) j["record_id"] = a.record_id;
  return j;
}

RecordService::AttachmentContent RecordService::attachmentContent(const Actor& actor, const std::string& id) {
  AttachmentContent out;
  auto a = attachmentFor(actor, id, true, out.name);
  out.media_type = a.media_type;
  out.bytes = std::move(a.content);
  return out;
}

void RecordService::checkAttachments(const RecordType& type, int64_t record_id, const Json& data,
                                     std::vector<FieldError>& errors, std::vector<std::string>& ids) {
  for (const auto& f : type.fields) {
    if (f.type != FieldType::Attachment || !data.contains(f.name) || !data[f.name].is_string()) continue;
    const auto& id = data[f.name].get_ref<const std::string&>();
    auto a = id.size() <= 64 ? store_.getAttachment(id, false) : std::nullopt;
    if (!a || a->record_type != type.name || a->field != f.name)
      errors.push_back({f.name, "attachment", "there is no attachment '" + id.substr(0, 64) +
                                                  "' uploaded for this field (upload it first)"});
    else if (a->record_id != 0 && a->record_id != record_id)
      errors.push_back({f.name, "attachment", "the attachment belongs to another record"});
    else
      ids.push_back(id);
  }
}

}  // namespace palermo::records
