// SPDX-License-Identifier: MIT
// Patching the sites of a running Linux process (hosted only).
//
// Limits, by design for now: patch before other threads run the sites (at
// the start of main). Sites in the image that links this library are
// patched; each shared library that declares sites links its own copy and
// calls patch_process() itself. Live patching of running code is future work.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "altpv/backend.h"
#include "altpv/engine/site_records.h"
#include "altpv/features.h"
#include "altpv/patcher.h"

namespace altpv::hosted {

// The environment variable holding feature overrides ("-rdpid,+pv").
inline constexpr const char* kFeaturesEnv = "ALTPV_FEATURES";
// Set (to anything) to print the decision report on stderr.
inline constexpr const char* kDebugEnv = "ALTPV_DEBUG";

struct ProcessFeatures {
  bool ok = false;
  FeatureSet features;
  std::string error;  // names the offending item when !ok
};

// CPUID features plus `overrides`. Clearing any bit is allowed, as is forcing
// a synthetic one; forcing an instruction the CPU lacks is refused, because a
// process cannot emulate it.
ProcessFeatures process_features(const FeatureSet& cpu, const char* overrides);

// CPUID plus $ALTPV_FEATURES.
ProcessFeatures process_features();

// The site table and executable range of the image this library is linked into.
SiteTable process_site_table();

// Prints the decision report of a pass to `out` when the pass ends: the
// features and backend in use, the summary, then one line per site with its
// symbol+offset (C++ names demangled).
class ReportPrinter final : public DecisionObserver {
 public:
  explicit ReportPrinter(std::FILE* out) : out_(out) {}
  void on_start(const FeatureSet& features, const Backend* backend) override;
  void on_decision(const Decision& d) override;
  void on_finish(const ApplyStats& stats) override;

 private:
  std::FILE* out_;
  std::string header_;
  std::vector<std::string> sites_;
};

// Plans and applies this image's sites for `features` through a
// ProcessTextWriter; the decisions go to `observer` when given.
ApplyStats patch_process(const FeatureSet& features, const Backend* backend = nullptr,
                         DecisionObserver* observer = nullptr);

// The usual start-up call: features from process_features(), report on
// stderr if $ALTPV_DEBUG is set. On a bad $ALTPV_FEATURES nothing is patched,
// the error is printed, and the result has ok == false.
struct StartupResult {
  bool ok = false;
  ApplyStats stats;
  std::string error;
};
StartupResult patch_process_at_startup(const Backend* backend = nullptr);

}  // namespace altpv::hosted
