// The Store: everything Palermo keeps, behind one interface with one implementation per
// database (SQLite, PostgreSQL; both in src/store/sql with a driver each). SQL and its dialect
// live only in the implementations; callers speak in rows of the domain.
//
// Contract every implementation keeps (checked by tests/unit/store_conformance_test.cpp):
//  * A write that returned without throwing is durable (it survives a crash or power loss).
//  * Each call is atomic: it happens completely or not at all.
//  * Reads see every write that returned before they started.
//  * Methods are safe to call from many threads at once. They block; call them from worker
//    threads, never from the network I/O threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace palermo {

struct UserRow {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  std::string password_hash;      // Argon2id, libsodium string format
  std::vector<std::string> roles;
  bool must_change_password = false;
  bool active = true;
  int failed_logins = 0;
  int64_t locked_until = 0;       // unix seconds; 0 when not locked
  int64_t created_at = 0;
  int64_t password_changed_at = 0;
  int64_t agency_id = 0;          // 0: no agency (reaches nothing scoped to an agency or region)
  std::string totp_secret;        // sealed TOTP secret (pending until totp_enabled); empty: none
  bool totp_enabled = false;
  int64_t totp_last_step = 0;     // last time step accepted, so a code is used once
  // Roles with identity access asked for by one administrator, not yet approved by another
  // (the two-person rule, docs/security.md); empty: none pending.
  std::vector<std::string> pending_roles;
  int64_t pending_by = 0;         // the administrator who asked
  int64_t pending_at = 0;         // unix seconds
  std::string email;              // where notifications are e-mailed (empty: in the application only)
};

struct NewUser {
  std::string login;
  std::string display_name;
  std::string password_hash;
  std::vector<std::string> roles;
  bool must_change_password = true;
  int64_t agency_id = 0;
};

// An agency of the mechanism: the special police, a ministry, an NGO, a shelter, a hotline ...
struct AgencyRow {
  int64_t id = 0;
  std::string name;
  std::string type;    // one of the agency types (docs/security.md)
  std::string region;  // region code; "" for national bodies
  bool active = true;
  int64_t created_at = 0;
};

// Access to one record (and the records linked to it by a reference, either way) given to an
// agency (a referral, an assignment) or, for break-glass, to one user. Revocable; may expire.
struct GrantRow {
  int64_t id = 0;
  int64_t record_id = 0;
  int64_t agency_id = 0;   // agency grant, or
  int64_t user_id = 0;     // personal grant (break-glass)
  std::string kind;        // "share" or "break_glass"
  std::string reason;
  int64_t granted_by = 0;
  int64_t granted_at = 0;  // unix milliseconds
  int64_t expires_at = 0;  // 0: no end
  int64_t revoked_at = 0;
  int64_t revoked_by = 0;
};

// Who is looking, for scoped reads: a list or a record is limited to what the scope reaches.
struct Visibility {
  enum class Scope { Own, Assigned, Agency, Region, National } scope = Scope::National;
  int64_t user_id = 0;
  int64_t agency_id = 0;
  std::string region;
  int64_t now = 0;  // unix milliseconds, for grant expiry
  // Whether a grant on a linked record reaches this one (false for types whose sharing needs
  // consent: only a grant on the record itself does).
  bool reach_through_links = true;
};

struct SessionRow {
  std::string token_hash;  // BLAKE2b of the cookie value; the value itself is never stored
  int64_t user_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;  // absolute expiry, unix seconds
  std::string user_agent;  // shortened, to let a user recognise their sessions
};

// A token for a machine client, acting for its user with a subset of the user's roles. Only
// the hash of the secret is stored.
struct ApiTokenRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;
  std::string token_hash;
  std::vector<std::string> roles;  // a subset of the user's roles
  bool read_only = false;          // GET/HEAD only
  int64_t created_at = 0;          // unix seconds
  int64_t expires_at = 0;          // 0: no end
  int64_t last_used_at = 0;
  int64_t revoked_at = 0;
};

// A tablet or laptop registered for field work offline (docs/offline.md). Its wrapping key is
// sealed under the master key and forgotten (empty) once the device is revoked or expires.
struct DeviceRow {
  std::string id;  // 32 hex characters, random
  int64_t user_id = 0;
  std::string name;
  std::string wrapping_key;  // sealed; empty: forgotten
  int64_t created_at = 0;    // unix seconds
  int64_t last_unlock_at = 0;
  int64_t last_sync_at = 0;
  int64_t pending = 0;  // changes the device still held at its last sync
  int64_t revoked_at = 0;
  int64_t revoked_by = 0;  // 0: the system (expiry, signing out everywhere)
  std::string revoke_reason;
};

