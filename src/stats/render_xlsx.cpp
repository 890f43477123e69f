// The data annex of the annual report as XLSX (libxlsxwriter): one sheet with every figure and
// breakdown cell as published, one with the definitions (what is counted, from which register,
// placed in a period by which date, version), one per chart with its data.
#include <xlsxwriter.h>

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

#include "stats/report.hpp"
#include "stats/temp_file.hpp"

namespace palermo::stats {

std::string renderXlsx(const Json& report) {
  TempFile file("xlsx");
  const std::string lang = report["lang"];
  const bool en = lang == "en", ru = lang == "ru";
  auto t = [&](const char* az, const char* e, const char* r) { return en ? e : ru ? r : az; };
  lxw_workbook* wb = workbook_new(file.path());
  if (!wb) throw std::runtime_error("xlsx: workbook_new failed");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

  lxw_worksheet* ws = workbook_add_worksheet(wb, t("Göstəricilər", "Figures", "Показатели"));
  const char* heads[] = {t("Göstərici", "Indicator", "Показатель"), t("Ad", "Label", "Название"),
                         t("Dövr", "Period", "Период"), t("Bölgü", "Breakdown", "Разбивка"),
                         t("Kateqoriya", "Category", "Категория"), t("Dəyər", "Value", "Значение"),
                         t("Dərc edilən", "Published as", "Опубликовано как"), t("Vahid", "Unit", "Единица"),
                         t("İdxal", "Imported", "Импорт"), t("Əvvəlki dövr", "Previous period", "Предыдущий период"),
                         t("Dəyişiklik", "Change", "Изменение")};
  for (lxw_col_t c = 0; c < 11; ++c) worksheet_write_string(ws, 0, c, heads[c], bold);
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_set_column(ws, 0, 0, 30, nullptr);
  worksheet_set_column(ws, 1, 1, 50, nullptr);
  worksheet_set_column(ws, 3, 4, 24, nullptr);
  lxw_row_t row = 1;
  auto cellRow = [&](const std::string& id, const Json& f, const std::string& dim, const Json& cell) {
    worksheet_write_string(ws, row, 0, id.c_str(), nullptr);
    worksheet_write_string(ws, row, 1, f["label"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(ws, row, 2, f["period"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(ws, row, 3, dim.c_str(), nullptr);
    worksheet_write_string(ws, row, 4, cell.contains("label") ? cell["label"].get<std::string>().c_str() : "", nullptr);
    if (!cell["value"].is_null()) worksheet_write_number(ws, row, 5, cell["value"].get<double>(), nullptr);
    worksheet_write_string(ws, row, 6, cell["display"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(ws, row, 7, f["unit"].get<std::string>().c_str(), nullptr);
    worksheet_write_boolean(ws, row, 8, cell.value("imported", false) || (dim.empty() && f["imported"].get<bool>()), nullptr);
    if (dim.empty() && f.contains("previous")) {
      worksheet_write_string(ws, row, 9, (f["previous"]["period"].get<std::string>() + ": " + f["previous"]["display"].get<std::string>()).c_str(), nullptr);
      if (f.contains("change")) worksheet_write_string(ws, row, 10, f["change"]["display"].get<std::string>().c_str(), nullptr);
    }
    ++row;
  };
  for (const auto& [id, f] : report["figures"].items()) {
    cellRow(id, f, "", f);
    for (const auto& b : f["breakdowns"]) {
      for (const auto& c : b["cells"]) cellRow(id, f, b["label"], c);
      if (!b["not_recorded"].is_null()) cellRow(id, f, b["label"], b["not_recorded"]);
    }
  }
  worksheet_autofilter(ws, 0, 0, row - 1, 10);

  lxw_worksheet* defs = workbook_add_worksheet(wb, t("Təriflər", "Definitions", "Определения"));
  const char* dheads[] = {t("Göstərici", "Indicator", "Показатель"), t("Versiya", "Version", "Версия"),
                          t("Ad", "Label", "Название"), t("Nə sayılır", "Counts", "Что считается"),
                          t("Reyestr", "Register", "Реестр"), t("Tərif", "Definition", "Определение"),
                          t("Mənbələr", "Sources", "Источники")};
  for (lxw_col_t c = 0; c < 7; ++c) worksheet_write_string(defs, 0, c, dheads[c], bold);
  worksheet_set_column(defs, 0, 0, 30, nullptr);
  worksheet_set_column(defs, 2, 2, 45, wrap);
  worksheet_set_column(defs, 5, 5, 80, wrap);
  lxw_row_t drow = 1;
  for (const auto& [id, f] : report["figures"].items()) {
    worksheet_write_string(defs, drow, 0, id.c_str(), nullptr);
    worksheet_write_number(defs, drow, 1, f["version"].get<int>(), nullptr);
    worksheet_write_string(defs, drow, 2, f["label"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(defs, drow, 3, f["counts"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(defs, drow, 4, f["register"].get<std::string>().c_str(), nullptr);
    worksheet_write_string(defs, drow, 5, f["definition"].get<std::string>().c_str(), nullptr);
    std::string sources;
    for (const auto& s : f["sources"]) sources += (sources.empty() ? "" : "; ") + s.get<std::string>();
    worksheet_write_string(defs, drow, 6, sources.c_str(), nullptr);
    ++drow;
  }

  int chart_no = 0;
  for (const auto& s : report["sections"])
    for (const auto& c : s["charts"]) {
      const std::string sheet = fmt::format("{} {}", t("Qrafik", "Chart", "График"), ++chart_no);
      lxw_worksheet* cs = workbook_add_worksheet(wb, sheet.c_str());
      worksheet_write_string(cs, 0, 0, c["title"].get<std::string>().c_str(), bold);
      lxw_row_t r = 1;
      for (const auto& p : c["series"]) {
        worksheet_write_string(cs, r, 0, p["label"].get<std::string>().c_str(), nullptr);
        if (!p["value"].is_null()) worksheet_write_number(cs, r, 1, p["value"].get<double>(), nullptr);
        else worksheet_write_string(cs, r, 1, p["display"].get<std::string>().c_str(), nullptr);
        ++r;
      }
      worksheet_set_column(cs, 0, 0, 40, nullptr);
      if (r > 1) {
        lxw_chart* chart = workbook_add_chart(wb, c["kind"] == "trend" ? LXW_CHART_COLUMN : LXW_CHART_BAR);
        lxw_chart_series* series = chart_add_series(chart, nullptr, nullptr);
        chart_series_set_categories(series, sheet.c_str(), 1, 0, r - 1, 0);
        chart_series_set_values(series, sheet.c_str(), 1, 1, r - 1, 1);
        chart_title_set_name(chart, c["title"].get<std::string>().c_str());
        chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
        worksheet_insert_chart(cs, 1, 3, chart);
      }
    }
  const lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) throw std::runtime_error(std::string("xlsx: ") + lxw_strerror(err));
  return file.read();
}

}  // namespace palermo::stats
