// The annual report as PDF: A4 pages laid out with Pango (text shaping, line breaking, the
// Azerbaijani letters ə ğ ı ö ş ü ç) on a cairo PDF surface, which embeds the subset of the
// font it uses. Charts are drawn with cairo. Also used for the PNG charts of the ODT document.
#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "stats/report.hpp"
#include "stats/render_charts.hpp"

namespace palermo::stats {

namespace {

constexpr double kPageW = 595.28, kPageH = 841.89;  // A4 in points
constexpr double kMargin = 56;
constexpr double kWidth = kPageW - 2 * kMargin;

cairo_status_t appendBytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string escape(const std::string& s) {
  char* e = g_markup_escape_text(s.c_str(), static_cast<gssize>(s.size()));
  std::string out(e);
  g_free(e);
  return out;
}

class Writer {
 public:
  explicit Writer(std::string& out) {
    surface_ = cairo_pdf_surface_create_for_stream(appendBytes, &out, kPageW, kPageH);
    cr_ = cairo_create(surface_);
    layout_ = pango_cairo_create_layout(cr_);
    pango_layout_set_width(layout_, static_cast<int>(kWidth * PANGO_SCALE));
    pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
    y_ = kMargin;
  }
  ~Writer() {
    g_object_unref(layout_);
    cairo_destroy(cr_);
    cairo_surface_finish(surface_);
    cairo_surface_destroy(surface_);
  }
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void metadata(const std::string& title) {
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "Palermo");
  }

  // A block of text (Pango markup) in a font; breaks the page when it would not fit.
  void text(const std::string& markup, const char* font, double space_after = 6, double indent = 0) {
    PangoFontDescription* desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout_, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout_, static_cast<int>((kWidth - indent) * PANGO_SCALE));
    pango_layout_set_markup(layout_, markup.c_str(), -1);
    int w = 0, h = 0;
    pango_layout_get_size(layout_, &w, &h);
    const double height = static_cast<double>(h) / PANGO_SCALE;
    need(height);
    cairo_set_source_rgb(cr_, 0.1, 0.1, 0.12);
    cairo_move_to(cr_, kMargin + indent, y_);
    pango_cairo_show_layout(cr_, layout_);
    y_ += height + space_after;
  }

  void rule() {
    need(8);
    cairo_set_source_rgb(cr_, 0.75, 0.78, 0.82);
    cairo_set_line_width(cr_, 0.6);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kPageW - kMargin, y_);
    cairo_stroke(cr_);
    y_ += 8;
  }

  // A two-column table of a breakdown.
  void table(const Json& breakdown) {
    text("<b>" + escape(breakdown["label"].get<std::string>()) + "</b>", "DejaVu Sans 8.5", 2, 14);
    auto row = [&](const std::string& label, const std::string& value) {
      // Fresh layouts per cell: re-using one layout across widths and alignments left cairo
      // with broken text clusters (an invalid UTF-8 error that stops the document).
      auto cellLayout = [&](const std::string& t, double width, PangoAlignment align) {
        PangoLayout* l = pango_cairo_create_layout(cr_);
        PangoFontDescription* desc = pango_font_description_from_string("DejaVu Sans 8.5");
        pango_layout_set_font_description(l, desc);
        pango_font_description_free(desc);
        pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
        pango_layout_set_alignment(l, align);
        pango_layout_set_text(l, t.c_str(), -1);
        return l;
      };
      PangoLayout* left = cellLayout(label, 260, PANGO_ALIGN_LEFT);
      PangoLayout* right = cellLayout(value, 70, PANGO_ALIGN_RIGHT);
      int w = 0, h = 0;
      pango_layout_get_size(left, &w, &h);
      const double height = static_cast<double>(h) / PANGO_SCALE;
      need(height + 2);
      cairo_set_source_rgb(cr_, 0.15, 0.15, 0.18);
      cairo_move_to(cr_, kMargin + 14, y_);
      pango_cairo_show_layout(cr_, left);
      cairo_move_to(cr_, kMargin + 280, y_);
      pango_cairo_show_layout(cr_, right);
      g_object_unref(left);
      g_object_unref(right);
      y_ += height + 1.5;
    };
    for (const auto& c : breakdown["cells"]) row(c["label"], c["display"]);
    if (!breakdown["not_recorded"].is_null()) row(breakdown["not_recorded"]["label"], breakdown["not_recorded"]["display"]);
    y_ += 5;
  }

  void chart(const Json& chart) {
    const double h = 170;
    need(h + 10);
    drawChart(cr_, chart, kMargin, y_, kWidth, h);
    y_ += h + 12;
  }

  void newPage() {
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
    footer();
  }
  void footer() {
    PangoLayout* l = pango_cairo_create_layout(cr_);
    PangoFontDescription* desc = pango_font_description_from_string("DejaVu Sans 7.5");
    pango_layout_set_font_description(l, desc);
    pango_font_description_free(desc);
    const std::string t = footer_ + " · " + std::to_string(page_);
    pango_layout_set_text(l, t.c_str(), -1);
    cairo_set_source_rgb(cr_, 0.45, 0.45, 0.5);
    cairo_move_to(cr_, kMargin, kPageH - kMargin + 18);
    pango_cairo_show_layout(cr_, l);
    g_object_unref(l);
  }
  void setFooter(const std::string& f) {
    footer_ = f;
    footer();
  }

 private:
  void need(double height) {
    if (y_ + height > kPageH - kMargin) newPage();
  }
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
  PangoLayout* layout_ = nullptr;
  double y_ = 0;
  int page_ = 1;
  std::string footer_;
};

}  // namespace

std::string renderPdf(const Json& report) {
  std::string out;
  {
    Writer w(out);
    const std::string title = report["title"];
    w.metadata(title);
    w.setFooter(title);
    w.text("<b>" + escape(title) + "</b>", "DejaVu Sans 17", 4);
    if (!report["subtitle"].get<std::string>().empty()) w.text(escape(report["subtitle"]), "DejaVu Sans 10.5", 4);
    w.text("<i>" + escape(report["notes"]["edition"]) + "</i>", "DejaVu Sans 8", 2);
    w.text("<i>" + escape(report["notes"]["imported"]) + "</i>", "DejaVu Sans 8", 10);
    const auto& figures = report["figures"];
    for (const auto& s : report["sections"]) {
      w.rule();
      w.text("<b>" + escape(s["title"]) + "</b>", "DejaVu Sans 12.5", 6);
      for (const auto& p : s["paragraphs"]) {
        std::string t = escape(p["text"]);
        if (p.value("imported", false)) t += " *";
        w.text(t, "DejaVu Serif 10", 5);
        if (p.contains("figure"))
          for (const auto& dim : p["show"])
            for (const auto& b : figures[p["figure"].get<std::string>()]["breakdowns"])
              if (b["dimension"] == dim) w.table(b);
      }
      for (const auto& c : s["charts"]) w.chart(c);
    }
  }
  return out;
}

}  // namespace palermo::stats