struct PersonLinkRow {
  int64_t record_id = 0;
  int64_t person_id = 0;
  int probability_milli = 0;  // the match probability of the link that joined it, x1000
  std::string method;         // first | model | reference | review
  int64_t linked_at = 0;      // unix milliseconds
  bool operator==(const PersonLinkRow&) const = default;
};

struct MigrationInfo {
  int version = 0;
  std::string name;
  int64_t applied_at = 0;  // 0 when pending
};

struct StoreStats {
  double query_seconds = 0;      // time spent executing statements, all threads
  uint64_t statements = 0;
  uint64_t commits = 0;          // durable commits (group commits count once)
  uint64_t committed_writes = 0; // writes inside those commits
};

// ---- Records (the registers). The engine (src/records/engine.*) decides what is valid; the
// store keeps rows, history, links, search terms and the audit chain, atomically.

struct StoredRecord {
  int64_t id = 0;
  std::string type;
  int64_t version = 0;       // 1 at creation, +1 per change; the ETag
  std::string state;         // workflow state ("" when the type has no workflow)
  Json data;                 // non-identity fields (object)
  std::string identity;      // identity fields: sealed JSON (see core/keys.hpp); empty when none
  int64_t created_at = 0;    // unix milliseconds
  int64_t created_by = 0;    // user id
  int64_t updated_at = 0;
  int64_t updated_by = 0;
  int64_t deleted_at = 0;    // 0 when not deleted
  int64_t deleted_by = 0;
  std::string deleted_reason;
  int64_t agency_id = 0;     // the agency that registered it
  std::string region;        // that agency's region at registration
  std::vector<std::string> identity_blocked;  // roles cut off from the identity (J3 decisions)
};

// An uploaded file. Content and file name are sealed by the engine (context
// "attachment:<id>"); the store keeps bytes it cannot read. An attachment is uploaded first,
// then bound to the record whose field names it, in that record's write transaction.
struct AttachmentRow {
  std::string id;            // "att_" + 32 hex characters
  std::string record_type;   // the type and field it was uploaded for
  std::string field;
  int64_t record_id = 0;     // 0 until a record refers to it
  std::string media_type;    // checked against the field's accept list and the content
  int64_t size = 0;          // plaintext bytes
  std::string name;          // sealed original file name
  std::string content;       // sealed bytes (empty when read without content)
  int64_t created_at = 0;
  int64_t created_by = 0;
};

struct FieldChange {
  std::string field;
  Json from;  // null when absent; identity fields carry {"changed":true} only, never values
  Json to;
};

struct HistoryEntry {
  int64_t version = 0;
  int64_t at = 0;  // unix milliseconds
  int64_t by = 0;
  std::string action;  // create, update, delete, restore, transition:<name>
  std::vector<FieldChange> changes;
};

struct AuditDraft {
  int64_t actor = 0;         // user id; 0 = the system
  std::string action;        // record.create, record.update, record.read_identity, ...
  std::string record_type;
  int64_t record_id = 0;     // 0 in a create: the store fills in the new id
  Json details = Json::object();  // field names and reasons; never identity values
};

struct AuditEntry {
  int64_t seq = 0;
  int64_t at = 0;  // unix milliseconds
  int64_t actor = 0;
  std::string action;
  std::string record_type;
  int64_t record_id = 0;
  std::string details;    // canonical JSON text, as hashed
  std::string prev_hash;  // hex; "" for the first entry
  std::string hash;       // hex, keyed BLAKE2b over the entry and prev_hash
};

// A search of the audit log for people (the audit viewer): newest first, every filter optional.
struct AuditQuery {
  std::string action;        // exact ("record.export") or a prefix ending in '.' ("record.")
  int64_t actor = -1;        // user id; -1: anyone
  std::string record_type;
  int64_t record_id = 0;
  int64_t since_ms = 0, until_ms = 0;  // at >= since, at < until (0: open)
  int64_t before_seq = 0;    // paging: entries older than this (0: from the newest)
  int limit = 100;
};

