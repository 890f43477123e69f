// The National Coordinator's annual report (S5): a layout (indicators/reports/annual.yaml) of
// sections, sentences and charts over indicators, evaluated for a year, with statistical
// disclosure control for public editions, and rendered as PDF, ODT, XLSX, CSV or JSON.
// See docs/statistics.md.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "stats/engine.hpp"
#include "stats/indicators.hpp"

namespace palermo::records {
struct Schema;
}

namespace palermo::stats::sdc {
class Tables;
struct AuditResult;
}

namespace palermo::stats {

struct ReportLayout {
  struct Item {
    std::string figure;               // indicator id; empty for a paragraph of text
    std::vector<std::string> show;    // breakdowns printed as tables
    Translated sentence;                   // with {value}, {change}, {cells:dim}, {cell:dim:code}, {year}
    Translated text;                       // a paragraph of the edition (no figure)
    int from_year = 0;                // multi-year: the figure over from_year..year (no change shown)
    // A list of the year's records of a register, one paragraph each (the legal acts):
    // `list: {from: legal_act, date: adopted_on, title: title, number: number}`; the title is
    // read from <title>_<lang> (falling back to <title>_az); `text` is said when there are none.
    struct List {
      std::string from, date, title, number;
    };
    std::optional<List> list;
  };
  struct Chart {
    std::string kind;                 // bars | trend
    std::string figure;
    std::string breakdown;            // bars
    int from_year = 0;                // trend: first year
    Translated title;
  };
  struct Section {
    std::string id;
    Translated title;
    std::vector<Item> items;
    std::vector<Chart> charts;
  };
  Translated title;
  Translated subtitle;
  std::vector<Section> sections;
};

// Loads a layout and checks it against the catalogue; throws std::runtime_error naming the
// file, line and problem.
ReportLayout loadReportLayout(const std::string& file, const Catalogue& catalogue);

struct ReportOptions {
  int year = 0;
  std::string lang = "az";      // az | en | ru
  bool restricted = false;      // exact values (authorised roles); otherwise the public edition
  // The records of `type` whose `date_field` lies in [from, to] (YYYY-MM-DD), oldest first, as
  // their non-identity data: for list items. Unset: lists say their `text`.
  std::function<std::vector<Json>(const std::string& type, const std::string& date_field, const std::string& from,
                                  const std::string& to)>
      records;
};

// One figure as published: exact values in restricted editions; in public editions the cells
// that disclosure control hides (src/stats/disclosure.hpp) are shown as "x" with value null.
// `decided`: the protection of the whole publication the figure is part of (a report); without
// it the figure is protected with its previous period alone. Amounts of money are shown in
// manat (kept in qəpik).
Json publishFigure(const Figure& figure, const Figure* previous, const Catalogue& catalogue,
                   const records::Schema& schema, const ReportOptions& options,
                   const sdc::Tables* decided = nullptr);

// True when the indicator adds up a money field (qəpik), shown in manat and not subject to the
// threshold; subjectToThreshold: counts of persons, records or things (not ratios, not money).
bool isMoney(const Indicator& indicator, const records::Schema& schema);
bool subjectToThreshold(const Indicator& indicator, const records::Schema& schema);

// The whole report as data: sections with their sentences, tables and charts, every figure
// with its definition. The renderers below take this. A public edition is protected as one
// publication and audited before it is returned (report["disclosure_audit"]); a public edition
// that fails the audit is not returned (std::runtime_error).
Json buildReport(const ReportLayout& layout, Evaluator& evaluator, const Catalogue& catalogue,
                 const records::Schema& schema, const ReportOptions& options);

// The auditor of a public edition: takes exactly what `report` publishes (its "figures" and
// the trend charts of its "sections"), and `truth` (the true values and the relations of the
// publication's cells), and computes for every hidden cell the interval an attacker narrows it
// to; a shown value unequal to the truth or a "<k" not below k is a false statement.
sdc::AuditResult auditPublished(const Json& report, const sdc::Tables& truth, const Catalogue& catalogue,
                                const records::Schema& schema);

// Renderers (src/stats/render_*.cpp). Each returns the file's bytes.
std::string renderPdf(const Json& report);
std::string renderOdt(const Json& report);
std::string renderXlsx(const Json& report);
std::string renderCsv(const Json& report);

// Labels for a dimension's category and for "not recorded", in a language.
std::string categoryLabel(const Catalogue& catalogue, const records::Schema& schema, const std::string& dimension,
                          const std::string& code, const std::string& lang);
// A number as the language writes it (6 845 / 6,845; 54,3 / 54.3).
std::string formatNumber(double value, const std::string& lang, int decimals = 0);

}  // namespace palermo::stats
