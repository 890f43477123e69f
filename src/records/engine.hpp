// The record engine: one implementation of create / read / update / delete / restore /
// workflow transitions / list / history / relations for every record type declared in
// schema/. Validation reports every error at once; nothing is half written (each change is one
// Store transaction with its history and audit entry). See docs/records.md.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/json.hpp"
#include "core/keys.hpp"
#include "records/record_rules.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::records {

// Who acts, and what they may do: the user's roles (from the schema's role files), agency and
// region. See docs/security.md. Permission names are "<type>.<action>": create, read, update,
// delete, restore, export, the workflow permissions declared in the schema (e.g.
// "signal.refer"), and "<type>.read_identity" / "<type>.write_identity".
struct Actor {
  int64_t user_id = 0;
  int64_t agency_id = 0;
  std::string region;
  std::vector<const RoleDef*> roles;
  bool system = false;  // the system itself (data migrations, demo data): may do everything
  const Schema* schema = nullptr;  // set by of(); visibility() reads the types' consent rules

  static Actor systemActor();
  // Roles unknown to the schema are ignored (and reported by `palermo schema check` users).
  static Actor of(const Schema& schema, int64_t user_id, const std::vector<std::string>& role_names,
                  int64_t agency_id, const std::string& region);

  [[nodiscard]] bool isAdmin() const;
  [[nodiscard]] bool may(const std::string& permission) const;
  [[nodiscard]] bool may(const std::string& type, const std::string& action) const;
  // The widest scope among the roles that allow `action` on `type`; nullopt when none does.
  [[nodiscard]] std::optional<Scope> scopeFor(const std::string& type, const std::string& action) const;
  [[nodiscard]] IdentityAccess identityFor(const std::string& type) const;
  // The same for one record, leaving out roles a prosecutor's or court's decision has cut off.
  [[nodiscard]] IdentityAccess identityFor(const std::string& type, const std::vector<std::string>& blocked_roles) const;
  [[nodiscard]] bool mayBreakGlass() const;
  [[nodiscard]] bool mayOverrideConsent() const;
  // What a read of `type` reaches, for the store.
  [[nodiscard]] Visibility visibility(const std::string& type, int64_t now_ms) const;
};

// An integer field named "user_id" or "…_user_id" holds a user's id (a case's assignee): the
// engine checks it names an active user of the writer's agency, the web offers the colleagues.
bool isUserField(const std::string& name);

struct ListParams {
  std::vector<RecordFilter> filters;
  std::string name_query;          // tolerant name search over name_search fields
  std::string words;               // words (or their beginnings) of the word_search fields
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

  // Creates what filtering needs (indexes), applies pending data migrations and checks that
  // every destructive schema change since the last start is covered by one. Throws
  // std::runtime_error listing every uncovered change (and changes nothing then).
  // Returns what it did, for the log.
  struct PrepareReport {
    std::vector<std::string> migrations_applied;
    int64_t records_rewritten = 0;
  };
  PrepareReport prepare();
  // The rule book the types' named rules use (rules/ directory); needed when a type names one.
  // The rules record types name (src/rules registers them; records/ names none).
  void setRules(const RecordRules* rules) { rules_ = rules; }

  const Schema& schema() const { return schema_; }
  Store& store() const { return store_; }