// The synthetic entry whose hash is the MAC of the chain's head (seq and hash of the newest
// entry), so that cutting entries off the end is detected too.
inline AuditEntry auditHeadEntry(int64_t seq, const std::string& hash) {
  AuditEntry h;
  h.seq = seq;
  h.action = "audit.head";
  h.prev_hash = hash;
  return h;
}

// Computes an entry's hash; given to the store so the chain is extended inside the same
// transaction as the change it records.
using AuditHasher = std::function<std::string(const AuditEntry&)>;

// A count checked inside the write's transaction (the engine's constraints): the live records of
// `type` other than the one written whose data fields equal `equals` and whose state is in
// `states` (when given) and not in `not_states` must number at most `max`.
struct CountGuard {
  std::string name;
  std::string type;
  std::vector<std::pair<std::string, Json>> equals;
  std::vector<std::string> states, not_states;
  int64_t max = 0;
  // Occupancy instead of a count: the others' [from, to) spans of two date fields (an absent `to`
  // is open) that overlap the written record's span, counted on the busiest day of that span (see
  // Constraint::During).
  struct Span {
    std::string from_field, to_field;
    std::string from, to;  // the written record's days; `to` empty: open
  };
  std::optional<Span> during;
};

// An e-mail to send (the outbox): written in the transaction of what it tells, sent afterwards by
// the server's sender (src/notify/mailer.*), retried until sent. Never personal data: the record's
// type and number and a link.
struct EmailDraft {
  std::string to, subject, body;
};

struct EmailRow {
  int64_t id = 0;
  std::string to, subject, body;
  int64_t created_at = 0, sent_at = 0;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::string last_error;
};

// A notification to write with a record's change (the record's id filled in by the store).
struct NotificationDraft {
  int64_t user_id = 0;
  std::string kind;  // the type's notify rule (schema): its message
  EmailDraft email;  // to the user too, when `email.to` is set ("{record_id}" in it: the new id)
};

struct NotificationRow {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string kind;
  std::string record_type;
  int64_t record_id = 0;
  int64_t actor = 0;       // who wrote the change
  int64_t created_at = 0;  // unix milliseconds
  int64_t read_at = 0;     // 0: unread
  EmailDraft email;        // addNotifications: also e-mailed when `email.to` is set
};

struct RecordMutation {
  enum class Kind { Create, Update, Delete, Restore };
  Kind kind = Kind::Create;
  std::string type;
  int64_t id = 0;                 // not for Create
  int64_t expected_version = 0;   // not for Create
  std::string state;
  Json data = Json::object();
  std::string identity;           // sealed; for Create/Update
  bool identity_changed = false;
  std::string action;             // history action (create, update, transition:refer, ...)
  std::vector<FieldChange> changes;
  std::vector<std::pair<std::string, int64_t>> links;  // reference field -> target id (replaces all)
  std::vector<std::string> terms;                      // blind-index terms (replaces all)
  std::vector<std::string> attachments;                // attachment ids the record now refers to
  int64_t actor = 0;
  int64_t at = 0;                 // unix milliseconds
  std::string reason;             // Delete; for data migrations the migration ids
  bool include_deleted = false;   // Update: also when the record is deleted (data migrations)
  int64_t agency_id = 0;          // Create: the registering agency and its region
  std::string region;
  AuditDraft audit;
  std::vector<CountGuard> guards;  // checked before anything is written; see CountGuard
  std::vector<NotificationDraft> notifications;  // written in the same transaction
  // Engine only (stores ignore it): constraint name -> the reason given for breaking it.
  std::map<std::string, std::string> overrides;
  // Called inside the write transaction once the new id is known (Create) to seal identity
  // with the record id as context. Returns the sealed identity.
  std::function<std::string(int64_t id)> seal_identity;
  // Create: the caller's key for this create (an Idempotency-Key header), empty for none. The
  // same actor's key seen before makes the create answer that earlier record (Replayed) or, if
  // the request was another one, KeyReused, checked inside the write so that two copies sent at
  // once make one record. `request_digest` tells requests apart; keys older than
  // `idempotency_expired_before` (unix ms) of the same actor are dropped by the same write.
  std::string idempotency_key;
  std::string request_digest;
  int64_t idempotency_expired_before = 0;
};

