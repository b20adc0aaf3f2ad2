// SPDX-License-Identifier: MIT
// What happens when an image that links altpv loads (hosted only): its key
// sites are registered, and its feature sites are patched with the process's
// one decision, before any other constructor of the image runs.
//
// Patching here needs no thread check: another thread may be running, but
// not this image's code, which nobody can have called yet (dlopen has not
// returned). Explicit patching later (patch_process) does check.
//
// The altpv CMake target links every image with
// --undefined=altpv_load_image, which pulls this object out of libaltpv.a
// even into an image that calls no altpv function (inline sites only).
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "altpv/hosted/process.h"
#include "hosted/image.h"
#include "hosted/process_live_writer.h"

// Defined by ALTPV_NO_PATCH_AT_LOAD in an image that opts out.
extern "C" [[gnu::weak, gnu::visibility("hidden")]] const bool altpv_no_patch_at_load;

namespace altpv::hosted {
namespace {

// The image's key sites, with a mutex around switches and this image's live
// writer as their platform.
class ProcessKeySites final : public KeySites {
 public:
  ProcessKeySites(const KeyTable& table, std::span<KeySiteSlot> slots)
      : KeySites(table, slots, writer_) {}

  KeySwitch switch_key(Key& key, bool enabled) override {
    const std::lock_guard lock(mutex_);
    return KeySites::switch_key(key, enabled);
  }

 private:
  ProcessLiveWriter writer_{*this};
  std::mutex mutex_;
};

void register_key_sites(const ImageText& image, bool debug) {
  const KeyTable table = this_image_key_table();
  if (table.size() == 0) return;
  // Keys point at these for as long as the image lives: never freed.
  auto* slots = new KeySiteSlot[table.size()];
  auto* sites = new ProcessKeySites(table, std::span<KeySiteSlot>(slots, table.size()));
  const AttachResult r = sites->attach();
  if (r.refused > 0) {
    std::fprintf(stderr, "altpv: %s: %zu key sites refused (invalid records)\n", image.path.c_str(),
                 r.refused);
  }
  if (debug) {
    std::fprintf(stderr, "altpv: %s: %zu key sites, %zu switched on at load\n", image.path.c_str(),
                 r.sites, r.enabled);
  }
}

void patch_at_load(const ImageText& image, const ProcessFeatures& decision, bool debug) {
  const SiteTable table = this_image_site_table();
  if (table.size() == 0 || !decision.ok) return;  // process_decision() said why, once
  if (debug) {
    char features[256];
    format_features(decision.features, features, sizeof features);
    std::fprintf(stderr, "altpv: %s: %zu sites, features %s\n", image.path.c_str(), table.size(),
                 features);
  }
  ReportPrinter printer(stderr);
  patch_image(decision.features, nullptr, debug ? &printer : nullptr);
}

}  // namespace

}  // namespace altpv::hosted

// Priority 101, the first an image may use: before the image's own
// constructors, which may already run sites.
extern "C" [[gnu::constructor(101)]] void altpv_load_image() {
  using namespace altpv::hosted;
  const ImageText image = this_image();
  const bool debug = std::getenv(kDebugEnv) != nullptr;
  // Decided as the first image loads (the executable, usually), even one
  // without sites: a library loaded later gets the decision of the start.
  const ProcessFeatures decision = process_decision();
  register_key_sites(image, debug);
  if (&altpv_no_patch_at_load == nullptr) patch_at_load(image, decision, debug);
}
