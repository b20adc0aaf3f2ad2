// SPDX-License-Identifier: MIT
// Loading the guest's test module after boot: the image is copied to an
// address the guest chooses, its feature sites are patched with the boot's
// decisions (features and backend), and its key sites are attached, so that
// its keys switch live like the guest's own.
#pragma once

#include <cstdint>

#include "altpv/engine/key_sites.h"
#include "altpv/key.h"
#include "altpv/patcher.h"
#include "module/module_header.h"

namespace altpv::guest {

struct LoadedModule {
  std::uintptr_t base = 0;      // where it was copied
  const char* error = nullptr;  // why it could not load, else null
  altpv::ApplyStats patching;
  altpv::AttachResult keys;
  unsigned (*value)() = nullptr;
  unsigned (*arith)(unsigned) = nullptr;
  unsigned (*feature_value)() = nullptr;
};

// Loads the module once per boot; later calls return the same result.
const LoadedModule& load_module();

// Switches the module's key (live, while other vCPUs run its sites).
altpv::KeySwitch set_module_key(bool enabled);

}  // namespace altpv::guest
