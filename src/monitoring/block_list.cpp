#include "monitoring/block_list.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/utf8.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "store/store.hpp"

namespace palermo::monitoring {

namespace {

constexpr const char* kType = "monitoring_item";

// 1–200 characters of valid UTF-8, none of them a control character (the name goes into the
// file's header and the audit log).
bool validRecipient(const std::string& s) {
  if (s.empty() || s.size() > 800 || !isValidUtf8(s)) return false;
  std::size_t chars = 0;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return false;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  return chars <= 200;
}

// Tabs and line breaks cannot be in an address (the validator allows neither in a text
// field's single line, but an address written before that rule must not break the format).
std::string oneLine(std::string s) {
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  return s;
}

}  // namespace

BlockList BlockListService::exportFor(const records::Actor& actor, const std::string& recipient, const std::string& day,
                                      int64_t now_ms) {
  const auto* type = records_.schema().type(kType);
  if (!type || !actor.may(kType, "export") || !actor.may(kType, "read_identity"))
    throw Problem::notFound("Not found.");
  std::vector<FieldError> errors;
  if (!validRecipient(recipient))
    errors.push_back({"recipient", "invalid", "the recipient's name is required: 1 to 200 characters, no control characters"});
  if (!records::isValidDate(day)) errors.push_back({"date", "date", "must be a date YYYY-MM-DD"});
  if (!errors.empty()) throw Problem::validation(std::move(errors));

  // In force on `day`: ordered on or before it, not ended by it, and the item not found false.
  RecordQuery q;
  q.type = kType;
  q.visibility = actor.visibility(kType, now_ms);
  q.filters.push_back({"limitation_ordered_on", RecordFilter::Op::Le, day});
  q.filters.push_back({"state", RecordFilter::Op::In, Json::array({"confirmed", "referred", "closed"})});
  q.limit = 1000;
  std::vector<StoredRecord> in_force;
  for (;;) {
    auto page = store_.listRecords(q);
    for (auto& r : page.items) {
      const auto ended = r.data.value("limitation_ended_on", std::string());
      if (!ended.empty() && ended <= day) continue;
      in_force.push_back(std::move(r));
    }
    if (!page.has_more || page.items.empty()) break;
    q.after_id = page.items.back().id;
    q.after_value = q.after_id;
  }
  std::sort(in_force.begin(), in_force.end(), [](const StoredRecord& a, const StoredRecord& b) {
    const auto da = a.data.value("limitation_ordered_on", std::string()), db = b.data.value("limitation_ordered_on", std::string());
    return da != db ? da < db : a.id < b.id;
  });
  const auto addresses = records_.identityValues(actor, *type, in_force, "address");
  BlockList out;
  std::string body;
  Json ids = Json::array();
  for (const auto& r : in_force) {
    auto it = std::find_if(addresses.begin(), addresses.end(), [&](const auto& a) { return a.first == r.id; });
    if (it == addresses.end() || !it->second.is_string()) continue;
    body += oneLine(it->second.get<std::string>()) + "\t" + oneLine(r.data.value("limitation_order", std::string())) + "\t" +
            r.data.value("limitation_ordered_on", std::string()) + "\n";
    ids.push_back(r.id);
    ++out.entries;
  }
  out.text = "# Palermo block list: addresses whose limitation of access is ordered and in force\n"
             "# format: one entry per line, tab-separated: address, order number, ordered on (YYYY-MM-DD)\n"
             "# recipient: " + recipient + "\n"
             "# in force on: " + day + "\n"
             "# generated: " + records::utcTimestamp(now_ms, false) + "\n"
             "# entries: " + std::to_string(out.entries) + "\n" + body;
  store_.appendAudit(AuditDraft{actor.user_id, "monitoring.block_list_export", kType, 0,
                                {{"recipient", recipient}, {"date", day}, {"entries", out.entries}, {"records", ids}}},
                     now_ms);
  return out;
}

}  // namespace palermo::monitoring
