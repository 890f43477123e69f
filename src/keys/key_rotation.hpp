// Master key versions and their rotation (`palermo keys rotate`). See docs/keys.md.
#pragma once

#include "store/store.hpp"

namespace palermo {
class KeyRing;
}

namespace palermo::records {
struct Schema;
}

// Not part of the record engine: key management over the store (every sealed part, the blind
// index, TOTP secrets), used by the command line and the server's start.
namespace palermo::keys {

using records::Schema;

// Makes the ring's active version the one the database is sealed with, recording it the first
// time (a new database starts with the ring's newest version; one from before versions existed
// is version 1). Throws when the ring does not hold that version.
void activateStoreKeys(Store& store, KeyRing& ring);

struct RotationResult {
  int from_version = 0;
  int to_version = 0;
  ResealCounts counts;
};

// Verifies the audit chain, adds a new master key version to the key file (or finishes an
// interrupted rotation whose version is already there), then re-encrypts every identity part,
// attachment and TOTP secret and rebuilds the blind index under it, in one transaction that
// ends with a "keys.rotate" audit entry. Run with the servers stopped. Throws on any failure,
// leaving the database as it was.
RotationResult rotateKeys(const Schema& schema, Store& store, KeyRing& ring);

}  // namespace palermo::keys
