// Charts of the annual report drawn with cairo: horizontal bars for a breakdown, columns for a
// yearly trend (imported years hatched lighter). Used by the PDF and, as PNG, by the ODT.
#pragma once
#include <cairo.h>

#include <string>

#include "core/json.hpp"

namespace palermo::stats {

void drawChart(cairo_t* cr, const Json& chart, double x, double y, double width, double height);
// The chart as a PNG image of width x height pixels.
std::string chartPng(const Json& chart, int width, int height);

}  // namespace palermo::stats
