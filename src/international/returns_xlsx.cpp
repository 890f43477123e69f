// An international return as XLSX (libxlsxwriter): the long format of the CSV on the first sheet
// (numbers as numbers, so that the receiving office can sum and filter), and a sheet of notes
// stating what is counted and how, the populations behind any rates, what the return asks and
// the records cannot state, and every national code without an equivalent.
#include <xlsxwriter.h>

#include <fmt/format.h>

#include <stdexcept>

#include "international/returns.hpp"
#include "stats/temp_file.hpp"

namespace palermo::international {

std::string InternationalReturns::xlsx(const Json& r, const std::string& lang) {
  stats::TempFile file("xlsx");
  const bool en = lang == "en", ru = lang == "ru";
  auto t = [&](const char* az, const char* e, const char* rus) { return en ? e : ru ? rus : az; };
  lxw_workbook* wb = workbook_new(file.path());
  if (!wb) throw std::runtime_error("xlsx: workbook_new failed");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* wrap = workbook_add_format(wb);
  format_set_text_wrap(wrap);
  format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);

  // The data: the same header and rows as the CSV (a schema of the layout checks both).
  const LongTable long_table = longTable(r);
  lxw_worksheet* data = workbook_add_worksheet(wb, "data");
  for (std::size_t c = 0; c < long_table.header.size(); ++c)
    worksheet_write_string(data, 0, static_cast<lxw_col_t>(c), long_table.header[c].c_str(), bold);
  lxw_row_t row = 1;
  for (const auto& cells : long_table.rows) {
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      if (cells[c].empty()) continue;
      if (long_table.numeric[c]) worksheet_write_number(data, row, col, std::stod(cells[c]), nullptr);
      else worksheet_write_string(data, row, col, cells[c].c_str(), nullptr);
    }
    ++row;
  }
  worksheet_freeze_panes(data, 1, 0);
  worksheet_set_column(data, 3, 4, 22, nullptr);
  if (!long_table.header.empty()) worksheet_autofilter(data, 0, 0, row - 1, static_cast<lxw_col_t>(long_table.header.size() - 1));

  // The notes.
  lxw_worksheet* notes = workbook_add_worksheet(wb, "notes");
  worksheet_set_column(notes, 0, 0, 28, nullptr);
  worksheet_set_column(notes, 1, 1, 90, wrap);
  lxw_row_t n = 0;
  auto line = [&](const std::string& key, const std::string& value) {
    worksheet_write_string(notes, n, 0, key.c_str(), bold);
    worksheet_write_string(notes, n, 1, value.c_str(), nullptr);
    ++n;
  };
  line(t("Hesabat", "Return", "Форма"), r["title"].get<std::string>());
  line(t("Ölkə", "Country", "Страна"), r["country"].get<std::string>());
  line(t("İl", "Year", "Год"), std::to_string(r["year"].get<int>()));
  line(t("Sayma qaydaları", "Counting rules", "Правила подсчёта"), r["notes"].get<std::string>());
  for (const auto& p : r.value("populations", Json::array()))
    line(t("Əhali", "Population", "Население"), p["label"].get<std::string>() + " — " + p["source"].get<std::string>());
  for (const auto& g : r["gaps"])
    line(t("Göstərilmir", "Not stated", "Не указано"), g["measure"].get<std::string>() + ": " + g["reason"].get<std::string>());
  for (const auto& u : r["unmapped"])
    line(t("Uyğunluğu olmayan kod", "Code without an equivalent", "Код без соответствия"),
         u["table"].get<std::string>() + " / " + u["column"].get<std::string>() + ": " + u["national_code"].get<std::string>() +
             " (" + fmt::format("{}", u["rows"].get<double>()) + ")");
  for (const auto& m : r.value("no_population", Json::array())) {
    std::string which;
    for (const auto& [c, code] : m["codes"].items()) which += (which.empty() ? "" : ", ") + c + " " + code.get<std::string>();
    line(t("Əhali göstərilməyib", "No population declared", "Население не указано"),
         m["table"].get<std::string>() + ": " + which);
  }
  if (workbook_close(wb) != LXW_NO_ERROR) throw std::runtime_error("xlsx: cannot write the workbook");
  return file.read();
}

}  // namespace palermo::international
