// SPDX-License-Identifier: MIT
// The decision report of a process, as $ALTPV_DEBUG prints it: it opens with
// the features and backend in use and the summary, then one line per site,
// named by its function with C++ names demangled.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "altpv/cpu_ops.h"
#include "altpv/hosted/process.h"
#include "test_sites.h"

#include "run_program.h"

namespace altpv::testing {

// A site in a function whose symbol is mangled
// (_ZN5altpv7testing12report_probeEi), which the report must show readably.
[[gnu::noinline]] unsigned report_probe(int) {
  return cpu_number();
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string report_for(const FeatureSet& features, const Backend* backend, ApplyStats* stats) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  EXPECT_NE(out, nullptr);
  hosted::ReportPrinter printer(out);
  *stats = hosted::patch_process(features, backend, &printer).stats;
  std::fclose(out);
  std::string report(text, size);
  std::free(text);
  return report;
}

TEST(ReportPrinter, OpensWithFeaturesAndSummaryThenOneLinePerSite) {
  const FeatureSet features = detect_cpu_features().set(Feature::Pv);
  const TestBackend backend;
  ApplyStats stats;
  const std::vector<std::string> lines = lines_of(report_for(features, &backend, &stats));
  ASSERT_EQ(lines.size(), stats.sites + 2);

  char names[256];
  format_features(features, names, sizeof names);
  EXPECT_EQ(lines[0], std::string("altpv: features ") + names + "; backend test");

  const std::regex summary(
      "altpv: ([0-9]+) sites: ([0-9]+) patched, ([0-9]+) kept original, ([0-9]+) refused "
      "\\(([0-9]+) rewritten\\)");
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[1], m, summary)) << lines[1];
  EXPECT_EQ(std::stoul(m[1]), stats.sites);
  EXPECT_EQ(std::stoul(m[2]), stats.sites - stats.original - stats.refused);
  EXPECT_EQ(std::stoul(m[3]), stats.original);
  EXPECT_EQ(std::stoul(m[4]), stats.refused);
  EXPECT_EQ(std::stoul(m[5]), stats.patched);

  bool probe_named = false;
  for (std::size_t i = 2; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind("altpv: site ", 0), 0u) << lines[i];
    EXPECT_EQ(lines[i].find("<_Z"), std::string::npos) << "mangled: " << lines[i];
    if (lines[i].find("<altpv::testing::report_probe(int)+") != std::string::npos) {
      probe_named = true;
    }
  }
  EXPECT_TRUE(probe_named) << "no line names altpv::testing::report_probe(int)";
}

// The start-up path, in a fresh process: $ALTPV_DEBUG prints the same report
// on stderr for the pass that patch_process_at_startup() makes.
TEST(ReportPrinter, AltpvDebugPrintsTheReportAtStartUp) {
  const ProgramRun run = run_program({ALTPV_PROCESS_HELPER, "startup", "backend"},
                                     {"ALTPV_FEATURES=+pv", "ALTPV_DEBUG=1"});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::regex report(
      "altpv: features [a-z_,]*pv; backend test\n"
      "altpv: [0-9]+ sites: [0-9]+ patched, [0-9]+ kept original, 0 refused "
      "\\([0-9]+ rewritten\\)\n"
      "altpv: site [0-9]+ @0x[0-9a-f]+ <");
  EXPECT_TRUE(std::regex_search(run.output, report)) << run.output;
}

}  // namespace
}  // namespace altpv::testing