// An idempotency key as stored (see RecordMutation::idempotency_key).
struct IdempotencyKeyRow {
  std::string type;
  int64_t record_id = 0;
  std::string request_digest;
  int64_t created_at = 0;
};

// Key rotation (`palermo keys rotate`): everything sealed or blind-indexed is rewritten under
// the new master key version in one transaction, ending with a "keys.rotate" audit entry MACed
// with the new audit key.
struct ResealPlan {
  // A record's sealed identity -> the same sealed with the new key; fills `terms` with the
  // record's blind-index terms under the new index key.
  std::function<std::string(const std::string& type, int64_t id, const std::string& sealed,
                            std::vector<std::string>& terms)>
      identity;
  // An attachment's sealed name and content -> both sealed with the new key.
  std::function<std::pair<std::string, std::string>(const std::string& id, const std::string& name,
                                                    const std::string& content)>
      attachment;
  // A user's sealed TOTP secret -> sealed with the new key.
  std::function<std::string(int64_t user_id, const std::string& sealed)> totp;
  // A device's sealed wrapping key -> sealed with the new key.
  std::function<std::string(const std::string& device_id, const std::string& sealed)> device_key;
  int new_version = 0;
  AuditHasher new_hasher;  // becomes the store's hasher when the rotation commits
  AuditDraft audit;        // the store adds the counts to its details
};

struct ResealCounts {
  int64_t records = 0, attachments = 0, users = 0, devices = 0;
};

// Which master key version the database's audit chain started with and which one everything
// is sealed with now; 0 when not recorded yet (a new database).
struct KeyVersions {
  int initial = 0;
  int active = 0;
};

struct MutationResult {
  // Replayed: a create whose idempotency key was seen, answered with that record as stored;
  // KeyReused: the key was seen with another request.
  enum class Status { Ok, NotFound, VersionConflict, Gone, GuardFailed, Replayed, KeyReused };
  Status status = Status::Ok;
  StoredRecord record;      // the record after the change (Ok), or as stored (VersionConflict)
  std::string failed_guard; // GuardFailed: the guard's name
  int64_t guard_count = 0;  // GuardFailed: how many records it counted
  std::string guard_day;    // GuardFailed, a guard with a span: the busiest day
};

struct RecordFilter {
  enum class Op { Eq, Ne, Lt, Le, Gt, Ge, In, IsNull, NotNull };
  std::string field;        // a declared non-identity field, or "id", "state", "created_at", "updated_at"
  Op op = Op::Eq;
  Json value;               // scalar, or array for In
};

struct RecordQuery {
  std::string type;
  std::vector<RecordFilter> filters;
  std::vector<std::string> terms;  // all must match (blind-index name search)
  std::string sort_field = "id";
  bool descending = false;
  Json after_value;         // cursor: sort value of the last row seen (null: from the start)
  int64_t after_id = 0;     // cursor: id of the last row seen
  int limit = 50;
  bool include_deleted = false;
  bool count_total = false;
  Visibility visibility;    // default: national (everything)
};

struct RecordPage {
  std::vector<StoredRecord> items;
  bool has_more = false;
  int64_t total = -1;       // when asked
};

struct RelatedRecord {
  std::string direction;  // "outgoing" (this record's reference field) or "incoming"
  std::string field;
  std::string type;
  int64_t id = 0;
};

// Records, their history, relations, indexes, grants and identity restrictions (src/records).
class RecordStore {
 public:
  virtual ~RecordStore() = default;

  // Records. Every mutation writes the row, its history entry, links, terms and the audit
  // entry in one transaction.
  virtual void setAuditHasher(AuditHasher hasher) = 0;
  virtual MutationResult applyMutation(const RecordMutation& m) = 0;
  // The create an actor's idempotency key names, if any (read outside any write).
  virtual std::optional<IdempotencyKeyRow> findIdempotencyKey(int64_t user_id, const std::string& key) = 0;
  virtual std::optional<StoredRecord> getRecord(const std::string& type, int64_t id) = 0;
  virtual RecordPage listRecords(const RecordQuery& q) = 0;
  virtual std::vector<HistoryEntry> recordHistory(const std::string& type, int64_t id) = 0;
  virtual std::vector<RelatedRecord> relations(const std::string& type, int64_t id) = 0;
  // Creates (once) what makes filtering and sorting on `field` of `type` fast.
  virtual void ensureFieldIndex(const std::string& type, const std::string& field) = 0;
  // An index over several fields in order (equality on the first ones, range or sort on the
  // last), for the list views a register uses most.
  virtual void ensureCompositeIndex(const std::string& type, const std::vector<std::string>& fields) = 0;

