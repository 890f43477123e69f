#include "audit/audit.hpp"

#include <fmt/format.h>

#include <functional>

#include "core/json.hpp"

#include "core/keys.hpp"

namespace palermo::audit {

std::string canonical(const AuditEntry& e) {
  // Length-prefixed fields: no separator can be smuggled inside a value.
  std::string out;
  auto add = [&out](const std::string& v) { out += std::to_string(v.size()) + ":" + v + ";"; };
  add(std::to_string(e.seq));
  add(std::to_string(e.at));
  add(std::to_string(e.actor));
  add(e.action);
  add(e.record_type);
  add(std::to_string(e.record_id));
  add(e.details);
  add(e.prev_hash);
  return out;
}

AuditHasher makeHasher(std::string key) {
  return [key = std::move(key)](const AuditEntry& e) { return keyedHashHex(canonical(e), key); };
}

namespace {

// The chain is MACed with the audit key of the master key version in effect: the database's
// initial version, then the version each "keys.rotate" entry names (that entry itself is MACed
// with its new key, proving the rotation was made by a holder of the new key).
VerifyReport verifyWith(Store& store, int initial_version, const std::function<const std::string*(int)>& keyOf) {
  VerifyReport r;
  AuditHasher hasher;
  auto useVersion = [&](int v) {
    const std::string* key = keyOf(v);
    if (!key) return false;
    hasher = makeHasher(*key);
    return true;
  };
  if (!useVersion(initial_version)) {
    r.ok = false;
    r.problem = "key_missing";
    r.first_bad_seq = 1;
    r.message = fmt::format("master key version {} (the database's first) is not in the key ring", initial_version);
    return r;
  }
  int64_t expected = 1;
  std::string prev;
  constexpr int kBatch = 5000;
  for (;;) {
    const auto batch = store.auditEntries(expected, kBatch);
    for (const auto& e : batch) {
      ++r.entries;
      auto fail = [&](const char* problem, std::string message) {
        r.ok = false;
        r.first_bad_seq = e.seq;
        r.problem = problem;
        r.message = std::move(message);
      };
      if (e.seq != expected) {
        fail("removed", fmt::format("entry {} is missing (the next one is {})", expected, e.seq));
        r.first_bad_seq = expected;
        return r;
      }
      if (e.action == "keys.rotate") {
        int next = 0;
        try {
          next = Json::parse(e.details).value("key_version", 0);
        } catch (const std::exception&) {
          next = 0;
        }
        if (!useVersion(next)) {
          fail("key_missing", fmt::format("entry {} rotated to master key version {}, which is not in the key ring",
                                          e.seq, next));
          return r;
        }
      }
      if (e.prev_hash != prev) {
        // An entry whose own hash is right but whose link is not was put in the chain
        // (inserted); otherwise an earlier entry was removed and the rest renumbered.
        if (hasher(e) == e.hash)
          fail("inserted", fmt::format("entry {} does not follow entry {} (inserted or reordered)", e.seq, e.seq - 1));
        else
          fail("removed", fmt::format("entry {} does not link to entry {} (an entry was removed)", e.seq, e.seq - 1));
        return r;
      }
      if (hasher(e) != e.hash) {
        fail("altered", fmt::format("entry {} was altered after it was written", e.seq));
        return r;
      }
      prev = e.hash;
      ++expected;
    }
    if (batch.size() < static_cast<std::size_t>(kBatch)) break;
  }
  const auto head = store.auditHead();
  const int64_t last = expected - 1;
  if (head.seq == 0 && last == 0) return r;
  if (head.mac != hasher(auditHeadEntry(head.seq, head.hash))) {
    r.ok = false;
    r.problem = "head";
    r.first_bad_seq = head.seq;
    r.message = "the recorded head of the chain was altered";
  } else if (head.seq != last || head.hash != prev) {
    r.ok = false;
    r.problem = "truncated";
    r.first_bad_seq = last + 1;
    r.message = fmt::format("the chain ends at entry {} but the head says {} (entries were cut off the end)", last,
                            head.seq);
  }
  return r;
}

}  // namespace

VerifyReport verify(Store& store, const std::string& key) {
  return verifyWith(store, 1, [&key](int) { return &key; });
}

VerifyReport verify(Store& store, const KeyRing& ring) {
  const auto state = store.keyVersions();
  return verifyWith(store, state.initial > 0 ? state.initial : 1,
                    [&ring](int v) -> const std::string* { return ring.has(v) ? &ring.version(v).audit : nullptr; });
}

}  // namespace palermo::audit
