// The record engine: one implementation of create / read / update / delete / restore /
// workflow transitions / list / history / relations for every record type declared in
// schema/. Validation reports every error at once; nothing is half written (each change is one
// Store transaction with its history and audit entry). See docs/records.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/keys.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::records {

// Who acts, and what they may do. The access-control layer fills this in; the engine asks.
struct Actor {
  int64_t user_id = 0;
  std::vector<std::string> roles;
  [[nodiscard]] bool isAdmin() const;
  // Permission names: "<type>.create|read|update|delete|restore", "<type>.read_identity",
  // and the workflow permissions declared in the schema (e.g. "signal.refer").
  [[nodiscard]] bool may(const std::string& permission) const;
};

struct ListParams {
  std::vector<RecordFilter> filters;
  std::string name_query;          // tolerant name search over name_search fields
  std::string sort_field = "id";
  bool descending = false;
  std::string cursor;              // opaque, from a previous page
  int limit = 50;                  // 1..500
  bool include_deleted = false;
  bool count_total = false;
  std::vector<std::string> fields; // empty: all the caller may see
};

struct ListResult {
  std::vector<Json> items;
  std::string next_cursor;  // empty when this is the last page
  int64_t total = -1;
};

class RecordService {
 public:
  RecordService(const Schema& schema, Store& store, const KeyRing& keys);

  // Creates what filtering needs (indexes) and checks that the schema's changes since the last
  // start are not destructive. Throws std::runtime_error listing every destructive change.
  void prepare();

  const Schema& schema() const { return schema_; }

  // Each throws Problem for what a user should be told: 404 (unknown type or record, or not
  // allowed to see it), 422 with every field error, 409/412 on version conflicts, 428 when a
  // version is required and missing.
  Json create(const Actor& actor, const std::string& type, const Json& body);
  Json get(const Actor& actor, const std::string& type, int64_t id, const std::vector<std::string>& fields = {});
  Json update(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
              const Json& patch);
  Json remove(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
              const std::string& reason);
  Json restore(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match);
  Json transition(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
                  const std::string& name, const Json& patch);
  ListResult list(const Actor& actor, const std::string& type, const ListParams& params);
  Json history(const Actor& actor, const std::string& type, int64_t id);
  Json relations(const Actor& actor, const std::string& type, int64_t id);

  // Normalised search tokens of a name (lower case, Latin, no diacritics), and their keyed
  // blind-index terms.
  static std::vector<std::string> nameTokens(const std::string& text);
  std::vector<std::string> nameTerms(const std::string& text) const;

 private:
  const RecordType& typeOr404(const Actor& actor, const std::string& type, const char* action) const;
  Json render(const Actor& actor, const RecordType& type, const StoredRecord& r,
              const std::vector<std::string>& fields, bool audit_identity_read);
  Json fullData(const RecordType& type, const StoredRecord& r) const;  // data + decrypted identity
  Json patched(const RecordType& type, const StoredRecord& stored, const Json& patch) const;
  void checkReferences(const RecordType& type, const Json& data, std::vector<FieldError>& errors);
  MutationResult mutate(const Actor& actor, const RecordType& type, RecordMutation& m, const Json& before,
                        const Json& after);
  StoredRecord loadOr404(const RecordType& type, int64_t id);

  const Schema& schema_;
  Store& store_;
  const KeyRing& keys_;
};

// ETag for a record version: "\"<version>\"". ParseIfMatch accepts "3", "\"3\"", W/"3".
std::string etagFor(int64_t version);
std::optional<int64_t> parseIfMatch(std::string_view header);

// Fingerprint of a record type's stored shape (fields, types, value codes) for evolution checks.
std::string shapeOf(const Schema& schema, const RecordType& type);
// Destructive differences between two shapes ("field 'x' removed", "type of 'y' changed ...").
std::vector<std::string> destructiveChanges(const std::string& type, const std::string& before,
                                            const std::string& after);

}  // namespace palermo::records