  // Each throws Problem for what a user should be told: 404 (unknown type or record, or not
  // allowed to see it), 422 with every field error, 409/412 on version conflicts, 428 when a
  // version is required and missing.
  // `idempotency_key` (the Idempotency-Key header, empty for none): the same user's create sent
  // again with that key gives the record the first made, once, and sets `*replayed`.
  Json create(const Actor& actor, const std::string& type, const Json& body, const std::string& idempotency_key = {},
              bool* replayed = nullptr);
  Json get(const Actor& actor, const std::string& type, int64_t id, const std::vector<std::string>& fields = {});
  Json update(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
              const Json& patch);
  Json remove(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
              const std::string& reason);
  Json restore(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match);
  Json transition(const Actor& actor, const std::string& type, int64_t id, std::optional<int64_t> if_match,
                  const std::string& name, const Json& patch);
  ListResult list(const Actor& actor, const std::string& type, const ListParams& params);
  // One search box over every type the actor may read: the words of word_search fields and, for
  // those who may read identities, the name search. Up to `per_type` hits a type, each
  // {type, id, title, match: "words" | "name", more?}; no identity field is returned.
  Json search(const Actor& actor, const std::string& text, int per_type);
  // The user's tasks: for every deadline the schema declares on a type the user may act on
  // (the deadline's permission), the records in its states, overdue first, with the due time.
  // At most `per_deadline` records each, with the totals.
  Json tasks(const Actor& actor, int64_t now_ms, int per_deadline = 50);
  // Deadline reminders (docs/records.md, "Notifications"): the people who are to act on a record
  // (the deadline's permission, the record within their reach, the agency the deadline names) are
  // told once when its deadline passes in (since, now] ("deadline_passed:<name>") and once when it
  // comes within a day ("deadline_near:<name>"; deadlines longer than a day only). Only crossings in the window: an old backlog is
  // the task list's, not a flood of messages. Returns how many notifications were written.
  int64_t remindDeadlines(int64_t since_ms, int64_t now_ms);
  // The user's notifications, newest first, with each rule's message (GET /api/v1/notifications),
  // and marking them read (ids empty: all of the user's): {marked, unread}.
  Json notifications(int64_t user_id, bool unread_only, int64_t before_id, int limit);
  Json markNotificationsRead(int64_t user_id, const std::vector<int64_t>& ids);
  // Notifications are also e-mailed (to users with an address) when set: `base_url` for links.
  void setMail(bool enabled, std::string base_url) {
    mail_enabled_ = enabled;
    mail_base_url_ = std::move(base_url);
  }
  // The e-mail telling `user` of a notification: the message in the three languages, the record's
  // type and number, a link; no field of the record. Empty when mail is off or the user has none.
  EmailDraft emailFor(const UserRow& user, const Translated& message, const RecordType& type, int64_t record_id) const;
  // The same for what is not one record: `what` names it, `path` is the page to open ("/returns").
  EmailDraft emailAbout(const UserRow& user, const Translated& message, const std::string& what,
                        const std::string& path) const;
  // One identity field's value of each given record (absent ones left out), for a purpose-built
  // export such as the block list: the actor needs identity access to the type, and the caller
  // writes one audit entry for the whole export. Empty when the actor has no identity access.
  std::vector<std::pair<int64_t, Json>> identityValues(const Actor& actor, const RecordType& type,
                                                       const std::vector<StoredRecord>& records,
                                                       const std::string& field) const;
  // The workflow state of a record on a date (YYYY-MM-DD), from its history: each transition
  // counts from its effective date (the field the transition names, e.g. decision_date, as it
  // was when the transition was taken), the initial state from the workflow's initial_date.
  // {state (null before the record existed), since, transition}.
  Json stateOn(const Actor& actor, const std::string& type, int64_t id, const std::string& date);
  // The same over a record's history, for the statistics engine.
  static Json stateOnFromHistory(const RecordType& type, const std::vector<HistoryEntry>& history,
                                 const std::string& date);
  // A record's deadlines now in force: [{name, label, due_at, overdue}].
  Json deadlinesOf(const RecordType& type, const StoredRecord& r, int64_t now_ms) const;
  // An export of the records a list with these filters reaches, as CSV or JSON lines: case
  // facts only (id, state, times and every non-identity field; identity never leaves in bulk).
  // Needs the export permission; one audit entry names the type, filters and row count.
  struct Export {
    std::string content;
    int64_t rows = 0;
  };
  static constexpr int64_t kMaxExportRows = 500000;
  Export exportRecords(const Actor& actor, const std::string& type, ListParams params, const std::string& format);
  Json history(const Actor& actor, const std::string& type, int64_t id);
  Json relations(const Actor& actor, const std::string& type, int64_t id);