  // Sets the roles cut off from a record's identity, with its audit entry.
  virtual void setIdentityBlocked(int64_t record_id, const std::vector<std::string>& roles, const AuditDraft& audit) = 0;
  // Whether `v` reaches the record (its scope, or a live grant on it or on a record linked to it).
  virtual bool recordVisible(int64_t record_id, const Visibility& v) = 0;
  // Grants. addGrant returns the new id; both write their audit entry in the same transaction.
  virtual int64_t addGrant(const GrantRow& g, const AuditDraft& audit) = 0;
  virtual bool revokeGrant(int64_t grant_id, int64_t record_id, int64_t by, int64_t at, const AuditDraft& audit) = 0;
  virtual std::vector<GrantRow> grantsOf(int64_t record_id) = 0;

  // Runs `fn` so that every store call it makes on this thread is one transaction: all of it
  // becomes durable when fn returns, none of it when fn throws (imports are all-or-nothing).
  // Other writers wait while it runs.
  virtual void inTransaction(const std::function<void()>& fn) = 0;
};

// Users, agencies, sessions, API tokens, the second factor and sign-in throttling (src/auth,
// src/admin).
class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // A number that moves on whenever this process has written something that decides who a
  // session or an API token is — a session ended, a password, roles, the active flag, the second
  // factor, a token revoked — counted after the write is committed. The sign-in cache
  // (auth::AuthService) compares it with the number it read before asking the database. Writes by
  // other instances are not seen here: that cache also expires (security.auth_cache_seconds).
  [[nodiscard]] uint64_t authGeneration() const { return auth_generation_.load(std::memory_order_acquire); }

  // Users. createUser returns nullopt when the login is taken.
  virtual std::optional<UserRow> createUser(const NewUser& user) = 0;
  virtual std::optional<UserRow> findUserByLogin(const std::string& login) = 0;
  virtual std::optional<UserRow> findUserById(int64_t id) = 0;
  virtual std::vector<UserRow> listUsers() = 0;
  virtual int64_t countUsers() = 0;
  virtual void setPassword(int64_t user_id, const std::string& password_hash, bool must_change, int64_t now) = 0;
  // Records a failed sign-in; locks the account until `lock_until` once `max_failures` is reached.
  // Returns the failure count after this one.
  virtual int recordLoginFailure(int64_t user_id, int max_failures, int64_t lock_until) = 0;
  virtual void recordLoginSuccess(int64_t user_id) = 0;
  // API tokens.
  virtual int64_t createApiToken(const ApiTokenRow& t, const AuditDraft& audit) = 0;
  virtual std::optional<ApiTokenRow> findApiToken(const std::string& token_hash) = 0;
  virtual std::vector<ApiTokenRow> listApiTokens(int64_t user_id) = 0;
  virtual bool revokeApiToken(int64_t user_id, int64_t token_id, int64_t now, const AuditDraft& audit) = 0;
  // Revokes every active token of the user (a password change, a second-factor reset); returns how
  // many. Joins the caller's transaction when there is one.
  virtual int revokeApiTokensOfUser(int64_t user_id, int64_t now) = 0;
  virtual void touchApiToken(int64_t token_id, int64_t now) = 0;
  // Devices for field work offline (docs/offline.md), each write with its audit entry.
  virtual void createDevice(const DeviceRow& d, const AuditDraft& audit) = 0;
  virtual std::optional<DeviceRow> findDevice(const std::string& id) = 0;
  virtual std::vector<DeviceRow> listDevices(int64_t user_id) = 0;
  // Revokes an active device and forgets its wrapping key; false when it was not active.
  virtual bool revokeDevice(const std::string& id, int64_t by, const std::string& reason, int64_t now,
                            const AuditDraft& audit) = 0;
  // An unlock (the wrapping key handed out) or a finished sync (`pending` changes left).
  virtual void noteDeviceUse(const std::string& id, bool sync, int64_t pending, int64_t now, const AuditDraft& audit) = 0;
  // Revokes every active device of the user (signing out everywhere); returns how many.
  virtual int revokeDevicesOfUser(int64_t user_id, const std::string& reason, int64_t now, const AuditDraft& audit) = 0;
  // Second factor: store a (sealed) secret, pending or enabled; empty secret removes it.
  virtual void setTotp(int64_t user_id, const std::string& sealed_secret, bool enabled) = 0;
  // Records (or, with no roles, clears) the roles awaiting approval, with the audit entry, in one
  // transaction.
  virtual void setPendingRoles(int64_t user_id, const std::vector<std::string>& roles, int64_t by, int64_t at,
                               const AuditDraft& audit) = 0;
  // Records `step` as used if it is later than the last one used; false means a replay.
  virtual bool useTotpStep(int64_t user_id, int64_t step) = 0;

  // Sessions.
  virtual void createSession(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> findSession(const std::string& token_hash) = 0;
  virtual void touchSession(const std::string& token_hash, int64_t now) = 0;
  virtual void deleteSession(const std::string& token_hash) = 0;
  virtual std::vector<SessionRow> listSessions(int64_t user_id) = 0;
  virtual int deleteSessionsOfUser(int64_t user_id, const std::string& except_token_hash) = 0;
  virtual int deleteExpiredSessions(int64_t now, int64_t idle_cutoff) = 0;

  // Agencies.
  virtual AgencyRow createAgency(const AgencyRow& a) = 0;
  virtual std::optional<AgencyRow> findAgency(int64_t id) = 0;
  virtual std::vector<AgencyRow> listAgencies() = 0;
  // Changes a user's roles, agency and active flag, with its audit entry, in one transaction.
  virtual void updateUserAccess(int64_t user_id, const std::vector<std::string>& roles, int64_t agency_id,
                                bool active, const AuditDraft& audit) = 0;

  // Throttling counters (sign-in attempts per address), shared by every instance that uses the
  // database. A counter counts the hits within `window` seconds of its first hit; after that it
  // starts again. throttleHit returns the count including this hit.
  virtual int throttleHit(const std::string& key, int64_t now, int64_t window) = 0;
  virtual int throttleCount(const std::string& key, int64_t now, int64_t window) = 0;
  // Forgets a counter (a successful sign-in clears its login's failures from that address).
  virtual void throttleClear(const std::string& key) = 0;
  virtual int deleteExpiredThrottles(int64_t cutoff) = 0;

 protected:
  // Implementations call this once such a write has committed.
  void authChanged() { auth_generation_.fetch_add(1, std::memory_order_acq_rel); }

 private:
  std::atomic<uint64_t> auth_generation_{0};
};

