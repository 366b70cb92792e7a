// The fleet report drawn on cairo's PDF surface (https://www.cairographics.org/manual/cairo-PDF-Surfaces.html),
// written to memory through its stream callback. Text uses cairo's "toy" font API with DejaVu
// Sans: the report is a few labels and tables, and fontconfig resolves the family on any Debian
// machine with fonts-dejavu-core.
#include <cairo-pdf.h>
#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "common/report/fleet_report.h"

namespace strata {
namespace {

struct SurfaceFree {
  void operator()(cairo_surface_t* s) const noexcept { cairo_surface_destroy(s); }
};
struct ContextFree {
  void operator()(cairo_t* c) const noexcept { cairo_destroy(c); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceFree>;
using ContextPtr = std::unique_ptr<cairo_t, ContextFree>;

constexpr double kWidth = 595.28;  // A4 in points
constexpr double kHeight = 841.89;
constexpr double kMargin = 48;
constexpr double kBottom = kHeight - kMargin;

struct Rgb {
  double r, g, b;
};
constexpr std::array<Rgb, 5> kSeverityColour = {{{0.55, 0.05, 0.10},    // critical
                                                 {0.85, 0.25, 0.15},    // high
                                                 {0.95, 0.60, 0.10},    // medium
                                                 {0.30, 0.55, 0.80},    // low
                                                 {0.60, 0.60, 0.60}}};  // unknown
constexpr std::array<const char*, 5> kSeverityName = {"Critical", "High", "Medium", "Low", "Unknown"};

std::int64_t total(const FleetSeverityCounts& c) { return c[0] + c[1] + c[2] + c[3] + c[4]; }

// One PDF being drawn: a cursor down the page, and a new page when the cursor reaches the bottom.
class Pages {
 public:
  explicit Pages(std::string& out)
      : surface_(cairo_pdf_surface_create_for_stream(&Pages::write, &out, kWidth, kHeight)),
        cr_(cairo_create(surface_.get())) {
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_TITLE, "strata fleet report");
    cairo_pdf_surface_set_metadata(surface_.get(), CAIRO_PDF_METADATA_CREATOR, "strata");
  }

  cairo_t* cr() { return cr_.get(); }
  double y = kMargin;

  void font(double size, bool bold = false) {
    cairo_select_font_face(cr(), "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr(), size);
  }
  void colour(Rgb c) { cairo_set_source_rgb(cr(), c.r, c.g, c.b); }

  // `text` at (x, baseline), cut with an ellipsis to `width` points (0: no limit).
  void text(double x, double baseline, std::string text, double width = 0) {
    if (width > 0 && measure(text) > width) {
      // Cut on a UTF-8 character boundary until it fits with the ellipsis.
      while (!text.empty() && measure(text + "…") > width) {
        text.pop_back();
        while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80) text.pop_back();
        if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) text.pop_back();
      }
      text += "…";
    }
    cairo_move_to(cr(), x, baseline);
    cairo_show_text(cr(), text.c_str());
  }
  double measure(const std::string& text) {
    cairo_text_extents_t e;
    cairo_text_extents(cr(), text.c_str(), &e);
    return e.x_advance;
  }
  // Room for `height` more points on this page, or a new page.
  void need(double height) {
    if (y + height <= kBottom) return;
    cairo_show_page(cr());
    y = kMargin;
  }
  void heading(const std::string& title) {
    need(48);
    y += 22;
    font(14, true);
    colour({0.1, 0.1, 0.1});
    text(kMargin, y, title);
    y += 10;
  }

  // Finishes the document; an error names cairo's status.
  Result<void> finish() {
    const cairo_status_t drawn = cairo_status(cr());
    cr_.reset();
    cairo_surface_finish(surface_.get());
    const cairo_status_t status = drawn != CAIRO_STATUS_SUCCESS ? drawn : cairo_surface_status(surface_.get());
    if (status != CAIRO_STATUS_SUCCESS) {
      return fail(ErrorCode::kInternal, std::string("drawing the fleet report: ") + cairo_status_to_string(status));
    }
    return {};
  }