  // Sharing and break-glass (see access.cpp). share: {agency_id, reason, expires_at?} gives the
  // agency access to the record and the records linked to it; needs "<type>.share".
  Json grants(const Actor& actor, const std::string& type, int64_t id);
  Json share(const Actor& actor, const std::string& type, int64_t id, const Json& body);
  void unshare(const Actor& actor, const std::string& type, int64_t id, int64_t grant_id);
  // Opens one record outside the actor's scope for an hour, with a mandatory reason; audited
  // and flagged for review. Needs a role with break_glass.
  Json breakGlass(const Actor& actor, const std::string& type, int64_t id, const std::string& reason);
  // J3: a prosecutor's or court's decision ends named roles' access to the record's identity
  // fields ({roles, decision, reason}; roles [] lifts it). Needs "<type>.restrict_identity".
  Json restrictIdentity(const Actor& actor, const std::string& type, int64_t id, const Json& body);
  Json identityRestrictions(const Actor& actor, const std::string& type, int64_t id);

  // Attachments (see attachments.cpp). Upload returns {id, media_type, size, name}; the id is
  // then given as the value of the field in a create or update.
  Json uploadAttachment(const Actor& actor, const std::string& type, const std::string& field,
                        const std::string& content_type, const std::string& file_name, std::string_view bytes);
  Json attachmentInfo(const Actor& actor, const std::string& id);
  struct AttachmentContent {
    std::string media_type, name, bytes;
  };
  AttachmentContent attachmentContent(const Actor& actor, const std::string& id);  // audited

  // Normalised search tokens of a name (lower case, Latin, no diacritics), and their keyed
  // blind-index terms.
  static std::vector<std::string> nameTokens(const std::string& text);
  std::vector<std::string> nameTerms(const std::string& text) const;
  // The plain word-index terms of a record's word_search fields ("w:" + a word's beginning).
  static std::vector<std::string> wordTerms(const RecordType& type, const Json& data);

  // An import meeting a record again (docs/import.md, "Importing again"): the record's version,
  // whether it is deleted, and which of `values`' fields differ from it (identity fields are
  // compared, never returned; keys starting with '_' are not fields). 404 when the actor may not
  // update it.
  struct Comparison {
    int64_t version = 0;
    bool deleted = false;
    std::vector<std::string> differing;
  };
  Comparison compareWith(const Actor& actor, const std::string& type, int64_t id, const Json& values);

