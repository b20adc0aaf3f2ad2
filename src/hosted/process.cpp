// SPDX-License-Identifier: MIT
#include "altpv/hosted/process.h"

#include <link.h>

#include <cstdlib>
#include <vector>

#include "altpv/linked_site_table.h"
#include "hosted/process_text_writer.h"

namespace altpv::hosted {
namespace {

struct TextRange {
  std::uintptr_t probe = 0;
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
};

// The executable segments of the module that contains `probe`.
int find_text(dl_phdr_info* info, std::size_t, void* data) {
  auto* range = static_cast<TextRange*>(data);
  std::uintptr_t lo = UINTPTR_MAX, hi = 0;
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_LOAD) continue;
    const std::uintptr_t start = info->dlpi_addr + ph.p_vaddr;
    if (range->probe >= start && range->probe < start + ph.p_memsz) contains = true;
    if ((ph.p_flags & PF_X) == 0) continue;
    lo = std::min(lo, start);
    hi = std::max(hi, start + ph.p_memsz);
  }
  if (!contains || hi == 0) return 0;
  range->begin = lo;
  range->end = hi;
  return 1;
}

bool is_cpuid_feature(unsigned bit) {
  return !feature_is_synthetic(bit);
}

}  // namespace

ProcessFeatures process_features(const FeatureSet& cpu, const char* overrides) {
  ProcessFeatures out;
  const OverrideResult r = apply_overrides(cpu, overrides != nullptr ? overrides : "");
  if (!r.ok) {
    out.error = std::string(kFeaturesEnv) + ": unknown feature '" + std::string(r.bad_item) + "'";
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
  TextRange range{reinterpret_cast<std::uintptr_t>(__start_altpv_sites)};
  if (range.probe != 0) dl_iterate_phdr(find_text, &range);
  return linked_site_table(range.begin, range.end);
}

ApplyStats patch_process(const FeatureSet& features, const Backend* backend,
                         DecisionObserver* observer) {
  const SiteTable table = process_site_table();
  std::vector<std::uint32_t> scratch(table.size());
  ProcessTextWriter writer;
  return apply(table, features, backend, writer, scratch, observer);
}

StartupResult patch_process_at_startup(const Backend* backend) {
  StartupResult result;
  const ProcessFeatures f = process_features();
  if (!f.ok) {
    result.error = f.error;
    std::fprintf(stderr, "altpv: %s; nothing patched\n", f.error.c_str());
    return result;
  }
  ReportPrinter printer(stderr);
  result.stats =
      patch_process(f.features, backend, std::getenv(kDebugEnv) != nullptr ? &printer : nullptr);
  result.ok = !result.stats.table_rejected;
  return result;
}

}  // namespace altpv::hosted
