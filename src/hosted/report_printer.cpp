// SPDX-License-Identifier: MIT
#include <utility>

#include "altpv/engine/report.h"
#include "altpv/hosted/process.h"
#include "hosted/symbolizer.h"

namespace altpv::hosted {
namespace {

// Room for a line without its symbol: a decision shows at most two copies of
// a 64-byte site in hex (about 400 characters) besides it.
constexpr std::size_t kLineCapacity = 512;

}  // namespace

void ReportPrinter::on_start(const FeatureSet& features, const Backend* backend) {
  char line[kLineCapacity];
  header_.assign(line, format_report_header(features, backend, line, sizeof line));
  sites_.clear();
}

void ReportPrinter::on_decision(const Decision& d) {
  const std::string where = describe_address(d.address);
  std::string line(kLineCapacity + where.size(), '\0');
  line.resize(
      format_decision(d, where.empty() ? nullptr : where.c_str(), line.data(), line.size()));
  sites_.push_back(std::move(line));
}

// The summary goes first, after the features, so that a long report opens
// with what a reader usually wants; the sites follow in address order.
void ReportPrinter::on_finish(const ApplyStats& stats) {
  char summary[kLineCapacity];
  format_summary(stats, summary, sizeof summary);
  std::fprintf(out_, "%s\n%s\n", header_.c_str(), summary);
  for (const std::string& site : sites_) std::fprintf(out_, "%s\n", site.c_str());
  std::fflush(out_);
}

}  // namespace altpv::hosted
