// The tamper-evident audit log. Every write of a record and every read of identity fields adds
// an entry in the same transaction as the change. Each entry carries the hash of the one
// before; the hash is keyed (BLAKE2b with the audit key derived from the master key, which is
// never in the database), so whoever can edit the database file still cannot forge a chain.
// See docs/audit.md.
#pragma once

#include <string>

#include "store/store.hpp"

namespace palermo {
class KeyRing;
}

namespace palermo::audit {

// Canonical text of an entry (everything but its own hash) and its keyed hash.
std::string canonical(const AuditEntry& e);
AuditHasher makeHasher(std::string key);

struct VerifyReport {
  bool ok = true;
  int64_t entries = 0;        // entries checked
  int64_t first_bad_seq = 0;  // where the chain first fails (0 when ok)
  std::string problem;        // "altered", "removed", "inserted", "truncated", "head"
  std::string message;        // for people
};

// Walks the whole chain in sequence order (streaming, constant memory), with one audit key.
VerifyReport verify(Store& store, const std::string& key);
// The same across key rotations: starts with the database's initial master key version and
// switches at each "keys.rotate" entry; problem "key_missing" when the ring lacks a version.
VerifyReport verify(Store& store, const KeyRing& ring);

}  // namespace palermo::audit
