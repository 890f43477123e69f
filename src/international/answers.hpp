// P4: sending the answer to an international request (docs/prevention-plans-cooperation.md). The
// answer's text and day go on the request by its `answer` transition, and each figure the answer
// quotes is computed from the records that moment and frozen as a quoted_figure record (the
// indicator, its version and definition, the period, the value as shown, the edition), in the
// same transaction: what the state told the UN on that day stays readable after the records
// change. Nobody can write a quoted_figure by the records API (no role has create on it).
#pragma once

#include <cstdint>
#include <optional>

#include "core/json.hpp"

namespace palermo::records {
struct Actor;
class RecordService;
}  // namespace palermo::records

namespace palermo::stats {
class StatsService;
}

namespace palermo::international {

class RequestAnswers {
 public:
  RequestAnswers(records::RecordService& records, stats::StatsService& stats) : records_(records), stats_(stats) {}

  // body: {answered_on, answer_text, figures: [{indicator, period}, ...] (at most 100)}. Needs
  // international_request.answer; each figure is the restricted edition when the actor may read
  // it, else the public one. Throws Problem (422 naming figures[i].indicator / .period, 412 on a
  // stale version); writes nothing unless everything succeeds.
  Json answer(const records::Actor& actor, int64_t request_id, std::optional<int64_t> if_match, const Json& body);

 private:
  records::RecordService& records_;
  stats::StatsService& stats_;
};

}  // namespace palermo::international