// Uploaded files, sealed by the engine.
class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;

  // Attachments. putAttachment stores a new one with its audit entry, durably.
  virtual void putAttachment(const AttachmentRow& a, const AuditDraft& audit) = 0;
  virtual std::optional<AttachmentRow> getAttachment(const std::string& id, bool with_content) = 0;
};

// The audit chain: entries, search and its head (src/audit).
class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Audit: an entry on its own (reads of identity), durable when this returns.
  virtual void appendAudit(const AuditDraft& draft, int64_t at) = 0;
  // Entries in sequence order, from `from_seq`, at most `limit`.
  virtual std::vector<AuditEntry> auditEntries(int64_t from_seq, int limit) = 0;
  virtual std::vector<AuditEntry> searchAudit(const AuditQuery& q) = 0;
  // The newest entry's seq and hash, as last recorded by the store ("head"), with its MAC.
  struct AuditHead {
    int64_t seq = 0;
    std::string hash;
    std::string mac;
  };
  virtual AuditHead auditHead() = 0;
};

// Which person each registration belongs to (src/linkage).
class LinkStore {
 public:
  virtual ~LinkStore() = default;

  // ---- Person links (S4, src/linkage/person_links.*): which person each registration (a person
  // record, a signal) belongs to. person_id is a record id: the person's first registration.
  [[nodiscard]] virtual std::vector<PersonLinkRow> personLinks() = 0;
  // Inserts or replaces the rows, atomically (a row with person_id 0 removes the registration's
  // link); with replace_all, rows not given are removed.
  virtual void savePersonLinks(const std::vector<PersonLinkRow>& rows, bool replace_all) = 0;

  // ---- Import keys (docs/import.md): the record each keyed row of a named import source became,
  // so that the same rows imported again match their records instead of adding them twice.
  [[nodiscard]] virtual std::optional<int64_t> importedRecord(const std::string& source, const std::string& key) = 0;
  // Records (or moves) a key; joins the caller's transaction (the import's).
  virtual void saveImportKey(const std::string& source, const std::string& key, int64_t record_id, int64_t at) = 0;

