// The implementation report of an action plan for a year (P3, docs/prevention-plans-cooperation.md):
// each chapter's measures with their text, responsible body, deadline and state, and the year's
// progress reports with their status and the office's assessment — written from the records in
// az, en or ru, as JSON in the annual report's shape and rendered by its PDF and ODT renderers.
#pragma once

#include <cstdint>
#include <string>

#include "core/json.hpp"

namespace palermo {
class RecordStore;
}

namespace palermo::records {
struct Actor;
struct Schema;
}  // namespace palermo::records

namespace palermo::plans {

struct ReportDocument {
  std::string bytes, content_type, file_name;
};

class ImplementationReports {
 public:
  ImplementationReports(const records::Schema& schema, RecordStore& store) : schema_(schema), store_(store) {}

  // Needs national read access to plans, measures and progress reports (the coordinator's
  // office); 404 for a plan that does not exist.
  Json report(const records::Actor& actor, int64_t plan_id, int year, const std::string& lang, int64_t now_ms);
  // format: json, pdf or odt.
  ReportDocument document(const records::Actor& actor, int64_t plan_id, int year, const std::string& lang,
                          const std::string& format, int64_t now_ms);

 private:
  const records::Schema& schema_;
  RecordStore& store_;
};

}  // namespace palermo::plans
