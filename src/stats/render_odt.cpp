// The annual report as an editable OpenDocument text (.odt): headings, paragraphs, a table per
// breakdown shown and the charts as PNG pictures, zipped with libzip (the "mimetype" entry
// first and stored, as ODF requires). LibreOffice and Word open it; tests convert it headless.
#include <zip.h>

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <unistd.h>

#include "stats/render_charts.hpp"
#include "stats/report.hpp"
#include "stats/temp_file.hpp"

namespace palermo::stats {

namespace {

std::string xml(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

const char* kStyles = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
 <office:font-face-decls/>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:text-properties style:font-name="DejaVu Serif" fo:font-family="'DejaVu Serif'" fo:font-size="10.5pt" fo:language="az"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="0.18cm" fo:line-height="125%"/>
  </style:style>
  <style:style style:name="Title" style:family="paragraph">
   <style:text-properties fo:font-family="'DejaVu Sans'" fo:font-size="18pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:default-outline-level="1">
   <style:paragraph-properties fo:margin-top="0.45cm" fo:margin-bottom="0.2cm"/>
   <style:text-properties fo:font-family="'DejaVu Sans'" fo:font-size="13pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Note" style:family="paragraph">
   <style:text-properties fo:font-size="8.5pt" fo:font-style="italic"/>
  </style:style>
  <style:style style:name="Cell" style:family="paragraph">
   <style:text-properties fo:font-family="'DejaVu Sans'" fo:font-size="8.5pt"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1"/></office:master-styles>
</office:document-styles>)";

const char* kContentHead = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
 <office:automatic-styles>
  <style:style style:name="Tbl" style:family="table"><style:table-properties style:width="12cm" table:align="left"/></style:style>
  <style:style style:name="TblA" style:family="table-column"><style:table-column-properties style:column-width="9cm"/></style:style>
  <style:style style:name="TblB" style:family="table-column"><style:table-column-properties style:column-width="3cm"/></style:style>
  <style:style style:name="TblCell" style:family="table-cell"><style:table-cell-properties fo:padding="0.05cm" fo:border-bottom="0.5pt solid #c0c4cc"/></style:style>
  <style:style style:name="Num" style:family="paragraph" style:parent-style-name="Cell"><style:paragraph-properties fo:text-align="end"/></style:style>
  <style:style style:name="fr1" style:family="graphic"><style:graphic-properties style:wrap="none" style:vertical-pos="top" style:horizontal-pos="left"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
)";

void add(zip_t* z, const std::string& name, const std::string& bytes, bool store) {
  // libzip keeps the buffer until zip_close: copy it into memory the zip owns.
  void* copy = std::malloc(bytes.size() ? bytes.size() : 1);
  if (!copy) throw std::bad_alloc();
  std::memcpy(copy, bytes.data(), bytes.size());
  zip_source_t* src = zip_source_buffer(z, copy, bytes.size(), 1);
  if (!src) throw std::runtime_error("odt: zip source");
  const zip_int64_t idx = zip_file_add(z, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
  if (idx < 0) {
    zip_source_free(src);
    throw std::runtime_error("odt: cannot add " + name);
  }
  if (store) zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
}

}  // namespace

std::string renderOdt(const Json& report) {
  std::ostringstream c;
  c << kContentHead;
  c << "<text:p text:style-name=\"Title\">" << xml(report["title"]) << "</text:p>\n";
  if (!report["subtitle"].get<std::string>().empty())
    c << "<text:p text:style-name=\"Standard\">" << xml(report["subtitle"]) << "</text:p>\n";
  c << "<text:p text:style-name=\"Note\">" << xml(report["notes"]["edition"]) << "</text:p>\n";
  c << "<text:p text:style-name=\"Note\">" << xml(report["notes"]["imported"]) << "</text:p>\n";
  std::vector<std::pair<std::string, std::string>> pictures;
  int table_no = 0;
  for (const auto& s : report["sections"]) {
    c << "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">" << xml(s["title"]) << "</text:h>\n";
    for (const auto& p : s["paragraphs"]) {
      c << "<text:p text:style-name=\"Standard\">" << xml(p["text"]) << (p.value("imported", false) ? " *" : "")
        << "</text:p>\n";
      if (!p.contains("figure")) continue;
      for (const auto& dim : p["show"])
        for (const auto& b : report["figures"][p["figure"].get<std::string>()]["breakdowns"]) {
          if (b["dimension"] != dim) continue;
          c << fmt::format("<table:table table:name=\"Table{}\" table:style-name=\"Tbl\">", ++table_no)
            << "<table:table-column table:style-name=\"TblA\"/><table:table-column table:style-name=\"TblB\"/>";
          auto row = [&](const std::string& l, const std::string& v, bool bold) {
            c << "<table:table-row><table:table-cell table:style-name=\"TblCell\" office:value-type=\"string\">"
              << "<text:p text:style-name=\"Cell\">" << (bold ? "<text:span>" : "") << xml(l) << (bold ? "</text:span>" : "")
              << "</text:p></table:table-cell><table:table-cell table:style-name=\"TblCell\" office:value-type=\"string\">"
              << "<text:p text:style-name=\"Num\">" << xml(v) << "</text:p></table:table-cell></table:table-row>";
          };
          row(b["label"], "", true);
          for (const auto& cell : b["cells"]) row(cell["label"], cell["display"], false);
          if (!b["not_recorded"].is_null()) row(b["not_recorded"]["label"], b["not_recorded"]["display"], false);
          c << "</table:table>\n";
        }
    }
    for (const auto& chart : s["charts"]) {
      const std::string name = fmt::format("Pictures/chart{}.png", pictures.size() + 1);
      pictures.emplace_back(name, chartPng(chart, 960, 360));
      c << "<text:p text:style-name=\"Standard\"><draw:frame draw:style-name=\"fr1\" draw:name=\"" << xml(chart["title"])
        << "\" text:anchor-type=\"as-char\" svg:width=\"16cm\" svg:height=\"6cm\"><draw:image xlink:href=\"" << name
        << "\" xlink:type=\"simple\" xlink:show=\"embed\" xlink:actuate=\"onLoad\"/></draw:frame></text:p>\n";
    }
  }
  c << "</office:text></office:body></office:document-content>\n";

  std::ostringstream manifest;
  manifest << R"(<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
)";
  for (const auto& [name, png] : pictures)
    manifest << " <manifest:file-entry manifest:full-path=\"" << name << "\" manifest:media-type=\"image/png\"/>\n";
  manifest << "</manifest:manifest>\n";
  const std::string meta = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"><office:meta><dc:title>)" +
                           xml(report["title"]) + "</dc:title><dc:language>" + report["lang"].get<std::string>() +
                           "</dc:language><meta:generator>Palermo</meta:generator></office:meta></office:document-meta>\n";

  // libzip writes archives to files: build in a private temporary file, read it back.
  TempFile file("odt");
  int err = 0;
  zip_t* z = zip_open(file.path(), ZIP_TRUNCATE, &err);
  if (!z) throw std::runtime_error("odt: zip_open failed");
  try {
    add(z, "mimetype", "application/vnd.oasis.opendocument.text", true);
    add(z, "META-INF/manifest.xml", manifest.str(), false);
    add(z, "content.xml", c.str(), false);
    add(z, "styles.xml", kStyles, false);
    add(z, "meta.xml", meta, false);
    for (const auto& [name, png] : pictures) add(z, name, png, true);
  } catch (...) {
    zip_discard(z);
    throw;
  }
  if (zip_close(z) != 0) {
    zip_discard(z);
    throw std::runtime_error("odt: zip_close failed");
  }
  return file.read();
}

}  // namespace palermo::stats
