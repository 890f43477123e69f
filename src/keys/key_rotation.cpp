#include "keys/key_rotation.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "audit/audit.hpp"
#include "core/keys.hpp"
#include "core/log.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"

namespace palermo::keys {

void activateStoreKeys(Store& store, KeyRing& ring) {
  auto versions = store.keyVersions();
  if (versions.active == 0) {
    const bool fresh = store.auditHead().seq == 0;
    const int v = fresh ? ring.newestVersion() : 1;
    store.initKeyVersions(v, v);
    versions = store.keyVersions();
  }
  if (!ring.has(versions.active))
    throw std::runtime_error(fmt::format(
        "the database is encrypted with master key version {}, which the key ring does not hold; restore the key file "
        "that goes with this database",
        versions.active));
  ring.activate(versions.active);
  // Same version number, different key (a key file from another installation, or regenerated):
  // the audit chain's head is MACed with the active version's audit key, so it tells at once,
  // before anything is sealed with a key no other instance holds.
  if (const auto head = store.auditHead();
      head.seq > 0 && audit::makeHasher(ring.auditKey())(auditHeadEntry(head.seq, head.hash)) != head.mac)
    throw std::runtime_error(fmt::format(
        "master key version {} does not verify the audit chain's head: the key file is not this database's (a "
        "different key with the same version number) or the head was altered; start with the key file that goes "
        "with this database, and check with `palermo audit verify`",
        versions.active));
  if (ring.newestVersion() > versions.active)
    log::warn("keys.rotation_unfinished",
              {{"active_version", versions.active}, {"newest_version", ring.newestVersion()},
               {"hint", "a key rotation was interrupted; run `palermo keys rotate` to finish it"}});
}

RotationResult rotateKeys(const Schema& schema, Store& store, KeyRing& ring) {
  activateStoreKeys(store, ring);
  const int from = ring.activeVersion();
  store.setAuditHasher(audit::makeHasher(ring.auditKey()));
  const auto report = audit::verify(store, ring);
  if (!report.ok)
    throw std::runtime_error(fmt::format(
        "the audit chain is broken at entry {} ({}): {}; keys are not rotated over a broken chain", report.first_bad_seq,
        report.problem, report.message));
  // An interrupted rotation left its new version in the key file: finish with that one.
  const int to = ring.newestVersion() > from ? ring.newestVersion() : ring.addVersionToFile();
  KeyRing next = ring;
  next.activate(to);
  const records::RecordService sealer(schema, store, next);

  ResealPlan plan;
  plan.identity = [&](const std::string& type, int64_t id, const std::string& sealed, std::vector<std::string>& terms) {
    const std::string context = "record:" + std::to_string(id);
    const std::string plain = ring.open(sealed, context);
    if (const auto* t = schema.type(type)) {
      const Json identity = Json::parse(plain);
      for (const auto& f : t->fields)
        if (f.name_search && identity.contains(f.name) && identity[f.name].is_string()) {
          auto more = sealer.nameTerms(identity[f.name].get<std::string>());
          terms.insert(terms.end(), more.begin(), more.end());
        }
    }
    return next.seal(plain, context);
  };
  plan.attachment = [&](const std::string& id, const std::string& name, const std::string& content) {
    return std::make_pair(next.seal(ring.open(name, "attachment-name:" + id), "attachment-name:" + id),
                          next.seal(ring.open(content, "attachment:" + id), "attachment:" + id));
  };
  plan.totp = [&](int64_t user_id, const std::string& sealed) {
    const std::string context = "totp:" + std::to_string(user_id);
    return next.seal(ring.open(sealed, context), context);
  };
  plan.device_key = [&](const std::string& device_id, const std::string& sealed) {
    const std::string context = "device:" + device_id;
    return next.seal(ring.open(sealed, context), context);
  };
  plan.new_version = to;
  plan.new_hasher = audit::makeHasher(next.auditKey());
  plan.audit = AuditDraft{0, "keys.rotate", "", 0, Json{{"from_version", from}}};
  RotationResult result;
  result.from_version = from;
  result.to_version = to;
  result.counts = store.resealAll(plan);
  ring.activate(to);
  return result;
}

}  // namespace palermo::keys
