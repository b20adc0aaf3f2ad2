// SPDX-License-Identifier: MIT
// Patching the sites of a running Linux process (hosted only).
//
// Every image that links altpv (the executable, each shared library built
// against libaltpv.a, each library loaded later with dlopen) is patched as
// it loads, with its own site table and the process's one feature decision
// (process_decision). The functions below act on the image whose code calls
// them: libaltpv is built with hidden visibility, so each image runs its own
// copy of them, and no image can patch another's sites by accident.
//
// Patching while other threads run is refused unless it goes through the
// live API (altpv/key.h): a thread running a site as it changes could crash.
// docs/live-patching.md has the details.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "altpv/backend.h"
#include "altpv/engine/site_records.h"
#include "altpv/features.h"
#include "altpv/patcher.h"

// In one source file of an image, at namespace scope, this leaves the
// image's feature sites as assembled when it loads; it patches them itself
// later (patch_process, patch_process_at_startup). For programs that must
// choose before anything is patched, and for tests that read sites as the
// assembler laid them out.
#define ALTPV_NO_PATCH_AT_LOAD \
  extern "C" [[gnu::visibility("hidden")]] const bool altpv_no_patch_at_load = true

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

// The process's one decision: process_features() as the first image to ask
// found it (at load, usually), shared by every image. An error is printed
// once, by the image that decided.
ProcessFeatures process_decision();

// The site table and executable range of the calling image.
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

// What a patch call did. When !ok, `error` says why (also on stderr) and
// nothing was written, except when pv is set without a ready backend: then
// only the sites that would call it were refused (stats.no_backend).
struct PatchResult {
  bool ok = false;
  ApplyStats stats;
  std::string error;
};

// Plans and applies the calling image's sites for `features`; the decisions
// go to `observer` when given. Refused, with a message naming the live API,
// when a site would change while other threads run.
PatchResult patch_process(const FeatureSet& features, const Backend* backend = nullptr,
                          DecisionObserver* observer = nullptr);

// The usual start-up call, e.g. to add a backend: patch_process() with the
// process decision, report on stderr if $ALTPV_DEBUG is set. Calling it again,
// or from several images, is harmless: sites already patched count as
// unchanged. On a bad $ALTPV_FEATURES nothing is patched.
PatchResult patch_process_at_startup(const Backend* backend = nullptr);

}  // namespace altpv::hosted
