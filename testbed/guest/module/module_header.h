// SPDX-License-Identifier: MIT
// The header at the start of a guest module: a position-independent image,
// linked at 0 (module.ld), that the guest copies to an address of its choice
// and patches (module_loader.h). Every pointer below is therefore an offset
// from the start of the module; the loader adds the address it chose.
#pragma once

#include <cstdint>

namespace altpv::guest {

inline constexpr std::uint64_t kModuleMagic = 0x31646f4d76706c41;  // "AlpvMod1"

struct ModuleHeader {
  std::uint64_t magic;
  const void* end;  // the module's size
  // Its site tables (altpv_tables.ld) and patchable text.
  const void* sites_begin;
  const void* sites_end;
  const void* alts_begin;
  const void* alts_end;
  const void* repl_begin;
  const void* repl_end;
  const void* key_sites_begin;
  const void* key_sites_end;
  const void* key_refs_begin;
  const void* key_refs_end;
  const void* text_begin;
  const void* text_end;
  // What the guest uses: the module's key, its two key sites (as in
  // live_stress.h) and a feature site.
  const void* key;
  unsigned (*value)();
  unsigned (*arith)(unsigned);
  unsigned (*feature_value)();  // kModuleHypervisor where the boot found a hypervisor, else 0
};

inline constexpr unsigned kModuleHypervisor = 0x4242;

}  // namespace altpv::guest
