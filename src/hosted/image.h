// SPDX-License-Identifier: MIT
// The image this copy of altpv is linked into: the executable, or a shared
// library built against libaltpv.a. libaltpv is compiled with hidden
// visibility, so every image that links it runs its own copy, and each copy
// reads its own image's section bounds (hosted only).
#pragma once

#include <cstdint>
#include <string>

#include "altpv/engine/key_sites.h"
#include "altpv/engine/site_records.h"
#include "altpv/patcher.h"

namespace altpv::hosted {

struct ImageText {
  std::uintptr_t begin = 0;  // the executable segments, lowest to highest
  std::uintptr_t end = 0;
  std::string path;  // as the dynamic linker loaded it
};

// This copy's image; empty when the program headers do not show it.
ImageText this_image();

// Its feature sites (altpv_sites) and its key sites (altpv_key_sites).
SiteTable this_image_site_table();
KeyTable this_image_key_table();

// Plans and applies this image's feature sites through a ProcessTextWriter,
// with no thread check: for callers that know no thread runs them.
ApplyStats patch_image(const FeatureSet& features, const Backend* backend,
                       DecisionObserver* observer);

}  // namespace altpv::hosted