 private:
  const RecordType& typeOr404(const Actor& actor, const std::string& type, const char* action) const;
  Json render(const Actor& actor, const RecordType& type, const StoredRecord& r,
              const std::vector<std::string>& fields, bool audit_identity_read);
  Json fullData(const RecordType& type, const StoredRecord& r) const;  // data + decrypted identity
  // type.shares_on_create: what a new record shares, checked before it is written, then shared.
  struct Sharing {
    int64_t agency_id = 0;
    std::vector<std::pair<std::string, int64_t>> records;  // (type, id) referenced
  };
  Sharing checkSharesOnCreate(const Actor& actor, const RecordType& type, const Json& data);
  // The answer to a create whose idempotency key made record `id` before: that record as it is now.
  Json replayedCreate(const Actor& actor, const RecordType& type, int64_t id, bool* replayed);
  static Problem idempotencyKeyReused();
  void shareOnCreate(const Actor& actor, const RecordType& type, int64_t id, const Sharing& sharing);
  Json patched(const RecordType& type, const StoredRecord& stored, const Json& patch) const;
  static Json createdBody(const Transition::Creates& c, const Json& from);
  // What a write is: the state the record will be in, the transition taken (if any) and the
  // registering agency (a periodic return's reporting_agency).
  struct Write {
    std::string state;
    const Transition* transition = nullptr;
    int64_t agency_id = 0;
    const Actor* actor = nullptr;  // the writer (references marked visible_to_writer)
  };
  std::vector<std::string> validated(const RecordType& type, int64_t id, Json& data, const Write& write);
  void checkReferences(const RecordType& type, const Json& data, std::vector<FieldError>& errors,
                       const Actor* writer = nullptr);
  // Attachment fields must name attachments uploaded for that type and field, not bound to
  // another record; their ids are collected for binding.
  void checkAttachments(const RecordType& type, int64_t record_id, const Json& data, std::vector<FieldError>& errors,
                        std::vector<std::string>& ids);
  AttachmentRow attachmentFor(const Actor& actor, const std::string& id, bool with_content, std::string& name);
  MutationResult mutate(const Actor& actor, const RecordType& type, RecordMutation& m, const Json& before,
                        const Json& after);
  // The record, if the actor's scope (or a grant) reaches it for `action`; else 404.
  StoredRecord loadOr404(const Actor& actor, const RecordType& type, int64_t id, const std::string& action);
  std::vector<NotificationDraft> notificationsFor(const Actor& actor, const RecordType& type, const RecordMutation& m,
                                                  const Json& before, const Json& after);
  void checkIdentityWrite(const Actor& actor, const RecordType& type, const Json& before, const Json& after,
                          const std::vector<std::string>& blocked_roles = {}) const;
  Json rawData(const StoredRecord& r) const;  // data + every decrypted identity value
  void rewriteForMigration(const RecordType& type, const StoredRecord& stored, const Json& raw,
                           const std::string& migration_ids);
  int64_t applyMigrations(const std::vector<const DataMigration*>& pending);

  const Schema& schema_;
  Store& store_;
  bool mail_enabled_ = false;
  std::string mail_base_url_;
  const KeyRing& keys_;
  const RecordRules* rules_ = nullptr;
  void applyRules(const RecordType& type, Json& after, const std::string& state, std::vector<FieldError>& errors) const;
};

// The context a record's identity fields are sealed with (KeyRing::seal / open).
std::string sealContext(int64_t id);

// ETag for a record version: "\"<version>\"". ParseIfMatch accepts "3", "\"3\"", W/"3".
std::string etagFor(int64_t version);
std::optional<int64_t> parseIfMatch(std::string_view header);

// "Image/PNG; x=y" -> "image/png".
std::string normaliseMediaType(std::string_view header);
// Whether the bytes look like the media type says (magic numbers; UTF-8 for text). Types it
// cannot check are refused.
bool contentMatchesMediaType(std::string_view media_type, std::string_view bytes);

// Fingerprint of a record type's stored shape (fields, types, sensitivity, value codes), kept
// in the database to detect destructive schema changes at the next start.
std::string shapeOf(const Schema& schema, const RecordType& type);
// The message of a periodic-return reminder (returns::ReturnsService::remindDue), by its kind
// "return_near:<period>" / "return_due:<period>"; empty texts for another kind.
Translated returnReminderMessage(const RecordType& type, const std::string& kind);

// A change between the stored shapes and the current schema that would lose or misplace data.
struct DestructiveChange {
  enum class Kind { TypeRemoved, FieldRemoved, FieldTypeChanged, SensitivityChanged, ValueRemoved };
  Kind kind;
  std::string type, field, value;
  std::string detail;  // e.g. "text to integer"
  [[nodiscard]] std::string describe() const;
};
std::vector<DestructiveChange> destructiveChanges(const std::map<std::string, std::string>& stored_shapes,
                                                  const std::map<std::string, std::string>& current_shapes);
// True when `step` says what happens to the data `change` concerns.
bool covers(const MigrationStep& step, const DestructiveChange& change);

}  // namespace palermo::records
