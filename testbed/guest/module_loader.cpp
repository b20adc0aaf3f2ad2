// SPDX-License-Identifier: MIT
#include "module_loader.h"

#include <cstring>

#include "boot_patching.h"
#include "live_keys.h"
#include "pv_backend.h"

extern "C" const std::uint8_t guest_module_start[], guest_module_end[];

namespace altpv::guest {
namespace {

constexpr std::size_t kModuleAreaSize = 64 * 1024;
// Not 0, where the module is linked: the copy must work anywhere.
constexpr std::size_t kLoadOffset = 0x3000;
constexpr std::size_t kMaxModuleSites = 16;
constexpr std::size_t kMaxModuleKeySites = 16;

alignas(4096) constinit std::uint8_t module_area[kModuleAreaSize] = {};
constinit std::uint32_t scratch[kMaxModuleSites] = {};
constinit altpv::KeySiteSlot key_slots[kMaxModuleKeySites] = {};
constinit LoadedModule loaded = {};
constinit altpv::Key* module_key = nullptr;

template <typename T>
T at(std::uintptr_t base, const void* offset) {
  return reinterpret_cast<T>(base + reinterpret_cast<std::uintptr_t>(offset));
}

LoadedModule load() {
  LoadedModule m;
  const auto size = static_cast<std::size_t>(guest_module_end - guest_module_start);
  if (size < sizeof(ModuleHeader) || size > kModuleAreaSize - kLoadOffset) {
    m.error = "the module image is too small for its header or too large for the module area";
    return m;
  }
  m.base = reinterpret_cast<std::uintptr_t>(module_area) + kLoadOffset;
  std::memcpy(reinterpret_cast<void*>(m.base), guest_module_start, size);
  const ModuleHeader& h = *reinterpret_cast<const ModuleHeader*>(m.base);
  if (h.magic != kModuleMagic || reinterpret_cast<std::uintptr_t>(h.end) > size) {
    m.error = "the module image has no valid header";
    return m;
  }
  const auto text_begin = at<std::uintptr_t>(m.base, h.text_begin);
  const auto text_end = at<std::uintptr_t>(m.base, h.text_end);
  const altpv::SiteTable sites{at<const SiteRecord*>(m.base, h.sites_begin),
                               at<const SiteRecord*>(m.base, h.sites_end),
                               at<const AltRecord*>(m.base, h.alts_begin),
                               at<const AltRecord*>(m.base, h.alts_end),
                               at<const std::uint8_t*>(m.base, h.repl_begin),
                               at<const std::uint8_t*>(m.base, h.repl_end),
                               text_begin,
                               text_end};
  // The boot's decision: its features, and its backend under PV.
  const altpv::FeatureSet& features = boot_patching().features;
  const altpv::Backend* backend = features.has(Feature::Pv) ? &pv_backend() : nullptr;
  altpv::BootTextWriter writer;
  m.patching = altpv::apply(sites, features, backend, writer, scratch);
  if (m.patching.table_rejected) {
    m.error = "the module has more feature sites than kMaxModuleSites";
    return m;
  }
  altpv::KeyTable keys{sites, at<const KeyRef*>(m.base, h.key_refs_begin),
                       at<const KeyRef*>(m.base, h.key_refs_end)};
  keys.sites.sites_begin = at<const SiteRecord*>(m.base, h.key_sites_begin);
  keys.sites.sites_end = at<const SiteRecord*>(m.base, h.key_sites_end);
  if (keys.size() > kMaxModuleKeySites) {
    m.error = "the module has more key sites than kMaxModuleKeySites";
    return m;
  }
  if (!attach_module_keys(keys, key_slots, kMaxModuleKeySites, &m.keys)) {
    m.error = "no room to register another image's key sites";
    return m;
  }
  module_key = at<altpv::Key*>(m.base, h.key);
  m.value = at<unsigned (*)()>(m.base, reinterpret_cast<const void*>(h.value));
  m.arith = at<unsigned (*)(unsigned)>(m.base, reinterpret_cast<const void*>(h.arith));
  m.feature_value = at<unsigned (*)()>(m.base, reinterpret_cast<const void*>(h.feature_value));
  return m;
}

}  // namespace

const LoadedModule& load_module() {
  if (loaded.base == 0 && loaded.error == nullptr) loaded = load();
  return loaded;
}

altpv::KeySwitch set_module_key(bool enabled) {
  return module_key->set(enabled);
}

}  // namespace altpv::guest
