#include "international/answers.hpp"

#include <chrono>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "records/engine.hpp"
#include "records/schema.hpp"
#include "stats/service.hpp"
#include "store/store.hpp"

namespace palermo::international {

namespace {

constexpr std::size_t kMaxFigures = 100;

}  // namespace

Json RequestAnswers::answer(const records::Actor& actor, int64_t request_id, std::optional<int64_t> if_match,
                            const Json& body) {
  // The request as the actor reaches it (404 otherwise) and the right to answer it.
  records_.get(actor, "international_request", request_id);
  if (!actor.may("international_request", "answer"))
    throw Problem::forbidden("Sending the answer needs international_request.answer.");
  if (!body.is_object()) throw Problem::validation({{"", "type", "must be a JSON object"}});

  std::vector<FieldError> errors;
  const Json figures = body.contains("figures") ? body["figures"] : Json::array();
  if (!figures.is_array()) errors.push_back({"figures", "type", "must be a list of {indicator, period}"});
  else if (figures.size() > kMaxFigures)
    errors.push_back({"figures", "max_items", "at most " + std::to_string(kMaxFigures) + " figures per answer"});
  if (!errors.empty()) throw Problem::validation(errors);

  // Every figure first, so that a mistake writes nothing.
  const bool restricted = stats_.mayRestricted(actor);
  const std::string computed_at = records::utcTimestamp(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count(),
      false);
  std::vector<Json> frozen;
  for (std::size_t i = 0; i < figures.size(); ++i) {
    const std::string at = "figures[" + std::to_string(i) + "]";
    const Json& f = figures[i];
    if (!f.is_object() || !f.contains("indicator") || !f["indicator"].is_string() || !f.contains("period") ||
        !f["period"].is_string()) {
      errors.push_back({at, "type", "must be {\"indicator\": \"<id>\", \"period\": \"2019\" or \"2005..2020\"}"});
      continue;
    }
    const std::string indicator = f["indicator"], period = f["period"];
    if (indicator.size() > 100 || period.size() > 30) {
      errors.push_back({at, "max_length", "indicator or period too long"});
      continue;
    }
    try {
      const Json fig = stats_.figure(actor, indicator, period, "en", restricted);
      Json q = {{"request", request_id},
                {"indicator", indicator},
                {"indicator_version", fig.value("version", 1)},
                {"period", fig.value("period", period)},
                {"edition", restricted ? "restricted" : "public"},
                {"computed_at", computed_at}};
      if (fig.contains("label") && fig["label"].is_string()) q["label"] = fig["label"];
      if (fig.contains("definition") && fig["definition"].is_string()) q["definition"] = fig["definition"];
      if (fig.contains("value") && fig["value"].is_number()) q["value"] = fig["value"];
      if (fig.contains("display") && fig["display"].is_string()) q["display"] = fig["display"];
      if (fig.contains("breakdowns")) q["breakdowns"] = fig["breakdowns"].dump();
      frozen.push_back(std::move(q));
    } catch (const Problem& p) {
      const bool unknown = p.status() == 404;
      errors.push_back({at + (unknown ? ".indicator" : ".period"), unknown ? "unknown" : "invalid", p.detail()});
    }
  }
  if (!errors.empty()) throw Problem::validation(errors);

  // The transition and the frozen figures in one transaction. The figures are written by the
  // service itself: no role has create on quoted_figure, so the writer is the system acting for
  // the user (the audit entries name the user).
  records::Actor writer = actor;
  writer.system = true;
  Json patch = Json::object();
  for (const char* f : {"answered_on", "answer_text", "answer_document"})
    if (body.contains(f)) patch[f] = body[f];
  Json out;
  records_.store().inTransaction([&] {
    out = records_.transition(actor, "international_request", request_id, if_match, "answer", patch);
    Json quoted = Json::array();
    for (const auto& q : frozen) quoted.push_back(records_.create(writer, "quoted_figure", q));
    out["quoted_figures"] = quoted;
  });
  return out;
}

}  // namespace palermo::international