  // ---- Notifications (RecordMutation::notifications writes them): a user's, newest first, older
  // than `before_id` (0: from the newest), at most `limit`; unread only if asked.
  [[nodiscard]] virtual std::vector<NotificationRow> notificationsOf(int64_t user_id, bool unread_only,
                                                                     int64_t before_id, int limit) = 0;
  [[nodiscard]] virtual int64_t unreadNotifications(int64_t user_id) = 0;
  // Writes notifications of no record change (deadline reminders); a row whose user already has one
  // of the same kind about the same record is left out (running twice, or two instances, tells
  // once). Returns how many were written.
  virtual int64_t addNotifications(const std::vector<NotificationRow>& rows) = 0;
  // Marks the user's notifications read (`ids` empty: all of them); returns how many changed.
  virtual int64_t markNotificationsRead(int64_t user_id, const std::vector<int64_t>& ids, int64_t at) = 0;
  // The outbox: e-mails due (not sent, next attempt reached), oldest first; then their outcome.
  [[nodiscard]] virtual std::vector<EmailRow> emailsDue(int64_t now_ms, int limit) = 0;
  virtual void markEmailSent(int64_t id, int64_t at) = 0;
  virtual void markEmailFailed(int64_t id, const std::string& error, int64_t next_attempt_at) = 0;
  // A user's e-mail address (empty: none), with its audit entry.
  virtual void setUserEmail(int64_t user_id, const std::string& email, const AuditDraft& audit) = 0;
};

// The whole store: the parts above, and what belongs to the database as a whole — its
// migrations, health, schema and key state, and copying it to another backend. Services take
// the part they use; the server and the command line hold the whole.
class Store : public RecordStore, public AuthStore, public AttachmentStore, public AuditStore, public LinkStore {
 public:
  ~Store() override = default;

  // Applies pending forward-only migrations, each in its own transaction. Returns how many.
  virtual int migrate() = 0;
  [[nodiscard]] virtual std::vector<MigrationInfo> migrations() = 0;  // all known, applied or not
  [[nodiscard]] virtual bool migrationsPending() = 0;
  // Throws when the database cannot be reached.
  virtual void ping() = 0;
  [[nodiscard]] virtual StoreStats stats() const = 0;
  [[nodiscard]] virtual std::string backendName() const = 0;
  // Finishes queued writes and closes connections; later calls throw.
  virtual void close() = 0;

  // Master key versions (see ResealPlan).
  virtual KeyVersions keyVersions() = 0;
  // Records the versions the first time the database is used with a key ring.
  virtual void initKeyVersions(int initial, int active) = 0;
  virtual ResealCounts resealAll(const ResealPlan& plan) = 0;
  // Rewrites the plain word-index terms ("w:...") of every record of a type from its data (a
  // word_search field was added or removed); the keyed name terms stay. Returns the records seen.
  virtual int64_t replaceWordTerms(const std::string& type,
                                   const std::function<std::vector<std::string>(const Json& data)>& terms) = 0;

  // Schema state: the last schema text applied per record type (for evolution checks).
  virtual std::map<std::string, std::string> schemaState() = 0;
  virtual void saveSchemaState(const std::map<std::string, std::string>& state) = 0;

  // Copies everything this store holds (agencies, users, sessions, records with their history,
  // links and search terms, grants, attachments, the audit chain and its head, schema and key
  // state) into an empty, migrated store of any backend, keeping every id, in one transaction
  // of the target (`palermo store copy`). `progress` gets (table, rows copied so far).
  virtual void copyTo(Store& target, const std::function<void(const std::string&, int64_t)>& progress) = 0;
};

struct StoreOptions {
  // Most connections used for reads at once (PostgreSQL); the writer has one more.
  int pool_size = 8;
};

// Opens the store named by a database URL. Throws on failure.
//   sqlite:/path/file.db
//   postgres://user@host:5432/dbname?sslmode=verify-full   (a libpq URI; also postgresql://)
//   postgres:host=/run/postgresql dbname=palermo          (libpq key=value words)
std::unique_ptr<Store> openStore(const std::string& url, const StoreOptions& options = {});

}  // namespace palermo
