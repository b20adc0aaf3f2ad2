// SPDX-License-Identifier: MIT
#include "altpv/hosted/process.h"

#include <cstdlib>
#include <vector>

#include "hosted/image.h"

namespace altpv::hosted {
namespace {

bool is_cpuid_feature(unsigned bit) {
  return !feature_is_synthetic(bit);
}

// Plans without storing anything: what a patch would change.
class DryRunWriter final : public TextWriter {
 public:
  bool write(std::uintptr_t, const std::uint8_t*, std::size_t) override { return true; }
  void sync() override {}
};

// Threads of this process (/proc/self/status), or 0 when it cannot be read.
std::size_t thread_count() {
  std::FILE* status = std::fopen("/proc/self/status", "re");
  if (status == nullptr) return 0;
  std::size_t threads = 0;
  char line[256];
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "Threads: %zu", &threads) == 1) break;
  }
  std::fclose(status);
  return threads;
}

}  // namespace

ProcessFeatures process_features(const FeatureSet& cpu, const char* overrides) {
  ProcessFeatures out;
  const OverrideResult r = apply_overrides(cpu, overrides != nullptr ? overrides : "");
  if (!r.ok) {
    char why[512];
    format_override_error(overrides, why, sizeof why);
    out.error = std::string(kFeaturesEnv) + ": " + why;
    return out;
  }
  for (unsigned bit = 0; bit < ALTPV_FEATURE_COUNT; ++bit) {
    const bool forced = ((r.forced >> bit) & 1) != 0;
    if (forced && is_cpuid_feature(bit) && !cpu.has_bit(bit)) {
      out.error = std::string(kFeaturesEnv) + ": cannot force +" + feature_name(bit) +
                  ": this CPU lacks it and a process cannot emulate it";
      return out;
    }
  }
  out.ok = true;
  out.features = r.features;
  return out;
}

ProcessFeatures process_features() {
  return process_features(detect_cpu_features(), std::getenv(kFeaturesEnv));
}

SiteTable process_site_table() {
  return this_image_site_table();
}

PatchResult patch_process(const FeatureSet& features, const Backend* backend,
                          DecisionObserver* observer) {
  PatchResult result;
  const SiteTable table = this_image_site_table();
  std::vector<std::uint32_t> scratch(table.size());
  DryRunWriter dry_run;
  const ApplyStats planned = apply(table, features, backend, dry_run, scratch);
  // With one thread, this one, nobody can start another before the writes.
  const std::size_t threads = planned.patched > 0 ? thread_count() : 0;
  if (threads > 1) {
    result.stats = planned;
    result.stats.refused += planned.patched;
    result.stats.patched = 0;
    result.error = "not patching " + this_image().path + ": " + std::to_string(planned.patched) +
                   " sites would change while " + std::to_string(threads) +
                   " threads run, and a thread that runs a site as it changes may crash. Patch "
                   "before starting threads (each image is patched as it loads), or switch "
                   "sites while threads run with altpv::Key (altpv/key.h, "
                   "docs/live-patching.md)";
    std::fprintf(stderr, "altpv: %s\n", result.error.c_str());
    return result;
  }
  result.stats = patch_image(features, backend, observer);
  result.ok = !result.stats.table_rejected;
  // The planner refused the sites that would call a backend; say why here,
  // or the first MSR access is an unexplained SIGSEGV.
  if (result.stats.no_backend > 0) {
    result.ok = false;
    result.error = std::string(kFeaturesEnv) + ": pv is set, but " +
                   (backend == nullptr ? std::string("no backend was given")
                                       : "backend '" + std::string(backend->name()) +
                                             "' is not ready (no handler set)") +
                   ": " + std::to_string(result.stats.no_backend) +
                   " sites that call it were refused and keep their native instruction";
    std::fprintf(stderr, "altpv: %s (%s=1 lists them)\n", result.error.c_str(), kDebugEnv);
  }
  return result;
}

PatchResult patch_process_at_startup(const Backend* backend) {
  const ProcessFeatures f = process_decision();
  if (!f.ok) {
    PatchResult result;
    result.stats.sites = this_image_site_table().size();
    result.error = f.error;
    return result;
  }
  ReportPrinter printer(stderr);
  return patch_process(f.features, backend, std::getenv(kDebugEnv) != nullptr ? &printer : nullptr);
}

}  // namespace altpv::hosted