 private:
  static cairo_status_t write(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
  }
  SurfacePtr surface_;
  ContextPtr cr_;
};

void summary(Pages& p, const FleetReport& r) {
  p.font(22, true);
  p.colour({0.1, 0.1, 0.1});
  p.y += 16;
  p.text(kMargin, p.y, "strata fleet report");
  p.font(10);
  p.colour({0.35, 0.35, 0.35});
  p.y += 20;
  p.text(kMargin, p.y, "Tenant: " + r.tenant + "    Generated: " + r.generated_at +
                           (r.trend.empty() ? "" : "    Feed generation: " + std::to_string(r.trend.back().generation)),
         kWidth - 2 * kMargin);
  p.y += 34;
  p.font(13, true);
  p.colour({0.1, 0.1, 0.1});
  const double third = (kWidth - 2 * kMargin) / 3;
  p.text(kMargin, p.y, "Images: " + std::to_string(r.images));
  p.text(kMargin + third, p.y, "Open findings: " + std::to_string(total(r.open)));
  p.text(kMargin + 2 * third, p.y, "Fixable: " + std::to_string(total(r.fixable)));
  p.y += 8;
}

// Open findings by severity: one bar each, its length against the largest.
void severity_chart(Pages& p, const FleetReport& r) {
  p.heading("Open findings by severity");
  const std::int64_t largest = std::max<std::int64_t>(1, *std::max_element(r.open.begin(), r.open.end()));
  const double bar_left = kMargin + 150;
  const double bar_width = kWidth - kMargin - bar_left - 10;
  p.font(10);
  for (std::size_t k = 0; k < 5; ++k) {
    p.need(20);
    p.y += 18;
    p.colour({0.1, 0.1, 0.1});
    p.text(kMargin, p.y, std::string(kSeverityName[k]) + ": " + std::to_string(r.open[k]) + " (" +
                             std::to_string(r.fixable[k]) + " fixable)");
    const double w = bar_width * static_cast<double>(r.open[k]) / static_cast<double>(largest);
    p.colour(kSeverityColour[k]);
    cairo_rectangle(p.cr(), bar_left, p.y - 10, std::max(w, 1.0), 12);
    cairo_fill(p.cr());
  }
  p.y += 6;
}

// Open findings after each generation, stacked by severity, one column a generation.
void trend_chart(Pages& p, const FleetReport& r) {
  p.heading("Trend over feed generations");
  p.font(10);
  if (r.trend.empty()) {
    p.y += 16;
    p.colour({0.35, 0.35, 0.35});
    p.text(kMargin, p.y, "No feed generation has been imported into the cluster's feed store yet.");
    return;
  }
  constexpr double kChartHeight = 140;
  p.need(kChartHeight + 40);
  const double top = p.y + 8;
  const double base = top + kChartHeight;
  std::int64_t largest = 1;
  for (const auto& g : r.trend) largest = std::max(largest, total(g.open));
  const double slot = (kWidth - 2 * kMargin) / static_cast<double>(r.trend.size());
  const double bar = std::min(40.0, slot * 0.7);
  cairo_set_line_width(p.cr(), 0.5);
  p.colour({0.7, 0.7, 0.7});
  cairo_move_to(p.cr(), kMargin, base);
  cairo_line_to(p.cr(), kWidth - kMargin, base);
  cairo_stroke(p.cr());
  for (std::size_t i = 0; i < r.trend.size(); ++i) {
    const auto& g = r.trend[i];
    const double x = kMargin + slot * static_cast<double>(i) + (slot - bar) / 2;
    double y = base;
    for (std::size_t k = 5; k-- > 0;) {
      const double h = kChartHeight * static_cast<double>(g.open[k]) / static_cast<double>(largest);
      p.colour(kSeverityColour[k]);
      cairo_rectangle(p.cr(), x, y - h, bar, h);
      cairo_fill(p.cr());
      y -= h;
    }
    p.font(8);
    p.colour({0.1, 0.1, 0.1});
    const std::string count = std::to_string(total(g.open));
    p.text(x + (bar - p.measure(count)) / 2, y - 3, count);
    const std::string label = "gen " + std::to_string(g.generation);
    p.text(x + (bar - p.measure(label)) / 2, base + 12, label, slot);
  }
  p.y = base + 20;
}

// A table: a bold header row, then one row each; `widths` in points, one per column.
void table(Pages& p, const std::string& title, const std::vector<std::string>& header,
           const std::vector<double>& widths, const std::vector<std::vector<std::string>>& rows) {
  p.heading(title);
  auto row = [&](const std::vector<std::string>& cells, bool bold) {
    p.need(16);
    p.y += 15;
    p.font(9, bold);
    p.colour({0.1, 0.1, 0.1});
    double x = kMargin;
    for (std::size_t c = 0; c < cells.size() && c < widths.size(); ++c) {
      p.text(x, p.y, cells[c], widths[c] - 6);
      x += widths[c];
    }
  };
  row(header, true);
  if (rows.empty()) {
    p.y += 15;
    p.font(9);
    p.text(kMargin, p.y, "None.");
  }
  for (const auto& r : rows) row(r, false);
  p.y += 6;
}

}  // namespace

Result<std::string> fleet_report_pdf(const FleetReport& r) {
  std::string out;
  Pages p(out);
  summary(p, r);
  severity_chart(p, r);
  trend_chart(p, r);
  std::vector<std::vector<std::string>> rows;
  for (const auto& v : r.vulnerabilities) {
    rows.push_back({v.id, v.severity, std::to_string(v.images), std::to_string(v.findings), std::to_string(v.fixable)});
  }
  table(p, "Top vulnerabilities (by images affected)", {"Vulnerability", "Severity", "Images", "Findings", "Fixable"},
        {200, 80, 70, 70, 70}, rows);
  rows.clear();
  for (const auto& i : r.worst_images) {
    rows.push_back({i.name, std::to_string(i.open[0]), std::to_string(i.open[1]), std::to_string(i.open[2]),
                    std::to_string(i.open[3] + i.open[4]), std::to_string(i.fixable)});
  }
  table(p, "Images with the most severe findings", {"Image", "Critical", "High", "Medium", "Low", "Fixable"},
        {235, 50, 50, 50, 50, 55}, rows);
  rows.clear();
  for (const auto& l : r.layers) {
    rows.push_back({l.diff_id, std::to_string(l.images), std::to_string(l.findings), std::to_string(l.fixable)});
  }
  table(p, "Layers whose package upgrades remove the most findings", {"Layer (diff_id)", "Images", "Findings", "Fixable"},
        {290, 70, 70, 70}, rows);
  if (auto done = p.finish(); !done) return std::unexpected(done.error());
  return out;
}

}  // namespace strata
