#include "stats/render_charts.hpp"

#include <pango/pangocairo.h>

#include <algorithm>
#include <vector>

namespace palermo::stats {

namespace {

void label(cairo_t* cr, const std::string& text, double x, double y, double width, const char* font,
           PangoAlignment align = PANGO_ALIGN_LEFT) {
  PangoLayout* l = pango_cairo_create_layout(cr);
  PangoFontDescription* desc = pango_font_description_from_string(font);
  pango_layout_set_font_description(l, desc);
  pango_font_description_free(desc);
  pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
  pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
  pango_layout_set_alignment(l, align);
  pango_layout_set_text(l, text.c_str(), -1);
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
  g_object_unref(l);
}

double valueOf(const Json& p) { return p["value"].is_null() ? 0 : p["value"].get<double>(); }

}  // namespace

void drawChart(cairo_t* cr, const Json& chart, double x, double y, double width, double height) {
  cairo_save(cr);
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.12);
  label(cr, chart["title"].get<std::string>(), x, y, width, "DejaVu Sans Bold 9");
  const double top = y + 16, h = height - 16;
  const auto& series = chart["series"];
  double max = 1;
  for (const auto& p : series) max = std::max(max, valueOf(p));
  const std::size_t n = series.size();
  if (n == 0) {
    cairo_restore(cr);
    return;
  }
  if (chart["kind"] == "bars") {
    const std::size_t shown = std::min<std::size_t>(n, 12);
    const double row = h / static_cast<double>(shown);
    const double label_w = width * 0.32, bar_w = width * 0.56;
    for (std::size_t i = 0; i < shown; ++i) {
      const auto& p = series[i];
      const double ry = top + static_cast<double>(i) * row;
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.25);
      label(cr, p["label"].get<std::string>(), x, ry + row * 0.15, label_w - 6, "DejaVu Sans 7.5");
      const double w = p["value"].is_null() ? 2 : bar_w * valueOf(p) / max;
      if (p["value"].is_null()) cairo_set_source_rgb(cr, 0.75, 0.75, 0.78);
      else cairo_set_source_rgb(cr, 0.16, 0.38, 0.62);
      cairo_rectangle(cr, x + label_w, ry + row * 0.15, std::max(w, 1.0), row * 0.7);
      cairo_fill(cr);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.25);
      label(cr, p["display"].get<std::string>(), x + label_w + w + 4, ry + row * 0.15, 60, "DejaVu Sans 7.5");
    }
  } else {
    const double col = width / static_cast<double>(n);
    const double plot_h = h - 26;
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = series[i];
      const double cx = x + static_cast<double>(i) * col;
      const double bh = plot_h * valueOf(p) / max;
      if (p.value("imported", false)) cairo_set_source_rgb(cr, 0.62, 0.72, 0.84);
      else cairo_set_source_rgb(cr, 0.16, 0.38, 0.62);
      cairo_rectangle(cr, cx + col * 0.15, top + 12 + plot_h - bh, col * 0.7, bh);
      cairo_fill(cr);
      cairo_set_source_rgb(cr, 0.2, 0.2, 0.25);
      label(cr, p["display"].get<std::string>(), cx, top + plot_h - bh, col, "DejaVu Sans 6.5", PANGO_ALIGN_CENTER);
      label(cr, p["label"].get<std::string>(), cx, top + 14 + plot_h, col, "DejaVu Sans 6.5", PANGO_ALIGN_CENTER);
    }
  }
  cairo_restore(cr);
}

namespace {
cairo_status_t appendPng(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}
}  // namespace

std::string chartPng(const Json& chart, int width, int height) {
  cairo_surface_t* s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(s);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const double scale = width / 480.0;
  cairo_scale(cr, scale, scale);
  drawChart(cr, chart, 8, 8, 480 - 16, height / scale - 16);
  cairo_destroy(cr);
  std::string out;
  cairo_surface_write_to_png_stream(s, appendPng, &out);
  cairo_surface_destroy(s);
  return out;
}

}  // namespace palermo::stats
